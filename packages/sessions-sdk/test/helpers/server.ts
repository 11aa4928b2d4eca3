import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClientOptions } from '../../src/index.js';

/** A request as the test server saw it. */
export interface Recorded {
  method: string;
  /** Raw path as sent, before `?`. */
  path: string;
  /** Raw query string after `?` (without it), or ''. */
  query: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Requests (token calls aside) the server was handling when this one arrived, this one included. */
  concurrent: number;
}

/** What a route answers; `destroy` drops the connection without an answer, `hang` never answers. */
export interface Reply {
  status?: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
  delayMs?: number;
  destroy?: boolean;
  hang?: boolean;
}

export type Route = (request: Recorded) => Reply | Promise<Reply>;

/** A loopback HTTP server that speaks enough of the API for the SDK tests and records every request. */
export interface TestServer {
  url: string;
  /** Every request except token calls, in arrival order. */
  requests: Recorded[];
  /** Token calls (`POST /v1/oauth`). */
  tokenRequests: Recorded[];
  /** Requests (token calls aside) received and not yet answered or dropped. */
  inFlight: number;
  /** The highest `inFlight` seen. */
  maxInFlight: number;
  /** `expires_in` of issued tokens, in seconds. */
  tokenTtlSec: number;
  /** How long the server itself accepts an issued token, in seconds. */
  tokenValidSec: number;
  /** Delay of token answers, in milliseconds. */
  tokenDelayMs: number;
  /** Answer `METHOD /path` (raw, encoded path) with this route. */
  on(key: string, route: Route): void;
  /** Answer `key` with the listed replies in turn, then the last one forever. */
  sequence(key: string, replies: Reply[]): void;
  /** Forget every token so that its next use gets 401. */
  revokeAll(): void;
  /** Accept a bearer token issued elsewhere (a refresh route) for this many seconds. */
  accept(token: string, ttlSec: number): void;
  /** How many client connections the server holds open. */
  openConnections(): Promise<number>;
  close(): Promise<void>;
}

export const CLIENT_ID = 'key-0123456789';
export const CLIENT_SECRET = 'secret-s3cr3t-value-0987';

/**
 * Start a server on 127.0.0.1 with a token endpoint (Basic auth with CLIENT_ID/CLIENT_SECRET) and bearer checks;
 * `keepAliveTimeoutMs` is how long it keeps an idle connection open (Node's default 5 s).
 */
export async function startTestServer(options: { keepAliveTimeoutMs?: number } = {}): Promise<TestServer> {
  const routes = new Map<string, Route>();
  const valid = new Map<string, number>();
  let issued = 0;
  const state: TestServer = {
    url: '',
    requests: [],
    tokenRequests: [],
    inFlight: 0,
    maxInFlight: 0,
    tokenTtlSec: 900,
    tokenValidSec: 900,
    tokenDelayMs: 0,
    on: (key, route) => routes.set(key, route),
    sequence: (key, replies) => {
      let call = 0;
      routes.set(key, () => replies[Math.min(call++, replies.length - 1)] ?? {});
    },
    revokeAll: () => valid.clear(),
    accept: (token, ttlSec) => valid.set(token, Date.now() + ttlSec * 1000),
    openConnections: () =>
      new Promise((resolve, reject) =>
        server.getConnections((error, count) => (error === null ? resolve(count) : reject(error))),
      ),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, { status: 500, json: { message: String(error) } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const [path = '', query = ''] = (req.url ?? '').split(/\?(.*)/s);
    const recorded: Recorded = {
      method: req.method ?? '',
      path,
      query,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      concurrent: 0,
    };
    if (recorded.method === 'POST' && path.endsWith('/v1/oauth')) {
      state.tokenRequests.push(recorded);
      const expected = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
      const custom = routes.get('POST /v1/oauth');
      if (custom !== undefined) return send(res, await custom(recorded));
      if (req.headers.authorization !== expected) return send(res, { status: 401, json: { error: 'invalid_client' } });
      issued += 1;
      const token = makeJwt({ tenantUid: 'tenant-7', n: issued });
      valid.set(token, Date.now() + state.tokenValidSec * 1000);
      return send(res, {
        json: { token_type: 'bearer', expires_in: state.tokenTtlSec, access_token: token },
        delayMs: state.tokenDelayMs,
      });
    }
    state.inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    recorded.concurrent = state.inFlight;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      state.inFlight -= 1;
    };
    // 'finish' when the answer is handed to the socket, 'close' when the client dropped the request first.
    res.once('finish', finish);
    res.once('close', finish);
    state.requests.push(recorded);
    const route = routes.get(`${recorded.method} ${path}`);
    const isRefresh = route !== undefined && path === '/v1/refresh';
    if (!isRefresh) {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const expiry = token === undefined ? undefined : valid.get(token);
      if (expiry === undefined || expiry < Date.now()) {
        return send(res, { status: 401, json: { message: 'Invalid or expired token' } });
      }
    }
    if (route === undefined)
      return send(res, { status: 404, json: { message: `no route ${recorded.method} ${path}` } });
    send(res, await route(recorded));
  }

  function send(res: ServerResponse, reply: Reply): void {
    if (reply.hang === true) return;
    if (reply.destroy === true) {
      res.socket?.destroy();
      return;
    }
    const write = (): void => {
      const headers = { ...reply.headers };
      let body = reply.text ?? '';
      if (reply.json !== undefined) {
        body = JSON.stringify(reply.json);
        headers['content-type'] ??= 'application/json';
      }
      res.writeHead(reply.status ?? 200, headers);
      res.end(body);
    };
    if (reply.delayMs === undefined) write();
    else setTimeout(write, reply.delayMs);
  }

  if (options.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = options.keepAliveTimeoutMs;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

/** An unsigned JWT-shaped token carrying the given claims. */
export function makeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

/** Client options for this server with nothing read from the developer's environment or files. */
export function clientOptions(server: TestServer, extra: ClientOptions = {}): ClientOptions {
  return {
    url: server.url,
    apiClientId: CLIENT_ID,
    apiClientSecret: CLIENT_SECRET,
    env: {},
    envFile: null,
    logStderr: false,
    maxRetryDelayMs: 2_000,
    ...extra,
  };
}
