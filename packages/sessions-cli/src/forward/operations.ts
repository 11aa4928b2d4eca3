import type { RunObserver } from '../observer.js';
import type { Pipeline } from './config.js';
import type { ListenAddress } from './listen-address.js';
import type { Listener } from './listener.js';
import type { ForwardLog } from './log.js';
import type { ForwardMetrics, RunOutcome } from './metrics.js';
import type { Readiness } from './readiness.js';

/** What the service tells its operators: the log's run summaries, and with `--listen` readiness and metrics. */
export interface Operations {
  /** What a run of `pipeline` tells the log and the metrics. */
  observer(pipeline: string): RunObserver;
  /** A run of `pipeline` ended with this exit code. */
  runEnded(pipeline: string, exitCode: number): void;
  /** The pipelines that run now. */
  setPipelines(pipelines: readonly Pipeline[]): void;
  /** Stop listening. */
  close(): Promise<void>;
}

/**
 * Start what `--listen` asks for, before any pipeline runs: a port that cannot be bound stops the start (exit 1).
 * The bound address is logged (`listening on …`), so that port 0 can be found. Without `listen`, only the log's
 * summaries.
 */
export async function startOperations(
  pipelines: readonly Pipeline[],
  listen: ListenAddress | undefined,
  log: ForwardLog,
): Promise<Operations> {
  if (listen === undefined) {
    return {
      observer: (pipeline) => ({ summary: (summary) => log.summary(pipeline, summary) }),
      runEnded: () => undefined,
      setPipelines: () => undefined,
      close: async () => undefined,
    };
  }
  const [{ ForwardMetrics }, { Readiness }, { startListener }] = await Promise.all([
    import('./metrics.js'),
    import('./readiness.js'),
    import('./listener.js'),
  ]);
  const metrics: ForwardMetrics = new ForwardMetrics();
  const readiness: Readiness = new Readiness(() => performance.now());
  const setPipelines = (running: readonly Pipeline[]): void => {
    metrics.setPipelines(running.map((pipeline) => pipeline.name));
    readiness.setPipelines(running);
  };
  setPipelines(pipelines);
  const listener: Listener = await startListener(listen, {
    unready: () => readiness.unready(),
    metrics: async () => ({ contentType: metrics.contentType, text: await metrics.text() }),
  });
  log.note(`incydr: listening on http://${listener.address} (/healthz, /readyz, /metrics)`);
  return {
    observer(pipeline) {
      const counts = metrics.observer(pipeline);
      return {
        ...counts,
        summary(summary) {
          counts.summary?.(summary);
          log.summary(pipeline, summary);
        },
      };
    },
    runEnded(pipeline, exitCode) {
      const outcome: RunOutcome = exitCode === 0 ? 'success' : exitCode === 130 ? 'interrupted' : 'failure';
      metrics.runEnded(pipeline, outcome);
      if (outcome === 'success') readiness.succeeded(pipeline);
    },
    setPipelines,
    close: () => listener.close(),
  };
}
