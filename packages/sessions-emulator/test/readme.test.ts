// Runs the README examples as users run them: each ```js block of this package's README is written to a file in a
// temporary folder where `@x/sessions-emulator` (and `@x/sessions-sdk`, for the example that uses both) resolve to the
// workspace packages, and run with Node. The emulators the examples start listen on 127.0.0.1 only.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
const examples = [...readme.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runScript(dir: string, file: string): Promise<Run> {
  return new Promise((resolve) => {
    const env = { PATH: process.env.PATH ?? '', HOME: dir };
    execFile(process.execPath, [file], { cwd: dir, env, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

/** What each example must print, matched on a distinctive part of its code. */
const expectations: Array<{ match: RegExp; check: (run: Run) => void }> = [
  {
    match: /emu\.advance\(3_600_000\)/,
    check: (run) => {
      const [address, activity, requests] = run.stdout.trimEnd().split('\n');
      expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+ emulator-client emulator-secret$/);
      expect(activity).toMatch(/^grown \d+, escalated \d+, arrived [1-9]\d*$/);
      expect(requests).toBe('0 API requests so far');
    },
  },
  {
    match: /from '@x\/sessions-sdk'/,
    check: (run) => {
      const [count, change, ...log] = run.stdout.trimEnd().split('\n');
      expect(count).toMatch(/^[1-9]\d* open sessions with alerts$/);
      expect(change).toMatch(/^\d+_\d+: OPEN -> CLOSED_FP$/);
      expect(log).toEqual([
        'POST /v1/oauth 200',
        'GET /v1/sessions 200',
        'POST /v1/sessions/change-state 204',
        expect.stringMatching(/^GET \/v1\/sessions\/\d+_\d+ 200$/),
      ]);
    },
  },
];

describe('README examples', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'emulator-readme-'));
    mkdirSync(join(dir, 'node_modules', '@x'), { recursive: true });
    symlinkSync(packageDir, join(dir, 'node_modules', '@x', 'sessions-emulator'), 'dir');
    // The SDK is a devDependency of this package: link the workspace copy pnpm installed.
    symlinkSync(realpathSync(join(packageDir, 'node_modules', '@x', 'sessions-sdk')), join(dir, 'node_modules', '@x', 'sessions-sdk'), 'dir');
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('has an expectation for every example, an example for every expectation, and no untested shell block', () => {
    expect(readme).not.toMatch(/^```sh$/m);
    for (const code of examples) expect(expectations.filter((e) => e.match.test(code)), code).toHaveLength(1);
    for (const expectation of expectations) {
      expect(examples.filter((code) => expectation.match.test(code)), String(expectation.match)).toHaveLength(1);
    }
  });

  it.each(examples.map((code, index) => [index + 1, code] as const))('runs example %i and prints what it says', async (n, code) => {
    const expectation = expectations.find((e) => e.match.test(code));
    expect(expectation).toBeDefined();
    writeFileSync(join(dir, `example-${n}.mjs`), code);
    const run = await runScript(dir, `example-${n}.mjs`);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expectation?.check(run);
  }, 30_000);
});
