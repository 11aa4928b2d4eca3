// The README's test command: check the formatting, build, typecheck, lint and test every package through turbo, then
// print how long that took and, last, one summary line `N passed, N failed` (CI reads it; vitest's own summary is per
// package).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const began = Date.now();
const root = new URL('..', import.meta.url).pathname;
// Packages, and the private test-only packages under tests/ (the packaging checks).
const resultFiles = ['packages', 'tests']
  .map((dir) => join(root, dir))
  .filter((dir) => existsSync(dir))
  .flatMap((dir) => readdirSync(dir).map((name) => join(dir, name, 'test-results', 'vitest.json')));
for (const file of resultFiles) rmSync(file, { force: true });

// Formatting first: a file Prettier would change fails the run, named with the command that fixes it. The check is
// package.json's `format:check` script itself (run as pnpm would: by the shell, with node_modules/.bin on the PATH), so
// its glob and flags are written once.
const formatCheck = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts['format:check'];
const format = spawnSync(formatCheck, {
  cwd: root,
  shell: true,
  stdio: 'inherit',
  env: { ...process.env, PATH: [join(root, 'node_modules', '.bin'), process.env.PATH].join(delimiter) },
});
if (format.error) console.error(`cannot run the format:check script (${formatCheck}): ${format.error.message}`);
const formatFailed = format.status !== 0;
if (formatFailed) console.error('the files above are not formatted: run `npx --yes pnpm@10.34.9 format`');

const turbo = spawnSync(
  join(root, 'node_modules', '.bin', 'turbo'),
  ['run', 'build', 'typecheck', 'lint', 'test', '--continue', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  },
);

if (turbo.error) console.error(`cannot run turbo: ${turbo.error.message}`);

let passed = 0;
let failed = 0;
for (const file of resultFiles) {
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  // Suites that crash before running (an import error) count as failures too.
  failed +=
    report.numFailedTests +
    (report.testResults ?? []).filter((r) => r.status === 'failed' && r.assertionResults.length === 0).length;
}
const pipelineFailed = turbo.status !== 0 || formatFailed;
if (pipelineFailed && failed === 0) {
  console.error('the formatting check, or a build, typecheck, lint or test task failed (see above)');
  failed = 1;
}
const seconds = Math.round((Date.now() - began) / 1000);
console.error(`the test command took ${Math.floor(seconds / 60)} min ${seconds % 60} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(pipelineFailed || failed > 0 ? 1 : 0);
