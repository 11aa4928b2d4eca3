import { describe, expect, it } from 'vitest';
import { applyPlan, rowStatus, type BulkApi } from './apply.js';
import { planRequests } from './plan.js';
import type { BulkRow } from './types.js';

/** A fake API that fails, like the real one, a whole batch when any id is unknown. */
function fakeApi(unknown: ReadonlySet<string>, failNotes: ReadonlySet<string> = new Set()) {
  const calls: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const api: BulkApi = {
    async updateStateById(ids, state) {
      calls.push(`state ${state} ${ids.length}`);
      const missing = ids.filter((id) => unknown.has(id));
      if (missing.length > 0) throw new Error(`Sessions not found: ${missing.join(', ')}`);
    },
    async addNote(id) {
      calls.push(`note ${id}`);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight -= 1;
      if (failNotes.has(id)) throw new Error('note refused');
    },
  };
  return { api, calls, maxInFlight: () => maxInFlight };
}

const describeError = (error: unknown): string => (error as Error).message;
const rows = (count: number, note?: string): BulkRow[] =>
  Array.from({ length: count }, (_, i) => ({ line: i + 2, sessionId: `s${i}`, state: 'OPEN', ...(note === undefined ? {} : { note }) }));

describe('applyPlan', () => {
  it('retries a failed batch id by id and blames only the bad row', async () => {
    const fake = fakeApi(new Set(['s42']));
    const result = await applyPlan(planRequests(rows(100)), fake.api, { describe: describeError });
    expect(fake.calls.length).toBe(101);
    expect(result).toMatchObject({ updated: 99, failed: 1, skipped: 0 });
    const bad = result.outcomes.filter((outcome) => outcome.state === 'failed');
    expect(bad.map((outcome) => [outcome.row.line, rowStatus(outcome)])).toEqual([[44, 'Sessions not found: s42']]);
  });

  it('adds notes after the states, at most 4 at once, and not to failed rows', async () => {
    const fake = fakeApi(new Set(['s3']), new Set(['s5']));
    const result = await applyPlan(planRequests(rows(20, 'n')), fake.api, { describe: describeError });
    expect(fake.maxInFlight()).toBeLessThanOrEqual(4);
    expect(fake.maxInFlight()).toBeGreaterThan(1);
    expect(fake.calls.filter((call) => call.startsWith('note'))).toHaveLength(19);
    expect(result).toMatchObject({ updated: 19, notesAdded: 18, failed: 2 });
    expect(result.outcomes.find((outcome) => outcome.row.sessionId === 's5')?.error).toBe('note not added: note refused');
  });

  it('stops at the first failure with failFast and reports the rest as skipped', async () => {
    const fake = fakeApi(new Set(['s1']));
    const result = await applyPlan(planRequests([...rows(250)]), fake.api, { describe: describeError, failFast: true });
    // The first batch fails, s0 is retried alone and succeeds, s1 fails: nothing else is sent.
    expect(fake.calls).toEqual(['state OPEN 100', 'state OPEN 1', 'state OPEN 1']);
    expect(result).toMatchObject({ updated: 1, failed: 1, skipped: 248 });
  });

  it('sends nothing more once the signal is aborted', async () => {
    const fake = fakeApi(new Set());
    const controller = new AbortController();
    controller.abort();
    const result = await applyPlan(planRequests(rows(5)), fake.api, { describe: describeError, signal: controller.signal });
    expect(fake.calls).toEqual([]);
    expect(result).toMatchObject({ interrupted: true, skipped: 5 });
  });
});
