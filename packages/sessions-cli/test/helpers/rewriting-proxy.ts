// A loopback HTTP server in front of another one (the emulator) that passes every request on and lets a test change
// the JSON it answers: the emulator's records with other text in them, without a second API to keep in step.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running proxy: its base URL, and `close` to stop it. */
export interface RewritingProxy {
  url: string;
  close(): Promise<void>;
}

/** Start a proxy on 127.0.0.1 for `target`; `rewrite` gets each JSON answer's path and body and returns the body. */
export async function startRewritingProxy(
  target: string,
  rewrite: (path: string, body: unknown) => unknown,
): Promise<RewritingProxy> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const name of ['authorization', 'content-type', 'accept']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const method = req.method ?? 'GET';
      const body = method === 'GET' || method === 'HEAD' ? undefined : Buffer.concat(chunks);
      fetch(new URL(req.url ?? '/', target), { method, headers, ...(body === undefined ? {} : { body }) })
        .then(async (answer) => {
          const type = answer.headers.get('content-type') ?? 'application/octet-stream';
          let text = await answer.text();
          if (type.startsWith('application/json') && text !== '') {
            const path = new URL(req.url ?? '/', target).pathname;
            text = JSON.stringify(rewrite(path, JSON.parse(text) as unknown));
          }
          res.writeHead(answer.status, { 'content-type': type });
          res.end(text);
        })
        .catch((error: unknown) => {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ msg: `proxy: ${(error as Error).message}` }));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
