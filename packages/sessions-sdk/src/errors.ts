/** Base class of every error this SDK throws on purpose; `cause` keeps the underlying error. */
export class IncydrError extends Error {
  override name = 'IncydrError';
}

/** Settings are missing or malformed (URL, credentials, numbers in the environment); raised before any request. */
export class ConfigurationError extends IncydrError {
  override name = 'ConfigurationError';
  /** The settings that are missing, all at once (`INCYDR_URL`, `INCYDR_API_CLIENT_ID`, …); empty for a malformed one. */
  readonly missing: readonly string[];

  constructor(message: string, options?: { cause?: unknown; missing?: readonly string[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.missing = options?.missing ?? [];
  }
}

/** An argument a caller passed cannot be sent (bad timestamp, note too long, unsafe session id); nothing was sent. */
export class InvalidArgumentError extends IncydrError {
  override name = 'InvalidArgumentError';
}

/**
 * Whether a failed call may have taken effect on the server. `not-applied`: the failure proves it did not (the request
 * was never sent, or the server refused it: any 4xx, 501, 503). `unknown`: its answer was lost (a timeout, the
 * connection lost after sending, 500, 502, 504), so it may have been applied.
 */
export type CallOutcome = 'not-applied' | 'unknown';

/** What an HTTP error remembers of the exchange that failed. */
export interface ApiErrorDetails {
  status: number;
  method: string;
  url: string;
  /** The response body as text, truncated; may be empty. */
  body: string;
  /** The message the server gave (`msg` of the API's JSON error body, another message field, or the text), or `''`. */
  serverMessage: string;
  cause?: unknown;
}

/** The API answered with an HTTP error status. */
export class ApiError extends IncydrError {
  override name = 'ApiError';
  readonly status: number;
  readonly method: string;
  readonly url: string;
  readonly body: string;
  readonly serverMessage: string;
  /** Whether the call may have been applied (set by the client; see {@link CallOutcome}). */
  outcome: CallOutcome;
  /** Retries made before giving up (set by the client). */
  retries = 0;

  constructor(details: ApiErrorDetails, message?: string) {
    const reason = details.serverMessage === '' ? '' : `: ${details.serverMessage}`;
    super(message ?? `${details.method} ${details.url} failed with HTTP ${details.status}${reason}`, {
      cause: details.cause,
    });
    this.status = details.status;
    this.method = details.method;
    this.url = details.url;
    this.body = details.body;
    this.serverMessage = details.serverMessage;
    this.outcome = outcomeOfStatus(details.status);
  }
}

/** A 4xx, 501 or 503 answer says the request was not processed; any other status leaves it unknown. */
export function outcomeOfStatus(status: number): CallOutcome {
  return (status >= 400 && status < 500) || status === 501 || status === 503 ? 'not-applied' : 'unknown';
}

/** Credentials were refused (401 from the token endpoint, or 401 again after a fresh token). */
export class AuthenticationError extends ApiError {
  override name = 'AuthenticationError';
}

/** The session (or other resource) does not exist: HTTP 404. */
export class NotFoundError extends ApiError {
  override name = 'NotFoundError';
}

/** HTTP 429 after every allowed retry; `retryAfterMs` is the server's last hint, when it gave one. */
export class RateLimitedError extends ApiError {
  override name = 'RateLimitedError';
  readonly retryAfterMs: number | undefined;

  constructor(details: ApiErrorDetails & { retryAfterMs: number | undefined }) {
    super(details);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * Why a connection failed, when the SDK can tell: `not-tls`, an `https://` URL whose server speaks plain HTTP;
 * `tls-only`, an `http://` URL whose server speaks only TLS.
 */
export type ConnectionReason = 'not-tls' | 'tls-only';

/**
 * The request never got an HTTP answer: refused, reset, DNS failure, TLS failure, proxy failure. `outcome` is
 * `not-applied` when the connection was never made (refused, DNS, TLS), `unknown` when it was lost after sending.
 * Behind a proxy the message names it (`cannot reach the proxy http://proxy:3128 (HTTPS_PROXY)`), and `proxy` holds
 * its URL.
 */
export class ConnectionError extends IncydrError {
  override name = 'ConnectionError';
  readonly method: string;
  readonly url: string;
  /** What went wrong, without the method and URL (`the server at https://h:1 does not speak TLS; use http://h:1`). */
  readonly detail: string;
  /** Set when the scheme of the URL does not match what the server speaks (see {@link ConnectionReason}). */
  readonly reason: ConnectionReason | undefined;
  /** Whether the call may have been applied (see {@link CallOutcome}). */
  outcome: CallOutcome;
  /** Retries made before giving up (set by the client). */
  retries = 0;
  /** The proxy the request went through, without credentials; undefined when it went direct. */
  readonly proxy: string | undefined;

  constructor(
    method: string,
    url: string,
    options: {
      cause: unknown;
      detail: string;
      outcome?: CallOutcome;
      proxy?: string | undefined;
      reason?: ConnectionReason | undefined;
    },
  ) {
    super(`${method} ${url} failed: ${options.detail}`, { cause: options.cause });
    this.method = method;
    this.url = url;
    this.detail = options.detail;
    this.reason = options.reason;
    this.outcome = options.outcome ?? 'unknown';
    this.proxy = options.proxy;
  }
}

/** No complete answer arrived within the per-request timeout; `through` names the proxy on the way, if any. */
export class TimeoutError extends IncydrError {
  override name = 'TimeoutError';
  readonly method: string;
  readonly url: string;
  readonly timeoutMs: number;
  /** Whether the call may have been applied: `unknown`, since the server may still be working on it. */
  outcome: CallOutcome = 'unknown';
  /** Retries made before giving up (set by the client). */
  retries = 0;

  constructor(
    method: string,
    url: string,
    timeoutMs: number,
    options?: { cause?: unknown; through?: string | undefined },
  ) {
    const through = options?.through === undefined ? '' : ` (through ${options.through})`;
    super(`${method} ${url} timed out after ${timeoutMs} ms${through}`, { cause: options?.cause });
    this.method = method;
    this.url = url;
    this.timeoutMs = timeoutMs;
  }
}

/** The server answered 2xx with a body that is not what the API documents; `issues` name the fields. */
export class ResponseValidationError extends IncydrError {
  override name = 'ResponseValidationError';
  readonly method: string;
  readonly url: string;
  /** One entry per problem, each starting with the field's dot path (`items.3.beginTime: …`). */
  readonly issues: readonly string[];

  constructor(method: string, url: string, issues: readonly string[], options?: { cause?: unknown }) {
    const shown = issues.slice(0, 5).join('; ');
    const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
    super(`${method} ${url} returned an unexpected response: ${shown}${more}`, options);
    this.method = method;
    this.url = url;
    this.issues = issues;
  }
}
