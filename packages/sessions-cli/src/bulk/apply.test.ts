import { describe, expect, it } from 'vitest';
import type { FailureKind } from '../outcome.js';
import { applyPlan, rowResult, rowStatus, type ApplyOptions, type BulkApi } from './apply.js';
import { planRequests } from './plan.js';
import type { BulkRow } from './types.js';

/** An error that says what kind of failure it is (the real run classifies the SDK's errors). */
class Failure extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
  ) {
    super(message);
  }
}

/** A fake API that fails, like the real one, a whole batch when any id is unknown; it keeps notes and states. */
function fakeApi(unknown: ReadonlySet<string>, failNotes: ReadonlySet<string> = new Set()) {
  const calls: string[] = [];
  const notes = new Map<string, string[]>();
  const states = new Map<string, string>();
  let inFlight = 0;
  let maxInFlight = 0;
  const api: BulkApi = {
    async updateStateById(ids, state) {
      calls.push(`state ${state} ${ids.length}`);
      const missing = ids.filter((id) => unknown.has(id));
      if (missing.length > 0) throw new Failure(`Sessions not found: ${missing.join(', ')}`, 'row');
      for (const id of ids) states.set(id, state);
    },
    async addNote(id, note) {
      calls.push(`note ${id}`);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight -= 1;
      if (failNotes.has(id)) throw new Failure('note refused', 'row');
      notes.set(id, [...(notes.get(id) ?? []), note]);
    },
    async readSession(id) {
      calls.push(`read ${id}`);
      return { state: states.get(id), notes: notes.get(id) ?? [] };
    },
  };
  return { api, calls, notes, states, maxInFlight: () => maxInFlight };
}

const describeError = (error: unknown): string => (error as Error).message;
const classify = (error: unknown): FailureKind => (error instanceof Failure ? error.kind : 'late');
const options: ApplyOptions = { describe: describeError, classify };
const rows = (count: number, note?: string): BulkRow[] =>
  Array.from({ length: count }, (_, i) => ({
    line: i + 2,
    sessionId: `s${i}`,
    state: 'OPEN',
    ...(note === undefined ? {} : { note }),
  }));

describe('applyPlan', () => {
  it('retries a failed batch id by id and blames only the bad row', async () => {
    const fake = fakeApi(new Set(['s42']));
    const result = await applyPlan(planRequests(rows(100)), fake.api, options);
    expect(fake.calls.length).toBe(101);
    expect(result).toMatchObject({ updated: 99, failed: 1, skipped: 0 });
    const bad = result.outcomes.filter((outcome) => outcome.state === 'failed');
    expect(bad.map((outcome) => [outcome.row.line, rowStatus(outcome)])).toEqual([[44, 'Sessions not found: s42']]);
  });

  it('adds notes after the states, at most 4 at once, and not to failed rows', async () => {
    const fake = fakeApi(new Set(['s3']), new Set(['s5']));
    const result = await applyPlan(planRequests(rows(20, 'n')), fake.api, options);
    expect(fake.maxInFlight()).toBeLessThanOrEqual(4);
    expect(fake.maxInFlight()).toBeGreaterThan(1);
    expect(fake.calls.filter((call) => call.startsWith('note'))).toHaveLength(19);
    expect(result).toMatchObject({ updated: 19, notesAdded: 18, failed: 2 });
    expect(result.outcomes.find((outcome) => outcome.row.sessionId === 's5')?.error).toBe(
      'note not added: note refused',
    );
  });

  it('stops at the first failure with failFast and reports the rest as skipped', async () => {
    const fake = fakeApi(new Set(['s1']));
    const result = await applyPlan(planRequests([...rows(250)]), fake.api, { ...options, failFast: true });
    // The first batch fails, s0 is retried alone and succeeds, s1 fails: nothing else is sent.
    expect(fake.calls).toEqual(['state OPEN 100', 'state OPEN 1', 'state OPEN 1']);
    expect(result).toMatchObject({ updated: 1, failed: 1, skipped: 248, stopped: undefined });
    expect(rowStatus(result.outcomes[2] as never)).toBe('not sent: an earlier row failed (--fail-fast)');
  });

  it('sends nothing more once the signal is aborted', async () => {
    const fake = fakeApi(new Set());
    const controller = new AbortController();
    controller.abort();
    const result = await applyPlan(planRequests(rows(5)), fake.api, { ...options, signal: controller.signal });
    expect(fake.calls).toEqual([]);
    expect(result).toMatchObject({ interrupted: true, skipped: 5 });
  });
});

