import { sleep, untilAborted } from './abort.js';

/** The window `maxRequestsPerMinute` counts in. */
const RATE_WINDOW_MS = 60_000;

/** Clock and timer of a limiter; replaced only by the limiter's own unit tests. */
export interface LimiterClock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Resolve after `ms`, or reject with the signal's reason when it aborts first. */
  sleep(ms: number, signal: AbortSignal | undefined): Promise<void>;
}

const realClock: LimiterClock = { now: () => performance.now(), sleep };

/**
 * Lets at most `limit` requests start in any sliding window of `windowMs`. Callers are served first come, first
 * served; `acquire` resolves when the caller may start its request, and counts that start.
 */
export class SlidingWindowLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #clock: LimiterClock;
  /** Start times still inside the window, oldest first; never more than `limit` entries. */
  readonly #starts: number[] = [];
  /** Settles when the caller ahead in the queue has its slot (or gave up). */
  #tail: Promise<void> = Promise.resolve();

  constructor(limit: number, windowMs: number = RATE_WINDOW_MS, clock: LimiterClock = realClock) {
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError(`limit must be a positive integer, got ${limit}`);
    }
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#clock = clock;
  }

  /**
   * Wait for a free slot, then take it. `onWait` is told how long the caller will wait when the window is full.
   * Rejects with the signal's reason when it aborts first; an aborted caller takes no slot.
   */
  async acquire(signal?: AbortSignal, onWait?: (waitMs: number) => void): Promise<void> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      await untilAborted(previous, signal);
      for (;;) {
        const now = this.#clock.now();
        while (this.#starts.length > 0 && (this.#starts[0] ?? 0) + this.#windowMs <= now) this.#starts.shift();
        const oldest = this.#starts[0];
        if (oldest === undefined || this.#starts.length < this.#limit) {
          this.#starts.push(now);
          return;
        }
        const waitMs = oldest + this.#windowMs - now;
        onWait?.(waitMs);
        await this.#clock.sleep(waitMs, signal);
      }
    } finally {
      // A caller that gave up hands its turn on only once the caller ahead is done, so the queue keeps its order.
      void previous.then(release);
    }
  }
}

/**
 * A `maxRequestsPerMinute` budget that several clients share: give the same one as `requestBudget` to each client
 * that uses one API client (the API counts per API client), and their requests together stay within it.
 */
export class RequestBudget extends SlidingWindowLimiter {
  /** The most requests the sharing clients start together in any sliding 60 s. */
  readonly maxRequestsPerMinute: number;

  constructor(maxRequestsPerMinute: number) {
    super(maxRequestsPerMinute);
    this.maxRequestsPerMinute = maxRequestsPerMinute;
  }
}
