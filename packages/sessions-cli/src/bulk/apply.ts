// Run a plan: the change-state batches one after another, then the notes a few at a time. A batch refused for one of
// its ids (404, 400) is retried id by id, so that each failure lands on its row; a change whose answer was lost is
// read back from the session, so that its row says what is true; a failure no row can fix (the API unreachable,
// credentials refused, throttling or errors past the retries) stops the run at once. Knows nothing of HTTP: the API
// and the meaning of its errors are injected.
import type { FailureKind } from '../outcome.js';
import type { Plan } from './plan.js';
import type { BulkRow } from './types.js';

/** The calls a bulk update needs (the SDK's `sessions.v1`, or a fake in tests). */
export interface BulkApi {
  /** One request for at most 100 ids. */
  updateStateById(ids: string[], state: string): Promise<unknown>;
  addNote(sessionId: string, note: string): Promise<unknown>;
  /** The session as it is now, to read back a change whose answer was lost. */
  readSession(sessionId: string): Promise<SessionReadBack>;
}

/** What a read-back looks at: the session's current state and the text of each of its notes. */
export interface SessionReadBack {
  state: string | undefined;
  notes: readonly string[];
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
  /** What a failed change means: refused for its row, for every row, or its answer lost. */
  classify: (error: unknown) => FailureKind;
  /** Called after each request with the requests done and planned so far. */
  onProgress?: (done: number, total: number) => void;
}

/** What became of the state change or the note of a row. `pending` never survives a finished run. */
export type PartOutcome = 'ok' | 'failed' | 'unknown' | 'skipped' | 'pending';

/** What happened to one row. */
export interface RowOutcome {
  row: BulkRow;
  state: PartOutcome;
  note: PartOutcome | 'none';
  /** Why the state change or the note failed, was not applied, or has an unknown outcome. */
  error?: string;
  /** How a change whose answer was lost was found applied by reading the session back. */
  readBack?: string;
  /** Why what is skipped was not sent. */
  notSent?: string;
}

/**
 * A row's result: `ok`; `failed` (proven not applied: sending the row again is safe); `unknown` (it may have been
 * applied: look at the session first); `skipped` (not sent, or not applied, because the run stopped).
 */
export type RowResult = 'ok' | 'failed' | 'unknown' | 'skipped';

/** Every row's outcome and the counts of the summary. */
export interface ApplyResult {
  outcomes: RowOutcome[];
  updated: number;
  notesAdded: number;
  /** Rows per {@link RowResult}. */
  failed: number;
  unknown: number;
  skipped: number;
  /** The signal stopped the run. */
  interrupted: boolean;
  /** Why the run stopped early after a failure no row can fix (undefined when it did not). */
  stopped: string | undefined;
}

type Failed = { error: unknown } | undefined;

