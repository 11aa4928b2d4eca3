import { describe, expect, it } from 'vitest';
import type { Session } from '../sessions/schemas.js';
import { ECS_VERSION, toEcs } from './ecs.js';
import { SIEM_RECORDS, toSiemRecord } from './records.js';

const session: Session = {
  sessionId: 'ses-1',
  actorId: 'act-1',
  actorName: 'ana@example.com',
  tenantId: 'ten-1',
  type: 'STANDARD',
  beginTime: 1_700_000_000_000,
  endTime: 1_700_000_600_000,
  firstObserved: 1_700_000_000_500,
  lastUpdated: 1_700_000_900_000,
  contextSummary: 'Ana zipped 40 files and uploaded them',
  criticalEvents: 1,
  highEvents: 2,
  notes: [{ content: 'a' }],
  riskIndicators: [{ name: 'Zip upload' }, { name: 'Off hours' }],
  scores: [
    { score: 9, severity: 4, sourceTimestamp: 1 },
    { score: 7.5, severity: 3, sourceTimestamp: 2 },
  ],
  states: [{ stateV2: 'IN_PROGRESS', sourceTimestamp: 2 }],
  triggeredAlerts: [
    { ruleId: 'r-1', ruleName: 'Departing' },
    { ruleId: 'r-2', ruleName: 'Cloud' },
    { ruleId: 'r-1', ruleName: 'Departing' },
  ],
};

