import { HttpError } from './http-error.js';

/** Faults the emulator injects into API calls (`/v1/…`); all off by default. */
export interface FaultSettings {
  /** Delay before every answer, in milliseconds. */
  latencyMs: number;
  /** Extra random delay of up to this many milliseconds. */
  latencyJitterMs: number;
  /** A real limit: more than this many requests per client within 60 s get 429 with Retry-After. */
  rateLimitPerMinute: number | null;
  /** Every Nth request gets 429 with `Retry-After: throttleRetryAfterSec`. */
  throttleEvery: number | null;
  throttleRetryAfterSec: number;
  /** Share (0–1) of requests answered with `failStatus`. */
  failRate: number;
  /** The next N requests are answered with `failStatus`. */
  failNext: number;
  failStatus: number;
  /** Share (0–1) of requests whose connection is dropped without an answer. */
  dropRate: number;
  /** The connections of the next N requests are dropped without an answer. */
  dropNext: number;
  /**
   * Share (0–1) of changes (change-state, change-states, add-note) that are applied and then lose their answer: the
   * connection is closed instead, as by a proxy that drops the response.
   */
  dropAfterApplyRate: number;
  /** The next N changes are applied, then their connections are closed without an answer. */
  dropAfterApplyNext: number;
}

/** What to do with a request before handling it. */
type FaultDecision =
  { kind: 'none' } | { kind: 'drop' } | { kind: 'drop-after-apply' } | { kind: 'error'; error: HttpError };

/** Settings with every fault off. */
export function noFaults(): FaultSettings {
  return {
    latencyMs: 0,
    latencyJitterMs: 0,
    rateLimitPerMinute: null,
    throttleEvery: null,
    throttleRetryAfterSec: 1,
    failRate: 0,
    failNext: 0,
    failStatus: 503,
    dropRate: 0,
    dropNext: 0,
    dropAfterApplyRate: 0,
    dropAfterApplyNext: 0,
  };
}

/** Check and merge a partial update (from a control call) into settings; throws HttpError 400 on bad values. */
export function mergeFaults(current: FaultSettings, update: unknown): FaultSettings {
  if (typeof update !== 'object' || update === null || Array.isArray(update)) {
    throw new HttpError(400, 'faults must be a JSON object');
  }
  const next: FaultSettings = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (!(key in next)) throw new HttpError(400, `unknown fault '${key}'`);
    const nullable = key === 'rateLimitPerMinute' || key === 'throttleEvery';
    if (value === null && nullable) {
      (next as unknown as Record<string, unknown>)[key] = null;
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new HttpError(400, `fault '${key}' must be a number of 0 or more`);
    }
    if ((key === 'failRate' || key === 'dropRate' || key === 'dropAfterApplyRate') && value > 1) {
      throw new HttpError(400, `fault '${key}' is a share from 0 to 1`);
    }
    if (key === 'failStatus' && (value < 400 || value > 599 || !Number.isInteger(value))) {
      throw new HttpError(400, `fault 'failStatus' must be an HTTP error status`);
    }
    (next as unknown as Record<string, unknown>)[key] = value;
  }
  return next;
}

/** Applies fault settings to each request; randomness comes from the emulator's seeded source. */
export class Faults {
  #settings: FaultSettings;
  readonly #random: () => number;
  readonly #windows = new Map<string, number[]>();
  readonly #waiting = new Set<() => void>();
  #count = 0;

  constructor(settings: FaultSettings, random: () => number) {
    this.#settings = settings;
    this.#random = random;
  }

  /** The settings in force. */
  get settings(): FaultSettings {
    return this.#settings;
  }

  /** New settings; requests waiting out their latency wait by the new figure from when they arrived. */
  set settings(settings: FaultSettings) {
    this.#settings = settings;
    for (const wake of this.#waiting) wake();
  }

  /**
   * Wait out one request's latency. Lowering the latency releases the requests already waiting longer than the new
   * figure, so that a test can hold requests with a long latency and let them go when it is ready.
   */
  async delay(): Promise<void> {
    const arrived = Date.now();
    const { latencyJitterMs } = this.#settings;
    const jitter = latencyJitterMs > 0 ? Math.floor(this.#random() * latencyJitterMs) : 0;
    for (;;) {
      const remaining = arrived + this.#settings.latencyMs + jitter - Date.now();
      if (remaining <= 0) return;
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.#waiting.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, remaining);
        this.#waiting.add(wake);
      });
    }
  }

  /** Decide the fate of one request of a client; `change` tells a request that changes data (not a token call). */
  decide(clientKey: string, now = Date.now(), change = false): FaultDecision {
    const s = this.settings;
    this.#count += 1;
    if (s.dropNext > 0) {
      s.dropNext -= 1;
      return { kind: 'drop' };
    }
    if (s.dropRate > 0 && this.#random() < s.dropRate) return { kind: 'drop' };
    if (s.rateLimitPerMinute !== null) {
      const window = (this.#windows.get(clientKey) ?? []).filter((t) => t > now - 60_000);
      this.#windows.set(clientKey, window);
      if (window.length >= s.rateLimitPerMinute) {
        const retryAfterSec = Math.max(1, Math.ceil(((window[0] ?? now) + 60_000 - now) / 1000));
        return {
          kind: 'error',
          error: tooMany(retryAfterSec, `rate limit of ${s.rateLimitPerMinute} requests per minute exceeded`),
        };
      }
      window.push(now);
    }
    if (s.throttleEvery !== null && s.throttleEvery > 0 && this.#count % s.throttleEvery === 0) {
      return { kind: 'error', error: tooMany(s.throttleRetryAfterSec, 'too many requests') };
    }
    if (s.failNext > 0) {
      s.failNext -= 1;
      return { kind: 'error', error: new HttpError(s.failStatus, 'injected failure') };
    }
    if (s.failRate > 0 && this.#random() < s.failRate) {
      return { kind: 'error', error: new HttpError(s.failStatus, 'injected failure') };
    }
    if (change && s.dropAfterApplyNext > 0) {
      s.dropAfterApplyNext -= 1;
      return { kind: 'drop-after-apply' };
    }
    if (change && s.dropAfterApplyRate > 0 && this.#random() < s.dropAfterApplyRate)
      return { kind: 'drop-after-apply' };
    return { kind: 'none' };
  }
}

function tooMany(retryAfterSec: number, message: string): HttpError {
  return new HttpError(429, message, { 'retry-after': String(retryAfterSec) });
}
