import { describe, expect, it } from 'vitest';
import type { Session } from '@x/sessions-sdk';
import { sessionDigest } from './digest.js';

const base = (): Session => ({
  sessionId: 's1',
  beginTime: 1000,
  endTime: 2000,
  lastUpdated: 2100,
  criticalEvents: 0,
  highEvents: 2,
  moderateEvents: 1,
  lowEvents: 0,
  noRiskEvents: 5,
  notes: [{ content: 'a' }],
  scores: [
    { score: 10, severity: 1, sourceTimestamp: 1500 },
    { score: 40, severity: 3, sourceTimestamp: 1900 },
  ],
  states: [{ state: 'OPEN', sourceTimestamp: 1000 }],
  triggeredAlerts: [{ alertId: 'a1' }, { alertId: 'a2' }],
  contextSummary: 'summary',
});

describe('sessionDigest', () => {
  it('ignores key order, fields outside the list and the order of alerts', () => {
    const session = base();
    const reordered = Object.fromEntries(Object.entries(session).reverse()) as Session;
    reordered.contextSummary = 'another summary';
    (reordered as Record<string, unknown>)['unknownField'] = { x: 1 };
    reordered.triggeredAlerts = [{ alertId: 'a2', ruleId: 'r' }, { alertId: 'a1' }];
    expect(sessionDigest(reordered)).toBe(sessionDigest(session));
  });

  const changes: Array<[string, (s: Session) => void]> = [
    ['a new state', (s) => s.states?.push({ state: 'CLOSED', sourceTimestamp: 3000 })],
    ['a new latest score', (s) => s.scores?.push({ score: 41, severity: 3, sourceTimestamp: 3000 })],
    ['a new severity', (s) => s.scores?.push({ score: 40, severity: 4, sourceTimestamp: 3000 })],
    ['a new alert', (s) => s.triggeredAlerts?.push({ alertId: 'a3' })],
    ['a new note', (s) => s.notes?.push({ content: 'b' })],
    ['a later end time', (s) => (s.endTime = 2500)],
    ['a new lastUpdated', (s) => (s.lastUpdated = 2200)],
    ['more events', (s) => (s.highEvents = 3)],
    ['more no-risk events', (s) => (s.noRiskEvents = 6)],
  ];
  for (const [what, change] of changes) {
    it(`changes with ${what}`, () => {
      const changed = base();
      change(changed);
      expect(sessionDigest(changed)).not.toBe(sessionDigest(base()));
    });
  }

  it('takes the score of the entry with the latest sourceTimestamp, wherever it sits in the list', () => {
    const a = base();
    const b = base();
    b.scores = [...(b.scores ?? [])].reverse();
    expect(sessionDigest(b)).toBe(sessionDigest(a));
  });
});
