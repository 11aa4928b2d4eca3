// Over 300 lines (after formatting): the stream delivery cycle (connect ahead, deliver, confirm, recover) is one class.
import { Batch } from './batch.js';
import { classify, isReset } from './classify.js';
import { SyslogConnectionError, type SyslogDeliveryError, type SyslogError } from './errors.js';
import { framingOverhead, type Framing } from './format.js';
import { dropsError, givingUpError, rejectedError, unclosedError } from './delivery-errors.js';
import type { ResolvedOptions } from './options.js';
import { EarlyCloseError, Probation } from './probation.js';
import { backoff, sleep } from './retry.js';
import { SenderCore } from './sender-core.js';
import { StreamConnection, type ConnectionOptions } from './stream-connection.js';
import { connectionOptions } from './connection-options.js';

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

/**
 * TCP and TLS: records coalesce into the batch's chunks; a connection opened ahead takes them; `confirm()` proves
 * the receiver read them (or, delivery 'written', that the kernel took them); a lost connection is replaced after a
 * backoff and gets the whole unconfirmed batch again.
 */
export class StreamSender extends SenderCore {
  readonly #connection: ConnectionOptions;
  readonly #batch: Batch;
  readonly #probation = new Probation();
  readonly #framing: Framing;
  /** LF framing: the framing of the fast path in accept(). */
  readonly #lf: boolean;
  readonly #target: string;
  #conn: StreamConnection | undefined;
  /** A connection opened while the first chunk fills, so that writing it need not wait for the connect. */
  #opening: Promise<StreamConnection> | undefined;
  /** Sealed chunks the current connection got. */
  #written = 0;
  /** Chunks of the batch some connection already got: writing one of them again is a resend. */
  #handedOver = 0;
  /** Why the last connection that had some of the batch was lost. */
  #lost: SyslogError | undefined;
  /** Wakes a retry backoff when the sender is halted (aborted, or its close timed out). */
  #wakeBackoff: (() => void) | undefined;
  #flushTimer: NodeJS.Timeout | undefined;

  constructor(options: ResolvedOptions) {
    super(options);
    const { target } = options;
    this.#target = `${target.host}:${target.port}`;
    this.#framing = options.formatter.framing;
    this.#batch = new Batch(this.#framing, options.chunkBytes, options.autoConfirmBytes);
    this.#lf = this.#framing === 'lf';
    this.#connection = connectionOptions(options);
    this.listen();
  }

  protected accept(text: string): Promise<void> {
    const batch = this.#batch;
    const maxBytes = this.options.maxMessageBytes;
    // The fast path (LF framing, nothing in flight, room for the worst case of 3 UTF-8 bytes per UTF-16 unit):
    // frame straight into the chunk and learn the size from the write, without a separate pass to measure it.
    const worst = text.length * 3;
    if (this.#lf && this.pending === 0 && worst <= maxBytes && worst < batch.room) {
      this.count(batch.append(text));
      this.#afterAppend();
      return RESOLVED;
    }
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > maxBytes) return this.oversize(bytes);
    const framed = bytes + framingOverhead(this.#framing, bytes);
    // No operation in flight and room in the chunk: nothing to wait for.
    if (this.pending === 0 && framed <= batch.room) {
      this.count(batch.append(text, bytes));
      this.#afterAppend();
      return RESOLVED;
    }
    return this.serial(async () => {
      if (framed > batch.room) {
        await this.#seal(framed);
        // The unconfirmed batch is kept for resending; past the cap it is confirmed, so memory stays bounded.
        if (batch.sealedBytes >= this.options.autoConfirmBytes) await this.confirmNow();
      }
      this.count(batch.append(text, bytes));
    });
  }

  protected async flushNow(): Promise<void> {
    await this.#seal(0);
  }

  protected async confirmNow(): Promise<void> {
    await this.#seal(0);
    if (this.#batch.chunks.length === 0) return;
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
        if (!this.#probation.proven) await this.#probation.probe(conn);
        if (this.options.delivery === 'written') {
          await conn.accepted();
          // Kept open for the next batch, which refs it again: a caller that never closes must not hang the process.
          conn.unref();
        } else {
          await conn.end(this.options.confirmTimeoutMs);
          this.#conn = undefined;
        }
        const records = this.#batch.records;
        this.#batch.confirmed();
        this.#written = 0;
        this.#handedOver = 0;
        this.#lost = undefined;
        this.#probation.confirmed();
        this.stats.confirmedBatches += 1;
        this.emit('confirm', { records });
        return;
      } catch (error) {
        // Sending again helps a receiver that was only slow or stuck once; one that never closes would get every
        // retry's copy of the batch.
        if (this.#conn?.unclosed === true && this.halted === undefined) {
          unclosed += 1;
          if (unclosed >= 2) throw this.#unclosedError(error);
        }
        failures = await this.#recover(this.#probation.early(error, this.#conn), failures);
      }
    }
  }

  /** Confirm; with delivery 'written' also end our side of the connection kept open for the next batch. */
  protected async confirmAndRelease(): Promise<void> {
    await this.confirmNow();
    if (this.options.delivery === 'written') await this.#conn?.release(this.options.writeStallTimeoutMs);
  }

