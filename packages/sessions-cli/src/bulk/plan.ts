// Valid rows to requests: ids grouped by target state in slices of 100 (one change-state request each), then notes.
import { MAX_IDS_PER_CHANGE } from '@x/sessions-sdk/model';
import type { BulkRow } from './types.js';

/** One change-state request: up to 100 distinct ids and the rows they come from. */
export interface StateBatch {
  state: string;
  ids: string[];
  rows: BulkRow[];
}

/** What a run sends, in order. */
export interface Plan {
  batches: StateBatch[];
  /** Rows with a note: one add-note request each, after the state changes. */
  notes: BulkRow[];
  /** Rows per state, in order of first appearance. */
  sessionsPerState: Map<string, number>;
  rows: BulkRow[];
}

/** Group rows by state (first appearance first) and slice each group into requests of at most 100 distinct ids. */
export function planRequests(rows: readonly BulkRow[], idsPerRequest = MAX_IDS_PER_CHANGE): Plan {
  const byState = new Map<string, BulkRow[]>();
  for (const row of rows) {
    const group = byState.get(row.state);
    if (group === undefined) byState.set(row.state, [row]);
    else group.push(row);
  }
  const batches: StateBatch[] = [];
  for (const [state, group] of byState) {
    let batch: StateBatch | undefined;
    const inBatch = new Map<string, StateBatch>();
    for (const row of group) {
      // A session listed twice with the same state is sent once, in the batch of its first row.
      const existing = inBatch.get(row.sessionId);
      if (existing !== undefined) {
        existing.rows.push(row);
        continue;
      }
      if (batch === undefined || batch.ids.length >= idsPerRequest) {
        batch = { state, ids: [], rows: [] };
        batches.push(batch);
      }
      batch.ids.push(row.sessionId);
      batch.rows.push(row);
      inBatch.set(row.sessionId, batch);
    }
  }
  const sessionsPerState = new Map([...byState].map(([state, group]) => [state, group.length]));
  return { batches, notes: rows.filter((row) => row.note !== undefined), sessionsPerState, rows: [...rows] };
}

/** The plan in words, for `--dry-run`. */
export function describePlan(plan: Plan): string[] {
  const lines = [...plan.sessionsPerState].map(
    ([state, count]) => `${count} ${count === 1 ? 'session' : 'sessions'} to ${state}`,
  );
  if (lines.length === 0) lines.push('no sessions to update');
  lines.push(`${plan.notes.length} ${plan.notes.length === 1 ? 'note' : 'notes'} to add`);
  const requests = plan.batches.length + plan.notes.length;
  lines.push(
    `${requests} ${requests === 1 ? 'request' : 'requests'}: ${plan.batches.length} change-state, ${plan.notes.length} add-note`,
  );
  return lines;
}
