import type { ResponseInfo } from '@x/sessions-sdk';
import type { RunSummary } from './checkpoint/store.js';

/**
 * Told what a run does, for the metrics of `incydr forward --listen`: the API's answers, the syslog sender's
 * reconnects and confirmations, and the checkpoint run's summary. Every method is optional.
 */
export interface RunObserver {
  /** An answer of the API (each attempt, retries and token calls included). */
  response?(info: ResponseInfo): void;
  /** The syslog sender waits to connect again after a failure. */
  syslogRetry?(): void;
  /** The syslog receiver confirmed a batch, `ms` after it was asked to. */
  syslogConfirmed?(ms: number): void;
  /** A checkpoint run ended (its summary line for people follows). */
  summary?(summary: RunSummary): void;
}
