import type { EventEmitter } from 'node:events';
import type { Delivery, SyslogSenderOptions } from './options.js';
import { resolveOptions } from './options.js';
import { StreamSender } from './stream-sender.js';
import { UdpSender } from './udp-sender.js';

/** Counters of a sender. */
export interface SyslogStats {
  /** Records accepted by `send()`. */
  sent: number;
  /** Bytes of those records, framing included. */
  bytes: number;
  /** Batches delivered: confirmed by the receiver, or taken by the kernel (delivery 'written', UDP). */
  confirmedBatches: number;
  /** Reconnects after retryable failures. */
  retries: number;
  /**
   * Records written again on a new connection because the one that had them was lost before confirming them (an
   * idle close, a reset, a timeout): the receiver may hold them twice.
   */
  resent: number;
  /** Records skipped because they were over `maxMessageBytes` with `oversize: 'skip'`. */
  skippedOversize: number;
}

/**
 * A syslog sender; events: 'retry' `{attempt, delayMs, error}`, 'resend' `{records, error}` (records sent again on
 * a new connection, and why the last one was lost), 'warning' (text), 'confirm' `{records}`.
 */
export interface SyslogSender extends EventEmitter, AsyncDisposable {
  /** Accept one record (objects become compact JSON); resolves once accepted, with backpressure respected. */
  send(message: string | object, options?: { severity?: number | string }): Promise<void>;
  /** Resolve once everything handed over is written to the socket. */
  flush(): Promise<void>;
  /**
   * The delivery checkpoint: resolve only once the receiver provably read every record sent so far (delivery
   * 'written': once the kernel took them).
   */
  confirm(): Promise<void>;
  /** Confirm what is unconfirmed (bounded in time), then release the connection. */
  close(): Promise<void>;
  readonly stats: Readonly<SyslogStats>;
  /** When a batch counts as delivered: the `delivery` option, and always 'written' over UDP (no confirmation). */
  readonly delivery: Delivery;
}

/** Create a sender; checks options now and connects on the first record. */
export function createSyslogSender(options: SyslogSenderOptions): SyslogSender {
  const resolved = resolveOptions(options);
  return resolved.target.protocol === 'udp' ? new UdpSender(resolved) : new StreamSender(resolved);
}
