// Runs the README examples as users run them: each ```js block of this package's README (and the root README's blocks
// that import @x/syslog-out first) is written to a file in a temporary folder where `@x/syslog-out` resolves to this
// package, and run with Node against an in-process TCP receiver on 127.0.0.1 (SYSLOG_TARGET).
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  codeBlocks,
  exampleFolder,
  expectPaired,
  octetFrames,
  startByteReceiver,
  type ByteReceiver as Receiver,
  type ExampleFolder,
  type ExampleRun as Run,
} from '@x/vitest-config/readme';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patient } from '@x/vitest-config/patience';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const PACKAGE = '@x/syslog-out';

/** A port on 127.0.0.1 where nothing listens (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const examples = [
  ...codeBlocks(join(packageDir, 'README.md'), 'js'),
  ...codeBlocks(join(packageDir, '..', '..', 'README.md'), 'js', PACKAGE),
];

/** What each example must print and deliver, matched on a distinctive part of its code. */
const expectations: Array<{ match: RegExp; refused?: boolean; check: (run: Run, receiver: Receiver) => void }> = [
  {
    // 10,000 RFC 5424 records, octet-counted, facility local4 (PRI 20*8+6 = 166), in two confirmed batches.
    match: /framing: 'octet-counting'/,
    check: (run, receiver) => {
      expect(run.stdout).toMatch(/^10000 records, \d+ confirmed batches\n$/);
      const frames = receiver.streams.flatMap(octetFrames);
      expect(frames).toHaveLength(10_000);
      expect(receiver.streams.length).toBeGreaterThanOrEqual(2);
      expect(frames[0]).toMatch(/^<166>1 \S+ \S+ incydr \S+ - - \{"seq":1,"event":"demo"\}$/);
      expect(frames.at(-1)).toMatch(/\{"seq":10000,"event":"demo"\}$/);
    },
  },
  {
    // Nothing listens: the error is reported in one line, with its class and whether a retry may help.
    match: /SyslogError/,
    refused: true,
    check: (run) => {
      expect(run.stdout).toMatch(/^Syslog\w*Error \(retryable: (true|false)\): .*(refused|ECONNREFUSED)/i);
      expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
      expect(run.code).toBe(1);
    },
  },
  {
    // The root README's example: two bare JSON lines, confirmed.
    match: /sessionId: 'demo-1'/,
    check: (run, receiver) => {
      expect(run.stdout).toBe('confirmed 2 records\n');
      expect(Buffer.concat(receiver.streams).toString('utf8')).toBe(
        '{"sessionId":"demo-1","state":"OPEN"}\n{"sessionId":"demo-2","state":"CLOSED_TP"}\n',
      );
    },
  },
];

describe('README examples', () => {
  let folder: ExampleFolder;

  beforeAll(() => {
    folder = exampleFolder('syslog-readme-', { [PACKAGE]: packageDir });
  });

  afterAll(() => {
    folder.remove();
  });

  it('has an expectation for every example, an example for every expectation, and no untested shell block', () => {
    expect(readFileSync(join(packageDir, 'README.md'), 'utf8')).not.toMatch(/^```sh$/m);
    expectPaired(examples, expectations);
  });

  it.each(examples.map((example, index) => [`${example.source} #${index + 1}`, example] as const))(
    'runs %s and delivers what it says',
    async (_name, example) => {
      const expectation = expectations.find((e) => e.match.test(example.code));
      expect(expectation).toBeDefined();
      const receiver = await startByteReceiver();
      try {
        const port = expectation?.refused === true ? await closedPort() : receiver.port;
        const run = await folder.run(examples.indexOf(example) + 1, example.code, {
          SYSLOG_TARGET: `TCP:127.0.0.1:${port}`,
        });
        expect(run.stderr).toBe('');
        if (expectation?.refused !== true) expect(run.code).toBe(0);
        expectation?.check(run, receiver);
      } finally {
        await receiver.close();
      }
    },
    patient(30_000),
  );
});
