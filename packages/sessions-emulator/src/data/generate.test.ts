import { describe, expect, it } from 'vitest';
import { timeProblems } from '../../test/helpers/invariants.js';
import { generateFileEvents, type FileEvent } from './file-events.js';
import { DAY_MS, HOUR_MS } from './draw.js';
import { generateDataset } from './generate.js';
import {
  CONTENT_INSPECTION_STATUSES,
  SESSION_STATES,
  currentState,
  latestScore,
  type ApiSession,
  type SessionRecord,
} from '../model.js';
import { patient } from '@x/vitest-config/patience';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const SEED = 42;
const dataset = generateDataset({ seed: SEED, sessions: 2000, now: NOW });
const records = dataset.records;
const sessions = records.map((r) => r.session);

/** The API's key order (api.md §5), which the emulator must keep. */
const MODEL_KEYS = [
  'actorId',
  'actorName',
  'type',
  'beginTime',
  'contentInspectionResults',
  'contextSummary',
  'criticalEvents',
  'highEvents',
  'moderateEvents',
  'lowEvents',
  'noRiskEvents',
  'endTime',
  'exfiltrationSummary',
  'firstObserved',
  'lastUpdated',
  'notes',
  'riskIndicators',
  'scores',
  'sessionId',
  'states',
  'tenantId',
  'triggeredAlerts',
  'userId',
];
const SCORE_BANDS = [
  [0, 9],
  [10, 29],
  [30, 54],
  [55, 79],
  [80, 100],
];

function share(predicate: (s: ApiSession) => boolean): number {
  return sessions.filter(predicate).length / sessions.length;
}

function keyOrderProblem(s: ApiSession): string | undefined {
  const keys = Object.keys(s);
  const known = keys.filter((k) => MODEL_KEYS.includes(k));
  if (known.join() !== MODEL_KEYS.join()) return 'known keys out of order: ' + known.join();
  const alertedOn = keys.indexOf('riskIndicatorsAlertedOn');
  if (alertedOn !== -1 && alertedOn !== keys.indexOf('riskIndicators') + 1) {
    return 'riskIndicatorsAlertedOn is not right after riskIndicators';
  }
  const unknown = keys.filter((k) => !MODEL_KEYS.includes(k) && k !== 'riskIndicatorsAlertedOn');
  if (unknown.some((k) => keys.indexOf(k) < keys.indexOf('userId'))) return 'an unmodelled key sits among known ones';
  return undefined;
}

