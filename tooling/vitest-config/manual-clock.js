// A clock for unit tests of code that sleeps: time moves only when the test calls `advance`, so a schedule, a
// backoff or a rate limit is checked to the millisecond without waiting, on any machine.

/** Lets the promise jobs and immediates that a wake-up starts run to their next wait. */
async function settle() {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * A clock at 0 ms that moves only on `advance`. `sleep(ms, signal)` resolves when the clock passes its time; an abort
 * resolves it too (`onAbort: 'resolve'`, the default) or rejects it with the signal's reason (`'reject'`).
 * @param {{ onAbort?: 'resolve' | 'reject' }} [options]
 */
export function manualClock({ onAbort = 'resolve' } = {}) {
  let now = 0;
  /** @type {{ until: number, wake: () => void }[]} */
  const sleepers = [];
  return {
    now: () => now,
    /** @param {number} ms @param {AbortSignal} [signal] */
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        if (signal?.aborted) {
          if (onAbort === 'reject') reject(signal.reason);
          else resolve();
          return;
        }
        const aborted = () => {
          const index = sleepers.indexOf(sleeper);
          if (index !== -1) sleepers.splice(index, 1);
          if (onAbort === 'reject') reject(signal?.reason);
          else resolve();
        };
        const sleeper = {
          until: now + ms,
          wake: () => {
            signal?.removeEventListener('abort', aborted);
            resolve();
          },
        };
        signal?.addEventListener('abort', aborted, { once: true });
        sleepers.push(sleeper);
      }),
    /** Move the clock `ms` on, waking each sleeper at its own time, in order. @param {number} ms */
    advance: async (ms) => {
      const target = now + ms;
      await settle();
      for (;;) {
        sleepers.sort((a, b) => a.until - b.until);
        const next = sleepers[0];
        if (next === undefined || next.until > target) break;
        sleepers.shift();
        now = next.until;
        next.wake();
        await settle();
      }
      now = target;
      await settle();
    },
    /** How many sleepers wait. */
    sleeping: () => sleepers.length,
  };
}
