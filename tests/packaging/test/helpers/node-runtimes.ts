// Newer Node majors for the packaging tests, from the npm registry's `node` package (its preinstall script fetches
// the platform's binary package), kept in a cache folder and reused while it holds the right major.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, ok, run } from './process.js';

/** A Node binary to run the installed packages with. */
export interface NodeRuntime {
  major: number;
  /** `process.version` of that binary. */
  version: string;
  /** The folder holding the `node` binary, to put first on PATH (bins start with `#!/usr/bin/env node`). */
  binDir: string;
}

async function probe(binDir: string, major: number): Promise<NodeRuntime | undefined> {
  const node = join(binDir, 'node');
  if (!existsSync(node)) return undefined;
  const result = await run(node, ['-p', 'process.version'], { cwd: binDir, timeoutMs: 30_000 });
  const version = result.stdout.trim();
  return result.code === 0 && version.startsWith(`v${major}.`) ? { major, version, binDir } : undefined;
}

/**
 * The newest Node `major` from the npm registry, downloaded once into `cacheDir` (about 190 MB each; `npmArgs` go
 * to that `npm install`). Throws a message naming the failed step: the packaging checks need these runtimes, so a
 * failed download fails them.
 */
export async function nodeRuntime(
  major: number,
  cacheDir: string,
  npmArgs: readonly string[] = [],
): Promise<NodeRuntime> {
  const dir = join(cacheDir, `node-${major}`);
  const binDir = (root: string): string => join(root, 'node_modules', 'node', 'bin');
  const cached = await probe(binDir(dir), major);
  if (cached !== undefined) return cached;

  // Install beside the cache entry and rename it into place, so a half-finished download is never reused and two
  // runs at once do not install into the same folder.
  mkdirSync(cacheDir, { recursive: true });
  const staging = `${dir}.${process.pid}.${Date.now()}`;
  mkdirSync(staging);
  try {
    // npm 11 warns about install scripts not listed in `allowScripts` (and a later npm will block them); the
    // `node` package needs its preinstall script to fetch the binary.
    writeFileSync(
      join(staging, 'package.json'),
      `${JSON.stringify({ name: `node-${major}-runtime`, private: true, allowScripts: { node: true } })}\n`,
    );
    try {
      await ok('npm', ['install', '--no-audit', '--no-fund', '--no-update-notifier', ...npmArgs, `node@${major}`], {
        cwd: staging,
        env: cleanEnv(),
        timeoutMs: 240_000,
      });
    } catch (error) {
      throw new Error(
        `cannot download Node ${major} from the npm registry (npm install node@${major}); the packaging tests need it: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const runtime = await probe(binDir(staging), major);
    if (runtime === undefined) {
      throw new Error(`npm install node@${major} left no working Node ${major} binary in ${binDir(staging)}`);
    }
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(staging, dir);
    } catch {
      // Another run put its copy in place first: use that one.
      const other = await probe(binDir(dir), major);
      if (other !== undefined) return other;
      throw new Error(`cannot move the Node ${major} download into ${dir}`);
    }
    const moved = await probe(binDir(dir), major);
    if (moved === undefined) throw new Error(`the Node ${major} binary in ${dir} does not run after the move`);
    return moved;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
