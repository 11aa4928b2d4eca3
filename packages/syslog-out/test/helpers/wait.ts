import { patient } from '@x/vitest-config/patience';
/** Poll `condition` every few milliseconds until it holds; fail with `what` after `quietMs` (scaled to this machine). */
export async function waitFor(condition: () => boolean, what: string, quietMs = 10_000): Promise<void> {
  const timeoutMs = patient(quietMs);
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Poll until `value()` has not changed for `steadyMs`; fail after `quietTimeoutMs`. Both are scaled to this machine: on
 * a loaded one a producer can pause longer without having stopped. Returns the settled value.
 */
export async function waitForSteady(
  value: () => number,
  what: string,
  steadyMs: number,
  quietTimeoutMs: number,
): Promise<number> {
  const quietMs = patient(steadyMs);
  const timeoutMs = patient(quietTimeoutMs);
  const deadline = Date.now() + timeoutMs;
  let last = value();
  let since = Date.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const now = value();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      return now;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} to settle`);
  }
}

/** How a promise settled and how long it took; never rejects. */
export interface Outcome<T> {
  ok: boolean;
  value: T | undefined;
  error: unknown;
  ms: number;
}

/** Await `promise` and report how it settled. */
export async function outcome<T>(promise: PromiseLike<T>): Promise<Outcome<T>> {
  const start = Date.now();
  try {
    const value = await promise;
    return { ok: true, value, error: undefined, ms: Date.now() - start };
  } catch (error) {
    return { ok: false, value: undefined, error, ms: Date.now() - start };
  }
}

/** Reject with a clear message when `promise` takes longer than `quietMs` scaled to this machine (it keeps running). */
export async function within<T>(promise: Promise<T>, quietMs: number, what: string): Promise<T> {
  const ms = patient(quietMs);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
