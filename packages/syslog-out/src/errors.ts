/** Base class of every error of @x/syslog-out; `retryable` says whether a new connection may help. */
export class SyslogError extends Error {
  override name = 'SyslogError';
  /** Whether reconnecting and resending may succeed. */
  readonly retryable: boolean;
  /** What the user can do about it, when we know (e.g. "use --framing octet-counting"). */
  readonly hint: string | undefined;
  /** The message without the hint. */
  readonly detail: string;

  constructor(message: string, options: { retryable?: boolean; hint?: string | undefined; cause?: unknown } = {}) {
    super(options.hint === undefined ? message : `${message}: ${options.hint}`, { cause: options.cause });
    this.retryable = options.retryable ?? false;
    this.hint = options.hint;
    this.detail = message;
  }
}

/** Options or a target that cannot work; raised before any connection. */
export class SyslogConfigError extends SyslogError {
  override name = 'SyslogConfigError';
}

/** A record that cannot be sent as asked (too large, a newline under LF framing); nothing of it was sent. */
export class SyslogMessageError extends SyslogError {
  override name = 'SyslogMessageError';
}

/** The receiver could not be reached or dropped the connection (usually retryable). */
export class SyslogConnectionError extends SyslogError {
  override name = 'SyslogConnectionError';
}

/** A TLS problem: a certificate not trusted, for another host or expired; a port answering without TLS (not retried). */
export class SyslogTlsError extends SyslogError {
  override name = 'SyslogTlsError';
}

/** A connect, handshake, write or confirm step took longer than its timeout (retried like a lost connection). */
export class SyslogTimeoutError extends SyslogError {
  override name = 'SyslogTimeoutError';
}

/** Records could not be delivered after every retry; `unconfirmed` records were sent but not confirmed. */
export class SyslogDeliveryError extends SyslogError {
  override name = 'SyslogDeliveryError';
  readonly unconfirmed: number;

  constructor(message: string, unconfirmed: number, options: { hint?: string | undefined; cause?: unknown } = {}) {
    super(message, { ...options, retryable: false });
    this.unconfirmed = unconfirmed;
  }
}

/**
 * The `signal` given to the sender aborted: pending and later calls reject with this error, the connection is
 * dropped, and the `unconfirmed` records sent since the last confirmation were not confirmed.
 */
export class SyslogAbortError extends SyslogError {
  override name = 'SyslogAbortError';
  readonly unconfirmed: number;

  constructor(message: string, unconfirmed: number, options: { cause?: unknown } = {}) {
    super(message, { ...options, retryable: false });
    this.unconfirmed = unconfirmed;
  }
}
