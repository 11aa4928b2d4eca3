import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExitError } from '../failures.js';
import { listenAddressText, type ListenAddress } from './listen-address.js';

/** What the listener answers with. */
export interface ListenerRoutes {
  /** The names of the pipelines that are not ready (`/readyz`); none: ready. */
  unready(): string[];
  /** The metrics (`/metrics`). */
  metrics(): Promise<{ contentType: string; text: string }>;
}

/** The HTTP listener of `incydr forward --listen`. */
export interface Listener {
  /** Where it listens, as bound (the port chosen when 0 was asked): `127.0.0.1:9464`. */
  readonly address: string;
  /** Stop listening and drop every connection (an idle keep-alive one included): the stop never waits on a scraper. */
  close(): Promise<void>;
}

/**
 * Listen on `address` for `GET /healthz` (200 while the process runs), `/readyz` (200, or 503 naming the unready
 * pipelines) and `/metrics`; other paths get 404, other methods 405. A port that cannot be bound is an exit 1.
 */
export async function startListener(address: ListenAddress, routes: ListenerRoutes): Promise<Listener> {
  const server = createServer((request, response) => {
    answer(request, response, routes).catch((error: unknown) => {
      reply(response, 500, `${(error as Error).message}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address.host, port: address.port }, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: unknown) => {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new ExitError(`cannot listen on ${listenAddressText(address)}: ${code ?? message}`);
  });
  // A listener error after the start (none is expected) must not end the service.
  server.on('error', () => undefined);
  const bound = server.address() as AddressInfo;
  return {
    address: listenAddressText({ host: bound.address, port: bound.port }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function answer(request: IncomingMessage, response: ServerResponse, routes: ListenerRoutes): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://listener').pathname;
  if (path !== '/healthz' && path !== '/readyz' && path !== '/metrics') return reply(response, 404, 'not found\n');
  if (request.method !== 'GET') {
    response.setHeader('allow', 'GET');
    return reply(response, 405, 'method not allowed\n');
  }
  if (path === '/healthz') return reply(response, 200, 'ok\n');
  if (path === '/readyz') {
    const unready = routes.unready();
    return unready.length === 0
      ? reply(response, 200, 'ready\n')
      : reply(response, 503, `not ready: ${unready.join(', ')}\n`);
  }
  const { contentType, text } = await routes.metrics();
  reply(response, 200, text, contentType);
}

function reply(
  response: ServerResponse,
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  response.end(body);
}