  protected release(): Promise<void> {
    clearTimeout(this.#flushTimer);
    this.#batch.release();
    this.#conn?.destroy();
    this.#conn = undefined;
    this.#dropOpening();
    return RESOLVED;
  }

  protected unconfirmed(): number {
    return this.#batch.records;
  }

  protected stop(error: SyslogError): void {
    clearTimeout(this.#flushTimer);
    this.#conn?.destroy(error);
    this.#dropOpening();
    this.#wakeBackoff?.();
  }

  protected override onFailed(): void {
    this.#dropOpening();
  }

  /** A record went into the open chunk: write it soon, and have a connection ready by then. */
  #afterAppend(): void {
    this.#scheduleFlush();
    if (this.#conn === undefined && this.#opening === undefined) this.#openAhead();
  }

  /** Start connecting (and the TLS handshake) now; a failure is reported when the connection is needed. */
  #openAhead(): void {
    const opening = StreamConnection.open(this.#connection, true);
    opening.catch(() => undefined);
    this.#opening = opening;
  }

  /** Close a connection opened ahead that nothing will use. */
  #dropOpening(): void {
    this.#opening?.then(
      (conn) => conn.destroy(),
      () => undefined,
    );
    this.#opening = undefined;
  }

  /** Records must not wait in a half-full chunk for the next record: write what is there after a short delay. */
  #scheduleFlush(): void {
    if (this.#flushTimer !== undefined) return;
    // A timer rather than setImmediate: a producer that yields often would otherwise turn every yield into a
    // small write and push its records through the slow path while that write is in flight.
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      if (this.#batch.open && this.failed === undefined && !this.closed) {
        // A failure is kept by serial() and reported by the next call.
        this.flush().catch(() => undefined);
      }
    }, FLUSH_DELAY_MS);
    this.#flushTimer.unref();
  }

  /** Seal the open chunk into the batch and write it; make room for `next` bytes. */
  async #seal(next: number): Promise<void> {
    this.#batch.seal(next);
    await this.#deliver();
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
          if (this.#written === 0 && this.#batch.chunks.length === 0) return;
          this.#conn = await this.#connect();
          this.#written = 0;
          // Halted while a connection opened ahead was ready: it was not ours to drop yet.
          if (this.halted !== undefined) throw this.halted;
          if (this.#handedOver > 0) this.#announceResend();
        }
        this.#conn.ref();
        while (this.#written < this.#batch.chunks.length) {
          const index = this.#written;
          const chunk = this.#batch.chunks[index] as Buffer;
          this.#written += 1;
          if (index < this.#handedOver) this.stats.resent += this.#batch.recordsIn(index);
          else this.#handedOver = index + 1;
          const writing = this.#conn.write(chunk);
          // Writing goes on while the new receiver is on probation; a close within it counts as an early close.
          // The watch starts with the first write: a receiver that does not read is no early close.
          this.#probation.watch(this.#conn);
          await writing;
        }
        return;
      } catch (error) {
        failures = await this.#recover(this.#probation.early(error, this.#conn), failures);
      }
    }
  }

  /** The connection opened ahead when the receiver kept it, or a new one. */
  async #connect(): Promise<StreamConnection> {
    const ahead = this.#opening;
    this.#opening = undefined;
    // A connection opened ahead that the receiver closed meanwhile (idle) is no failure: open another.
    const opened = ahead === undefined ? undefined : await held(ahead);
    opened?.ref();
    if (opened !== undefined && !opened.usable) opened.destroy();
    return opened?.usable === true ? opened : await StreamConnection.open(this.#connection);
  }

  /** The batch went out twice and neither connection was closed by the receiver after our end of stream. */
  #unclosedError(cause: unknown): SyslogDeliveryError {
    this.#conn?.destroy();
    this.#conn = undefined;
    this.#written = 0;
    return unclosedError(this.#target, this.#batch.records, this.options.confirmTimeoutMs, cause);
  }

  /** Drop the failed connection, classify the error, and wait before the next attempt; throws when it is over. */
  async #recover(error: unknown, failures: number): Promise<number> {
    const conn = this.#conn;
    this.#conn = undefined;
    conn?.destroy();
    // After a close that timed out nothing else lets go of a connection opened meanwhile.
    if (this.halted !== undefined) throw this.halted;
    this.#written = 0;
    const probation = this.#probation;
    let classified = classify(error instanceof EarlyCloseError ? error.cause : error, 'sending to', this.#target);
    if (probation.failed(error, classified.retryable)) {
      const how = isReset(classified) ? 'reset' : 'closed';
      const verdict = await probation.judge(() => StreamConnection.open(this.#connection));
      if (this.halted !== undefined) throw this.halted;
      if (verdict === 'kept') throw rejectedError(this.#target, how, this.#connection.tls !== undefined, error);
      if (verdict === 'dropped') classified = dropsError(this.#target, how, classified);
    }
    if (conn?.firstWriteAt !== undefined) this.#lost = classified;
    if (!classified.retryable) throw classified;
    const attempt = failures + 1;
    const { maxRetries, retryBaseDelayMs, retryMaxDelayMs } = this.options;
    if (attempt > maxRetries) {
      throw givingUpError(maxRetries, classified, this.#batch.records, probation.dropsConnections);
    }
    const delayMs = backoff(failures, retryBaseDelayMs, retryMaxDelayMs);
    this.stats.retries += 1;
    this.emit('retry', { attempt, delayMs, error: classified });
    await sleep(delayMs, (wake) => {
      this.#wakeBackoff = wake;
    });
    if (this.halted !== undefined) throw this.halted;
    return attempt;
  }

  /** Tell the caller that records a lost connection had are about to be written again, and why. */
  #announceResend(): void {
    let records = 0;
    for (let index = 0; index < this.#handedOver; index += 1) records += this.#batch.recordsIn(index);
    if (records === 0) return;
    const error = this.#lost ?? new SyslogConnectionError(`${this.#target} closed the connection`, { retryable: true });
    this.emit('resend', { records, error });
  }
}
