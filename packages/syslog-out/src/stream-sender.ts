import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import {
  SyslogAbortError,
  SyslogConfigError,
  SyslogConnectionError,
  SyslogDeliveryError,
  SyslogError,
  SyslogMessageError,
  SyslogTimeoutError,
} from './errors.js';
import { createFormatter, framingOverhead, SEVERITIES, code, type Formatter, type Framing, type HeaderOptions } from './format.js';
import { DROPS_HINT, classify } from './classify.js';
import { StreamConnection, type ConnectionOptions } from './stream-connection.js';
import { secureContext } from './tls-context.js';
import { parseTarget, type Protocol, type Target } from './target.js';
import { UdpChannel } from './udp-channel.js';

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
  /** Longest `close()` may take, confirming included. @default 30000 */
  closeTimeoutMs?: number;
  /**
   * Stops the sender when aborted: the connection is dropped at once, pending and later calls reject with
   * `SyslogAbortError`, and nothing unconfirmed counts as delivered.
   */
  signal?: AbortSignal;
}

/** When a batch counts as delivered: see {@link SyslogSenderOptions.delivery}. */
export type Delivery = 'confirmed' | 'written';

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

/**
 * How long a new receiver must keep a connection open after the first bytes before it counts as reading them: long
 * enough for a rejecting receiver's close to arrive (a few round trips), short enough not to mistake an idle timeout.
 */
const PROBE_MIN_MS = 100;

/** How long a record may wait in a partly filled chunk before it is written anyway. */
const FLUSH_DELAY_MS = 5;
const RESOLVED = Promise.resolve();

/** Await a promise while keeping the process alive (a connection opened ahead does not, until it is used). */
async function held<T>(promise: Promise<T>): Promise<T> {
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    return await promise;
  } finally {
    clearInterval(keepAlive);
  }
}

/** Marks a failure during the probe of a new receiver. */
class EarlyCloseError extends Error {
  override name = 'EarlyCloseError';
}

/** UDP datagrams above this size may be fragmented or dropped on typical networks. */
export const UDP_SAFE_BYTES = 1472;

/** Create a sender; checks options now and connects on the first record. */
export function createSyslogSender(options: SyslogSenderOptions): SyslogSender {
  const target = resolveTarget(options);
  const formatter = createFormatter(options);
  const oversize = options.oversize ?? 'error';
  if (oversize !== 'error' && oversize !== 'skip') {
    throw new SyslogConfigError(`invalid oversize ${JSON.stringify(oversize)}: use error or skip`);
  }
  const udpLimit = isIP(target.host) === 6 ? 65_527 : 65_507;
  const maxBytes = options.maxMessageBytes ?? (target.protocol === 'udp' ? udpLimit : Number.POSITIVE_INFINITY);
  if (!(maxBytes > 0)) throw new SyslogConfigError('maxMessageBytes must be a positive number');
  if (target.protocol === 'udp' && maxBytes > udpLimit) {
    throw new SyslogConfigError(`maxMessageBytes ${maxBytes} is over the UDP limit of ${udpLimit} bytes`);
  }
  const tlsOnly = ['ca', 'cert', 'key', 'servername'] as const;
  if (target.protocol !== 'tls' && (tlsOnly.some((key) => options[key] !== undefined) || options.rejectUnauthorized === false)) {
    throw new SyslogConfigError('certificate options apply to TLS targets only (TLS-TCP:HOST:PORT)');
  }
  if ((options.cert === undefined) !== (options.key === undefined)) {
    throw new SyslogConfigError('mutual TLS needs both a client certificate and its key');
  }
  if (target.protocol === 'udp' && options.framing === 'octet-counting') {
    throw new SyslogConfigError('UDP carries one record per datagram: octet-counting framing applies to TCP and TLS');
  }
  const delivery = options.delivery ?? 'confirmed';
  if (delivery !== 'confirmed' && delivery !== 'written') {
    throw new SyslogConfigError(`invalid delivery ${JSON.stringify(delivery)}: use confirmed or written`);
  }
  if (target.protocol === 'udp' && options.delivery === 'confirmed') {
    throw new SyslogConfigError('UDP has no confirmation: delivery confirmed applies to TCP and TLS (UDP records count once sent)');
  }
  return new Sender(target, formatter, { ...options, oversize, maxBytes, delivery });
}