describe('generateDataset', () => {
  it('generates a deep-equal dataset for the same seed, size and now', () => {
    expect(generateDataset({ seed: SEED, sessions: 2000, now: NOW })).toEqual(dataset);
  });

  it('generates different data for another seed', () => {
    const other = generateDataset({ seed: SEED + 1, sessions: 2000, now: NOW });
    expect(other.records.map((r) => r.session.sessionId)).not.toEqual(sessions.map((s) => s.sessionId));
    expect(other.tenantId).not.toBe(dataset.tenantId);
  });

  it('generates the requested number of sessions with ordinals equal to their index', () => {
    expect(records).toHaveLength(2000);
    expect(records.every((r, i) => r.ordinal === i)).toBe(true);
    expect(generateDataset({ seed: 1, sessions: 0, now: NOW }).records).toEqual([]);
  });

  it('creates about one actor per 8 sessions, at least 5', () => {
    expect(dataset.actors).toHaveLength(250);
    expect(generateDataset({ seed: 1, sessions: 3, now: NOW }).actors).toHaveLength(5);
  });

  it('gives actors unique ids, user ids and first.last@example.com emails, each on 0 to 2 watchlists', () => {
    const actors = dataset.actors;
    expect(new Set(actors.map((a) => a.actorId)).size).toBe(actors.length);
    expect(new Set(actors.map((a) => a.userId)).size).toBe(actors.length);
    expect(new Set(actors.map((a) => a.actorName)).size).toBe(actors.length);
    const watchlistIds = new Set(dataset.watchlists.map((w) => w.id));
    for (const actor of actors) {
      expect(actor.actorName).toMatch(/^[a-z]+\.[a-z]+\d*@example\.com$/);
      expect(actor.watchlistIds.length).toBeLessThanOrEqual(2);
      expect(new Set(actor.watchlistIds).size).toBe(actor.watchlistIds.length);
      expect(actor.watchlistIds.every((id) => watchlistIds.has(id))).toBe(true);
    }
    expect(actors.some((a) => a.watchlistIds.length === 0)).toBe(true);
    expect(actors.some((a) => a.watchlistIds.length === 2)).toBe(true);
  });

  it('ties every session to its actor: name, user id, watchlists, and `<actorId>_<beginTime>` ids', () => {
    const byId = new Map(dataset.actors.map((a) => [a.actorId, a]));
    for (const record of records) {
      const s = record.session;
      const actor = byId.get(s.actorId);
      expect(actor).toBeDefined();
      expect(s.actorName).toBe(actor?.actorName);
      expect(s.userId).toBe(actor?.userId);
      expect(record.watchlistIds).toEqual(actor?.watchlistIds);
      expect(s.sessionId).toBe(`${s.actorId}_${s.beginTime}`);
      expect(s.tenantId).toBe(dataset.tenantId);
    }
  });

  it('gives unique session, alert and note ids', () => {
    expect(new Set(sessions.map((s) => s.sessionId)).size).toBe(sessions.length);
    const alertIds = sessions.flatMap((s) => s.triggeredAlerts.map((a) => a.alertId));
    expect(new Set(alertIds).size).toBe(alertIds.length);
    const noteIds = sessions.flatMap((s) => s.notes.map((n) => n.id));
    expect(new Set(noteIds).size).toBe(noteIds.length);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(alertIds.every((id) => uuid.test(id))).toBe(true);
  });

  it('uses the tenant id it is given', () => {
    const custom = generateDataset({ seed: 1, sessions: 20, now: NOW, tenantId: 'tenant-1' });
    expect(custom.tenantId).toBe('tenant-1');
    expect(custom.records.every((r) => r.session.tenantId === 'tenant-1')).toBe(true);
  });

  it('keeps the API key order, with riskIndicatorsAlertedOn right after riskIndicators and extras last', () => {
    expect(sessions.map(keyOrderProblem).filter((p) => p !== undefined)).toEqual([]);
    const alertedOn = sessions.filter((s) => 'riskIndicatorsAlertedOn' in s);
    expect(alertedOn.length).toBeGreaterThan(0);
    for (const s of alertedOn) {
      const names = s.riskIndicators.map((r) => r.name);
      expect((s.riskIndicatorsAlertedOn as string[]).every((n) => names.includes(n))).toBe(true);
    }
    expect(sessions.some((s) => 'x-emulator-note' in s)).toBe(true);
  });

  it('keeps every timestamp within the 30 days before now and in a consistent order', () => {
    const problems = sessions.flatMap((s) =>
      timeProblems(s, NOW - 30 * DAY_MS, NOW).map((p) => `${s.sessionId}: ${p}`),
    );
    expect(problems).toEqual([]);
    for (const s of sessions) {
      expect(s.firstObserved - s.beginTime).toBeLessThanOrEqual(8 * 60_000);
      expect(s.endTime - s.beginTime).toBeLessThanOrEqual(10 * HOUR_MS);
    }
  });

  it('keeps some sessions active: their last activity is under two hours old', () => {
    const active = sessions.filter((s) => s.endTime >= NOW - 2 * HOUR_MS).length;
    expect(active).toBeGreaterThan(20);
  });

  it('mixes the proportions asked for', () => {
    const ranges: Array<[string, number, number, number]> = [
      ['with alerts', share((s) => s.triggeredAlerts.length > 0), 0.64, 0.76],
      ['account takeover', share((s) => s.type === 'ACCOUNT_TAKE_OVER'), 0.07, 0.13],
      ['with notes', share((s) => s.notes.length > 0), 0.24, 0.36],
      ['riskIndicatorsAlertedOn', share((s) => 'riskIndicatorsAlertedOn' in s), 0.07, 0.13],
      ['older inspection shape', share((s) => s.contentInspectionResults?.eventResults !== undefined), 0.03, 0.08],
      ['future field', share((s) => 'x-emulator-note' in s), 0.005, 0.04],
    ];
    for (const [name, value, low, high] of ranges) {
      expect(value, name).toBeGreaterThanOrEqual(low);
      expect(value, name).toBeLessThanOrEqual(high);
    }
    expect(sessions.every((s) => s.type === 'STANDARD' || s.type === 'ACCOUNT_TAKE_OVER')).toBe(true);
  });

  it('covers every state and every severity through the model helpers', () => {
    expect(new Set(sessions.map(currentState))).toEqual(new Set(SESSION_STATES));
    expect(new Set(sessions.map((s) => latestScore(s)?.severity))).toEqual(new Set([0, 1, 2, 3, 4]));
    expect(new Set(records.map((r) => r.contentInspectionStatus))).toEqual(new Set(CONTENT_INSPECTION_STATUSES));
  });

  it('builds state histories that start OPEN, with the coarse state derived from stateV2', () => {
    const coarse: Record<string, string> = {
      OPEN: 'OPEN',
      IN_PROGRESS: 'IN_PROGRESS',
      CLOSED: 'CLOSED',
      CLOSED_TP: 'CLOSED',
      CLOSED_TP_BENIGN: 'CLOSED',
      CLOSED_FP: 'CLOSED',
      OPEN_NEW_DATA: 'OPEN',
    };
    for (const s of sessions) {
      expect(s.states.length).toBeGreaterThanOrEqual(1);
      expect(s.states.length).toBeLessThanOrEqual(4);
      expect(s.states[0]).toMatchObject({ stateV2: 'OPEN', userId: null, sourceTimestamp: s.firstObserved });
      for (const entry of s.states) {
        expect(entry.state).toBe(coarse[entry.stateV2]);
        if (entry.stateV2 === 'OPEN_NEW_DATA') expect(entry.userId).toBeNull();
        else if (entry !== s.states[0]) expect(entry.userId).toMatch(/^\d{19}$/);
      }
    }
  });

  it('builds score histories of 1 to 4 escalating entries with scores in the band of their severity', () => {
    let escalations = 0;
    for (const s of sessions) {
      expect(s.scores.length).toBeGreaterThanOrEqual(1);
      expect(s.scores.length).toBeLessThanOrEqual(4);
      s.scores.forEach((entry, i) => {
        const band = SCORE_BANDS[entry.severity] as number[];
        expect(entry.score).toBeGreaterThanOrEqual(band[0] as number);
        expect(entry.score).toBeLessThanOrEqual(band[1] as number);
        const previous = s.scores[i - 1];
        if (previous !== undefined) {
          expect(entry.severity).toBeGreaterThanOrEqual(previous.severity);
          if (entry.severity > previous.severity) escalations += 1;
        }
      });
    }
    expect(escalations).toBeGreaterThan(100);
  });

  it('counts events by severity consistently with the highest score', () => {
    for (const s of sessions) {
      const counts = [s.noRiskEvents, s.lowEvents, s.moderateEvents, s.highEvents, s.criticalEvents];
      const top = Math.max(...s.scores.map((e) => e.severity));
      expect(counts[top]).toBeGreaterThanOrEqual(1);
      expect(counts.slice(top + 1).every((c) => c === 0)).toBe(true);
      expect(counts.every((c) => Number.isInteger(c) && c >= 0)).toBe(true);
    }
  });

  it('draws alerts, rules and risk indicators from the dataset catalog', () => {
    const rules = new Map(dataset.rules.map((r) => [r.ruleId, r.ruleName]));
    const indicators = new Map(dataset.riskIndicators.map((r) => [r.id, r]));
    for (const s of sessions) {
      expect(s.triggeredAlerts.length).toBeLessThanOrEqual(3);
      for (const alert of s.triggeredAlerts) expect(rules.get(alert.ruleId)).toBe(alert.ruleName);
      if (s.triggeredAlerts.length > 0) expect(latestScore(s)?.severity).toBeGreaterThanOrEqual(1);
      expect(s.riskIndicators.length).toBeGreaterThanOrEqual(1);
      expect(s.riskIndicators.length).toBeLessThanOrEqual(4);
      for (const indicator of s.riskIndicators) {
        const { eventCount, ...entry } = indicator;
        expect(entry).toEqual(indicators.get(indicator.id));
        expect(eventCount).toBeGreaterThanOrEqual(1);
      }
      expect(s.notes.length).toBeLessThanOrEqual(3);
      expect(s.contextSummary).toMatch(/\.$/);
    }
    const lessons = sessions.flatMap((s) => s.triggeredAlerts).filter((a) => a.lessonId !== null).length;
    expect(lessons).toBeGreaterThan(0);
    expect(lessons).toBeLessThan(sessions.length * 0.2);
  });

  it('keeps contentInspectionStatus consistent with contentInspectionResults', () => {
    for (const record of records) {
      const s = record.session;
      const results = s.contentInspectionResults as Record<string, unknown>;
      const detected = results.detectedOnAlerts as string[] | undefined;
      if (detected === undefined) {
        expect(results).toEqual({ status: record.contentInspectionStatus, eventResults: [] });
        expect(record.contentInspectionStatus).not.toBe('FOUND');
        continue;
      }
      expect(Object.keys(results)).toEqual(['detectedOnAlerts']);
      expect(record.contentInspectionStatus === 'FOUND').toBe(detected.length > 0);
      const alertIds = s.triggeredAlerts.map((a) => a.alertId);
      expect(detected.every((id) => alertIds.includes(id))).toBe(true);
      if (record.contentInspectionStatus === 'PENDING') expect(s.endTime).toBeGreaterThanOrEqual(NOW - 6 * HOUR_MS);
    }
  });

  it('generates 100,000 sessions with unique ids', { timeout: patient(30_000) }, () => {
    const large = generateDataset({ seed: 9, sessions: 100_000, now: NOW });
    expect(large.records).toHaveLength(100_000);
    expect(large.actors).toHaveLength(12_500);
    expect(new Set(large.records.map((r) => r.session.sessionId)).size).toBe(100_000);
  });
});

