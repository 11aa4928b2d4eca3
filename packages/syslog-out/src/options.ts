import { isIpv6 } from './ip.js';
import { SyslogConfigError } from './errors.js';
import { createFormatter, type Formatter, type Framing, type HeaderOptions } from './format.js';
import { DEFAULT_PORT, parseTarget, type Protocol, type Target } from './target.js';

/** Options of `createSyslogSender`. Give `target` or `host` (with `protocol` and `port`). */
export interface SyslogSenderOptions extends HeaderOptions {
  /** `HOST`, `HOST:PORT` or `PROTOCOL:HOST:PORT`, or a parsed target. */
  target?: string | Target;
  /** @default 'tcp' */
  protocol?: Protocol;
  host?: string;
  /** @default 601 */
  port?: number;
  /** Stream framing (TCP/TLS). @default 'lf' */
  framing?: Framing;
  /** CA bundle for TLS: PEM text or Buffer, or a file path. */
  ca?: string | Buffer;
  /** Verify the receiver's certificate and host name. @default true */
  rejectUnauthorized?: boolean;
  /** Name to verify the certificate against (and send as SNI when it is not an IP). @default the host */
  servername?: string;
  /** Client certificate and key for mutual TLS: PEM text or Buffer, or file paths. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Largest record (header and message, in bytes). @default UDP 65507 (IPv4) or 65527 (IPv6); TCP/TLS none */
  maxMessageBytes?: number;
  /** What to do with a larger record: fail, or skip it and count it. @default 'error' */
  oversize?: 'error' | 'skip';
  /** @default 10000 */
  connectTimeoutMs?: number;
  /** @default 10000 */
  handshakeTimeoutMs?: number;
  /**
   * How long writing may make no progress (the receiver stopped reading) before the connection counts as failed
   * and is retried. @default 30000
   */
  writeStallTimeoutMs?: number;
  /**
   * When a TCP/TLS batch counts as delivered. 'confirmed': once the receiver read it and closed its side after our
   * end of stream (rsyslog, syslog-ng, Splunk do). 'written': once the kernel took it (every socket write callback
   * ran), with no end of stream, for receivers that never close; bytes still in socket buffers are lost if the
   * receiver dies. UDP has no confirmation: its records count once their datagram left. @default 'confirmed'
   */
  delivery?: Delivery;
  /**
   * How long `confirm()` waits for the receiver to close after end of stream. The batch is sent again once on a new
   * connection; a receiver that stays open without closing a second time fails it with `SyslogDeliveryError`.
   * @default 10000
   */
  confirmTimeoutMs?: number;
  /** Reconnect attempts after a retryable failure before giving up. @default 5 */
  maxRetries?: number;
  /** @default 200 */
  retryBaseDelayMs?: number;
  /** @default 5000 */
  retryMaxDelayMs?: number;
  /** Bytes coalesced into one socket write. @default 262144 */
  chunkBytes?: number;
  /**
   * Unconfirmed bytes kept for resending before the sender confirms by itself (a 'confirm' event tells), so
   * memory stays bounded when the caller confirms rarely. @default 16 MiB
   */
  autoConfirmBytes?: number;
  /** Longest `close()` may take, confirming included; past it the sender stops (a SyslogTimeoutError). @default 30000 */
  closeTimeoutMs?: number;
  /**
   * Stops the sender when aborted: the connection is dropped at once, pending and later calls reject with
   * `SyslogAbortError`, and nothing unconfirmed counts as delivered.
   */
  signal?: AbortSignal;
}

/** When a batch counts as delivered: see {@link SyslogSenderOptions.delivery}. */
export type Delivery = 'confirmed' | 'written';

/** Every default of the sender's options, in one place. */
const DEFAULTS = {
  protocol: 'tcp',
  port: DEFAULT_PORT,
  oversize: 'error',
  delivery: 'confirmed',
  rejectUnauthorized: true,
  connectTimeoutMs: 10_000,
  handshakeTimeoutMs: 10_000,
  writeStallTimeoutMs: 30_000,
  confirmTimeoutMs: 10_000,
  maxRetries: 5,
  retryBaseDelayMs: 200,
  retryMaxDelayMs: 5_000,
  // Fewer, larger writes cost less per byte, TLS ones most (each waits a turn of the event loop to drain).
  chunkBytes: 256 * 1024,
  autoConfirmBytes: 16 * 1024 * 1024,
  closeTimeoutMs: 30_000,
} as const;

/** Largest UDP payloads: 65,535 less the IP and UDP headers. */
const UDP_LIMIT = { 4: 65_507, 6: 65_527 } as const;

/** The options with every default applied and every check passed: all the senders read. */
export interface ResolvedOptions {
  target: Target;
  /** Formats records; its `framing` is the stream framing. */
  formatter: Formatter;
  maxMessageBytes: number;
  oversize: 'error' | 'skip';
  /** Always 'written' over UDP (no confirmation). */
  delivery: Delivery;
  ca: string | Buffer | undefined;
  cert: string | Buffer | undefined;
  key: string | Buffer | undefined;
  rejectUnauthorized: boolean;
  servername: string | undefined;
  connectTimeoutMs: number;
  handshakeTimeoutMs: number;
  writeStallTimeoutMs: number;
  confirmTimeoutMs: number;
  maxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  chunkBytes: number;
  autoConfirmBytes: number;
  closeTimeoutMs: number;
  signal: AbortSignal | undefined;
}

