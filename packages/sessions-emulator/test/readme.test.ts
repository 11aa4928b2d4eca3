// Runs the README examples as users run them: each ```js block of this package's README is written to a file in a
// temporary folder where `@x/sessions-emulator` (and `@x/sessions-sdk`, for the example that uses both) resolve to the
// workspace packages, and run with Node. The emulators the examples start listen on 127.0.0.1 only.
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  codeBlocks,
  exampleFolder,
  expectPaired,
  type ExampleFolder,
  type ExampleRun as Run,
} from '@x/vitest-config/readme';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patient } from '@x/vitest-config/patience';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
const examples = codeBlocks(join(packageDir, 'README.md'), 'js');

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
  let folder: ExampleFolder;

  beforeAll(() => {
    folder = exampleFolder('emulator-readme-', {
      '@x/sessions-emulator': packageDir,
      // The SDK is a devDependency of this package: link the workspace copy pnpm installed.
      '@x/sessions-sdk': realpathSync(join(packageDir, 'node_modules', '@x', 'sessions-sdk')),
    });
  });

  afterAll(() => {
    folder.remove();
  });

  it('has an expectation for every example, an example for every expectation, and no untested shell block', () => {
    expect(readme).not.toMatch(/^```sh$/m);
    expectPaired(examples, expectations);
  });

  it.each(examples.map((example, index) => [index + 1, example.code] as const))(
    'runs example %i and prints what it says',
    async (n, code) => {
      const expectation = expectations.find((e) => e.match.test(code));
      expect(expectation).toBeDefined();
      const run = await folder.run(n, code);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expectation?.check(run);
    },
    patient(30_000),
  );
});
