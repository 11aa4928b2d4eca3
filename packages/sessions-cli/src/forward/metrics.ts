// The service's metrics (README "Metrics"), on a registry of their own: only what `incydr forward` does, no
// process or Node.js metrics.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RunSummary } from '../checkpoint/store.js';
import type { RunObserver } from '../observer.js';

/** How a run of a pipeline ended, as `incydr_forward_runs_total` counts it. */
export type RunOutcome = 'success' | 'failure' | 'interrupted';

const PREFIX = 'incydr_forward_';

/** Seconds a syslog receiver may take to confirm a batch: from a local receiver to a slow one far away. */
const CONFIRM_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The Prometheus metrics of `incydr forward`, each labelled with its `pipeline`. */
export class ForwardMetrics {
  readonly #registry = new Registry();
  readonly #now: () => number;
  /** Where each running pipeline's lag counts from (unix ms): its last success, before that when it was added. */
  #lagFrom = new Map<string, number>();

  readonly #fetched = sessionCounter(this.#registry, 'fetched', 'Sessions the searches of the pipeline fetched.');
  readonly #new = sessionCounter(this.#registry, 'new', 'Sessions found new (not in the checkpoint).');
  readonly #changed = sessionCounter(this.#registry, 'changed', 'Sessions found changed since they were delivered.');
  readonly #delivered = sessionCounter(
    this.#registry,
    'delivered',
    'Records delivered (confirmed by the receiver, or written).',
  );
  readonly #runs = new Counter({
    name: `${PREFIX}runs_total`,
    help: 'Runs of the pipeline by outcome: success, failure, interrupted.',
    labelNames: ['pipeline', 'outcome'],
    registers: [this.#registry],
  });
  readonly #lastSuccessGauge = new Gauge({
    name: `${PREFIX}last_success_timestamp_seconds`,
    help: 'When the last successful run of the pipeline ended (unix time).',
    labelNames: ['pipeline'],
    registers: [this.#registry],
  });
  readonly #lag = new Gauge({
    name: `${PREFIX}lag_seconds`,
    help: 'Seconds since the last successful run of the pipeline ended (before its first: since it started).',
    labelNames: ['pipeline'],
    registers: [this.#registry],
    collect: () => this.#collectLag(),
  });
  readonly #requests = new Counter({
    name: `${PREFIX}api_requests_total`,
    help: 'Answers the API gave the pipeline (every attempt: retries and token calls included).',
    labelNames: ['pipeline'],
    registers: [this.#registry],
  });
  readonly #throttled = new Counter({
    name: `${PREFIX}api_throttled_total`,
    help: 'HTTP 429 answers the API gave the pipeline.',
    labelNames: ['pipeline'],
    registers: [this.#registry],
  });
  readonly #reconnects = new Counter({
    name: `${PREFIX}syslog_reconnects_total`,
    help: 'Times the syslog sender connected again after a failure.',
    labelNames: ['pipeline'],
    registers: [this.#registry],
  });
  readonly #confirm = new Histogram({
    name: `${PREFIX}syslog_confirm_seconds`,
    help: 'How long the syslog receiver took to confirm a batch.',
    labelNames: ['pipeline'],
    buckets: CONFIRM_BUCKETS_S,
    registers: [this.#registry],
  });

  /** `now`: the wall clock in unix milliseconds. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** The content type of {@link text}. */
  get contentType(): string {
    return this.#registry.contentType;
  }

  /** Every metric in the Prometheus text format. */
  text(): Promise<string> {
    return this.#registry.metrics();
  }

  /**
   * The pipelines that run now: each gets its series at zero; a removed one keeps its counters and loses its gauges
   * (added again, its lag counts from then).
   */
  setPipelines(names: readonly string[]): void {
    const now = this.#now();
    for (const name of this.#lagFrom.keys())
      if (!names.includes(name)) this.#lastSuccessGauge.remove({ pipeline: name });
    this.#lagFrom = new Map(names.map((name) => [name, this.#lagFrom.get(name) ?? now]));
    for (const name of names) {
      const counters = [this.#fetched, this.#new, this.#changed, this.#delivered, this.#requests, this.#throttled];
      for (const counter of [...counters, this.#reconnects]) counter.inc({ pipeline: name }, 0);
      for (const outcome of ['success', 'failure', 'interrupted'] as const)
        this.#runs.inc({ pipeline: name, outcome }, 0);
    }
  }

  /** A run of `pipeline` ended so. */
  runEnded(pipeline: string, outcome: RunOutcome): void {
    this.#runs.inc({ pipeline, outcome });
    if (outcome !== 'success') return;
    const now = this.#now();
    // A run that ends after its pipeline was removed (a reload) leaves no gauge behind.
    if (!this.#lagFrom.has(pipeline)) return;
    this.#lagFrom.set(pipeline, now);
    this.#lastSuccessGauge.set({ pipeline }, now / 1000);
  }

  /** What the runs of `pipeline` tell the metrics. */
  observer(pipeline: string): RunObserver {
    const labels = { pipeline };
    return {
      response: ({ status }) => {
        this.#requests.inc(labels);
        if (status === 429) this.#throttled.inc(labels);
      },
      syslogRetry: () => this.#reconnects.inc(labels),
      syslogConfirmed: (ms) => this.#confirm.observe(labels, ms / 1000),
      summary: (summary: RunSummary) => {
        this.#fetched.inc(labels, summary.fetched);
        this.#new.inc(labels, summary.new);
        this.#changed.inc(labels, summary.changed);
        this.#delivered.inc(labels, summary.delivered);
      },
    };
  }

  #collectLag(): void {
    this.#lag.reset();
    const now = this.#now();
    for (const [name, from] of this.#lagFrom) this.#lag.set({ pipeline: name }, Math.max(0, (now - from) / 1000));
  }
}

/** `incydr_forward_sessions_WHAT_total{pipeline}` */
function sessionCounter(registry: Registry, what: string, help: string): Counter<'pipeline'> {
  return new Counter({
    name: `${PREFIX}sessions_${what}_total`,
    help,
    labelNames: ['pipeline'],
    registers: [registry],
  });
}
