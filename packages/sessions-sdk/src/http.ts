import { createRequire } from 'node:module';
import ky, { type KyInstance } from 'ky';
import { Agent, ProxyAgent, fetch as undiciFetch, type Dispatcher } from 'undici';
import * as v from 'valibot';
import {
  ApiError,
  AuthenticationError,
  ConnectionError,
  IncydrError,
  NotFoundError,
  RateLimitedError,
  ResponseValidationError,
  TimeoutError,
  type ApiErrorDetails,
} from './errors.js';
import { redactBody, redactHeaders, type Log } from './logger.js';
import { sleep } from './abort.js';
import { proxyFor, type ProxyRoute } from './proxy.js';
import { SlidingWindowLimiter } from './rate-limit.js';
import { isNotTlsCode, otherScheme, speaksTls } from './scheme-mismatch.js';
import type { ResolvedSettings } from './settings.js';
import { describeIssues } from './validation.js';

/** Per-call controls accepted by every resource method. */
export interface RequestOptions {
  /** Abort the call (and any wait between retries). */
  signal?: AbortSignal;
  /** Timeout of each attempt of this call, instead of the client's `timeoutMs`. */
  timeoutMs?: number;
}

/** One response the client received, as kept in `client.responseHistory` (secrets redacted). */
export interface ResponseRecord {
  method: string;
  url: string;
  status: number;
  durationMs: number;
  headers: Record<string, string>;
  /** Body text, redacted and truncated to 64 KiB when first read. */
  body: string;
}

/** Supplies bearer tokens; `invalidate` is called with a token the API refused with 401. */
export interface TokenSource {
  getToken(options: RequestOptions): Promise<string>;
  invalidate(token: string): void;
}

/** What a resource or the auth layer asks the HTTP layer to do. */
export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Path appended to the base URL (keeping its prefix), or an absolute URL. */
  path: string;
  query?: URLSearchParams;
  json?: unknown;
  auth: 'bearer' | 'none' | { basic: { username: string; password: string } };
  /**
   * Whether repeating the call is harmless (GETs, change-state). When false (add-note), the call is retried only after
   * a failure that proves it was not applied (429, 503, a connection never made), never after a lost answer.
   */
  retrySafe: boolean;
  options?: RequestOptions | undefined;
  /** Told about each 429 answer, before the retry (the pager lowers its concurrency). */
  onThrottled?: (() => void) | undefined;
}

/** A wait the client is about to make before an attempt, as told to the `onWait` option. */
export interface WaitInfo {
  /** How long the wait lasts, in milliseconds. */
  ms: number;
  /** `retry-after`: the server asked for it; `backoff`: a retry after a failure; `request-limit`: `maxRequestsPerMinute`. */
  reason: 'retry-after' | 'backoff' | 'request-limit';
  /** What led to it: `HTTP 429`, a connection error's message, or `maxRequestsPerMinute reached`. */
  cause: string;
  method: string;
  path: string;
}

/** Decides when a request may start; consulted before every attempt, token calls and retries included. */
export interface RequestLimiter {
  acquire(signal?: AbortSignal, onWait?: (waitMs: number) => void): Promise<void>;
}

const HISTORY_BODY_LIMIT = 64 * 1024;
const ERROR_BODY_LIMIT = 4 * 1024;
const DEBUG_BODY_LIMIT = 8 * 1024;
const BACKOFF_BASE_MS = 500;
/** How long the handshake that tells a TLS-only server from a closed connection may take. */
const TLS_PROBE_TIMEOUT_MS = 5_000;
/** How long `close()` lets pooled connections finish before it drops them. */
const CLOSE_GRACE_MS = 1_000;
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
/** The retried statuses that prove the request was not processed, so that even a call unsafe to repeat is retried. */
const NOT_PROCESSED_STATUSES = new Set([429, 503]);
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);
/** Failures while connecting: the request itself was never sent. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const packageJson = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/** The User-Agent: optional prefix, this package and version, Node.js version and OS. */
export function userAgent(prefix: string): string {
  const own = `${packageJson.name.replace(/^@/, '')}/${packageJson.version} node/${process.versions.node} ${process.platform}-${process.arch}`;
  return prefix === '' ? own : `${prefix} ${own}`;
}

