import { describe, expect, it } from 'vitest';
import { describePlan, planRequests } from './plan.js';
import type { BulkRow } from './types.js';

const rows = (count: number, state: string, first = 0): BulkRow[] =>
  Array.from({ length: count }, (_, i) => ({ line: first + i + 2, sessionId: `${state}-${i}`, state }));

describe('planRequests', () => {
  it('groups ids by state in slices of at most 100', () => {
    const input = [...rows(250, 'OPEN'), ...rows(100, 'CLOSED', 250), ...rows(1, 'IN_PROGRESS', 350)];
    const plan = planRequests(input);
    expect(plan.batches.map((batch) => [batch.state, batch.ids.length])).toEqual([
      ['OPEN', 100],
      ['OPEN', 100],
      ['OPEN', 50],
      ['CLOSED', 100],
      ['IN_PROGRESS', 1],
    ]);
    expect(plan.notes).toEqual([]);
  });

  it('sends a session listed twice with the same state once', () => {
    const plan = planRequests([
      { line: 2, sessionId: 'a', state: 'OPEN', note: 'x' },
      { line: 3, sessionId: 'a', state: 'OPEN', note: 'y' },
    ]);
    expect(plan.batches).toHaveLength(1);
    expect(plan.batches[0]?.ids).toEqual(['a']);
    expect(plan.batches[0]?.rows).toHaveLength(2);
    expect(plan.notes).toHaveLength(2);
  });

  it('describes the plan', () => {
    const plan = planRequests([...rows(3, 'OPEN'), { line: 9, sessionId: 'z', state: 'CLOSED', note: 'n' }]);
    expect(describePlan(plan)).toEqual([
      '3 sessions to OPEN',
      '1 session to CLOSED',
      '1 note to add',
      '3 requests: 2 change-state, 1 add-note',
    ]);
  });
});
