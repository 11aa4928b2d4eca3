import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A loopback HTTPS server with a throwaway self-signed certificate (made with the openssl command). */
export async function startTlsServer(): Promise<{ url: string; requests: number; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'sdk-tls-'));
  let server: Server;
  try {
    await run(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-subj',
        '/CN=localhost',
        '-days',
        '1',
      ],
      { cwd: dir, timeout: 30_000 },
    ).catch((error: unknown) => {
      throw new Error(
        'this test makes a throwaway certificate with the openssl command: install it (apt-get install -y openssl)',
        { cause: error },
      );
    });
    const [key, cert] = await Promise.all([readFile(join(dir, 'key.pem')), readFile(join(dir, 'cert.pem'))]);
    server = createServer({ key, cert }, (_request, response) => {
      state.requests += 1;
      response.end('{}');
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const state = { requests: 0 };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