function resolveTarget(options: SyslogSenderOptions): Target {
  if (options.target !== undefined) {
    return typeof options.target === 'string' ? parseTarget(options.target) : options.target;
  }
  if (options.host === undefined || options.host === '') throw new SyslogConfigError('a target or host is required');
  return { protocol: options.protocol ?? 'tcp', host: options.host, port: options.port ?? 601 };
}

type Resolved = SyslogSenderOptions & { oversize: 'error' | 'skip'; maxBytes: number; delivery: Delivery };

class Sender extends EventEmitter implements SyslogSender {
  readonly stats: SyslogStats = { sent: 0, bytes: 0, confirmedBatches: 0, retries: 0, resent: 0, skippedOversize: 0 };
  readonly delivery: Delivery;
  readonly #target: Target;
  readonly #formatter: Formatter;
  readonly #options: Resolved;
  readonly #connection: ConnectionOptions;
  readonly #chunkBytes: number;
  readonly #autoConfirmBytes: number;
  /** LF framing on a stream: the framing of the fast path in send(). */
  readonly #lf: boolean;
  #udp: UdpChannel | undefined;
  #conn: StreamConnection | undefined;
  /** A connection opened while the first chunk fills, so that writing it need not wait for the connect. */
  #opening: Promise<StreamConnection> | undefined;
  /** Sealed chunks of the unconfirmed batch, in order; and how many of them the current connection got. */
  #batch: Buffer[] = [];
  #written = 0;
  #batchRecords = 0;
  /** Records in each sealed chunk of the batch, and in all of them. */
  #chunkRecords: number[] = [];
  #sealedRecords = 0;
  /** Chunks of the batch some connection already got: writing one of them again is a resend. */
  #handedOver = 0;
  /** Why the last connection that had some of the batch was lost. */
  #lost: SyslogError | undefined;
  /** Set once `signal` aborted. */
  #aborted: SyslogAbortError | undefined;
  readonly #onAbort = (): void => this.#abort();
  /** Wakes a retry backoff when the sender is aborted. */
  #wakeBackoff: (() => void) | undefined;
  #chunk: Buffer;
  #offset = 0;
  /**
   * The whole buffer `#chunk` is cut from, the earlier whole buffers the unconfirmed batch lies in, and spare ones
   * to reuse: a confirmed batch's buffers are free (its connection is closed, so no socket still reads them).
   */
  #base: Buffer;
  #retired: Buffer[] = [];
  #spare: Buffer[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  #pending = 0;
  #failed: SyslogError | undefined;
  #closed = false;
  #warnedLarge = false;
  /** Consecutive connections the receiver dropped right after the first bytes, and whether one ever did not. */
  #earlyCloses = 0;
  #proven = false;
  /** The receiver dropped a connection on which nothing was sent: early closes say nothing about our records. */
  #dropsConnections = false;
  #flushTimer: NodeJS.Timeout | undefined;
  #batchBytes = 0;