/** The client's HTTP layer: URLs, auth headers, timeouts, retries, error mapping, logging and schema parsing. */
export class HttpClient {
  readonly #settings: ResolvedSettings;
  readonly #log: Log;
  /** Direct, through HTTP_PROXY, through HTTPS_PROXY: one connection pool each. */
  readonly #direct: Agent;
  readonly #proxies = new Map<string, ProxyAgent>();
  readonly #ky: KyInstance;
  readonly #history: ResponseRecord[] = [];
  readonly #limiter: RequestLimiter | undefined;
  readonly #onWait: ((wait: WaitInfo) => void) | undefined;
  #tokens: TokenSource | undefined;

  /** `limiter` replaces the one built from `maxRequestsPerMinute` (tests); `onWait` is told about every wait. */
  constructor(settings: ResolvedSettings, log: Log, limiter?: RequestLimiter, onWait?: (wait: WaitInfo) => void) {
    this.#settings = settings;
    this.#log = log;
    this.#onWait = onWait;
    this.#limiter =
      limiter ??
      (settings.maxRequestsPerMinute === undefined ? undefined : new SlidingWindowLimiter(settings.maxRequestsPerMinute));
    // The route is chosen here (proxy.ts), not by undici's EnvHttpProxyAgent, so that an error can name the proxy
    // the request went through. Proxy agents are made now: a malformed proxy URL fails when the client is made.
    this.#direct = new Agent();
    for (const proxyUrl of [settings.proxy.httpProxy, settings.proxy.httpsProxy]) {
      if (proxyUrl !== undefined && !this.#proxies.has(proxyUrl)) this.#proxies.set(proxyUrl, new ProxyAgent(proxyUrl));
    }
    const dispatcherFor = (url: string): Dispatcher => {
      const route = proxyFor(url, settings.proxy);
      return (route === undefined ? undefined : this.#proxies.get(route.url)) ?? this.#direct;
    };
    this.#ky = ky.create({
      retry: 0,
      timeout: false,
      throwHttpErrors: false,
      headers: { 'user-agent': userAgent(settings.userAgentPrefix), accept: 'application/json' },
      // Node's global fetch ignores proxies and rejects a dispatcher of another undici major, so ky's Request is
      // replayed through undici's own fetch, which pairs with the proxy-aware dispatcher.
      fetch: async (input: Request | URL | string, init?: RequestInit) => {
        const request = input instanceof Request ? input : new Request(input, init);
        const response = await undiciFetch(request.url, {
          method: request.method,
          headers: [...request.headers],
          ...(request.body === null ? {} : { body: await request.arrayBuffer() }),
          signal: request.signal,
          dispatcher: dispatcherFor(request.url),
        });
        return response as unknown as Response;
      },
    });
  }

  /** Set where bearer tokens come from (the auth layer itself uses this client for its token calls). */
  useTokens(tokens: TokenSource): void {
    this.#tokens = tokens;
  }

  /** The most recent responses, oldest first, at most `maxResponseHistory`. */
  get history(): readonly ResponseRecord[] {
    return this.#history;
  }

