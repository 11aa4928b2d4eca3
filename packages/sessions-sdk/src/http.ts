import { createRequire } from 'node:module';
import ky, { type KyInstance } from 'ky';
import { Agent, ProxyAgent, fetch as undiciFetch, type Dispatcher } from 'undici';
import * as v from 'valibot';
import { ConnectionError, IncydrError, ResponseValidationError, TimeoutError, type ApiError } from './errors.js';
import {
  closedByTlsServer,
  connectionError,
  httpError,
  isTransient,
  notSent,
  parseRetryAfter,
  tlsOnly,
  truncate,
  via,
} from './http-errors.js';
import { redactBody, redactHeaders, type Log } from './logger.js';
import { sleep } from './abort.js';
import { proxyFor } from './proxy.js';
import { SlidingWindowLimiter } from './rate-limit.js';
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
const DEBUG_BODY_LIMIT = 8 * 1024;
const BACKOFF_BASE_MS = 500;
/** How long `close()` lets pooled connections finish before it drops them. */
const CLOSE_GRACE_MS = 1_000;
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
/** The retried statuses that prove the request was not processed, so that even a call unsafe to repeat is retried. */
const NOT_PROCESSED_STATUSES = new Set([429, 503]);

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

