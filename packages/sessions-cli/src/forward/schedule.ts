// When a pipeline of the service runs next (README "Forwarding as a service"): its interval counted from the start
// of its previous run, or a backoff counted from the end of a failed one, each with jitter so that pipelines started
// together drift apart and a fleet restarted at once does not hit the API in step.

/** Each delay is moved by up to this share of itself, either way. */
export const JITTER_RATIO = 0.1;

/** The wait after a first failure; it doubles with each failure in a row, up to the pipeline's interval. */
export const BACKOFF_BASE_MS = 30_000;

/** `ms` moved by up to ±{@link JITTER_RATIO} of itself; `random` is uniform in [0, 1). */
export function jittered(ms: number, random: () => number): number {
  return Math.round(ms * (1 + JITTER_RATIO * (2 * random() - 1)));
}

/**
 * How long to wait after a run that succeeded: its interval (jittered) counted from when it started, so that runs
 * keep their pace; 0 when the run took longer than that (the next starts right away, never beside it).
 */
export function delayAfterSuccessMs(intervalMs: number, startedAt: number, now: number, random: () => number): number {
  return Math.max(0, startedAt + jittered(intervalMs, random) - now);
}

/**
 * How long to wait after the `failures`-th failed run in a row (1 for the first): {@link BACKOFF_BASE_MS} doubling
 * with each, never more than the interval, then jittered; counted from the end of the failed run.
 */
export function delayAfterFailureMs(intervalMs: number, failures: number, random: () => number): number {
  const doubled = BACKOFF_BASE_MS * 2 ** Math.min(Math.max(failures - 1, 0), 30);
  return jittered(Math.min(doubled, intervalMs), random);
}