  /** Send a request and validate its JSON body with a schema; returns the server's own parsed object. */
  async json<S extends v.GenericSchema>(request: HttpRequest, schema: S): Promise<v.InferOutput<S>> {
    const { text, url } = await this.send(request);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      const start = text.slice(0, 80).replace(/\s+/g, ' ');
      throw new ResponseValidationError(request.method, url, [`(root): response is not JSON: "${start}"`], {
        cause: error,
      });
    }
    const result = v.safeParse(schema, parsed);
    if (!result.success) {
      throw new ResponseValidationError(request.method, url, describeIssues(result.issues));
    }
    // Schemas hold no transforms, so the raw object is the validated one and keeps the server's key order.
    return parsed as v.InferOutput<S>;
  }

  /** Send a request with auth, timeout and retries; resolves with the body of a 2xx answer, throws otherwise. */
  async send(request: HttpRequest): Promise<{ status: number; text: string; url: string }> {
    const url = this.#url(request);
    const maxRetries = this.#settings.maxRetries;
    let reauthenticated = false;
    // Once one attempt's answer was lost, the call may have been applied, however later attempts end.
    let lost = false;
    const giveUp = <E extends ApiError | ConnectionError | TimeoutError>(error: E, retries: number): E => {
      error.retries = retries;
      if (lost) error.outcome = 'unknown';
      return error;
    };
    for (let attempt = 0; ; attempt += 1) {
      const token =
        request.auth === 'bearer'
          ? await this.#bearer(request.options ?? {}).catch((error: unknown) => notSent(error, lost))
          : undefined;
      // Taken after the token call (which takes its own slot), right before the attempt: the start it counts is
      // the moment the request really goes out.
      await this.#limiter?.acquire(request.options?.signal, (waitMs) => {
        const what = `${request.method} ${request.path}`;
        this.#log.info(`waiting ${Math.ceil(waitMs)}ms before ${what}: maxRequestsPerMinute reached`);
        this.#tellWait({ ms: waitMs, reason: 'request-limit', cause: 'maxRequestsPerMinute reached', method: request.method, path: request.path });
      });
      let outcome: Attempt;
      try {
        outcome = await this.#attempt(request, url, token);
      } catch (error) {
        if (!(error instanceof ConnectionError || error instanceof TimeoutError)) throw error;
        if (attempt < maxRetries && isTransient(error) && (request.retrySafe || error.outcome === 'not-applied')) {
          lost ||= error.outcome === 'unknown';
          await this.#pause(this.#backoffMs(attempt), request, error.message, 'backoff');
          continue;
        }
        throw giveUp(error, attempt);
      }
      const { status, text, retryAfterMs } = outcome;
      if (status >= 200 && status < 300) return { status, text, url };
      if (status === 429) request.onThrottled?.();
      if (status === 401 && token !== undefined && !reauthenticated) {
        // A token can be revoked or expire early: one fresh token, one more try (also safe for add-note,
        // since a 401 means the call was not applied).
        reauthenticated = true;
        this.#tokens?.invalidate(token);
        attempt -= 1;
        continue;
      }
      const repeatable = request.retrySafe || NOT_PROCESSED_STATUSES.has(status);
      if (RETRY_STATUSES.has(status) && repeatable && attempt < maxRetries) {
        const waitMs = retryAfterMs ?? this.#backoffMs(attempt);
        if (waitMs <= this.#settings.maxRetryDelayMs) {
          lost ||= !NOT_PROCESSED_STATUSES.has(status);
          await this.#pause(waitMs, request, `HTTP ${status}`, retryAfterMs === undefined ? 'backoff' : 'retry-after');
          continue;
        }
      }
      throw giveUp(httpError(request.method, url, status, text, retryAfterMs, request.auth !== 'bearer'), attempt);
    }
  }

  /** Release pooled connections: gracefully, then (after {@link CLOSE_GRACE_MS}) by force. */
  async close(): Promise<void> {
    const dispatchers: Dispatcher[] = [this.#direct, ...this.#proxies.values()];
    const closing = Promise.all(dispatchers.map((dispatcher) => dispatcher.close())).then(() => 'closed' as const);
    closing.catch(() => undefined);
    // A graceful close waits for every connection, also a proxy tunnel whose CONNECT was never answered: forever.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), CLOSE_GRACE_MS);
    });
    try {
      if ((await Promise.race([closing, late])) === 'late') {
        await Promise.all(dispatchers.map((dispatcher) => dispatcher.destroy()));
      }
    } finally {
      clearTimeout(timer);
    }
  }

  #url(request: HttpRequest): string {
    const base = /^https?:\/\//i.test(request.path) ? request.path : `${this.#settings.url}${request.path}`;
    const query = request.query?.toString() ?? '';
    return query === '' ? base : `${base}?${query}`;
  }

  async #bearer(options: RequestOptions): Promise<string> {
    if (this.#tokens === undefined) throw new IncydrError('no token source configured');
    return this.#tokens.getToken(options);
  }

  async #attempt(request: HttpRequest, url: string, token: string | undefined): Promise<Attempt> {
    const headers: Record<string, string> = {};
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (typeof request.auth === 'object') {
      const { username, password } = request.auth.basic;
      headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    const timeoutMs = request.options?.timeoutMs ?? this.#settings.timeoutMs;
    const callerSignal = request.options?.signal;
    callerSignal?.throwIfAborted();
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(), timeoutMs);
    const signal = callerSignal === undefined ? timer.signal : AbortSignal.any([callerSignal, timer.signal]);
    const body = request.json === undefined ? undefined : JSON.stringify(request.json);
    this.#debugRequest(request.method, url, headers, body);
    const started = performance.now();
    try {
      const response = await this.#ky(url, {
        method: request.method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body }),
        signal,
      });
      // The body is read inside the timeout too: a server that stalls mid-body must not hang the caller.
      const text = await response.text();
      const durationMs = Math.round(performance.now() - started);
      this.#record(request.method, url, response, text, durationMs);
      return { status: response.status, text, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) };
    } catch (error) {
      if (callerSignal?.aborted) throw callerSignal.reason;
      const route = proxyFor(url, this.#settings.proxy);
      if (timer.signal.aborted) {
        const through = route === undefined ? undefined : via(route);
        throw new TimeoutError(request.method, url, timeoutMs, { cause: error, through });
      }
      const failure = connectionError(request.method, url, error, route);
      throw route === undefined && (await closedByTlsServer(failure, timeoutMs)) ? tlsOnly(failure) : failure;
    } finally {
      clearTimeout(timeout);
    }
  }

  #debugRequest(method: string, url: string, headers: Record<string, string>, body: string | undefined): void {
    if (!this.#log.enabled('DEBUG')) return;
    const shownBody = body === undefined ? '' : ` body: ${truncate(redactBody(body), DEBUG_BODY_LIMIT)}`;
    this.#log.debug(`request ${method} ${url} headers: ${redactHeaders(Object.entries(headers))}${shownBody}`);
  }

  #record(method: string, url: string, response: Response, text: string, durationMs: number): void {
    this.#log.info(`${method} ${url} status=${response.status} ${durationMs}ms`);
    const log = this.#log;
    const redact = (): string => log.scrub(redactBody(text));
    if (log.enabled('DEBUG')) {
      log.debug(
        `response ${method} ${url} status=${response.status} headers: ${redactHeaders(response.headers)} body: ${truncate(redact(), DEBUG_BODY_LIMIT)}`,
      );
    }
    if (this.#settings.maxResponseHistory === 0) return;
    const headers: Record<string, string> = {};
    for (const [name, value] of response.headers) headers[name] = name === 'set-cookie' ? '[REDACTED]' : value;
    let body: string | undefined;
    this.#history.push({
      method,
      url,
      status: response.status,
      durationMs,
      headers,
      // Redacting means parsing and re-serialising the body: done when someone reads it, not for every page.
      get body() {
        body ??= truncate(redact(), HISTORY_BODY_LIMIT);
        return body;
      },
    });
    if (this.#history.length > this.#settings.maxResponseHistory) this.#history.shift();
  }

  #backoffMs(attempt: number): number {
    const ceiling = Math.min(this.#settings.maxRetryDelayMs, BACKOFF_BASE_MS * 2 ** attempt);
    // Jitter keeps many clients throttled at the same moment from retrying in lockstep.
    return Math.round(ceiling * (0.5 + Math.random() * 0.5));
  }

  async #pause(ms: number, request: HttpRequest, reason: string, kind: WaitInfo['reason']): Promise<void> {
    this.#log.info(`retrying ${request.method} ${request.path} in ${ms}ms after ${reason}`);
    this.#tellWait({ ms, reason: kind, cause: reason, method: request.method, path: request.path });
    await sleep(ms, request.options?.signal);
  }

  #tellWait(wait: WaitInfo): void {
    try {
      this.#onWait?.(wait);
    } catch (error) {
      // A display that failed must not fail the request it only reports on.
      this.#log.warn(`onWait threw: ${(error as Error).message}`);
    }
  }
}

