// Over 300 lines: the request types the resources share, and the one class that drives ky for every call.
import { createRequire } from 'node:module';
import ky, { HTTPError, TimeoutError as KyTimeoutError, type KyInstance } from 'ky';
import * as v from 'valibot';
import { ApiError, ConnectionError, IncydrError, ResponseValidationError, TimeoutError } from './errors.js';
import {
  closedByTlsServer,
  connectionError,
  httpError,
  notSent,
  parseRetryAfter,
  tlsOnly,
  via,
} from './http-errors.js';
import { ExchangeLog, type ResponseRecord } from './exchange-log.js';
import { MAX_CONCURRENCY } from './limits.js';
import { NodeTransport } from './node-transport.js';
import type { Log } from './logger.js';
import { proxyFor } from './proxy.js';
import { ProxyFetch } from './proxy-fetch.js';
import { SlidingWindowLimiter } from './rate-limit.js';
import { retryWait } from './retry.js';
import type { ResolvedSettings } from './settings.js';
import { describeIssues } from './validation.js';

/** Per-call controls accepted by every resource method. */
export interface RequestOptions {
  /** Abort the call (and any wait between retries). */
  signal?: AbortSignal;
  /** Timeout of each attempt of this call, instead of the client's `timeoutMs`. */
  timeoutMs?: number;
}

export type { ResponseRecord } from './exchange-log.js';

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

/** One answer of the API, as told to the `onResponse` option: every attempt's, retries and token calls included. */
export interface ResponseInfo {
  method: string;
  path: string;
  status: number;
  durationMs: number;
}

/** Decides when a request may start; consulted before every attempt, token calls and retries included. */
export interface RequestLimiter {
  acquire(signal?: AbortSignal, onWait?: (waitMs: number) => void): Promise<void>;
}

const packageJson = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/** The User-Agent: optional prefix, this package and version, Node.js version and OS. */
export function userAgent(prefix: string): string {
  const own = `${packageJson.name.replace(/^@/, '')}/${packageJson.version} node/${process.versions.node} ${process.platform}-${process.arch}`;
  return prefix === '' ? own : `${prefix} ${own}`;
}

/** What one call learns over its attempts, shared by the ky hooks of that call. */
interface Call {
  request: HttpRequest;
  url: string;
  timeoutMs: number;
  /** The JSON body as sent, for the DEBUG log. */
  body: string | undefined;
  /** Retries made so far; the one after a 401 is a re-authentication, not a retry. */
  retries: number;
  /** Once one attempt's answer was lost, the call may have been applied, however later attempts end. */
  lost: boolean;
  reauthenticated?: boolean;
  /** The bearer token of the current attempt. */
  token?: string;
  /** The token call's failure, which that call already retried: never a reason to retry this one. */
  tokenFailure?: unknown;
  /** The wait before the next attempt, chosen in shouldRetry. */
  waitMs: number;
  /** The body of the last answer. */
  text: string;
}

/**
 * The client's HTTP layer: URLs, auth headers, timeouts, retries, error mapping, logging and schema parsing. ky runs
 * the attempts (retry loop, waits, per-attempt timeout, hooks); this class decides what ky cannot know.
 */
export class HttpClient {
  readonly #settings: ResolvedSettings;
  readonly #log: Log;
  readonly #proxies: ProxyFetch | undefined;
  readonly #ky: KyInstance;
  readonly #exchanges: ExchangeLog;
  readonly #limiter: RequestLimiter | undefined;
  readonly #onWait: ((wait: WaitInfo) => void) | undefined;
  readonly #onResponse: ((response: ResponseInfo) => void) | undefined;
  #tokens: TokenSource | undefined;
  /** The direct route's connections, made with the first direct request. */
  #direct: NodeTransport | undefined;