  constructor(target: Target, formatter: Formatter, options: Resolved) {
    super();
    this.#target = target;
    this.#formatter = formatter;
    this.#options = options;
    this.delivery = target.protocol === 'udp' ? 'written' : options.delivery;
    // Fewer, larger writes cost less per byte, TLS ones most (each waits a turn of the event loop to drain).
    this.#chunkBytes = options.chunkBytes ?? 256 * 1024;
    this.#chunk = Buffer.allocUnsafe(this.#chunkBytes);
    this.#base = this.#chunk;
    this.#autoConfirmBytes = options.autoConfirmBytes ?? 16 * 1024 * 1024;
    this.#lf = target.protocol !== 'udp' && formatter.framing === 'lf';
    this.#connection = {
      host: target.host,
      port: target.port,
      tls:
        target.protocol === 'tls'
          ? {
              context: secureContext(options),
              rejectUnauthorized: options.rejectUnauthorized ?? true,
              servername: options.servername,
              session: { value: undefined },
            }
          : undefined,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
      writeStallTimeoutMs: options.writeStallTimeoutMs ?? 30_000,
      signal: options.signal,
    };
    if (options.signal?.aborted === true) this.#abort();
    else options.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  send(message: string | object, options?: { severity?: number | string }): Promise<void> {
    try {
      this.#usable();
      const severity = options?.severity === undefined ? undefined : code(options.severity, SEVERITIES, 'severity', 7);
      // Compact JSON never holds a raw line break, so only strings need the check.
      const text =
        typeof message === 'string'
          ? this.#formatter.text(message, severity)
          : this.#formatter.text(JSON.stringify(message), severity, undefined, true);
      // The fast path (LF framing, nothing in flight, room for the worst case of 3 UTF-8 bytes per UTF-16 unit):
      // write straight into the chunk and learn the size from the write, without a separate pass to measure it.
      const worst = text.length * 3;
      if (this.#lf && this.#pending === 0 && worst <= this.#options.maxBytes && this.#offset + worst < this.#chunk.length) {
        const chunk = this.#chunk;
        const bytes = chunk.write(text, this.#offset, 'utf8');
        chunk[this.#offset + bytes] = 0x0a;
        this.#offset += bytes + 1;
        this.#batchRecords += 1;
        this.#count(bytes + 1);
        this.#scheduleFlush();
        if (this.#conn === undefined && this.#opening === undefined) this.#openAhead();
        return RESOLVED;
      }
      const bytes = Buffer.byteLength(text, 'utf8');
      if (bytes > this.#options.maxBytes) return this.#oversize(bytes);
      if (this.#target.protocol === 'udp') {
        this.#warnLarge(bytes);
        return this.#serial(() => this.#udpChannel().send(text)).then(() => this.#count(bytes));
      }
      const framed = bytes + framingOverhead(this.#formatter.framing, bytes);
      // The fast path: no operation in flight and room in the chunk, so nothing to wait for.
      if (this.#pending === 0 && this.#offset + framed <= this.#chunk.length) {
        this.#append(text, bytes, framed);
        this.#scheduleFlush();
        if (this.#conn === undefined && this.#opening === undefined) this.#openAhead();
        return RESOLVED;
      }
      return this.#serial(async () => {
        if (this.#offset + framed > this.#chunk.length) {
          await this.#seal(framed);
          // The unconfirmed batch is kept for resending; past the cap it is confirmed, so memory stays bounded.
          if (this.#batchBytes >= this.#autoConfirmBytes) await this.#confirm();
        }
        this.#append(text, bytes, framed);
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  flush(): Promise<void> {
    return this.#serial(async () => {
      if (this.#target.protocol === 'udp') return this.#udp?.settled();
      await this.#seal(0);
    });
  }

  confirm(): Promise<void> {
    return this.#serial(() => this.#confirm());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    const limitMs = this.#options.closeTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      if (this.#failed === undefined) {
        // Retries could take minutes against a receiver that stopped reading; a closing process cannot wait that long.
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new SyslogTimeoutError(`close did not finish within ${limitMs} ms; unconfirmed records may be lost`)),
            limitMs,
          );
        });
        await Promise.race([this.#serial(() => this.#confirmAndRelease()), timeout]);
      }
    } finally {
      clearTimeout(timer);
      clearTimeout(this.#flushTimer);
      this.#options.signal?.removeEventListener('abort', this.#onAbort);
      this.#closed = true;
      this.#spare = [];
      this.#conn?.destroy();
      this.#conn = undefined;
      this.#dropOpening();
      await this.#udp?.close();
    }
  }

  /** Confirm; with delivery 'written' also end our side of the connection kept open for the next batch. */
  async #confirmAndRelease(): Promise<void> {
    await this.#confirm();
    if (this.#options.delivery === 'written') await this.#conn?.release(this.#connection.writeStallTimeoutMs);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #usable(): void {
    if (this.#failed !== undefined) throw this.#failed;
    if (this.#closed) throw new SyslogConfigError('the sender is closed');
  }

  /** Stop now: fail what is under way (a connection, a backoff) and every later call with one SyslogAbortError. */
  #abort(): void {
    if (this.#aborted !== undefined || this.#closed) return;
    const unconfirmed = this.#batchRecords;
    this.#aborted = new SyslogAbortError(
      `aborted with ${unconfirmed} record(s) sent since the last confirmation left unconfirmed`,
      unconfirmed,
      { cause: this.#options.signal?.reason },
    );
    this.#failed ??= this.#aborted;
    clearTimeout(this.#flushTimer);
    this.#conn?.destroy(this.#aborted);
    this.#dropOpening();
    this.#wakeBackoff?.();
  }

  #count(bytes: number): void {
    this.stats.sent += 1;
    this.stats.bytes += bytes;
  }

  #oversize(bytes: number): Promise<void> {
    const message = `record of ${bytes} bytes is over the limit of ${this.#options.maxBytes} bytes`;
    if (this.#options.oversize === 'skip') {
      this.stats.skippedOversize += 1;
      this.emit('warning', `skipped a ${message}`);
      return Promise.resolve();
    }
    return Promise.reject(new SyslogMessageError(message, { hint: 'raise the limit, or skip such records' }));
  }

  #warnLarge(bytes: number): void {
    if (bytes <= UDP_SAFE_BYTES || this.#warnedLarge) return;
    this.#warnedLarge = true;
    this.emit('warning', `UDP datagrams over ${UDP_SAFE_BYTES} bytes (this one: ${bytes}) may be fragmented or dropped`);
  }

  #udpChannel(): UdpChannel {
    this.#udp ??= new UdpChannel(this.#target.host, this.#target.port);
    return this.#udp;
  }

  /** Run operations one at a time, in call order; a failure makes the sender unusable. */
  #serial<T>(operation: () => Promise<T>): Promise<T> {
    this.#pending += 1;
    const run = this.#queue.then(() => {
      this.#usable();
      return operation();
    });
    this.#queue = run.then(
      () => undefined,
      (error: unknown) => {
        if (error instanceof SyslogError && !(error instanceof SyslogMessageError)) {
          this.#failed ??= error;
          this.#dropOpening();
        }
      },
    );
    return run.finally(() => {
      this.#pending -= 1;
    });
  }

  /** Start connecting (and the TLS handshake) now; a failure is reported when the connection is needed. */
  #openAhead(): void {
    const opening = StreamConnection.open(this.#connection, true);
    opening.catch(() => undefined);
    this.#opening = opening;
  }

  /** Close a connection opened ahead that nothing will use. */
  #dropOpening(): void {
    this.#opening?.then((conn) => conn.destroy(), () => undefined);
    this.#opening = undefined;
  }