/** Send the plan's requests and record the outcome of every row. */
export async function applyPlan(plan: Plan, api: BulkApi, options: ApplyOptions): Promise<ApplyResult> {
  const outcomes = new Map<BulkRow, RowOutcome>(
    plan.rows.map((row) => [row, { row, state: 'pending', note: row.note === undefined ? 'none' : 'pending' }]),
  );
  const outcome = (row: BulkRow): RowOutcome => outcomes.get(row) as RowOutcome;
  let done = 0;
  let retries = 0;
  const total = plan.batches.length + plan.notes.length;
  const tick = (extra = 0): void => {
    done += 1;
    options.onProgress?.(done, total + extra);
  };
  const interrupted = (): boolean => options.signal?.aborted === true;
  // Why nothing more is sent; `stopped` only when no row can succeed.
  let stopReason: string | undefined;
  let stopped: string | undefined;
  const halt = (): boolean => {
    if (interrupted()) stopReason ??= 'interrupted';
    return stopReason !== undefined;
  };
  const failed = (): void => {
    if (options.failFast === true) stopReason ??= 'an earlier row failed (--fail-fast)';
  };
  const stop = (message: string): void => {
    stopped ??= message;
    stopReason ??= message;
  };
  const attempt = async (call: () => Promise<unknown>): Promise<Failed> => {
    try {
      await call();
      return undefined;
    } catch (error) {
      return { error };
    }
  };
  const readBack = async (sessionId: string): Promise<{ session: SessionReadBack } | { error: unknown }> => {
    try {
      return { session: await api.readSession(sessionId) };
    } catch (error) {
      return { error };
    }
  };
  const confirmed = (item: RowOutcome, text: string): void => {
    item.readBack = item.readBack === undefined ? text : `${item.readBack}; ${text}`;
  };
  /** A read-back failed: unless it is about this session alone, nothing more can be known or done. */
  const unreadable = (error: unknown): string => {
    const message = options.describe(error);
    if (!interrupted() && options.classify(error) !== 'row') stop(message);
    return message;
  };

  const settleStates = async (
    rows: readonly BulkRow[],
    ids: readonly string[],
    state: string,
    error: unknown,
  ): Promise<void> => {
    const set = (part: PartOutcome, text: string, forRows = rows): void => {
      for (const row of forRows) Object.assign(outcome(row), { state: part, error: text });
    };
    if (interrupted()) return set('unknown', 'outcome unknown: interrupted while waiting for the answer');
    const message = options.describe(error);
    const kind = options.classify(error);
    if (kind === 'row') {
      set('failed', message);
      return failed();
    }
    if (kind === 'api') {
      set('skipped', `not applied: ${message}`);
      return stop(message);
    }
    // A change-state answer still lost after the SDK's retries (or a 500, which it does not retry) means the API is
    // failing: read each session back, then stop.
    for (const id of ids) {
      const idRows = rows.filter((row) => row.sessionId === id);
      if (stopped !== undefined || interrupted()) {
        set('unknown', `outcome unknown: ${message}; not read back`, idRows);
        continue;
      }
      const read = await readBack(id);
      if ('error' in read) {
        set(
          'unknown',
          `outcome unknown: ${message}; reading the session back failed: ${unreadable(read.error)}`,
          idRows,
        );
        continue;
      }
      const current = read.session.state ?? 'without a state';
      if (read.session.state === state) {
        for (const row of idRows) {
          outcome(row).state = 'ok';
          confirmed(
            outcome(row),
            `the answer to change-state was lost (${message}); the session read back is ${state}`,
          );
        }
      } else if (kind === 'lost') {
        set('failed', `not applied: ${message}; the session read back is ${current}`, idRows);
      } else {
        set(
          'unknown',
          `outcome unknown: ${message}; the session read back is ${current}, but the server may still apply it`,
          idRows,
        );
      }
    }
    stop(message);
  };

  const settleNote = async (current: RowOutcome, error: unknown): Promise<void> => {
    const set = (part: PartOutcome, text: string): void => {
      Object.assign(current, { note: part, error: text });
    };
    if (interrupted()) return set('unknown', 'note outcome unknown: interrupted while waiting for the answer');
    const message = options.describe(error);
    const kind = options.classify(error);
    if (kind === 'row') {
      set('failed', `note not added: ${message}`);
      return failed();
    }
    if (kind === 'api') {
      set('skipped', `note not added: ${message}`);
      return stop(message);
    }
    // Added means the session has a note with exactly this text (see the README's rule for a text it had before).
    const read = await readBack(current.row.sessionId);
    if (!('error' in read) && read.session.notes.includes(current.row.note as string)) {
      current.note = 'ok';
      return confirmed(current, `the answer to add-note was lost (${message}); the session read back has the note`);
    }
    if ('error' in read)
      set('unknown', `note outcome unknown: ${message}; reading the session back failed: ${unreadable(read.error)}`);
    else if (kind === 'lost') set('failed', `note not added: ${message}; the session read back has no such note`);
    else
      set(
        'unknown',
        `note outcome unknown: ${message}; the session read back has no such note yet, but the server may still add it`,
      );
    failed();
  };

  for (const batch of plan.batches) {
    if (halt()) break;
    const failure = await attempt(() => api.updateStateById(batch.ids, batch.state));
    tick();
    if (failure === undefined) {
      for (const row of batch.rows) outcome(row).state = 'ok';
      continue;
    }
    if (batch.ids.length === 1 || interrupted() || options.classify(failure.error) !== 'row') {
      await settleStates(batch.rows, batch.ids, batch.state, failure.error);
      continue;
    }
    // Refused for some id: one request per id tells which.
    retries += batch.ids.length;
    for (const id of batch.ids) {
      if (halt()) break;
      const rows = batch.rows.filter((row) => row.sessionId === id);
      const single = await attempt(() => api.updateStateById([id], batch.state));
      tick(retries);
      if (single === undefined) for (const row of rows) outcome(row).state = 'ok';
      else await settleStates(rows, [id], batch.state, single.error);
    }
  }

  const queue = plan.notes.filter((row) => outcome(row).state === 'ok');
  const worker = async (): Promise<void> => {
    for (let row = queue.shift(); row !== undefined && !halt(); row = queue.shift()) {
      const current = outcome(row);
      const failure = await attempt(() => api.addNote(current.row.sessionId, current.row.note as string));
      if (failure === undefined) current.note = 'ok';
      else await settleNote(current, failure.error);
      tick(retries);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.noteConcurrency ?? 4) }, worker));

  const list = [...outcomes.values()];
  for (const item of list) {
    if (item.state === 'pending') item.state = 'skipped';
    // A note is not added to a session whose state change failed, is unknown or was skipped.
    if (item.note === 'pending') item.note = 'skipped';
    if (item.state === 'skipped' || item.note === 'skipped') item.notSent = stopReason ?? 'not sent';
  }
  const count = (result: RowResult): number => list.filter((item) => rowResult(item) === result).length;
  return {
    outcomes: list,
    updated: list.filter((item) => item.state === 'ok').length,
    notesAdded: list.filter((item) => item.note === 'ok').length,
    failed: count('failed'),
    unknown: count('unknown'),
    skipped: count('skipped'),
    interrupted: interrupted(),
    stopped,
  };
}

/** The {@link RowResult} of a row: an unknown part makes it unknown, else a failed part failed, else a skipped part skipped. */
export function rowResult(outcome: RowOutcome): RowResult {
  const parts = [outcome.state, outcome.note];
  if (parts.includes('unknown')) return 'unknown';
  if (parts.includes('failed')) return 'failed';
  if (parts.includes('skipped')) return 'skipped';
  return 'ok';
}

/** The status column of a row: `ok` (with what a read-back showed), the error, or why it was not sent. */
export function rowStatus(outcome: RowOutcome): string {
  if (outcome.error !== undefined) return outcome.error;
  if (outcome.state === 'skipped') return `not sent: ${outcome.notSent ?? ''}`;
  if (outcome.note === 'skipped') return `state changed; note not sent: ${outcome.notSent ?? ''}`;
  return outcome.readBack === undefined ? 'ok' : `ok: ${outcome.readBack}`;
}
