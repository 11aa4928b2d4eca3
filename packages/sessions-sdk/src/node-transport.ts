// The direct route of one HTTP attempt, over node:http and node:https: per request it costs about half the CPU
// of Node's fetch, which copies every body through web streams.
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, inflateRaw } from 'node:zlib';

/** How long an idle pooled connection is kept (undici's default); a server's shorter `Keep-Alive` hint wins. */
const IDLE_MS = 4_000;
/** The longest a TCP connection and TLS handshake may take: what Node's fetch allowed. */
const CONNECT_TIMEOUT_MS = 10_000;
/** The codings asked for, as Node's fetch asked. */
const ACCEPT_ENCODING = 'gzip, deflate, br';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
const inflateRawAsync = promisify(inflateRaw);
const decoders: Record<string, (data: Buffer) => Promise<Buffer>> = {
  gzip: gunzipAsync,
  'x-gzip': gunzipAsync,
  br: promisify(brotliDecompress),
  // Servers send `deflate` zlib-wrapped (as the RFC says) or raw; a zlib header's low nibble is 8.
  deflate: (data) => (((data[0] ?? 0) & 0x0f) === 0x08 ? inflateAsync(data) : inflateRawAsync(data)),
};

/** One attempt as the transport sends it. */
export interface TransportRequest {
  method: string;
  url: string;
  headers: Iterable<[string, string]>;
  body: string | undefined;
  /** Aborts the attempt, body included; the transport rejects with its reason. */
  signal: AbortSignal;
}

/** The answer to one attempt, its body read and decoded. */
export interface TransportAnswer {
  status: number;
  statusText: string;
  /** Name and value pairs as received (a repeated header stays repeated). */
  headers: [string, string][];
  text: string;
}

/**
 * Sends requests straight to their server with a keep-alive pool per scheme (TLS checked against Node's CA store and
 * `NODE_EXTRA_CA_CERTS`), reads the whole body and decodes gzip, deflate and br. Redirects are not followed.
 */
export class NodeTransport {
  readonly #maxSockets: number;
  #http: HttpAgent | undefined;
  #https: HttpsAgent | undefined;
  #closed = false;
  /** The pooled sockets whose connection (and TLS handshake) completed. */
  readonly #connected = new WeakSet<object>();

  readonly #connectTimeoutMs: number;
  readonly #idleMs: number;

  /**
   * `maxSockets` bounds the connections open at once to each host; `connectTimeoutMs` the TCP and TLS handshakes;
   * `idleMs` how long a pooled connection may sit unused.
   */
  constructor(maxSockets: number, connectTimeoutMs = CONNECT_TIMEOUT_MS, idleMs = IDLE_MS) {
    this.#maxSockets = maxSockets;
    this.#connectTimeoutMs = connectTimeoutMs;
    this.#idleMs = idleMs;
  }

  /** Send one request and read its answer; rejects with the socket's error, or the signal's reason once aborted. */
  send(request: TransportRequest): Promise<TransportAnswer> {
    const { signal } = request;
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    const secure = request.url.startsWith('https:');
    const headers: Record<string, string> = { 'accept-encoding': ACCEPT_ENCODING };
    for (const [name, value] of request.headers) headers[name] = value;
    if (request.body !== undefined || request.method !== 'GET') {
      headers['content-length'] = String(request.body === undefined ? 0 : Buffer.byteLength(request.body));
    }
    const options = { method: request.method, headers, agent: secure ? this.#httpsAgent() : this.#httpAgent() };
    return new Promise<TransportAnswer>((resolve, reject) => {
      let connectTimer: NodeJS.Timeout | undefined;
      let settled = false;
      const settle = (error: Error | undefined, answer?: TransportAnswer): void => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        signal.removeEventListener('abort', onAbort);
        if (error === undefined) resolve(answer as TransportAnswer);
        else reject(error);
      };
      const onAbort = (): void => {
        settle(signal.reason as Error);
        req.destroy();
      };
      const req: ClientRequest = (secure ? httpsRequest : httpRequest)(request.url, options);
      signal.addEventListener('abort', onAbort, { once: true });
      req.once('error', (error) => settle(error));
      req.once('socket', (socket) => {
        if (this.#connected.has(socket)) {
          req.end(request.body);
          return;
        }
        const limit = this.#connectTimeoutMs;
        connectTimer = setTimeout(() => req.destroy(connectTimeout(request.url, limit)), limit);
        // Sent once the handshake is done: a request written into a TLS socket whose server answers in plain text
        // fails as `write EPROTO` instead of with the handshake's ERR_SSL_ code that scheme-mismatch.ts knows.
        socket.once(secure ? 'secureConnect' : 'connect', () => {
          clearTimeout(connectTimer);
          this.#connected.add(socket);
          req.end(request.body);
        });
      });
      req.once('response', (res) => {
        readAnswer(request.method, res).then(
          (answer) => settle(undefined, answer),
          (error: Error) => settle(error),
        );
      });
    });
  }

