/** A clock that moves only when the test says so. */
export interface ManualClock {
  now(): number;
  /** Resolves when the clock passes `now() + ms`; on abort resolves or rejects, as the clock was made. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Move the clock `ms` on, waking each sleeper at its own time, in order. */
  advance(ms: number): Promise<void>;
  /** How many sleepers wait. */
  sleeping(): number;
}

/** A clock at 0 ms that moves only on `advance`; an aborted sleep resolves (the default) or rejects with the reason. */
export declare function manualClock(options?: { onAbort?: 'resolve' | 'reject' }): ManualClock;
