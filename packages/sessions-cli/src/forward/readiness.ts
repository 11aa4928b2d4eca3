/** A pipeline as readiness sees it. */
export interface ReadinessPipeline {
  name: string;
  intervalMs: number;
}

/** A pipeline is ready while its last successful run ended at most this many of its intervals ago. */
export const READY_INTERVALS = 2;

/**
 * Which pipelines of the service are ready (`/readyz`): those whose last successful run ended within
 * {@link READY_INTERVALS} of their intervals. A pipeline is unready until its first run succeeded, so that a
 * receiver or an API that is down from the start shows; a single failed run between successes does not count.
 */
export class Readiness {
  readonly #now: () => number;
  #pipelines: readonly ReadinessPipeline[] = [];
  /** When each pipeline's last successful run ended (by `now`). */
  readonly #lastSuccess = new Map<string, number>();

  /** `now`: a monotonic clock in milliseconds. */
  constructor(now: () => number) {
    this.#now = now;
  }

  /** The pipelines that run now: a removed one is forgotten, so that added again it is unready until it succeeds. */
  setPipelines(pipelines: readonly ReadinessPipeline[]): void {
    this.#pipelines = pipelines.map(({ name, intervalMs }) => ({ name, intervalMs }));
    for (const name of this.#lastSuccess.keys()) {
      if (!pipelines.some((pipeline) => pipeline.name === name)) this.#lastSuccess.delete(name);
    }
  }

  /** A run of `name` succeeded just now (a pipeline removed meanwhile stays forgotten). */
  succeeded(name: string): void {
    if (this.#pipelines.some((pipeline) => pipeline.name === name)) this.#lastSuccess.set(name, this.#now());
  }

  /** The names of the pipelines that are not ready, in config order; none: the service is ready. */
  unready(): string[] {
    const now = this.#now();
    return this.#pipelines
      .filter(({ name, intervalMs }) => {
        const at = this.#lastSuccess.get(name);
        return at === undefined || now - at > READY_INTERVALS * intervalMs;
      })
      .map(({ name }) => name);
  }
}
