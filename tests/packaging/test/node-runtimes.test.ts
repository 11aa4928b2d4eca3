import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeRuntime } from './helpers/node-runtimes.js';
import { patient } from '@x/vitest-config/patience';

const cacheDir = mkdtempSync(join(tmpdir(), 'packaging-node-cache-'));

afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

describe('nodeRuntime', () => {
  it(
    'fails with a message naming the download when the registry cannot be reached',
    async () => {
      const registry = `http://127.0.0.1:${await closedPort()}/`;
      await expect(
        nodeRuntime(22, cacheDir, [
          '--registry',
          registry,
          '--fetch-retries',
          '0',
          '--prefer-online',
          '--cache',
          join(cacheDir, 'npm-cache'),
        ]),
      ).rejects.toThrow(
        /^cannot download Node 22 from the npm registry \(npm install node@22\); the packaging tests need it/,
      );
    },
    patient(60_000),
  );
});