interface Attempt {
  status: number;
  text: string;
  retryAfterMs: number | undefined;
}

/** Seconds or an HTTP date, as milliseconds from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The message a server put in an error body: a JSON field when there is one (`msg` first, the API's documented
 * `ErrorResponse`), else the text.
 */
export function serverMessage(text: string): string {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null) {
      const record = body as Record<string, unknown>;
      for (const key of ['msg', 'message', 'error_description', 'error', 'detail', 'title', 'description']) {
        const value = record[key];
        if (typeof value === 'string' && value.trim() !== '') return truncate(value.trim(), 500);
      }
    }
  } catch {
    // Not JSON: the text itself is the message.
  }
  return truncate(text.replace(/\s+/g, ' ').trim(), 500);
}

function httpError(
  method: string,
  url: string,
  status: number,
  text: string,
  retryAfterMs: number | undefined,
  isTokenCall: boolean,
): ApiError {
  const details: ApiErrorDetails = {
    status,
    method,
    url,
    body: truncate(text, ERROR_BODY_LIMIT),
    serverMessage: serverMessage(text),
  };
  if (status === 401) {
    const hint = isTokenCall ? 'the API client id or secret (or refresh token) was refused' : 'the access token was refused twice';
    const reason = details.serverMessage === '' ? '' : `: ${details.serverMessage}`;
    return new AuthenticationError(details, `authentication failed (HTTP 401 from ${method} ${url}): ${hint}${reason}`);
  }
  if (status === 404) return new NotFoundError(details);
  if (status === 429) return new RateLimitedError({ ...details, retryAfterMs });
  return new ApiError(details);
}

