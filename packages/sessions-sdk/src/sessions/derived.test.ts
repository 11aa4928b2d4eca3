import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { currentScore, currentSeverity, currentState, maxSeverity } from './derived.js';
import { SEVERITY_LABELS, severityFromLabel, severityLabel } from './enums.js';
import { SessionSchema, type Session, type SessionScore, type SessionStateEntry } from './schemas.js';

const fixtureText = readFileSync(new URL('../../test/fixtures/session.json', import.meta.url), 'utf8');

function states(...entries: SessionStateEntry[]): Pick<Session, 'states'> {
  return { states: entries };
}

function scores(...entries: SessionScore[]): Pick<Session, 'scores'> {
  return { scores: entries };
}

describe('currentState', () => {
  it('takes the entry with the largest sourceTimestamp, whatever the array order', () => {
    const session = states(
      { sourceTimestamp: 300, stateV2: 'CLOSED_TP' },
      { sourceTimestamp: 100, stateV2: 'OPEN' },
      { sourceTimestamp: 200, stateV2: 'IN_PROGRESS' },
    );
    expect(currentState(session)).toBe('CLOSED_TP');
  });

  it('prefers stateV2 and falls back to the deprecated state', () => {
    expect(currentState(states({ sourceTimestamp: 1, state: 'CLOSED', stateV2: 'CLOSED_FP' }))).toBe('CLOSED_FP');
    expect(currentState(states({ sourceTimestamp: 1, state: 'CLOSED', stateV2: null }))).toBe('CLOSED');
    expect(currentState(states({ sourceTimestamp: 1, state: 'CLOSED', stateV2: '' }))).toBe('CLOSED');
    expect(currentState(states({ sourceTimestamp: 1, state: 'CLOSED' }))).toBe('CLOSED');
  });

  it('gives the later entry in the array on a timestamp tie', () => {
    const session = states(
      { sourceTimestamp: 5, stateV2: 'OPEN' },
      { sourceTimestamp: 5, stateV2: 'IN_PROGRESS' },
      { sourceTimestamp: 4, stateV2: 'CLOSED' },
    );
    expect(currentState(session)).toBe('IN_PROGRESS');
  });

  it('counts entries without a timestamp as oldest', () => {
    const session = states(
      { sourceTimestamp: 10, stateV2: 'OPEN' },
      { sourceTimestamp: null, stateV2: 'CLOSED' },
      { stateV2: 'CLOSED_FP' },
    );
    expect(currentState(session)).toBe('OPEN');
  });

  it('takes the last entry when no entry has a timestamp', () => {
    expect(currentState(states({ stateV2: 'OPEN' }, { sourceTimestamp: null, stateV2: 'CLOSED' }))).toBe('CLOSED');
  });

  it('skips entries that hold no state at all', () => {
    const session = states({ sourceTimestamp: 1, stateV2: 'OPEN' }, { sourceTimestamp: 2, state: null, stateV2: null });
    expect(currentState(session)).toBe('OPEN');
  });

  it('returns undefined for empty, null and missing histories', () => {
    expect(currentState(states())).toBeUndefined();
    expect(currentState({ states: null })).toBeUndefined();
    expect(currentState({})).toBeUndefined();
  });

  it('returns a state this release does not know, as sent', () => {
    const session = v.parse(SessionSchema, JSON.parse(fixtureText));
    expect(currentState(session)).toBe('SOME_FUTURE_STATE');
  });
});

describe('currentScore', () => {
  it('takes the score of the latest entry, not the highest', () => {
    const session = scores(
      { score: 90, severity: 4, sourceTimestamp: 200 },
      { score: 15, severity: 1, sourceTimestamp: 300 },
      { score: 40, severity: 2, sourceTimestamp: 100 },
    );
    expect(currentScore(session)).toBe(15);
  });

  it('gives the later entry on a tie and counts entries without a timestamp as oldest', () => {
    expect(currentScore(scores({ score: 30, sourceTimestamp: 7 }, { score: 0, sourceTimestamp: 7 }))).toBe(0);
    const untimed = scores({ score: 20, sourceTimestamp: 1 }, { score: 80, sourceTimestamp: null }, { score: 60 });
    expect(currentScore(untimed)).toBe(20);
  });

  it('skips entries without a score, and is undefined when none has one', () => {
    const unscored = scores({ score: 20, sourceTimestamp: 1 }, { score: null, severity: 3, sourceTimestamp: 9 });
    expect(currentScore(unscored)).toBe(20);
    expect(currentScore(scores({ severity: 3, sourceTimestamp: 9 }))).toBeUndefined();
    expect(currentScore({ scores: null })).toBeUndefined();
    expect(currentScore({})).toBeUndefined();
  });
});