  /**
   * Close the idle pooled connections; a request still running finishes (a refresh exchange must not lose its rotated
   * token), and its connection is then closed instead of pooled.
   */
  close(): void {
    this.#closed = true;
    for (const agent of [this.#http, this.#https]) {
      for (const sockets of Object.values(agent?.freeSockets ?? {}))
        for (const socket of sockets ?? []) socket.destroy();
    }
  }

  #httpAgent(): HttpAgent {
    this.#http ??= this.#pool(new HttpAgent({ keepAlive: true, maxSockets: this.#maxSockets, timeout: this.#idleMs }));
    return this.#http;
  }

  #httpsAgent(): HttpsAgent {
    this.#https ??= this.#pool(
      new HttpsAgent({ keepAlive: true, maxSockets: this.#maxSockets, timeout: this.#idleMs }),
    );
    return this.#https;
  }

  /** `agent`, made to drop each connection whose request ends once the transport is closed. */
  #pool<A extends HttpAgent>(agent: A): A {
    const keep = agent.keepSocketAlive.bind(agent);
    // Node's documented hook: a falsy answer closes the connection instead of pooling it.
    agent.keepSocketAlive = (socket) => (this.#closed ? false : keep(socket));
    return agent;
  }
}

/** Collect a response's body, decode its content codings and read it as UTF-8, as `Response.text()` does. */
async function readAnswer(method: string, res: IncomingMessage): Promise<TransportAnswer> {
  let body = await collect(res);
  const status = res.statusCode ?? 0;
  if (body.length > 0 && method !== 'HEAD' && status !== 204 && status !== 304) body = await decode(body, res);
  const headers: [string, string][] = [];
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.push([raw[i] as string, raw[i + 1] as string]);
  const text = body.toString('utf8');
  return {
    status,
    statusText: res.statusMessage ?? '',
    headers,
    text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text,
  };
}

/** The body's bytes; rejects when the connection breaks before the body ended. */
function collect(res: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.once('end', () => resolve(Buffer.concat(chunks)));
    res.once('error', reject);
    res.once('close', () => {
      if (!res.complete) reject(Object.assign(new Error('the connection closed mid-body'), { code: 'ECONNRESET' }));
    });
  });
}

/** Undo the codings of `Content-Encoding`, last applied first; a coding this does not know leaves the body as sent. */
async function decode(body: Buffer, res: IncomingMessage): Promise<Buffer> {
  const codings = (res.headers['content-encoding'] ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity')
    .reverse();
  if (codings.some((coding) => decoders[coding] === undefined)) return body;
  let decoded = body;
  for (const coding of codings) decoded = await (decoders[coding] as (data: Buffer) => Promise<Buffer>)(decoded);
  return decoded;
}

/**
 * The error of a connection not made in time. Its code is the one Node's fetch (undici) gave, which http-errors.ts
 * maps to a transient failure that sent nothing.
 */
function connectTimeout(url: string, limitMs: number): Error {
  const { host } = new URL(url);
  const message = `could not connect to ${host} within ${limitMs} ms`;
  return Object.assign(new Error(message), { code: 'UND_ERR_CONNECT_TIMEOUT' });
}
