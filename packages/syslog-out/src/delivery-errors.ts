// The errors the stream sender gives up with: each says what the receiver did, with its reason and hint.
import { SyslogConnectionError, SyslogDeliveryError, type SyslogError } from './errors.js';
import { DROPS_CONNECTIONS, NEVER_CLOSES, framingRejected } from './hints.js';

/** How a receiver ended a connection right after the first bytes. */
type EarlyEnd = 'closed' | 'reset';

/** The receiver ended two connections right after the first bytes, yet kept one on which nothing was sent. */
export function rejectedError(target: string, how: EarlyEnd, tls: boolean, cause: unknown): SyslogConnectionError {
  return new SyslogConnectionError(`${target} ${how} the connection right after the first bytes, twice`, {
    ...framingRejected(tls, how === 'reset'),
    cause,
  });
}

/** The receiver ended two connections right after the first bytes, and one on which nothing was sent too. */
export function dropsError(target: string, how: EarlyEnd, cause: SyslogError): SyslogConnectionError {
  return new SyslogConnectionError(
    `${target} ${how} the connection right after the first bytes, and also one on which nothing was sent`,
    { retryable: true, ...DROPS_CONNECTIONS, cause },
  );
}

/** Every retry failed; the last failure's reason and hint carry over (a receiver that drops connections, said). */
export function givingUpError(
  maxRetries: number,
  last: SyslogError,
  unconfirmed: number,
  dropsConnections: boolean,
): SyslogDeliveryError {
  const explained = last.hint === undefined && dropsConnections ? DROPS_CONNECTIONS : last;
  return new SyslogDeliveryError(`giving up after ${maxRetries} retries: ${last.detail}`, unconfirmed, {
    reason: explained.reason,
    hint: explained.hint,
    advice: explained.advice,
    cause: last,
  });
}

/** The batch went out twice and neither connection was closed by the receiver after our end of stream. */
export function unclosedError(
  target: string,
  records: number,
  confirmTimeoutMs: number,
  cause: unknown,
): SyslogDeliveryError {
  return new SyslogDeliveryError(
    `${target} took the batch of ${records} record(s) on two connections but closed neither within ` +
      `${confirmTimeoutMs} ms after end of stream, so delivery cannot be confirmed`,
    records,
    { ...NEVER_CLOSES, cause },
  );
}