describe('generateFileEvents', () => {
  const withAlerts = records.filter((r) => r.session.triggeredAlerts.length > 0);
  const events = new Map<SessionRecord, FileEvent[]>(withAlerts.map((r) => [r, generateFileEvents(r, SEED)]));
  const all = [...events.values()].flat();
  const group = (event: FileEvent, key: string): Record<string, unknown> => event[key] as Record<string, unknown>;

  it('returns no events for a session without alerts', () => {
    const without = records.find((r) => r.session.triggeredAlerts.length === 0) as SessionRecord;
    expect(generateFileEvents(without, SEED)).toEqual([]);
  });

  it('returns one event per alert plus a few, the same for the same seed and different for another', () => {
    for (const [record, list] of events) {
      const alerts = record.session.triggeredAlerts.length;
      expect(list.length).toBeGreaterThanOrEqual(alerts + 1);
      expect(list.length).toBeLessThanOrEqual(Math.min(25, alerts + 4));
    }
    const sample = withAlerts.slice(0, 20);
    expect(sample.map((r) => generateFileEvents(r, SEED))).toEqual(sample.map((r) => events.get(r)));
    expect(sample.map((r) => generateFileEvents(r, SEED + 1))).not.toEqual(sample.map((r) => events.get(r)));
  });

  it('caps the events at 25', () => {
    const record = structuredClone(withAlerts[0] as SessionRecord);
    const alert = record.session.triggeredAlerts[0];
    for (let i = 0; i < 30 && alert !== undefined; i++) {
      record.session.triggeredAlerts.push({ ...alert, alertId: `a-${i}` });
    }
    expect(generateFileEvents(record, SEED)).toHaveLength(25);
  });

  it('keeps the earlier events when the session gains an alert', () => {
    const record = structuredClone(withAlerts[1] as SessionRecord);
    const before = generateFileEvents(record, SEED);
    record.session.triggeredAlerts.push({ alertId: 'new-alert', lessonId: null, ruleId: 'r', ruleName: 'Rule' });
    const after = generateFileEvents(record, SEED);
    expect(after).toHaveLength(before.length + 1);
    for (const event of before) expect(after).toContainEqual(event);
  });

  it('dates every event within its session, oldest first', () => {
    for (const [record, list] of events) {
      const times = list.map((e) => Date.parse(e['@timestamp'] as string));
      expect(times.every((t) => t >= record.session.beginTime && t <= record.session.endTime)).toBe(true);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      for (const e of list) {
        const event = group(e, 'event');
        expect(Date.parse(event.ingested as string)).toBeGreaterThan(Date.parse(e['@timestamp'] as string));
        expect(Date.parse(event.inserted as string)).toBeGreaterThan(Date.parse(event.ingested as string));
      }
    }
  });

  it('shapes events like FileEventV2 with well-formed hashes', () => {
    const groups = ['event', 'file', 'source', 'destination', 'risk', 'user'];
    for (const e of all) {
      expect(Object.keys(e).slice(0, 1)).toEqual(['@timestamp']);
      for (const key of groups) expect(typeof e[key]).toBe('object');
      for (const key of ['report', 'responseControls', 'git', 'process']) expect(key in e).toBe(true);
      const event = group(e, 'event');
      expect(Object.keys(event)).toEqual([
        'id',
        'action',
        'observer',
        'ingested',
        'inserted',
        'detectorDisplayName',
        'relatedEvents',
        'shareType',
        'vector',
        'xfcEventId',
      ]);
      const file = group(e, 'file');
      const hash = file.hash as Record<string, unknown>;
      expect(hash.md5).toMatch(/^[0-9a-f]{32}$/);
      expect(hash.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(hash).toMatchObject({ md5Error: null, sha256Error: null });
      expect(typeof file.sizeInBytes).toBe('number');
      expect(file).toMatchObject({ classifications: expect.any(Array), acquiredFrom: [], archiveId: null });
      const risk = group(e, 'risk');
      expect(['CRITICAL', 'HIGH', 'MODERATE', 'LOW', 'NO_RISK']).toContain(risk.severity);
      expect((risk.indicators as unknown[]).length).toBeGreaterThanOrEqual(1);
      const destination = group(e, 'destination');
      const removable = destination.removableMedia as Record<string, unknown> | null;
      expect(removable !== null).toBe(event.action === 'removable-media-created');
      if (removable !== null) {
        expect(Object.keys(removable).sort()).toEqual(
          ['busType', 'capacity', 'mediaName', 'name', 'partitionId', 'serialNumber', 'vendor', 'volumeName'].sort(),
        );
      }
      expect(group(e, 'user').email).toMatch(/@example\.com$/);
    }
  });

  it('covers several vectors and carries unmodelled fields on a few events', () => {
    const actions = new Set(all.map((e) => group(e, 'event').action));
    for (const action of ['file-uploaded', 'removable-media-created', 'email-sent', 'file-shared']) {
      expect(actions).toContain(action);
    }
    const unmodelled = all.filter((e) => 'ai' in e || 'department' in group(e, 'user')).length;
    expect(unmodelled).toBeGreaterThan(0);
    expect(unmodelled).toBeLessThan(all.length * 0.3);
  });

  it('names the alert severity on alerted events', () => {
    const labels = ['NO_RISK', 'LOW', 'MODERATE', 'HIGH', 'CRITICAL'];
    for (const [record, list] of events) {
      const top = Math.max(...record.session.scores.map((s) => s.severity));
      const severities = list.map((e) => labels.indexOf(group(e, 'risk').severity as string));
      expect(Math.max(...severities)).toBe(Math.max(1, top));
    }
  });
});