describe('applyPlan when the API itself fails', () => {
  it('stops at the first failure no row can fix and marks every row not applied or not sent', async () => {
    const fake = fakeApi(new Set());
    let stateCalls = 0;
    fake.api.updateStateById = async () => {
      stateCalls += 1;
      throw new Failure('POST /v1/oauth failed: connect ECONNREFUSED 127.0.0.1:9', 'api');
    };
    const result = await applyPlan(planRequests(rows(1000, 'n')), fake.api, options);
    expect(stateCalls).toBe(1);
    expect(fake.calls).toEqual([]);
    expect(result).toMatchObject({ updated: 0, notesAdded: 0, failed: 0, unknown: 0, skipped: 1000 });
    expect(result.stopped).toBe('POST /v1/oauth failed: connect ECONNREFUSED 127.0.0.1:9');
    const statuses = result.outcomes.map(rowStatus);
    expect(new Set(statuses.slice(0, 100))).toEqual(
      new Set(['not applied: POST /v1/oauth failed: connect ECONNREFUSED 127.0.0.1:9']),
    );
    expect(new Set(statuses.slice(100))).toEqual(
      new Set(['not sent: POST /v1/oauth failed: connect ECONNREFUSED 127.0.0.1:9']),
    );
    expect(new Set(result.outcomes.map(rowResult))).toEqual(new Set(['skipped']));
  });

  it('stops the notes at a failure no row can fix, keeping the states applied', async () => {
    const fake = fakeApi(new Set());
    fake.api.addNote = async (id) => {
      fake.calls.push(`note ${id}`);
      throw new Failure('rate limited (HTTP 429) after 4 retries', 'api');
    };
    const result = await applyPlan(planRequests(rows(10, 'n')), fake.api, { ...options, noteConcurrency: 1 });
    expect(fake.calls).toEqual(['state OPEN 10', 'note s0']);
    expect(result).toMatchObject({
      updated: 10,
      notesAdded: 0,
      skipped: 10,
      stopped: 'rate limited (HTTP 429) after 4 retries',
    });
    expect(rowStatus(result.outcomes[0] as never)).toBe('note not added: rate limited (HTTP 429) after 4 retries');
    expect(rowStatus(result.outcomes[1] as never)).toBe(
      'state changed; note not sent: rate limited (HTTP 429) after 4 retries',
    );
  });
});

