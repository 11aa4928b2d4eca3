/** The wait before the next reconnect after `failures` ones: doubling from `baseMs` to at most `capMs`, jittered. */
export function backoff(failures: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  return Math.round(Math.min(capMs, baseMs * 2 ** failures) * (0.5 + random() * 0.5));
}

/** Wait `ms`; `onWaiting` gets a function that ends the wait early (an abort), and undefined once it ended. */
export async function sleep(ms: number, onWaiting: (wake: (() => void) | undefined) => void): Promise<void> {
  await new Promise<void>((resolve) => {
    const wake = (): void => {
      clearTimeout(timer);
      onWaiting(undefined);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    onWaiting(wake);
  });
}
