// Every hint of the library, with its reason and its advice (the part naming an option), so that a caller can say
// the same in its own words: see SyslogError.advice.
import type { SyslogErrorOptions } from './errors.js';

/** A reason with its hint and advice, to spread into a SyslogError's options. */
type Explained = Required<Pick<SyslogErrorOptions, 'reason'>> & Pick<SyslogErrorOptions, 'hint' | 'advice'>;

function advised(reason: Explained['reason'], advice: string, before = '', after = ''): Explained {
  return { reason, hint: `${before}${advice}${after}`, advice };
}

/** The receiver's certificate is not trusted, for another host, or expired. */
export const CERTIFICATE = advised(
  'certificate',
  'pass its CA as ca, or rejectUnauthorized: false to skip checks',
  'check the receiver certificate, ',
);
/** The receiver refused our client certificate. */
export const CLIENT_CERTIFICATE = advised(
  'client-certificate',
  'give a client certificate and key the receiver trusts (cert, key)',
);
/** A TLS handshake failed: the port may be a plain one. */
export const NOT_TLS: Explained = { reason: 'not-tls', hint: 'is the port a TLS port? (use TCP for a plain port)' };
/** A TLS handshake never completed. */
export const HUNG_TLS: Explained = {
  reason: 'not-tls',
  hint:
    'the receiver accepted the connection but never completed the TLS handshake: it may be hung or overloaded, ' +
    'or the port may be a plain one (TCP:HOST:PORT)',
};
/** A plain connection got bytes back: most likely a TLS alert from a TLS port. */
export const TLS_PORT: Explained = { reason: 'tls-port', hint: 'is it a TLS port? (use TLS-TCP:HOST:PORT)' };
/** The receiver stopped reading. */
export const STALLED = advised(
  'stalled',
  'raise writeStallTimeoutMs',
  'the receiver stopped reading; if it is only slow, ',
);
/** The receiver did not close its side within confirmTimeoutMs after end of stream. */
export const NOT_CONFIRMED = advised(
  'not-confirmed',
  'raise confirmTimeoutMs',
  'the receiver neither read the rest nor closed its side; if it is only slow, ',
);
/** Two connections of one batch were left open after end of stream. */
export const NEVER_CLOSES = advised(
  'never-closes',
  "needs delivery: 'written'; one that is only slow, a longer confirmTimeoutMs",
  'a receiver that reads everything but never closes its side (some SIEM collectors, load balancers) ',
);
/** The receiver drops connections whatever is sent on them. */
export const DROPS_CONNECTIONS: Explained = {
  reason: 'drops-connections',
  hint:
    'the receiver drops connections whatever is sent: it may be restarting, at its connection limit, or behind an ' +
    'access rule or a load balancer without a working backend; its log says which',
};

/** Nothing listens at `target`. */
export function refused(target: string): Explained {
  return { reason: 'refused', hint: `is the receiver running and listening on ${target}?` };
}

/**
 * The receiver closed (or reset) connections right after their first bytes, yet keeps one on which nothing is sent:
 * it rejects what it reads. A plain port may be a TLS one; a reset may be a receiver failing on what it reads.
 */
export function framingRejected(tls: boolean, reset: boolean): Explained {
  return advised(
    'framing-rejected',
    "does it expect framing: 'octet-counting' or header: 'rfc5424'?",
    tls ? '' : 'is it a TLS port (use TLS-TCP), or ',
    reset ? ' (or it fails on what it reads: its log says which)' : '',
  );
}

/** A record with a line break under LF framing. */
export const LINE_BREAK = advised('line-break', "use framing: 'octet-counting'");
/** A record over maxMessageBytes. */
export const OVERSIZE = advised('oversize', "raise maxMessageBytes, or oversize: 'skip' to skip such records");
