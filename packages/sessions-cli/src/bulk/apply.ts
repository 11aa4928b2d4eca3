// Run a plan: the change-state batches one after another (a failed batch retried id by id, so each failure lands on
// its row), then the notes a few at a time. Knows nothing of HTTP: the API is injected.
import type { Plan } from './plan.js';
import type { BulkRow } from './types.js';

/** The two calls a bulk update needs (the SDK's `sessions.v1`, or a fake in tests). */
export interface BulkApi {
  /** One request for at most 100 ids. */
  updateStateById(ids: string[], state: string): Promise<unknown>;
  addNote(sessionId: string, note: string): Promise<unknown>;
}

/** Options of {@link applyPlan}. */
export interface ApplyOptions {
  /** Stop at the first failure; what was not sent is reported as skipped. @default false */
  failFast?: boolean;
  /** Notes in flight at once. @default 4 */
  noteConcurrency?: number;
  /** Stops after the requests in flight when aborted. */
  signal?: AbortSignal;
  /** The one-line message for a failed request. */
  describe: (error: unknown) => string;
  /** Called after each request with the requests done and planned so far. */
  onProgress?: (done: number, total: number) => void;
}

/** What happened to one row. `pending` never survives a finished run. */
export interface RowOutcome {
  row: BulkRow;
  state: 'ok' | 'failed' | 'skipped' | 'pending';
  note: 'ok' | 'failed' | 'skipped' | 'none' | 'pending';
  /** Why the state change or the note failed. */
  error?: string;
}

/** Every row's outcome and the counts of the summary. */
export interface ApplyResult {
  outcomes: RowOutcome[];
  updated: number;
  notesAdded: number;
  failed: number;
  skipped: number;
  /** The signal stopped the run. */
  interrupted: boolean;
}

/** Send the plan's requests and record the outcome of every row. */
export async function applyPlan(plan: Plan, api: BulkApi, options: ApplyOptions): Promise<ApplyResult> {
  const outcomes = new Map<BulkRow, RowOutcome>(
    plan.rows.map((row) => [row, { row, state: 'pending', note: row.note === undefined ? 'none' : 'pending' }]),
  );
  const outcome = (row: BulkRow): RowOutcome => outcomes.get(row) as RowOutcome;
  let stopped = false;
  let done = 0;
  const total = plan.batches.length + plan.notes.length;
  const tick = (extra = 0): void => {
    done += 1;
    options.onProgress?.(done, total + extra);
  };
  let retries = 0;
  const halt = (): boolean => {
    if (options.signal?.aborted === true) stopped = true;
    return stopped;
  };
  const fail = (rows: readonly BulkRow[], error: unknown): void => {
    const message = options.describe(error);
    for (const row of rows) Object.assign(outcome(row), { state: 'failed', error: message });
    if (options.failFast === true) stopped = true;
  };

  for (const batch of plan.batches) {
    if (halt()) break;
    try {
      await api.updateStateById(batch.ids, batch.state);
      for (const row of batch.rows) outcome(row).state = 'ok';
      tick();
    } catch (batchError) {
      tick();
      if (batch.ids.length === 1) {
        fail(batch.rows, batchError);
        continue;
      }
      retries += batch.ids.length;
      for (const id of batch.ids) {
        if (halt()) break;
        const rows = batch.rows.filter((row) => row.sessionId === id);
        try {
          await api.updateStateById([id], batch.state);
          for (const row of rows) outcome(row).state = 'ok';
        } catch (error) {
          fail(rows, error);
        }
        tick(retries);
      }
    }
  }

  const queue = plan.notes.filter((row) => outcome(row).state === 'ok');
  const worker = async (): Promise<void> => {
    for (let row = queue.shift(); row !== undefined && !halt(); row = queue.shift()) {
      const current = outcome(row);
      try {
        await api.addNote(row.sessionId, row.note as string);
        current.note = 'ok';
      } catch (error) {
        Object.assign(current, { note: 'failed', error: `note not added: ${options.describe(error)}` });
        if (options.failFast === true) stopped = true;
      }
      tick(retries);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.noteConcurrency ?? 4) }, worker));

  const list = [...outcomes.values()];
  for (const item of list) {
    if (item.state === 'pending') item.state = 'skipped';
    // A note is not added to a session whose state change failed or was skipped.
    if (item.note === 'pending') item.note = 'skipped';
  }
  return {
    outcomes: list,
    updated: list.filter((item) => item.state === 'ok').length,
    notesAdded: list.filter((item) => item.note === 'ok').length,
    failed: list.filter((item) => item.state === 'failed' || item.note === 'failed').length,
    skipped: list.filter((item) => item.state === 'skipped' || (item.state === 'ok' && item.note === 'skipped')).length,
    interrupted: options.signal?.aborted === true,
  };
}

/** The status column of a row: `ok`, the error message, or why nothing was sent. */
export function rowStatus(outcome: RowOutcome): string {
  if (outcome.error !== undefined) return outcome.error;
  if (outcome.state === 'skipped' || outcome.note === 'skipped') return 'skipped: not sent after an earlier failure or interruption';
  return 'ok';
}
