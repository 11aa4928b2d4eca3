// What a failed change (change-state, add-note) means for the command that sent it: whether it may have been
// applied, and whether any other row could still succeed.
import { ApiError, ConnectionError, IncydrError, InvalidArgumentError, TimeoutError } from '@x/sessions-sdk';

/**
 * How a failed change ended:
 * - `row`: refused for this request alone (404, 400, …): not applied, and other rows may succeed;
 * - `api`: not applied, and no row can succeed (API unreachable, DNS, TLS, credentials refused, throttled or
 *   unavailable past the retries);
 * - `lost`: the answer was lost once the server was done (connection lost after sending, 500, 502): read the session
 *   back to learn whether it was applied;
 * - `late`: the answer was lost while the server may still be working on it (timeout, 504, anything unexpected):
 *   reading back can prove it applied, never that it was not.
 */
export type FailureKind = 'row' | 'api' | 'lost' | 'late';

/** 4xx answers about the API client or the traffic, not about the request's ids. */
const CLIENT_WIDE_STATUSES = new Set([401, 407, 408, 429]);

/** The {@link FailureKind} of an error thrown by a change. */
export function failureKind(error: unknown): FailureKind {
  if (error instanceof InvalidArgumentError) return 'row';
  if (error instanceof TimeoutError) return 'late';
  if (error instanceof ApiError) {
    if (error.outcome === 'unknown') return error.status === 500 || error.status === 502 ? 'lost' : 'late';
    const forThisRequest = error.status >= 400 && error.status < 500 && !CLIENT_WIDE_STATUSES.has(error.status);
    return forThisRequest ? 'row' : 'api';
  }
  if (error instanceof ConnectionError) return error.outcome === 'unknown' ? 'lost' : 'api';
  // Settings, a token answer that is not what the API documents: nothing was sent, and nothing can be.
  if (error instanceof IncydrError) return 'api';
  return 'late';
}
