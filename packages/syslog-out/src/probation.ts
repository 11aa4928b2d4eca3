import { afterTwoPollPhases } from './socket-wait.js';

/**
 * How long a new receiver must keep a connection open after the first bytes before it counts as reading them: long
 * enough for a rejecting receiver's close to arrive (a few round trips), short enough not to mistake an idle timeout.
 */
export const PROBE_MIN_MS = 100;

/** Marks a failure during the probe of a new receiver. */
export class EarlyCloseError extends Error {
  override name = 'EarlyCloseError';
}

/** What asking a receiver with an idle connection found: see {@link Probation.judge}. */
type Verdict = 'kept' | 'dropped' | 'unknown';

/** What probation reads of a connection. */
export interface ProbedConnection {
  /** When the first bytes were handed to it. */
  readonly firstWriteAt: number | undefined;
  /** How long its connect took: a round trip, roughly. */
  readonly connectMs: number;
  /** Whether it is still open. */
  readonly usable: boolean;
  /** Wait `ms` after the first write; reject if it closes meanwhile. */
  probe(ms: number): Promise<void>;
}

/**
 * The new-receiver rule: a receiver is on probation until it keeps a connection open for the probe time after the
 * first bytes. Two closes in a row within that time mean it rejects what it reads, or drops every connection: the
 * caller tells which by asking with a connection on which nothing is sent.
 */
export class Probation {
  #proven = false;
  #earlyCloses = 0;
  #watched = new WeakSet<ProbedConnection>();
  /** The receiver dropped a connection on which nothing was sent: early closes say nothing about our records. */
  dropsConnections = false;

  /** Whether the receiver once kept a connection open past the probe time. */
  get proven(): boolean {
    return this.#proven;
  }

  /** How long a receiver must keep a connection open after its first bytes: four round trips, at least 100 ms. */
  probeMs(conn: ProbedConnection): number {
    return Math.max(PROBE_MIN_MS, 4 * conn.connectMs);
  }

  /**
   * Pass the receiver once `conn` is still open the probe time after its first write, without holding up writes (nor
   * the process: the timer is unreferenced). The check runs after two poll phases, so that a close is seen first.
   */
  watch(conn: ProbedConnection): void {
    const firstWriteAt = conn.firstWriteAt;
    if (this.#proven || firstWriteAt === undefined || this.#watched.has(conn)) return;
    this.#watched.add(conn);
    const ms = this.probeMs(conn);
    const check = (): void => {
      const left = firstWriteAt + ms - Date.now();
      if (left > 0) setTimeout(check, left).unref();
      else afterTwoPollPhases(() => conn.usable && this.#pass());
    };
    setTimeout(check, 0).unref();
  }

  /** Wait until the receiver kept `conn` open past the probe time; fail with EarlyCloseError if it closes it. */
  async probe(conn: ProbedConnection): Promise<void> {
    try {
      await conn.probe(this.probeMs(conn));
    } catch (error) {
      throw new EarlyCloseError('closed right after the first bytes', { cause: error });
    }
    this.#pass();
  }

  /**
   * A failure of a receiver still on probation after the first bytes: it closed within the probe time. No clock
   * comparison here: on a busy event loop a close is noticed late, while the probe only passes once the loop has
   * seen the connection still open after the probe time (see `watch`), so the order is the measure.
   */
  early(error: unknown, conn: ProbedConnection | undefined): unknown {
    if (this.#proven || error instanceof EarlyCloseError || conn?.firstWriteAt === undefined) return error;
    return new EarlyCloseError('closed right after the first bytes', { cause: error });
  }

  /**
   * Count a failed attempt (`early` from {@link early}); true when it is the second early close in a row, so that
   * the caller asks {@link judge} for a verdict.
   */
  failed(error: unknown, retryable: boolean): boolean {
    const early = error instanceof EarlyCloseError && !this.dropsConnections;
    this.#earlyCloses = early && retryable ? this.#earlyCloses + 1 : 0;
    return this.#earlyCloses >= 2;
  }

  /**
   * After two early closes: whether the receiver keeps a new connection on which nothing is sent open for the probe
   * time ('kept': it rejects what we send, it is not down), drops it too ('dropped': it drops connections whatever
   * is sent, so early closes count no more), or could not be asked ('unknown': the connect itself failed).
   */
  async judge(open: () => Promise<ProbedConnection & { destroy(): void }>): Promise<Verdict> {
    const verdict = await this.#ask(open);
    this.#earlyCloses = 0;
    if (verdict === 'dropped') this.dropsConnections = true;
    return verdict;
  }

  /** A batch was confirmed: early closes start counting again. */
  confirmed(): void {
    this.#earlyCloses = 0;
    this.dropsConnections = false;
  }

  async #ask(open: () => Promise<ProbedConnection & { destroy(): void }>): Promise<Verdict> {
    let conn: ProbedConnection & { destroy(): void };
    try {
      conn = await open();
    } catch {
      return 'unknown';
    }
    try {
      await conn.probe(this.probeMs(conn));
      return 'kept';
    } catch {
      return 'dropped';
    } finally {
      conn.destroy();
    }
  }

  #pass(): void {
    this.#proven = true;
    this.#earlyCloses = 0;
  }
}
