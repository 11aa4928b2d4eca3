import { ConnectionError, TimeoutError, outcomeOfStatus } from './errors.js';
import { isTransient, parseRetryAfter } from './http-errors.js';

const BACKOFF_BASE_MS = 500;
/**
 * The statuses retried for a call safe to repeat: those of the openai SDK (408, 409, 429, 5xx), without 409 (a conflict
 * here is a session's state, which a retry does not change) and 501 (not implemented will not become implemented).
 */
const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
/**
 * The statuses after which a call unsafe to repeat (add-note) is retried: refusals before processing. 408 is left out
 * for it: whether a proxy in front of the API may send one after forwarding the request is not known, and a note added
 * twice cannot be taken back.
 */
const UNSAFE_RETRY_STATUSES = new Set([429, 503]);

/** What the retry decision needs to know of a call and the client's settings. */
export interface RetryState {
  /** Whether repeating the call is harmless (see `HttpRequest.retrySafe`). */
  retrySafe: boolean;
  /** Retries made so far. */
  retries: number;
  maxRetries: number;
  maxRetryDelayMs: number;
}

/** A wait before the next attempt: how long, why, and whether the failed attempt's answer was lost. */
export interface RetryWait {
  ms: number;
  reason: 'retry-after' | 'backoff';
  /** `HTTP 429`, or the message of the connection error or timeout. */
  cause: string;
  /** The failed attempt may have been applied. */
  lost: boolean;
}

/**
 * Whether an attempt that failed with `failure` (the Response of an HTTP error status, or the SDK's ConnectionError or
 * TimeoutError) is tried again, and after which wait; undefined to give up. A `Retry-After` beyond `maxRetryDelayMs`
 * gives up.
 */
export function retryWait(failure: unknown, state: RetryState): RetryWait | undefined {
  if (state.retries >= state.maxRetries) return undefined;
  if (failure instanceof Response) {
    const status = failure.status;
    if (!(state.retrySafe ? RETRY_STATUSES : UNSAFE_RETRY_STATUSES).has(status)) return undefined;
    const retryAfterMs = parseRetryAfter(failure.headers.get('retry-after'));
    const ms = retryAfterMs ?? backoffMs(state.retries, state.maxRetryDelayMs);
    if (ms > state.maxRetryDelayMs) return undefined;
    const reason = retryAfterMs === undefined ? 'backoff' : 'retry-after';
    return { ms, reason, cause: `HTTP ${status}`, lost: outcomeOfStatus(status) === 'unknown' };
  }
  if (!(failure instanceof ConnectionError || failure instanceof TimeoutError)) return undefined;
  if (!isTransient(failure)) return undefined;
  if (!state.retrySafe && failure.outcome !== 'not-applied') return undefined;
  const ms = backoffMs(state.retries, state.maxRetryDelayMs);
  return { ms, reason: 'backoff', cause: failure.message, lost: failure.outcome === 'unknown' };
}

/** Exponential backoff from 500 ms, capped at `maxMs`, with jitter: between half and all of it. */
function backoffMs(retries: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, BACKOFF_BASE_MS * 2 ** retries);
  // Jitter keeps many clients throttled at the same moment from retrying in lockstep.
  return Math.round(ceiling * (0.5 + Math.random() * 0.5));
}
