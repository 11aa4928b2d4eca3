import { describe, expect, it } from 'vitest';
import { checkpointQuery, describeQuery, sameQuery } from './query.js';

describe('checkpointQuery', () => {
  it('ignores the window and the order of list filters', () => {
    const a = checkpointQuery(
      { states: ['OPEN', 'CLOSED'], startTime: 1, endTime: 2, sortKey: 'score' },
      'https://x.example/',
      'k',
    );
    const b = checkpointQuery({ states: ['CLOSED', 'OPEN', 'OPEN'], startTime: 99 }, 'https://x.example', 'k');
    expect(sameQuery(a, b)).toBe(true);
    expect(describeQuery(a)).toBe('url=https://x.example client=k has_alerts=true state=CLOSED,OPEN');
  });

  it('tells apart other filters, servers and clients', () => {
    const base = checkpointQuery({}, 'https://x.example', 'k');
    expect(sameQuery(base, checkpointQuery({ hasAlerts: null }, 'https://x.example', 'k'))).toBe(false);
    expect(sameQuery(base, checkpointQuery({ actorId: 'a' }, 'https://x.example', 'k'))).toBe(false);
    expect(sameQuery(base, checkpointQuery({ severities: ['HIGH'] }, 'https://x.example', 'k'))).toBe(false);
    expect(sameQuery(base, checkpointQuery({}, 'https://y.example', 'k'))).toBe(false);
    expect(sameQuery(base, checkpointQuery({}, 'https://x.example', 'other'))).toBe(false);
  });
});