describe('applyPlan when an answer is lost', () => {
  it('reads back a note whose answer was lost: added when the session has it, whatever else it holds', async () => {
    const fake = fakeApi(new Set());
    const add = fake.api.addNote.bind(fake.api);
    fake.api.addNote = async (id, note) => {
      await add(id, note);
      if (id === 's1') throw new Failure('other side closed', 'lost');
    };
    const result = await applyPlan(planRequests(rows(3, 'checked')), fake.api, options);
    expect(result).toMatchObject({ updated: 3, notesAdded: 3, failed: 0, unknown: 0, skipped: 0 });
    expect(fake.calls.filter((call) => call.startsWith('read'))).toEqual(['read s1']);
    expect(rowStatus(result.outcomes[1] as never)).toBe(
      'ok: the answer to add-note was lost (other side closed); the session read back has the note',
    );
    expect(fake.notes.get('s1')).toEqual(['checked']);
  });

  it('fails a note that the read-back does not find after a lost answer, and never resends it', async () => {
    const fake = fakeApi(new Set());
    fake.api.addNote = async (id) => {
      fake.calls.push(`note ${id}`);
      throw new Failure('API error (HTTP 502)', 'lost');
    };
    const result = await applyPlan(planRequests(rows(2, 'checked')), fake.api, options);
    expect(fake.calls.filter((call) => call.startsWith('note'))).toHaveLength(2);
    expect(result).toMatchObject({ updated: 2, notesAdded: 0, failed: 2, unknown: 0, stopped: undefined });
    expect(rowStatus(result.outcomes[0] as never)).toBe(
      'note not added: API error (HTTP 502); the session read back has no such note',
    );
  });

  it('calls a note unknown when the server may still add it (timeout, 504) and the read-back does not find it yet', async () => {
    const fake = fakeApi(new Set());
    fake.api.addNote = async () => {
      throw new Failure('timed out after 60000 ms', 'late');
    };
    const result = await applyPlan(planRequests(rows(2, 'checked')), fake.api, options);
    expect(result).toMatchObject({ notesAdded: 0, failed: 0, unknown: 2 });
    expect(result.outcomes.map(rowResult)).toEqual(['unknown', 'unknown']);
    expect(rowStatus(result.outcomes[0] as never)).toMatch(
      /^note outcome unknown: timed out after 60000 ms; .* may still add it$/,
    );
  });

  it('calls a note unknown and stops when the session cannot be read back', async () => {
    const fake = fakeApi(new Set());
    fake.api.addNote = async () => {
      throw new Failure('other side closed', 'lost');
    };
    fake.api.readSession = async () => {
      throw new Failure('connect ECONNREFUSED', 'api');
    };
    const result = await applyPlan(planRequests(rows(5, 'n')), fake.api, { ...options, noteConcurrency: 1 });
    expect(result).toMatchObject({ unknown: 1, skipped: 4, stopped: 'connect ECONNREFUSED' });
    expect(rowStatus(result.outcomes[0] as never)).toBe(
      'note outcome unknown: other side closed; reading the session back failed: connect ECONNREFUSED',
    );
  });

  it('reads back every id of a change-state whose answer was lost, then stops', async () => {
    const fake = fakeApi(new Set());
    const update = fake.api.updateStateById.bind(fake.api);
    fake.api.updateStateById = async (ids, state) => {
      // Applied to the first two ids only, then the answer is lost.
      await update(ids.slice(0, 2), state);
      throw new Failure('API error (HTTP 502) (after 4 retries)', 'lost');
    };
    const result = await applyPlan(planRequests([...rows(3, 'n')]), fake.api, options);
    expect(fake.calls.filter((call) => call.startsWith('read'))).toEqual(['read s0', 'read s1', 'read s2']);
    expect(result.outcomes.map(rowResult)).toEqual(['skipped', 'skipped', 'failed']);
    expect(result).toMatchObject({ updated: 2, notesAdded: 0, stopped: 'API error (HTTP 502) (after 4 retries)' });
    expect(rowStatus(result.outcomes[0] as never)).toBe(
      'state changed; note not sent: API error (HTTP 502) (after 4 retries)',
    );
    expect(rowStatus(result.outcomes[2] as never)).toBe(
      'not applied: API error (HTTP 502) (after 4 retries); the session read back is without a state',
    );
  });

  it('calls a change in flight at an interruption unknown, and sends nothing more', async () => {
    const fake = fakeApi(new Set());
    const controller = new AbortController();
    fake.api.updateStateById = async (ids) => {
      fake.calls.push(`state ${ids.length}`);
      controller.abort();
      throw new Error('interrupted');
    };
    const result = await applyPlan(planRequests(rows(150, 'n')), fake.api, { ...options, signal: controller.signal });
    expect(fake.calls).toEqual(['state 100']);
    expect(result).toMatchObject({ interrupted: true, unknown: 100, skipped: 50 });
    expect(rowStatus(result.outcomes[0] as never)).toBe('outcome unknown: interrupted while waiting for the answer');
    expect(rowStatus(result.outcomes[100] as never)).toBe('not sent: interrupted');
  });
});