describe('toEcs', () => {
  it('maps a session to an alert document with ECS fields and the rest under incydr.session', () => {
    expect(toEcs(session, { apiUrl: 'https://api.us.code42.com', change: 'changed' })).toEqual({
      '@timestamp': '2023-11-14T22:28:20.000Z',
      ecs: { version: '9.4.0' },
      event: {
        kind: 'alert',
        category: ['file'],
        type: ['info'],
        action: 'session-updated',
        module: 'incydr',
        dataset: 'incydr.sessions',
        id: 'ses-1',
        start: '2023-11-14T22:13:20.000Z',
        end: '2023-11-14T22:23:20.000Z',
        duration: 600_000_000_000,
        created: '2023-11-14T22:13:20.500Z',
        severity: 3,
        risk_score: 7.5,
        url: 'https://console.us.code42.com/app/#/alerts/review-alerts/ses-1',
      },
      message: 'Incydr session of ana@example.com: Departing, Cloud',
      rule: { id: ['r-1', 'r-2'], name: ['Departing', 'Cloud'] },
      user: { id: 'act-1', name: 'ana@example.com', email: 'ana@example.com' },
      organization: { id: 'ten-1' },
      observer: { vendor: 'Mimecast', product: 'Incydr' },
      incydr: {
        session: {
          state: 'IN_PROGRESS',
          severity_label: 'HIGH',
          highest_severity: 4,
          highest_severity_label: 'CRITICAL',
          note_count: 1,
          total_events: 3,
          risk_indicator_names: ['Zip upload', 'Off hours'],
          change: 'changed',
          unmapped: {
            type: 'STANDARD',
            contextSummary: 'Ana zipped 40 files and uploaded them',
            criticalEvents: 1,
            highEvents: 2,
            notes: session.notes,
            riskIndicators: session.riskIndicators,
            scores: session.scores,
            states: session.states,
            triggeredAlerts: session.triggeredAlerts,
          },
        },
      },
    });
  });

  it('pins the ECS version', () => {
    expect(ECS_VERSION).toBe('9.4.0');
    expect(toEcs({}).ecs.version).toBe(ECS_VERSION);
  });

  it('leaves out what an empty session does not hold, and stamps it with the time of mapping', () => {
    const before = Date.now();
    const record = toEcs({});
    expect(Date.parse(record['@timestamp'])).toBeGreaterThanOrEqual(before);
    expect(Date.parse(record['@timestamp'])).toBeLessThanOrEqual(Date.now());
    expect({ ...record, '@timestamp': 'now' }).toEqual({
      '@timestamp': 'now',
      ecs: { version: '9.4.0' },
      event: {
        kind: 'alert',
        category: ['file'],
        type: ['info'],
        action: 'session-created',
        module: 'incydr',
        dataset: 'incydr.sessions',
      },
      message: 'Incydr session of an unknown actor',
      observer: { vendor: 'Mimecast', product: 'Incydr' },
      incydr: { session: { note_count: 0 } },
    });
  });

  it('takes @timestamp from lastUpdated, else endTime, beginTime, firstObserved', () => {
    const times = { firstObserved: 1, beginTime: 2, endTime: 3, lastUpdated: 4 };
    expect(toEcs(times)['@timestamp']).toBe('1970-01-01T00:00:00.004Z');
    expect(toEcs({ ...times, lastUpdated: null })['@timestamp']).toBe('1970-01-01T00:00:00.003Z');
    expect(toEcs({ firstObserved: 1, beginTime: 2 })['@timestamp']).toBe('1970-01-01T00:00:00.002Z');
    expect(toEcs({ firstObserved: 1 })['@timestamp']).toBe('1970-01-01T00:00:00.001Z');
  });

  it.each([
    [undefined, 'session-created', undefined],
    ['new', 'session-created', 'new'],
    ['changed', 'session-updated', 'changed'],
  ] as const)('gives change %s the action %s', (change, action, kept) => {
    const record = toEcs({ sessionId: 's' }, change === undefined ? {} : { change });
    expect(record.event.action).toBe(action);
    expect(record.incydr.session.change).toBe(kept);
  });

  it('keeps in unmapped, as sent, a field whose value no ECS field can hold', () => {
    const odd: Session = {
      sessionId: '',
      actorName: null,
      beginTime: 1.5,
      endTime: Number.MAX_SAFE_INTEGER,
      lastUpdated: 5,
      vendorField: { nested: [1] },
    };
    const record = toEcs(odd);
    expect(record.incydr.session.unmapped).toEqual({
      sessionId: '',
      actorName: null,
      beginTime: 1.5,
      endTime: Number.MAX_SAFE_INTEGER,
      vendorField: { nested: [1] },
    });
    expect(record.event).not.toHaveProperty('id');
    expect(record.event).not.toHaveProperty('start');
    expect(record).not.toHaveProperty('user');
  });

  it('gives the email only for an actor name that is an address', () => {
    expect(toEcs({ actorName: 'Zoë 山田' }).user).toEqual({ name: 'Zoë 山田' });
    expect(toEcs({ actorId: 'a-1', actorName: 'bo@example.org' }).user).toEqual({
      id: 'a-1',
      name: 'bo@example.org',
      email: 'bo@example.org',
    });
  });

  it('keeps a whole severity outside 0–4 as a number without a word, and leaves out one that is not whole', () => {
    const odd = toEcs({ scores: [{ severity: 7, score: 2 }] });
    expect(odd.event.severity).toBe(7);
    expect(odd.incydr.session).not.toHaveProperty('severity_label');
    const fraction = toEcs({ scores: [{ severity: 2.5, score: 2.5 }] });
    expect(fraction.event).not.toHaveProperty('severity');
    expect(fraction.event.risk_score).toBe(2.5);
  });

  it('names rules by id and by name, each once, and leaves rule out without one', () => {
    expect(toEcs({ triggeredAlerts: [{ ruleName: 'Only a name' }, { ruleId: 'only-id' }] }).rule).toEqual({
      id: ['only-id'],
      name: ['Only a name'],
    });
    expect(toEcs({ triggeredAlerts: [{ ruleId: '', ruleName: null }] })).not.toHaveProperty('rule');
  });

  it('is the record toSiemRecord makes for ecs, listed between ocsf and cef', () => {
    expect(SIEM_RECORDS).toEqual(['raw', 'enriched', 'ocsf', 'ecs', 'cef']);
    const one: Session = { sessionId: 's', lastUpdated: 5 };
    expect(toSiemRecord('ecs', one, { change: 'new' })).toEqual(toEcs(one, { change: 'new' }));
  });
});
