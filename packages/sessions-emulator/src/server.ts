import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { handleApi, type Answer, type ApiContext } from './api.js';
import type { Faults } from './faults.js';
import { HttpError } from './http-error.js';

/** One API request as the request log keeps it. */
export interface LoggedRequest {
  method: string;
  /** Raw path, before `?`. */
  path: string;
  /** Raw query string, without `?`. */
  query: string;
  /** Parsed JSON body, the raw text when it is not JSON, or null. */
  body: unknown;
  /** The status answered, or 0 when the connection was dropped (before or after the request was handled). */
  status: number;
  /** Epoch ms of arrival. */
  at: number;
}

/** Everything the HTTP layer needs besides the API handlers. */
export interface ServerContext extends ApiContext {
  faults: Faults;
  requestLog: LoggedRequest[];
  requestLogLimit: number;
  /** Handles `/_emulator/…` when control is enabled; undefined turns those paths into 404s. */
  control: ((method: string, path: string, params: URLSearchParams, body: unknown) => Answer) | undefined;
}

const MAX_BODY_BYTES = 1024 * 1024;

/** An HTTP server speaking the Sessions API over a context. */
export function createApiServer(ctx: ServerContext): Server {
  const server = createServer((req, res) => {
    handle(ctx, req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, errorAnswer(error));
      else res.destroy();
    });
  });
  // An idle connection stays open 65 s, as behind a typical API gateway. With Node's 5 s, a client in the same process
  // that was busy for 5 s (a loaded machine) could send its next request on a connection whose close was already due:
  // the server closed it under the request. close() drops idle connections (closeAllConnections).
  server.keepAliveTimeout = 65_000;
  return server;
}

async function handle(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const text = await readBody(req);
  const path = url.pathname;
  if (path.startsWith('/_emulator/')) {
    if (ctx.control === undefined) {
      send(res, {
        status: 404,
        json: errorBody(404, 'Control routes are off; start the emulator with control enabled'),
      });
      return;
    }
    send(
      res,
      safely(() => ctx.control?.(req.method ?? 'GET', path, url.searchParams, parseBody(text)) ?? { status: 404 }),
    );
    return;
  }

  const entry: LoggedRequest = {
    method: req.method ?? '',
    path: (req.url ?? '').split('?')[0] ?? '',
    query: url.search.slice(1),
    body: text === '' ? null : tryJson(text),
    status: 0,
    at: Date.now(),
  };
  ctx.requestLog.push(entry);
  if (ctx.requestLog.length > ctx.requestLogLimit)
    ctx.requestLog.splice(0, ctx.requestLog.length - ctx.requestLogLimit);

  await ctx.faults.delay();
  const decision = ctx.faults.decide(clientKey(ctx, req), Date.now(), isChange(req.method ?? '', entry.path));
  if (decision.kind === 'drop') {
    req.socket.destroy();
    return;
  }
  const answer =
    decision.kind === 'error'
      ? errorAnswer(decision.error)
      : safely(() =>
          handleApi(ctx, {
            method: req.method ?? '',
            segments: (req.url ?? '').split('?')[0]?.split('/').slice(1) ?? [],
            params: url.searchParams,
            headers: req.headers,
            body: parseBody(text),
          }),
        );
  if (decision.kind === 'drop-after-apply') {
    // The change is done; only its answer is lost, as behind a proxy that drops the response.
    req.socket.destroy();
    return;
  }
  entry.status = answer.status;
  send(res, answer);
}

/** A request that changes data: a POST other than the token calls. */
function isChange(method: string, path: string): boolean {
  return method === 'POST' && path !== '/v1/oauth' && path !== '/v1/refresh';
}

function safely(run: () => Answer): Answer {
  try {
    return run();
  } catch (error) {
    return errorAnswer(error);
  }
}

function errorAnswer(error: unknown): Answer {
  if (error instanceof HttpError) {
    return { status: error.status, json: errorBody(error.status, error.message), headers: error.headers };
  }
  return { status: 500, json: errorBody(500, `Internal emulator error: ${(error as Error).message}`) };
}

/**
 * The API's documented error body is `{"msg": "…"}` (ErrorResponse); `status` and `error` are extras. No `message`
 * field, so that a client reading only that field fails here as it would against the API.
 */
function errorBody(status: number, message: string): Record<string, unknown> {
  return { msg: message, status, error: STATUS_TEXT[status] ?? 'Error' };
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function send(res: ServerResponse, answer: Answer): void {
  const headers: Record<string, string> = { ...answer.headers };
  let body = '';
  if (answer.json !== undefined) {
    body = JSON.stringify(answer.json);
    headers['content-type'] = 'application/json';
  }
  headers['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(answer.status, headers);
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `Body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'Body is not valid JSON');
  }
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Limits apply per API client, whether it shows its credentials or a token. */
function clientKey(ctx: ServerContext, req: IncomingMessage): string {
  const [scheme, value = ''] = (req.headers.authorization ?? '').split(' ');
  if (scheme === 'Bearer') return ctx.tokens.check(value)?.clientId ?? 'anonymous';
  if (scheme === 'Basic') return Buffer.from(value, 'base64').toString('utf8').split(':')[0] ?? 'anonymous';
  return 'anonymous';
}