  /** Records must not wait in a half-full chunk for the next record: write what is there after a short delay. */
  #scheduleFlush(): void {
    if (this.#flushTimer !== undefined) return;
    // A timer rather than setImmediate: a producer that yields often would otherwise turn every yield into a
    // small write and push its records through the slow path while that write is in flight.
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      if (this.#offset > 0 && this.#failed === undefined && !this.#closed) {
        // A failure is kept by #serial and reported by the next call.
        this.flush().catch(() => undefined);
      }
    }, FLUSH_DELAY_MS);
    this.#flushTimer.unref();
  }

  #append(text: string, bytes: number, framed: number): void {
    const chunk = this.#chunk;
    if (this.#formatter.framing === 'octet-counting') this.#offset += chunk.write(`${bytes} `, this.#offset, 'latin1');
    this.#offset += chunk.write(text, this.#offset, 'utf8');
    if (this.#formatter.framing === 'lf') chunk[this.#offset++] = 0x0a;
    this.#batchRecords += 1;
    this.#count(framed);
  }

  /** Move the filled part of the chunk into the batch and write it; make room for `next` bytes. */
  async #seal(next: number): Promise<void> {
    if (this.#offset > 0) {
      this.#batch.push(this.#chunk.subarray(0, this.#offset));
      this.#chunkRecords.push(this.#batchRecords - this.#sealedRecords);
      this.#sealedRecords = this.#batchRecords;
      this.#batchBytes += this.#offset;
      // A flush of a few records must not pin a whole chunk each: start the next at the unused part.
      const rest = this.#chunk.length - this.#offset;
      if (rest >= Math.max(next, 4096)) this.#chunk = this.#chunk.subarray(this.#offset);
      else this.#newChunk(next);
      this.#offset = 0;
    } else if (next > this.#chunk.length) {
      this.#newChunk(next);
    }
    await this.#deliver();
  }

  /** Start a new chunk with room for `next` bytes; the current one stays with the batch until it is confirmed. */
  #newChunk(next: number): void {
    if (this.#batch.length > 0) this.#retired.push(this.#base);
    else this.#recycle(this.#base);
    this.#base = next <= this.#chunkBytes ? (this.#spare.pop() ?? Buffer.allocUnsafe(this.#chunkBytes)) : Buffer.allocUnsafe(next);
    this.#chunk = this.#base;
  }

  /** Keep a whole chunk for reuse, no more than the unconfirmed batch may hold anyway. */
  #recycle(buffer: Buffer): void {
    if (buffer.length === this.#chunkBytes && (this.#spare.length + 1) * this.#chunkBytes <= this.#autoConfirmBytes) {
      this.#spare.push(buffer);
    }
  }

  /** Write every batch chunk the current connection has not had, reconnecting (and resending all) on failure. */
  async #deliver(): Promise<void> {
    let failures = 0;
    for (;;) {
      try {
        if (this.#conn === undefined || !this.#conn.usable) {
          // A connection the receiver closed between writes (an idle timeout) is lost with what it had.
          if (this.#conn !== undefined && this.#written > 0) this.#lost = this.#conn.lost;
          this.#conn?.destroy();
          this.#conn = undefined;
          if (this.#written === 0 && this.#batch.length === 0) return;
          const ahead = this.#opening;
          this.#opening = undefined;
          // A connection opened ahead that the receiver closed meanwhile (idle) is no failure: open another.
          const opened = ahead === undefined ? undefined : await held(ahead);
          opened?.ref();
          if (opened !== undefined && !opened.usable) opened.destroy();
          this.#conn = opened?.usable === true ? opened : await StreamConnection.open(this.#connection);
          this.#written = 0;
          // Aborted while a connection opened ahead was ready: it was not ours to drop yet.
          if (this.#aborted !== undefined) throw this.#aborted;
          if (this.#handedOver > 0) this.#announceResend();
        }
        this.#conn.ref();
        while (this.#written < this.#batch.length) {
          const index = this.#written;
          const chunk = this.#batch[index] as Buffer;
          this.#written += 1;
          if (index < this.#handedOver) this.stats.resent += this.#chunkRecords[index] ?? 0;
          else this.#handedOver = index + 1;
          const writing = this.#conn.write(chunk);
          // Writing goes on while the new receiver is on probation; a close within it counts as an early close. The
          // watch starts with the first write, not once it completed: a receiver that does not read is no early close.
          if (!this.#proven) this.#conn.whenKept(this.#probeMs(this.#conn), () => this.#passProbe());
          await writing;
        }
        return;
      } catch (error) {
        failures = await this.#recover(this.#early(error), failures);
      }
    }
  }

  async #confirm(): Promise<void> {
    if (this.#target.protocol === 'udp') {
      await this.#udp?.settled();
      if (this.stats.sent > 0) this.stats.confirmedBatches += 1;
      return;
    }
    await this.#seal(0);
    if (this.#batch.length === 0) return;
    let failures = 0;
    /** Connections that took the batch, then stayed open without closing their side after our end of stream. */
    let unclosed = 0;
    for (;;) {
      try {
        await this.#deliver();
        const conn = this.#conn;
        if (conn === undefined) throw new SyslogConnectionError('no connection to confirm on', { retryable: true });
        // After end of stream, a receiver rejecting what it read would close as if it confirmed: wait out the probe.
        // With delivery 'written' there is no end of stream, but the batch must not count before the probe either.
        if (!this.#proven) await this.#probe(conn);
        if (this.#options.delivery === 'written') {
          await conn.accepted();
          // Kept open for the next batch, which refs it again: a caller that never closes must not hang the process.
          conn.unref();
        } else {
          await conn.end(this.#options.confirmTimeoutMs ?? 10_000);
          this.#conn = undefined;
        }
        const records = this.#batchRecords;
        for (const buffer of this.#retired) this.#recycle(buffer);
        this.#retired = [];
        // Nothing unconfirmed is left in the current chunk either: start again at the front of its buffer.
        this.#chunk = this.#base;
        this.#batch = [];
        this.#batchBytes = 0;
        this.#written = 0;
        this.#batchRecords = 0;
        this.#chunkRecords = [];
        this.#sealedRecords = 0;
        this.#handedOver = 0;
        this.#lost = undefined;
        this.#earlyCloses = 0;
        this.#dropsConnections = false;
        this.stats.confirmedBatches += 1;
        this.emit('confirm', { records });
        return;
      } catch (error) {
        // Sending again helps a receiver that was only slow or stuck once; one that never closes would get every
        // retry's copy of the batch.
        if (this.#conn?.unclosed === true && this.#aborted === undefined) {
          unclosed += 1;
          if (unclosed >= 2) throw this.#unclosedError(error);
        }
        failures = await this.#recover(this.#early(error), failures);
      }
    }
  }

  /** The batch went out twice and neither connection was closed by the receiver after our end of stream. */
  #unclosedError(cause: unknown): SyslogDeliveryError {
    this.#conn?.destroy();
    this.#conn = undefined;
    this.#written = 0;
    const target = `${this.#target.host}:${this.#target.port}`;
    const ms = this.#options.confirmTimeoutMs ?? 10_000;
    const records = this.#batchRecords;
    return new SyslogDeliveryError(
      `${target} took the batch of ${records} record(s) on two connections but closed neither within ${ms} ms ` +
        'after end of stream, so delivery cannot be confirmed',
      records,
      {
        hint:
          'a receiver that reads everything but never closes its side (some SIEM collectors, load balancers) needs ' +
          "delivery: 'written'; one that is only slow, a longer confirmTimeoutMs",
        cause,
      },
    );
  }

  /** How long a new receiver must keep a connection open after its first bytes. */
  #probeMs(conn: StreamConnection): number {
    return Math.max(PROBE_MIN_MS, 4 * conn.connectMs);
  }

  /** Wait until a receiver has kept a connection open past its first bytes; fail if it drops them. */
  async #probe(conn: StreamConnection): Promise<void> {
    try {
      await conn.probe(this.#probeMs(conn));
    } catch (error) {
      throw new EarlyCloseError('closed right after the first bytes', { cause: error });
    }
    this.#passProbe();
  }

  #passProbe(): void {
    this.#proven = true;
    this.#earlyCloses = 0;
  }

  /**
   * A failure of a receiver still on probation after the first bytes: it closed within the probe time. No clock
   * comparison here: on a busy event loop a close is noticed late, while the probe only passes once the loop has
   * seen the connection still open after the probe time (StreamConnection.whenKept), so the order is the measure.
   */
  #early(error: unknown): unknown {
    const conn = this.#conn;
    if (this.#proven || error instanceof EarlyCloseError || conn === undefined || conn.firstWriteAt === undefined) return error;
    return new EarlyCloseError('closed right after the first bytes', { cause: error });
  }

  /** Drop the failed connection, classify the error, and wait before the next attempt; throws when it is over. */
  async #recover(error: unknown, failures: number): Promise<number> {
    if (this.#aborted !== undefined) throw this.#aborted;
    const conn = this.#conn;
    this.#conn = undefined;
    conn?.destroy();
    this.#written = 0;
    const target = `${this.#target.host}:${this.#target.port}`;
    const early = error instanceof EarlyCloseError && !this.#dropsConnections;
    let classified = classify(error instanceof EarlyCloseError ? error.cause : error, 'sending to', target);
    this.#earlyCloses = early && classified.retryable ? this.#earlyCloses + 1 : 0;
    if (this.#earlyCloses >= 2) {
      const how = isReset(classified) ? 'reset' : 'closed';
      const verdict = await this.#idleVerdict();
      if (this.#aborted !== undefined) throw this.#aborted;
      // A receiver that drops connections right after the first bytes, yet keeps one on which nothing was sent, is
      // not down: it rejects what we send.
      if (verdict === 'kept') {
        const format =
          this.#target.protocol === 'tls'
            ? 'does it expect --framing octet-counting or --syslog-header rfc5424?'
            : 'is it a TLS port (use TLS-TCP), or does it expect --framing octet-counting or --syslog-header rfc5424?';
        // A reset may also be a receiver that fails on what it reads: only its log can tell.
        const hint = how === 'reset' ? `${format} (or it fails on what it reads: its log says which)` : format;
        throw new SyslogConnectionError(`${target} ${how} the connection right after the first bytes, twice`, {
          hint,
          cause: error,
        });
      }
      this.#earlyCloses = 0;
      if (verdict === 'dropped') {
        this.#dropsConnections = true;
        classified = new SyslogConnectionError(
          `${target} ${how} the connection right after the first bytes, and also one on which nothing was sent`,
          { retryable: true, hint: DROPS_HINT, cause: classified },
        );
      }
    }
    if (conn?.firstWriteAt !== undefined) this.#lost = classified;
    if (!classified.retryable) throw classified;
    const attempt = failures + 1;
    const maxRetries = this.#options.maxRetries ?? 5;
    if (attempt > maxRetries) {
      throw new SyslogDeliveryError(`giving up after ${maxRetries} retries: ${classified.detail}`, this.#batchRecords, {
        hint: classified.hint ?? (this.#dropsConnections ? DROPS_HINT : undefined),
        cause: classified,
      });
    }
    const base = this.#options.retryBaseDelayMs ?? 200;
    const cap = this.#options.retryMaxDelayMs ?? 5_000;
    const delayMs = Math.round(Math.min(cap, base * 2 ** failures) * (0.5 + Math.random() * 0.5));
    this.stats.retries += 1;
    this.emit('retry', { attempt, delayMs, error: classified });
    await new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#wakeBackoff = undefined;
        resolve();
      };
      const timer = setTimeout(wake, delayMs);
      this.#wakeBackoff = wake;
    });
    if (this.#aborted !== undefined) throw this.#aborted;
    return attempt;
  }

  /** Tell the caller that records a lost connection had are about to be written again, and why. */
  #announceResend(): void {
    let records = 0;
    for (let index = 0; index < this.#handedOver; index += 1) records += this.#chunkRecords[index] ?? 0;
    if (records === 0) return;
    const target = `${this.#target.host}:${this.#target.port}`;
    const error = this.#lost ?? new SyslogConnectionError(`${target} closed the connection`, { retryable: true });
    this.emit('resend', { records, error });
  }

  /**
   * Whether the receiver keeps a new connection on which nothing is sent open for the probe time ('kept'), drops
   * it ('dropped'), or could not be asked ('unknown': the connect itself failed).
   */
  async #idleVerdict(): Promise<'kept' | 'dropped' | 'unknown'> {
    let conn: StreamConnection;
    try {
      conn = await StreamConnection.open(this.#connection);
    } catch {
      return 'unknown';
    }
    try {
      await conn.probe(this.#probeMs(conn));
      return 'kept';
    } catch {
      return 'dropped';
    } finally {
      conn.destroy();
    }
  }
}

/** Whether the receiver reset the connection (rather than closing it). */
function isReset(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (code === 'ECONNRESET' || code === 'EPIPE') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
