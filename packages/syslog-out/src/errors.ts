/**
 * Why an operation failed, for callers that act on it or say it in their own words (a CLI naming its flags). The
 * README's table of reasons gives each one's meaning and the option that fixes it.
 */
export type SyslogErrorReason =
  // Options (SyslogConfigError, before any connection); `option` names the one at fault.
  | 'option'
  | 'tls-only'
  | 'not-for-udp'
  | 'cert-without-key'
  | 'certificate-file'
  // The sender or the record.
  | 'closed'
  | 'aborted'
  | 'oversize'
  | 'line-break'
  // The receiver.
  | 'refused'
  | 'timeout'
  | 'connection'
  | 'drops-connections'
  | 'certificate'
  | 'client-certificate'
  | 'not-tls'
  | 'tls-port'
  | 'framing-rejected'
  | 'stalled'
  | 'not-confirmed'
  | 'never-closes';

/** What a SyslogError is constructed with; `reason` defaults to the class's usual one. */
export interface SyslogErrorOptions {
  retryable?: boolean;
  hint?: string | undefined;
  cause?: unknown;
  reason?: SyslogErrorReason;
  advice?: string | undefined;
  option?: string | undefined;
}

/** Base class of every error of @x/syslog-out; `retryable` says whether a new connection may help. */
export class SyslogError extends Error {
  override name = 'SyslogError';
  /** The reason a class's errors have unless they say otherwise. */
  static readonly defaultReason: SyslogErrorReason = 'connection';
  /** Whether reconnecting and resending may succeed. */
  readonly retryable: boolean;
  /** What the user can do about it, in this library's option names, when we know (e.g. "raise confirmTimeoutMs"). */
  readonly hint: string | undefined;
  /** The message without the hint. */
  readonly detail: string;
  /** Why it failed: one of a documented set, stable across releases (messages are not). */
  readonly reason: SyslogErrorReason;
  /**
   * The part of `hint` that names this library's options (e.g. "raise confirmTimeoutMs"): a caller with its own
   * names for them replaces it, keyed by `reason`.
   */
  readonly advice: string | undefined;
  /** The option at fault, on errors about options (e.g. 'ca' given for a TCP target). */
  readonly option: string | undefined;

  constructor(message: string, options: SyslogErrorOptions = {}) {
    super(options.hint === undefined ? message : `${message}: ${options.hint}`, { cause: options.cause });
    this.retryable = options.retryable ?? false;
    this.hint = options.hint;
    this.detail = message;
    this.reason = options.reason ?? (new.target as typeof SyslogError).defaultReason;
    this.advice = options.advice;
    this.option = options.option;
  }
}

/** Options or a target that cannot work; raised before any connection. */
export class SyslogConfigError extends SyslogError {
  override name = 'SyslogConfigError';
  static override readonly defaultReason: SyslogErrorReason = 'option';
}

/** A record that cannot be sent as asked (too large, a newline under LF framing); nothing of it was sent. */
export class SyslogMessageError extends SyslogError {
  override name = 'SyslogMessageError';
  static override readonly defaultReason: SyslogErrorReason = 'oversize';
}

/** The receiver could not be reached or dropped the connection (usually retryable). */
export class SyslogConnectionError extends SyslogError {
  override name = 'SyslogConnectionError';
}

/** A TLS problem: a certificate not trusted, for another host or expired; a port answering without TLS (not retried). */
export class SyslogTlsError extends SyslogError {
  override name = 'SyslogTlsError';
  static override readonly defaultReason: SyslogErrorReason = 'certificate';
}

/** A connect, handshake, write or confirm step took longer than its timeout (retried like a lost connection). */
export class SyslogTimeoutError extends SyslogError {
  override name = 'SyslogTimeoutError';
  static override readonly defaultReason: SyslogErrorReason = 'timeout';
}

/** Records could not be delivered after every retry; `unconfirmed` records were sent but not confirmed. */
export class SyslogDeliveryError extends SyslogError {
  override name = 'SyslogDeliveryError';
  readonly unconfirmed: number;

  constructor(message: string, unconfirmed: number, options: Omit<SyslogErrorOptions, 'retryable'> = {}) {
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
  static override readonly defaultReason: SyslogErrorReason = 'aborted';
  readonly unconfirmed: number;

  constructor(message: string, unconfirmed: number, options: { cause?: unknown } = {}) {
    super(message, { ...options, retryable: false });
    this.unconfirmed = unconfirmed;
  }
}
