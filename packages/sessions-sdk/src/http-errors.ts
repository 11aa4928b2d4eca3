// How failed exchanges become the SDK's errors: HTTP statuses, connection failures, proxies, scheme mismatches.
import {
  ApiError,
  AuthenticationError,
  ConnectionError,
  NotFoundError,
  RateLimitedError,
  TimeoutError,
  type ApiErrorDetails,
} from './errors.js';
import type { ProxyRoute } from './proxy.js';
import { isNotTlsCode, otherScheme, speaksTls } from './scheme-mismatch.js';

const ERROR_BODY_LIMIT = 4 * 1024;
/** How long the handshake that tells a TLS-only server from a closed connection may take. */
const TLS_PROBE_TIMEOUT_MS = 5_000;
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

/** The error for an HTTP error status: its class by status, the server's message, the body truncated. */
export function httpError(
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
    const hint = isTokenCall
      ? 'the API client id or secret (or refresh token) was refused'
      : 'the access token was refused twice';
    const reason = details.serverMessage === '' ? '' : `: ${details.serverMessage}`;
    return new AuthenticationError(details, `authentication failed (HTTP 401 from ${method} ${url}): ${hint}${reason}`);
  }
  if (status === 404) return new NotFoundError(details);
  if (status === 429) return new RateLimitedError({ ...details, retryAfterMs });
  return new ApiError(details);
}

/** The error for a request that got no HTTP answer, naming the proxy it went through and whether it was sent. */
export function connectionError(
  method: string,
  url: string,
  error: unknown,
  route: ProxyRoute | undefined,
): ConnectionError {
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
  return new ConnectionError(method, url, {
    cause: error,
    detail: proxied,
    proxy: route.shown,
    outcome: proxiedOutcome,
  });
}

/** Codes of a connection the server closed without answering, as a TLS-only server does to plain HTTP. */
const CLOSED_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET']);

/** Whether a plain `http://` connection failed because its server speaks only TLS (asked with one handshake). */
export async function closedByTlsServer(error: ConnectionError, timeoutMs: number): Promise<boolean> {
  const code = errorCode(error.cause);
  if (!error.url.startsWith('http:') || code === undefined || !CLOSED_CODES.has(code)) return false;
  return speaksTls(error.url, Math.min(timeoutMs, TLS_PROBE_TIMEOUT_MS));
}

/** The error for an `http://` URL whose server speaks only TLS: the request was never read, so not applied. */
export function tlsOnly(error: ConnectionError): ConnectionError {
  const { origin, other } = otherScheme(error.url);
  const detail = `the server at ${origin} speaks TLS; use ${other}`;
  return new ConnectionError(error.method, error.url, {
    cause: error.cause,
    detail,
    outcome: 'not-applied',
    reason: 'tls-only',
  });
}

/** Certificate and handshake failures: TLS fails before any request byte is sent. */
function isTlsCode(code: string): boolean {
  return /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_)/.test(code) || code.includes('SELF_SIGNED_CERT');
}

/**
 * A failure to get a token: this attempt of the request that needed it was never sent, whatever the token call's own
 * fate; `lost` tells that an earlier attempt's answer was lost.
 */
export function notSent(error: unknown, lost: boolean): never {
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
export function via(route: ProxyRoute): string {
  return `the proxy ${route.shown} (${route.setting})`;
}

/** The first string `code` along an error's `cause` chain (undici nests the socket's). */
function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current !== undefined && depth < 5; depth += 1) {
    const code = (current as { code?: unknown } | null)?.code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown } | null)?.cause;
  }
  return undefined;
}

/** Whether a failure without an answer may pass on a retry (a timeout, a reset, a refused connection). */
export function isTransient(error: unknown): boolean {
  if (error instanceof TimeoutError) return true;
  if (!(error instanceof ConnectionError)) return false;
  // The wrong scheme fails the same way every time.
  if (error.reason !== undefined) return false;
  const code = errorCode(error.cause);
  return code !== undefined && TRANSIENT_CODES.has(code);
}

/** `text` cut to `limit` characters, saying how many were left out. */
export function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length - limit} more characters)`;
}