function connectionError(method: string, url: string, error: unknown, route: ProxyRoute | undefined): ConnectionError {
  const cause = (error as { cause?: unknown }).cause ?? error;
  const code = errorCode(error);
  const message = cause instanceof Error ? cause.message : String(cause);
  const detail = code === undefined || message.includes(code) ? message : `${code} ${message}`;
  const outcome = code !== undefined && (NOT_SENT_CODES.has(code) || isTlsCode(code)) ? 'not-applied' : 'unknown';
  if (route === undefined && url.startsWith('https:') && isNotTlsCode(code)) {
    const { origin, other } = otherScheme(url);
    const plain = `the server at ${origin} does not speak TLS; use ${other}`;
    return new ConnectionError(method, url, { cause: error, detail: plain, outcome: 'not-applied', reason: 'not-tls' });
  }
  if (route === undefined) return new ConnectionError(method, url, { cause: error, detail, outcome });
  // Through a proxy every connection goes to the proxy: a failure to connect is the proxy's, not the API's.
  const proxy = via(route);
  const refusal = proxyStatus(error);
  const proxied =
    code !== undefined && PROXY_CONNECT_CODES.has(code)
      ? `cannot reach ${proxy}: ${detail}`
      : refusal !== undefined
        ? `${proxy} answered the tunnel request with HTTP ${refusal}` +
          (refusal === 407 ? ' (proxy authentication required: give the user and password in the proxy URL)' : '')
        : `${detail} (through ${proxy})`;
  // A tunnel the proxy refused never reached the API.
  const proxiedOutcome = refusal !== undefined ? 'not-applied' : outcome;
  return new ConnectionError(method, url, { cause: error, detail: proxied, proxy: route.shown, outcome: proxiedOutcome });
}

/** Codes of a connection the server closed without answering, as a TLS-only server does to plain HTTP. */
const CLOSED_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET']);

/** Whether a plain `http://` connection failed because its server speaks only TLS (asked with one handshake). */
async function closedByTlsServer(error: ConnectionError, timeoutMs: number): Promise<boolean> {
  const code = errorCode(error.cause);
  if (!error.url.startsWith('http:') || code === undefined || !CLOSED_CODES.has(code)) return false;
  return speaksTls(error.url, Math.min(timeoutMs, TLS_PROBE_TIMEOUT_MS));
}

/** The error for an `http://` URL whose server speaks only TLS: the request was never read, so not applied. */
function tlsOnly(error: ConnectionError): ConnectionError {
  const { origin, other } = otherScheme(error.url);
  const detail = `the server at ${origin} speaks TLS; use ${other}`;
  return new ConnectionError(error.method, error.url, { cause: error.cause, detail, outcome: 'not-applied', reason: 'tls-only' });
}

/** Certificate and handshake failures: TLS fails before any request byte is sent. */
function isTlsCode(code: string): boolean {
  return /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_)/.test(code) || code.includes('SELF_SIGNED_CERT');
}

/**
 * A failure to get a token: this attempt of the request that needed it was never sent, whatever the token call's own
 * fate; `lost` tells that an earlier attempt's answer was lost.
 */
function notSent(error: unknown, lost: boolean): never {
  if (error instanceof ApiError || error instanceof ConnectionError || error instanceof TimeoutError) {
    error.outcome = lost ? 'unknown' : 'not-applied';
  }
  throw error;
}

/** The status a proxy refused a CONNECT with, from undici's `Proxy response (502) !== 200` deep in the causes. */
function proxyStatus(error: unknown): number | undefined {
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 5; depth += 1) {
    const match = current instanceof Error ? /^Proxy response \((\d{3})\)/.exec(current.message) : null;
    if (match !== null) return Number(match[1]);
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Socket errors that mean the proxy itself could not be reached. */
const PROXY_CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** How messages name a proxy: its URL without credentials and the setting it comes from. */
function via(route: ProxyRoute): string {
  return `the proxy ${route.shown} (${route.setting})`;
}

function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current !== undefined && depth < 5; depth += 1) {
    const code = (current as { code?: unknown } | null)?.code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown } | null)?.cause;
  }
  return undefined;
}

function isTransient(error: unknown): boolean {
  if (error instanceof TimeoutError) return true;
  if (!(error instanceof ConnectionError)) return false;
  // The wrong scheme fails the same way every time.
  if (error.reason !== undefined) return false;
  const code = errorCode(error.cause);
  return code !== undefined && TRANSIENT_CODES.has(code);
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length - limit} more characters)`;
}