/** The options TLS alone uses, in the order a check names them. */
const TLS_ONLY = ['ca', 'rejectUnauthorized', 'cert', 'key', 'servername'] as const;

/** Apply defaults and check the options against each other and the target; no files read, no sockets opened. */
export function resolveOptions(options: SyslogSenderOptions): ResolvedOptions {
  const target = resolveTarget(options);
  const formatter = createFormatter(options);
  const oversize = options.oversize ?? DEFAULTS.oversize;
  if (oversize !== 'error' && oversize !== 'skip') {
    throw new SyslogConfigError(`invalid oversize ${JSON.stringify(oversize)}: use error or skip`, {
      option: 'oversize',
    });
  }
  const udp = target.protocol === 'udp';
  const udpLimit = UDP_LIMIT[isIpv6(target.host) ? 6 : 4];
  const maxMessageBytes = options.maxMessageBytes ?? (udp ? udpLimit : Number.POSITIVE_INFINITY);
  if (!(maxMessageBytes > 0)) {
    throw new SyslogConfigError('maxMessageBytes must be a positive number', { option: 'maxMessageBytes' });
  }
  if (udp && maxMessageBytes > udpLimit) {
    throw new SyslogConfigError(`maxMessageBytes ${maxMessageBytes} is over the UDP limit of ${udpLimit} bytes`, {
      reason: 'not-for-udp',
      option: 'maxMessageBytes',
    });
  }
  const tlsOption = TLS_ONLY.find((key) =>
    key === 'rejectUnauthorized' ? options[key] === false : options[key] !== undefined,
  );
  if (target.protocol !== 'tls' && tlsOption !== undefined) {
    throw new SyslogConfigError('certificate options apply to TLS targets only (TLS-TCP:HOST:PORT)', {
      reason: 'tls-only',
      option: tlsOption,
    });
  }
  if ((options.cert === undefined) !== (options.key === undefined)) {
    throw new SyslogConfigError('mutual TLS needs both a client certificate and its key', {
      reason: 'cert-without-key',
      option: options.cert === undefined ? 'cert' : 'key',
    });
  }
  if (udp && options.framing === 'octet-counting') {
    throw new SyslogConfigError('UDP carries one record per datagram: octet-counting framing applies to TCP and TLS', {
      reason: 'not-for-udp',
      option: 'framing',
    });
  }
  const delivery = options.delivery ?? DEFAULTS.delivery;
  if (delivery !== 'confirmed' && delivery !== 'written') {
    throw new SyslogConfigError(`invalid delivery ${JSON.stringify(delivery)}: use confirmed or written`, {
      option: 'delivery',
    });
  }
  if (udp && options.delivery === 'confirmed') {
    throw new SyslogConfigError(
      'UDP has no confirmation: delivery confirmed applies to TCP and TLS (UDP records count once sent)',
      { reason: 'not-for-udp', option: 'delivery' },
    );
  }
  return {
    target,
    formatter,
    maxMessageBytes,
    oversize,
    delivery: udp ? 'written' : delivery,
    ca: options.ca,
    cert: options.cert,
    key: options.key,
    rejectUnauthorized: options.rejectUnauthorized ?? DEFAULTS.rejectUnauthorized,
    servername: options.servername,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? DEFAULTS.handshakeTimeoutMs,
    writeStallTimeoutMs: options.writeStallTimeoutMs ?? DEFAULTS.writeStallTimeoutMs,
    confirmTimeoutMs: options.confirmTimeoutMs ?? DEFAULTS.confirmTimeoutMs,
    maxRetries: options.maxRetries ?? DEFAULTS.maxRetries,
    retryBaseDelayMs: options.retryBaseDelayMs ?? DEFAULTS.retryBaseDelayMs,
    retryMaxDelayMs: options.retryMaxDelayMs ?? DEFAULTS.retryMaxDelayMs,
    chunkBytes: options.chunkBytes ?? DEFAULTS.chunkBytes,
    autoConfirmBytes: options.autoConfirmBytes ?? DEFAULTS.autoConfirmBytes,
    closeTimeoutMs: options.closeTimeoutMs ?? DEFAULTS.closeTimeoutMs,
    signal: options.signal,
  };
}

/**
 * Check options as `createSyslogSender` does, without reading certificate files or connecting: throws the same
 * SyslogConfigError, whose `reason` and `option` say what is wrong.
 */
export function checkSenderOptions(options: SyslogSenderOptions): void {
  resolveOptions(options);
}

function resolveTarget(options: SyslogSenderOptions): Target {
  if (options.target !== undefined) {
    return typeof options.target === 'string' ? parseTarget(options.target) : options.target;
  }
  if (options.host === undefined || options.host === '') {
    throw new SyslogConfigError('a target or host is required', { option: 'target' });
  }
  return { protocol: options.protocol ?? DEFAULTS.protocol, host: options.host, port: options.port ?? DEFAULTS.port };
}
