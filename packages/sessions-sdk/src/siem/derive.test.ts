import { describe, expect, it } from 'vitest';
import type { Session } from '../sessions/schemas.js';
import { consoleUrlFor, sessionConsoleUrl } from './console.js';
import { sessionFacts } from './derive.js';
import { toEnriched } from './enriched.js';

const session: Session = {
  sessionId: 'ses-1',
  beginTime: 1_700_000_000_000,
  endTime: 1_700_000_600_000,
  firstObserved: 1_700_000_000_500,
  lastUpdated: 1_700_000_900_000,
  criticalEvents: 1,
  highEvents: 2,
  moderateEvents: 0,
  lowEvents: 3,
  noRiskEvents: 4,
  notes: [{ content: 'a' }, { content: 'b' }],
  riskIndicators: [{ name: 'Zip upload' }, { name: 'Zip upload' }, { name: 'Off hours' }],
  scores: [
    { score: 9, severity: 4, sourceTimestamp: 1 },
    { score: 3, severity: 1, sourceTimestamp: 2 },
  ],
  states: [
    { stateV2: 'OPEN', sourceTimestamp: 1 },
    { stateV2: 'IN_PROGRESS', sourceTimestamp: 2 },
  ],
  triggeredAlerts: [{ ruleName: 'Departing' }, { ruleName: 'Cloud' }, { ruleName: 'Departing' }],
};

describe('sessionFacts', () => {
  it('derives the current state, both severities, the latest score and ISO times', () => {
    const facts = sessionFacts(session);
    expect(facts).toMatchObject({
      state: 'IN_PROGRESS',
      severity: 1,
      severityLabel: 'LOW',
      highestSeverity: 4,
      highestSeverityLabel: 'CRITICAL',
      riskScore: 3,
      beginTime: '2023-11-14T22:13:20.000Z',
      endTime: '2023-11-14T22:23:20.000Z',
      firstObserved: '2023-11-14T22:13:20.500Z',
      lastUpdated: '2023-11-14T22:28:20.000Z',
      totalEvents: 10,
      noteCount: 2,
      change: null,
    });
  });

  it('names each rule and risk indicator once, in order', () => {
    const facts = sessionFacts(session);
    expect(facts.ruleNames).toEqual(['Departing', 'Cloud']);
    expect(facts.riskIndicatorNames).toEqual(['Zip upload', 'Off hours']);
  });

  it('gives null, not a guess, for what an empty session does not hold', () => {
    expect(sessionFacts({})).toEqual({
      state: null,
      severity: null,
      severityLabel: null,
      highestSeverity: null,
      highestSeverityLabel: null,
      riskScore: null,
      beginTime: null,
      endTime: null,
      firstObserved: null,
      lastUpdated: null,
      ruleNames: [],
      riskIndicatorNames: [],
      totalEvents: null,
      noteCount: 0,
      consoleUrl: null,
      change: null,
    });
  });

  it('links the session in the console of its region, or of the console URL given', () => {
    expect(sessionFacts(session, { apiUrl: 'https://api.us2.code42.com' }).consoleUrl).toBe(
      'https://console.us2.code42.com/app/#/alerts/review-alerts/ses-1',
    );
    expect(sessionFacts(session, { apiUrl: 'http://127.0.0.1:4010' }).consoleUrl).toBeNull();
    expect(
      sessionFacts(session, { apiUrl: 'http://127.0.0.1:4010', consoleUrl: 'https://console.example/' }).consoleUrl,
    ).toBe('https://console.example/app/#/alerts/review-alerts/ses-1');
  });

  it('says whether a checkpointed run sends the session as new or changed', () => {
    expect(sessionFacts(session, { change: 'changed' }).change).toBe('changed');
  });
});

describe('the region table', () => {
  it('maps each API host of the vendor to its console and nothing else', () => {
    expect(consoleUrlFor('https://api.us.code42.com/')).toBe('https://console.us.code42.com');
    expect(consoleUrlFor('https://API.IE.code42.com')).toBe('https://console.ie.code42.com');
    expect(consoleUrlFor('https://api.gov.code42.com')).toBe('https://console.gov.code42.com');
    expect(consoleUrlFor('https://api.example.com')).toBeUndefined();
    expect(consoleUrlFor('not a url')).toBeUndefined();
    expect(sessionConsoleUrl('https://c.example', 'a/b')).toBe('https://c.example/app/#/alerts/review-alerts/a%2Fb');
  });
});

describe('toEnriched', () => {
  it('keeps every field of the session as it was and adds one block', () => {
    const record = toEnriched({ ...session, vendorField: 1 } as Session);
    const { enriched, ...rest } = record;
    expect(rest).toEqual({ ...session, vendorField: 1 });
    expect(enriched.state).toBe('IN_PROGRESS');
  });
});
