import { EventEmitter } from 'node:events';
import { SyslogAbortError, SyslogConfigError, SyslogError, SyslogMessageError, SyslogTimeoutError } from './errors.js';
import { SEVERITIES, code } from './format.js';
import { OVERSIZE } from './hints.js';
import type { Delivery, ResolvedOptions } from './options.js';
import type { SyslogSender, SyslogStats } from './sender.js';

/**
 * What the stream and UDP senders share: formatting a record, the size limit, one operation at a time, a failure
 * that makes the sender unusable, the abort signal, and a close bounded in time.
 */
export abstract class SenderCore extends EventEmitter implements SyslogSender {
  readonly stats: SyslogStats = { sent: 0, bytes: 0, confirmedBatches: 0, retries: 0, resent: 0, skippedOversize: 0 };
  readonly delivery: Delivery;
  protected readonly options: ResolvedOptions;
  /** Operations queued or running. */
  protected pending = 0;
  protected failed: SyslogError | undefined;
  protected closed = false;
  /** Set once `signal` aborted. */
  protected aborted: SyslogAbortError | undefined;
  /** Why delivery must stop at once (an abort, or a close past its timeout): loops check this, not `aborted`. */
  protected halted: SyslogError | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #onAbort = (): void => this.#abort();

  constructor(options: ResolvedOptions) {
    super();
    this.options = options;
    this.delivery = options.delivery;
  }

  send(message: string | object, options?: { severity?: number | string }): Promise<void> {
    try {
      this.usable();
      const severity = options?.severity === undefined ? undefined : code(options.severity, SEVERITIES, 'severity', 7);
      const formatter = this.options.formatter;
      // Compact JSON never holds a raw line break, so only strings need the check.
      const text =
        typeof message === 'string'
          ? formatter.text(message, severity)
          : formatter.text(JSON.stringify(message), severity, undefined, true);
      return this.accept(text);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  flush(): Promise<void> {
    return this.serial(() => this.flushNow());
  }

  confirm(): Promise<void> {
    return this.serial(() => this.confirmNow());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const limitMs = this.options.closeTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    try {
      if (this.failed === undefined) {
        // Retries could take minutes against a receiver that stopped reading; a closing process cannot wait that long.
        const timeout = new Promise<never>((_, reject) => {
          const message = `close did not finish within ${limitMs} ms; unconfirmed records may be lost`;
          timer = setTimeout(() => {
            // Stop the delivery loop too: left running, its retries would open connections after close() returned.
            const error = new SyslogTimeoutError(message);
            this.#halt(error);
            reject(error);
          }, limitMs);
        });
        await Promise.race([this.serial(() => this.confirmAndRelease()), timeout]);
      }
    } finally {
      clearTimeout(timer);
      this.options.signal?.removeEventListener('abort', this.#onAbort);
      this.closed = true;
      await this.release();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Take one formatted record. */
  protected abstract accept(text: string): Promise<void>;
  /** Write what is buffered. */
  protected abstract flushNow(): Promise<void>;
  /** Deliver what was sent, by the sender's measure of delivered. */
  protected abstract confirmNow(): Promise<void>;
  /** Confirm, and let go of the connection gently (part of `close()`, bounded by its timeout). */
  protected abstract confirmAndRelease(): Promise<void>;
  /** Let go of every socket and timer at once. */
  protected abstract release(): Promise<void>;
  /** Records sent but not confirmed. */
  protected abstract unconfirmed(): number;
  /** Stop what is under way (a connection, a backoff): the sender was aborted or its close timed out. */
  protected abstract stop(error: SyslogError): void;
  /** An operation failed: the sender is unusable from now on. */
  protected onFailed(): void {}

  /** Follow the `signal`; called by a subclass once it is built, since an aborted signal stops it at once. */
  protected listen(): void {
    const signal = this.options.signal;
    if (signal?.aborted === true) this.#abort();
    else signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  protected usable(): void {
    if (this.failed !== undefined) throw this.failed;
    if (this.closed) throw new SyslogConfigError('the sender is closed', { reason: 'closed' });
  }

  protected count(bytes: number): void {
    this.stats.sent += 1;
    this.stats.bytes += bytes;
  }

  /** Reject a record over the size limit, or skip it and say so. */
  protected oversize(bytes: number): Promise<void> {
    const message = `record of ${bytes} bytes is over the limit of ${this.options.maxMessageBytes} bytes`;
    if (this.options.oversize === 'skip') {
      this.stats.skippedOversize += 1;
      this.emit('warning', `skipped a ${message}`);
      return Promise.resolve();
    }
    return Promise.reject(new SyslogMessageError(message, OVERSIZE));
  }

  /** Run operations one at a time, in call order; a failure makes the sender unusable. */
  protected serial<T>(operation: () => Promise<T>): Promise<T> {
    this.pending += 1;
    const run = this.#queue.then(() => {
      this.usable();
      return operation();
    });
    this.#queue = run.then(
      () => undefined,
      (error: unknown) => {
        if (error instanceof SyslogError && !(error instanceof SyslogMessageError)) {
          this.failed ??= error;
          this.onFailed();
        }
      },
    );
    return run.finally(() => {
      this.pending -= 1;
    });
  }

  /** Stop now: fail what is under way and every later call with one SyslogAbortError. */
  #abort(): void {
    if (this.aborted !== undefined || this.closed) return;
    const unconfirmed = this.unconfirmed();
    this.aborted = new SyslogAbortError(
      `aborted with ${unconfirmed} record(s) sent since the last confirmation left unconfirmed`,
      unconfirmed,
      { cause: this.options.signal?.reason },
    );
    this.#halt(this.aborted);
  }

  /** Fail what is under way and every later call with `error`, and stop the delivery loop. */
  #halt(error: SyslogError): void {
    if (this.halted !== undefined) return;
    this.halted = error;
    this.failed ??= error;
    this.stop(error);
  }
}
