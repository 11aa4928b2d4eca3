import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { patient } from '@x/vitest-config/patience';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

/** Newest modification time of the files `tsc -p tsconfig.build.json` compiles. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (!entry.name.includes('.test')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Build the package unless `dist` is newer than every source file (the test task builds first; a lone run may not). */
export async function buildOnce(): Promise<void> {
  const dist = join(packageDir, 'dist', 'index.js');
  if (existsSync(dist) && statSync(dist).mtimeMs >= newestSource(join(packageDir, 'src'))) return;
  const tsc = join(packageDir, 'node_modules', '.bin', 'tsc');
  await new Promise<void>((resolve, reject) => {
    execFile(tsc, ['-p', 'tsconfig.build.json'], { cwd: packageDir, timeout: patient(120_000) }, (error, stdout) => {
      if (error === null) resolve();
      else reject(new Error(`tsc -p tsconfig.build.json failed: ${error.message}\n${stdout}`, { cause: error }));
    });
  });
}
