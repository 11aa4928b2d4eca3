import type { Pipeline } from './config.js';
import { delayAfterFailureMs, delayAfterSuccessMs } from './schedule.js';

/** The time a loop keeps: a monotonic clock and a wait that ends early, without error, when `signal` aborts. */
export interface LoopClock {
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** One run of a pipeline; resolves true when it succeeded. A rejection counts as a failed run. */
export type RunPipeline = (pipeline: Pipeline) => Promise<boolean>;

/** What a {@link PipelineLoop} works with. */
export interface LoopDeps {
  run: RunPipeline;
  clock: LoopClock;
  /** Uniform in [0, 1): the jitter. */
  random: () => number;
  /** A line for people about this pipeline (its name is added by the caller). */
  say: (line: string) => void;
  /** Settles when the first run may start: a removed loop of the same checkpoint still holds its lock until then. */
  after?: Promise<unknown>;
}

/** The clock of the process: `performance.now()` and a timer that an abort clears. */
export const realClock: LoopClock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    }),
};

/**
 * One pipeline of the service: runs it at once, then again and again on its schedule (schedule.ts), one run at a
 * time, until {@link stop}. A run is never cut short by the loop: stopping waits for the current run to end.
 */
export class PipelineLoop {
  /** Settles once the loop has ended (after {@link stop}, when its current run is over). */
  readonly done: Promise<void>;
  #pipeline: Pipeline;
  readonly #deps: LoopDeps;
  readonly #stopping = new AbortController();
  #ended = false;

  constructor(pipeline: Pipeline, deps: LoopDeps) {
    this.#pipeline = pipeline;
    this.#deps = deps;
    this.done = this.#loop().finally(() => {
      this.#ended = true;
    });
  }

  /** The settings the next run uses. */
  get pipeline(): Pipeline {
    return this.#pipeline;
  }

  /** Whether the loop has ended. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Use these settings from the next run on (a run under way keeps its own). */
  update(pipeline: Pipeline): void {
    this.#pipeline = pipeline;
  }

  /** Start no other run: the wait for the next one ends now, a run under way finishes. */
  stop(): void {
    this.#stopping.abort();
  }

  async #loop(): Promise<void> {
    const { clock, random, say } = this.#deps;
    const stopped = this.#stopping.signal;
    await this.#deps.after;
    let failures = 0;
    while (!stopped.aborted) {
      const startedAt = clock.now();
      const { intervalMs } = this.#pipeline;
      const ok = await this.#deps.run(this.#pipeline).catch(() => false);
      if (stopped.aborted) break;
      let delayMs: number;
      if (ok) {
        failures = 0;
        delayMs = delayAfterSuccessMs(intervalMs, startedAt, clock.now(), random);
      } else {
        failures += 1;
        delayMs = delayAfterFailureMs(intervalMs, failures, random);
        say(
          `next attempt in ${seconds(delayMs)} (${failures === 1 ? 'first failure' : `${failures} failures in a row`})`,
        );
      }
      await clock.sleep(delayMs, stopped);
    }
  }
}

/** `2.1 s`, `45 s` */
function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