describe('currentSeverity', () => {
  it('takes the severity of the latest score, not the highest', () => {
    const session = scores(
      { score: 20, severity: 4, sourceTimestamp: 200 },
      { score: 5, severity: 1, sourceTimestamp: 300 },
      { score: 9, severity: 2, sourceTimestamp: 100 },
    );
    expect(currentSeverity(session)).toBe(1);
  });

  it('gives the later entry in the array on a timestamp tie', () => {
    const session = scores({ severity: 3, sourceTimestamp: 7 }, { severity: 0, sourceTimestamp: 7 });
    expect(currentSeverity(session)).toBe(0);
  });

  it('counts entries without a timestamp as oldest', () => {
    const session = scores(
      { severity: 2, sourceTimestamp: 1 },
      { severity: 4, sourceTimestamp: null },
      { severity: 3 },
    );
    expect(currentSeverity(session)).toBe(2);
  });

  it('skips entries without a severity', () => {
    const session = scores({ severity: 2, sourceTimestamp: 1 }, { score: 3, severity: null, sourceTimestamp: 9 });
    expect(currentSeverity(session)).toBe(2);
  });

  it('returns undefined for empty, null and missing histories', () => {
    expect(currentSeverity(scores())).toBeUndefined();
    expect(currentSeverity({ scores: null })).toBeUndefined();
    expect(currentSeverity({})).toBeUndefined();
    expect(currentSeverity(scores({ score: 1, severity: null }))).toBeUndefined();
  });

  it('reads the fixture: the latest score is moderate though the session was high', () => {
    const session = v.parse(SessionSchema, JSON.parse(fixtureText));
    expect(currentSeverity(session)).toBe(2);
    expect(maxSeverity(session)).toBe(3);
    expect(severityLabel(currentSeverity(session) ?? -1)).toBe('MODERATE');
  });
});

describe('maxSeverity', () => {
  it('takes the largest severity whatever the order and timestamps', () => {
    const session = scores(
      { severity: 1, sourceTimestamp: 300 },
      { severity: 4, sourceTimestamp: null },
      { severity: 2, sourceTimestamp: 100 },
    );
    expect(maxSeverity(session)).toBe(4);
  });

  it('counts a severity of 0', () => {
    expect(maxSeverity(scores({ severity: 0, sourceTimestamp: 1 }, { severity: null }))).toBe(0);
  });

  it('returns undefined for empty, null and missing histories', () => {
    expect(maxSeverity(scores())).toBeUndefined();
    expect(maxSeverity({ scores: null })).toBeUndefined();
    expect(maxSeverity({})).toBeUndefined();
  });
});

describe('severity labels', () => {
  it('maps wire integers 0–4 to labels and back', () => {
    expect([0, 1, 2, 3, 4].map(severityLabel)).toEqual(['NO_RISK', 'LOW', 'MODERATE', 'HIGH', 'CRITICAL']);
    expect(SEVERITY_LABELS.map(severityFromLabel)).toEqual([0, 1, 2, 3, 4]);
  });

  it('has no label for anything but an integer 0–4', () => {
    expect([-1, 5, 2.5, Number.NaN].map(severityLabel)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('reads labels case-insensitively and rejects unknown ones', () => {
    expect(severityFromLabel('high')).toBe(3);
    expect(severityFromLabel(' Critical ')).toBe(4);
    expect(severityFromLabel('SEVERE')).toBeUndefined();
    expect(severityFromLabel('3')).toBeUndefined();
    expect(severityFromLabel('')).toBeUndefined();
  });
});