  /**
   * `limiter` replaces the one built from `maxRequestsPerMinute` (tests); `onWait` is told about every wait,
   * `onResponse` about every answer.
   */
  constructor(
    settings: ResolvedSettings,
    log: Log,
    limiter?: RequestLimiter,
    onWait?: (wait: WaitInfo) => void,
    onResponse?: (response: ResponseInfo) => void,
  ) {
    this.#settings = settings;
    this.#log = log;
    this.#onWait = onWait;
    this.#onResponse = onResponse;
    this.#exchanges = new ExchangeLog(log, settings.maxResponseHistory);
    this.#limiter =
      limiter ??
      (settings.maxRequestsPerMinute === undefined
        ? undefined
        : new SlidingWindowLimiter(settings.maxRequestsPerMinute));
    this.#proxies = ProxyFetch.create(settings.proxy);
    this.#ky = ky.create({
      headers: { 'user-agent': userAgent(settings.userAgentPrefix), accept: 'application/json' },
    });
  }

  /** Set where bearer tokens come from (the auth layer itself uses this client for its token calls). */
  useTokens(tokens: TokenSource): void {
    this.#tokens = tokens;
  }

  /** The most recent responses, oldest first, at most `maxResponseHistory`. */
  get history(): readonly ResponseRecord[] {
    return this.#exchanges.history;
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
    const body = request.json === undefined ? undefined : JSON.stringify(request.json);
    const timeoutMs = request.options?.timeoutMs ?? this.#settings.timeoutMs;
    const url = this.#url(request);
    const call: Call = { request, url, timeoutMs, body, retries: 0, lost: false, waitMs: 0, text: '' };
    const signal = request.options?.signal;
    const basic = typeof request.auth === 'object' ? request.auth.basic : undefined;
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (basic !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`;
    }
    try {
      const response = await this.#ky(call.url, {
        method: request.method,
        headers,
        ...(body === undefined ? {} : { body }),
        ...(signal === undefined ? {} : { signal }),
        timeout: timeoutMs,
        fetch: (input) => this.#exchange(input as Request, call),
        retry: {
          // One more than maxRetries, for the re-authentication after a 401: ky counts it, shouldRetry does not.
          limit: this.#settings.maxRetries + 1,
          // Every method: whether a call may be repeated is its `retrySafe`, which shouldRetry weighs.
          methods: ['get', 'post'],
          shouldRetry: ({ error }) => this.#shouldRetry(error, call),
          // ky tells no hook the wait it picks before sleeping, and `onWait` must hear of a wait before it: the wait
          // is chosen in shouldRetry (Retry-After or backoff), ky sleeps it.
          delay: () => call.waitMs,
        },
        hooks: { beforeRequest: [(kyRequest) => this.#authorize(kyRequest, call)] },
      });
      return { status: response.status, text: call.text, url: call.url };
    } catch (error) {
      throw await this.#failure(error, call);
    }
  }

  /** Release the pooled connections, direct and through proxies. */
  async close(): Promise<void> {
    this.#direct?.close();
    await this.#proxies?.close();
  }

  #url(request: HttpRequest): string {
    const base = /^https?:\/\//i.test(request.path) ? request.path : `${this.#settings.url}${request.path}`;
    const query = request.query?.toString() ?? '';
    return query === '' ? base : `${base}?${query}`;
  }

  /** ky's beforeRequest hook, before every attempt: the bearer token, then a slot of the request limiter. */
  async #authorize(kyRequest: Request, call: Call): Promise<void> {
    const { request } = call;
    if (request.auth === 'bearer') {
      if (this.#tokens === undefined) throw new IncydrError('no token source configured');
      try {
        call.token = await this.#tokens.getToken(request.options ?? {});
      } catch (error) {
        call.tokenFailure = error;
        notSent(error, call.lost);
      }
      kyRequest.headers.set('authorization', `Bearer ${call.token}`);
    }
    // Taken after the token call (which takes its own slot), right before the attempt: the start it counts is
    // the moment the request really goes out.
    await this.#limiter?.acquire(request.options?.signal, (waitMs) => {
      const { method, path } = request;
      this.#log.info(`waiting ${Math.ceil(waitMs)}ms before ${method} ${path}: maxRequestsPerMinute reached`);
      this.#tellWait({ ms: waitMs, reason: 'request-limit', cause: 'maxRequestsPerMinute reached', method, path });
    });
  }

  /**
   * ky's fetch: one attempt, body included, so that ky's timeout also covers a server that stalls mid-body. Logs and
   * records the answer; a failure without an answer becomes a ConnectionError here, where its route is known.
   */
  async #exchange(kyRequest: Request, call: Call): Promise<Response> {
    const { method } = call.request;
    this.#exchanges.request(method, call.url, kyRequest.headers, call.body);
    const started = performance.now();
    const route = this.#proxies === undefined ? undefined : proxyFor(call.url, this.#settings.proxy);
    let answer: { status: number; statusText: string; headers: Headers | [string, string][]; text: string };
    try {
      if (route === undefined || this.#proxies === undefined) {
        // A pool as large as the most pages iterAll has in flight, and a token call beside them.
        this.#direct ??= new NodeTransport(MAX_CONCURRENCY + 1);
        const { headers, signal } = kyRequest;
        answer = await this.#direct.send({ method, url: call.url, headers, body: call.body, signal });
      } else {
        const fetched = await this.#proxies.fetch(kyRequest);
        const { status, statusText, headers } = fetched;
        answer = { status, statusText, headers, text: await fetched.text() };
      }
    } catch (error) {
      // Aborted by the caller or by ky's timeout, which report it themselves.
      if (kyRequest.signal.aborted) throw error;
      const failure = connectionError(method, call.url, error, route);
      throw route === undefined && (await closedByTlsServer(failure, call.timeoutMs)) ? tlsOnly(failure) : failure;
    }
    const { status, statusText, headers, text } = answer;
    // A status no final HTTP answer has (a Response cannot even hold it) is the server's fault, not the connection's.
    if (status < 200 || status > 599) {
      throw new ResponseValidationError(method, call.url, [`HTTP status ${status} is not a final HTTP status`]);
    }
    // ky needs only the status and headers: the body stays in call.text (a page copied into a new Response costs
    // more than parsing it).
    const response = new Response(null, { status, statusText, headers });
    const durationMs = Math.round(performance.now() - started);
    this.#exchanges.response(method, call.url, response, text, durationMs);
    this.#tell('onResponse', this.#onResponse, { method, path: call.request.path, status, durationMs });
    call.text = text;
    if (status === 429) call.request.onThrottled?.();
    return response;
  }

  /** ky's shouldRetry: whether the attempt that failed is tried again; tells the log and `onWait` of the wait. */
  #shouldRetry(error: Error, call: Call): boolean {
    const { request } = call;
    if (error === call.tokenFailure || request.options?.signal?.aborted === true) return false;
    const refused = error instanceof HTTPError && error.response.status === 401;
    if (refused && call.token !== undefined && call.reauthenticated !== true) {
      // A token can be revoked or expire early: one fresh token (beforeRequest fetches it), one more try, not counted
      // as a retry (also safe for add-note, since a 401 means the call was not applied).
      call.reauthenticated = true;
      this.#tokens?.invalidate(call.token);
      call.waitMs = 0;
      return true;
    }
    const timedOut = error instanceof KyTimeoutError;
    const failure = error instanceof HTTPError ? error.response : timedOut ? this.#timeoutError(error, call) : error;
    const { maxRetries, maxRetryDelayMs } = this.#settings;
    const { retrySafe } = request;
    const wait = retryWait(failure, { retrySafe, retries: call.retries, maxRetries, maxRetryDelayMs });
    if (wait === undefined) return false;
    call.retries += 1;
    call.lost ||= wait.lost;
    call.waitMs = wait.ms;
    this.#log.info(`retrying ${request.method} ${request.path} in ${wait.ms}ms after ${wait.cause}`);
    this.#tellWait({ ms: wait.ms, reason: wait.reason, cause: wait.cause, method: request.method, path: request.path });
    return true;
  }

  /** The error a call ends with: ky's errors mapped to the SDK's, saying how often it retried and its outcome. */
  async #failure(error: unknown, call: Call): Promise<unknown> {
    const { request, url } = call;
    const signal = request.options?.signal;
    if (signal?.aborted === true) return signal.reason;
    if (error === call.tokenFailure) return error;
    let failure = error;
    if (error instanceof HTTPError) {
      const { status, headers } = error.response;
      const retryAfterMs = parseRetryAfter(headers.get('retry-after'));
      failure = httpError(request.method, url, status, call.text, retryAfterMs, request.auth !== 'bearer');
    } else if (error instanceof KyTimeoutError) {
      failure = this.#timeoutError(error, call);
    }
    if (failure instanceof ApiError || failure instanceof ConnectionError || failure instanceof TimeoutError) {
      failure.retries = call.retries;
      if (call.lost) failure.outcome = 'unknown';
    }
    return failure;
  }

  #timeoutError(error: KyTimeoutError, call: Call): TimeoutError {
    const route = proxyFor(call.url, this.#settings.proxy);
    const through = route === undefined ? undefined : via(route);
    return new TimeoutError(call.request.method, call.url, call.timeoutMs, { cause: error, through });
  }

  #tellWait(wait: WaitInfo): void {
    this.#tell('onWait', this.#onWait, wait);
  }

  /** Hands `info` to a caller's hook: one that throws is logged, and never fails the request it only reports on. */
  #tell<T>(name: string, hook: ((info: T) => void) | undefined, info: T): void {
    try {
      hook?.(info);
    } catch (error) {
      this.#log.warn(`${name} threw: ${(error as Error).message}`);
    }
  }
}
