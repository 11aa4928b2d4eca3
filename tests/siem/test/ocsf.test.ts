import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '@x/sessions-sdk';
import { SIEM_RECORDS, toOcsf, toSiemRecord, type OcsfDetectionFinding } from '@x/sessions-sdk/siem';
import { patient } from '@x/vitest-config/patience';
import { absentRecommended, validateDetectionFinding } from '../ocsf/validate.js';
import { emulatorSessions } from './emulator-sessions.js';
import { EDGE_CASES } from './session-cases.js';

const DOC = new URL('../../../packages/sessions-sdk/docs/siem/ocsf.md', import.meta.url);

/** The recommended attributes the mapping doc lists as left out, each with its reason. */
function documentedAbsent(): Map<string, string> {
  const text = readFileSync(DOC, 'utf8');
  const start = text.indexOf('## Recommended attributes left out');
  if (start === -1) throw new Error(`${DOC.pathname} has no section "Recommended attributes left out"`);
  const end = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, end === -1 ? undefined : end);
  const rows = [...section.matchAll(/^\|\s*`([^`]+)`\s*\|\s*(.+?)\s*\|\s*$/gm)];
  return new Map(rows.map(([, path, reason]) => [path ?? '', reason?.trim() ?? '']));
}

/** Where the mapping puts a top-level field it carries whole (the doc's table says the same). */
const HOMES: Record<string, (record: OcsfDetectionFinding) => unknown> = {
  sessionId: (r) => r.finding_info.uid,
  actorId: (r) => r.actor?.user.uid,
  actorName: (r) => r.actor?.user.name,
  beginTime: (r) => r.start_time,
  endTime: (r) => r.end_time,
  firstObserved: (r) => r.finding_info.created_time,
  lastUpdated: (r) => r.finding_info.modified_time,
  contextSummary: (r) => r.finding_info.desc,
  tenantId: (r) => r.metadata.tenant_uid,
};

/** Each top-level field of the session is either in its OCSF home or, as sent, in `unmapped`; never both. */
function expectNothingDropped(session: Session, record: OcsfDetectionFinding): void {
  const unmapped = record.unmapped ?? {};
  for (const [key, value] of Object.entries(session)) {
    const home = HOMES[key]?.(record);
    // An empty string is not carried: `finding_info.uid` is "" only as the stand-in OCSF's required uid needs.
    const inHome = home !== undefined && home === value && value !== '';
    expect({ key, inHome, inUnmapped: key in unmapped }).toEqual({ key, inHome, inUnmapped: !inHome });
    if (!inHome) expect(unmapped[key]).toEqual(value);
  }
  expect(Object.keys(unmapped).every((key) => key in session)).toBe(true);
}

/** The record is valid OCSF 1.8.0, drops nothing, and leaves out only recommended attributes the doc explains. */
function expectSound(session: Session, record: OcsfDetectionFinding, documented: Map<string, string>): void {
  expect(validateDetectionFinding(record)).toEqual([]);
  expectNothingDropped(session, record);
  for (const path of absentRecommended(record)) expect(documented.get(path), path).toMatch(/\w/);
}

describe('toOcsf on hand-made edge cases', () => {
  const documented = documentedAbsent();

  it.each(EDGE_CASES)('makes a valid record that drops nothing of a session with %s', (_name, session) => {
    expectSound(session, toOcsf(session, { apiUrl: 'https://api.us.code42.com' }), documented);
    expectSound(session, toOcsf(session, { change: 'changed' }), documented);
  });

  it('gives a session without any time the time the record is made, and no original_time', () => {
    const before = Date.now();
    const record = toOcsf({ sessionId: 's' });
    expect(record.time).toBeGreaterThanOrEqual(before);
    expect(record.time).toBeLessThanOrEqual(Date.now());
    expect(record.metadata).not.toHaveProperty('original_time');
  });

  it('takes the time from lastUpdated, else endTime, beginTime, firstObserved', () => {
    const times = { firstObserved: 1, beginTime: 2, endTime: 3, lastUpdated: 4 };
    expect(toOcsf(times).time).toBe(4);
    expect(toOcsf({ ...times, lastUpdated: null }).time).toBe(3);
    expect(toOcsf({ firstObserved: 1, beginTime: 2 }).time).toBe(2);
    expect(toOcsf({ firstObserved: 1 }).time).toBe(1);
    expect(toOcsf(times).metadata.original_time).toBe('1970-01-01T00:00:00.004Z');
  });

  it('keeps an unknown state in status as Other, and no state as Unknown', () => {
    expect(toOcsf({ states: [{ stateV2: 'WHATEVER' }] })).toMatchObject({
      status_id: 99,
      status: 'WHATEVER',
      status_code: 'WHATEVER',
    });
    const none = toOcsf({ states: [] });
    expect(none).toMatchObject({ status_id: 0, status: 'Unknown' });
    expect(none).not.toHaveProperty('status_code');
  });

  it('names the actor as a user, with the email when the name is an address', () => {
    expect(toOcsf({ actorId: 'a-1', actorName: 'ana@example.com' }).actor).toEqual({
      user: { uid: 'a-1', name: 'ana@example.com', email_addr: 'ana@example.com', type_id: 1, type: 'User' },
    });
    expect(toOcsf({ actorName: 'Zoë 山田' }).actor).toEqual({ user: { name: 'Zoë 山田', type_id: 1, type: 'User' } });
    expect(toOcsf({ actorId: '', actorName: null })).not.toHaveProperty('actor');
  });

  it('makes the first rule the analytic and the others related analytics, each rule once', () => {
    const record = toOcsf({
      triggeredAlerts: [
        { ruleId: 'r-1', ruleName: 'Departing' },
        { ruleId: 'r-2', ruleName: 'Cloud' },
        { ruleId: 'r-1', ruleName: 'Departing' },
        { ruleName: 'Unnamed id' },
      ],
    });
    expect(record.finding_info.analytic).toEqual({ type_id: 1, type: 'Rule', name: 'Departing', uid: 'r-1' });
    expect(record.finding_info.related_analytics).toEqual([
      { type_id: 1, type: 'Rule', name: 'Cloud', uid: 'r-2' },
      { type_id: 1, type: 'Rule', name: 'Unnamed id' },
    ]);
    expect(record.finding_info.title).toBe('Incydr session of an unknown actor: Departing, Cloud, Unnamed id');
    expect(record.is_alert).toBe(true);
  });
});

describe('toOcsf activity, status and severity', () => {
  it.each([
    [undefined, 1, 'Create', 200401],
    ['new', 1, 'Create', 200401],
    ['changed', 2, 'Update', 200402],
  ] as const)('gives change %s activity %i %s (type_uid %i)', (change, id, name, typeUid) => {
    const record = toOcsf({ sessionId: 's' }, change === undefined ? {} : { change });
    expect(record).toMatchObject({ activity_id: id, activity_name: name, type_uid: typeUid });
    expect(record.type_uid).toBe(record.class_uid * 100 + record.activity_id);
    expect(validateDetectionFinding(record)).toEqual([]);
  });

  it.each([
    ['OPEN', 1, 'New'],
    ['OPEN_NEW_DATA', 1, 'New'],
    ['IN_PROGRESS', 2, 'In Progress'],
    ['CLOSED', 4, 'Resolved'],
    ['CLOSED_TP', 4, 'Resolved'],
    ['CLOSED_TP_BENIGN', 3, 'Suppressed'],
    ['CLOSED_FP', 3, 'Suppressed'],
    ['WHATEVER', 99, 'WHATEVER'],
  ])('maps state %s to status_id %i (%s) and keeps the state in status_code', (state, id, caption) => {
    const record = toOcsf({
      states: [
        { stateV2: 'OPEN', sourceTimestamp: 1 },
        { stateV2: state, sourceTimestamp: 2 },
      ],
    });
    expect(record).toMatchObject({ status_id: id, status: caption, status_code: state });
    expect(validateDetectionFinding(record)).toEqual([]);
  });

  it.each([
    [0, 1, 'Informational', 0, 'Info'],
    [1, 2, 'Low', 1, 'Low'],
    [2, 3, 'Medium', 2, 'Medium'],
    [3, 4, 'High', 3, 'High'],
    [4, 5, 'Critical', 4, 'Critical'],
  ])('maps severity %i to severity_id %i (%s) and risk_level_id %i (%s)', (severity, id, caption, level, word) => {
    const record = toOcsf({ scores: [{ score: 10, severity, sourceTimestamp: 1 }] });
    expect(record).toMatchObject({
      severity_id: id,
      severity: caption,
      risk_level_id: level,
      risk_level: word,
      risk_score: 10,
    });
    expect(validateDetectionFinding(record)).toEqual([]);
  });

  it('gives Unknown without a severity, and Other with the number for one outside 0–4', () => {
    const none = toOcsf({ scores: [] });
    expect(none).toMatchObject({ severity_id: 0, severity: 'Unknown' });
    expect(none).not.toHaveProperty('risk_level_id');
    const odd = toOcsf({ scores: [{ severity: 7, score: 2.5 }] });
    expect(odd).toMatchObject({ severity_id: 99, severity: '7' });
    expect(odd).not.toHaveProperty('risk_level_id');
    expect(odd).not.toHaveProperty('risk_score');
  });

  it('is the record toSiemRecord makes for ocsf', () => {
    expect(SIEM_RECORDS).toContain('ocsf');
    const session: Session = { sessionId: 's', lastUpdated: 5 };
    expect(toSiemRecord('ocsf', session, { change: 'changed' })).toEqual(toOcsf(session, { change: 'changed' }));
  });
});

describe('toOcsf on an emulator data set of 10,000 sessions', () => {
  let sessions: Session[];

  beforeAll(async () => {
    sessions = await emulatorSessions(10_000, 7);
  }, patient(120_000));

  it(
    'makes a valid Detection Finding of every session that drops nothing',
    () => {
      expect(sessions).toHaveLength(10_000);
      const documented = documentedAbsent();
      const statuses = new Set<number>();
      const severities = new Set<number>();
      for (const [index, session] of sessions.entries()) {
        const record = toOcsf(session, {
          apiUrl: 'https://api.us.code42.com',
          ...(index % 2 === 0 && { change: 'changed' as const }),
        });
        const errors = validateDetectionFinding(record);
        if (errors.length > 0) expect({ sessionId: session.sessionId, errors }).toEqual({});
        expectNothingDropped(session, record);
        for (const path of absentRecommended(record)) expect(documented.get(path), path).toMatch(/\w/);
        statuses.add(record.status_id);
        severities.add(record.severity_id);
      }
      // The data set exercises every mapped state and severity, so the check above covers them all.
      expect([...statuses].sort()).toEqual([1, 2, 3, 4]);
      expect([...severities].sort()).toEqual([1, 2, 3, 4, 5]);
    },
    patient(120_000),
  );
});
