import { describe, expect, it } from 'vitest';
import { timeProblems } from '../../test/helpers/invariants.js';
import { applyActivity, type ActivityReport } from './activity.js';
import { DAY_MS, HOUR_MS } from './draw.js';
import { generateDataset } from './generate.js';
import { currentState, latestScore, type ApiSession, type Dataset } from '../model.js';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const SEED = 42;
const FROM = NOW + 5 * 60_000;
const TO = FROM + HOUR_MS;

function fresh(sessions = 5000): Dataset {
  return generateDataset({ seed: SEED, sessions, now: NOW });
}

const before = fresh();
const after = fresh();
const report = applyActivity(after, { seed: SEED, fromMs: FROM, toMs: TO, step: 1 });
const beforeById = new Map(before.records.map((r) => [r.session.sessionId, r.session]));
const afterById = new Map(after.records.map((r) => [r.session.sessionId, r.session]));

function get(map: Map<string, ApiSession>, id: string): ApiSession {
  const session = map.get(id);
  if (session === undefined) throw new Error(`no session ${id}`);
  return session;
}

function allProblems(dataset: Dataset, latest: number): string[] {
  return dataset.records.flatMap(({ session }) =>
    timeProblems(session, NOW - 30 * DAY_MS, latest).map((p) => `${session.sessionId}: ${p}`),
  );
}

describe('applyActivity', () => {
  it('reports every kind of change for 5,000 sessions advanced by an hour', () => {
    for (const key of ['grown', 'escalated', 'reopened', 'arrived', 'late'] as const) {
      expect(report[key].length, key).toBeGreaterThan(0);
    }
  });

  it('is deterministic for the same inputs and differs for another step', () => {
    const again = fresh();
    expect(applyActivity(again, { seed: SEED, fromMs: FROM, toMs: TO, step: 1 })).toEqual(report);
    expect(again).toEqual(after);
    const other = applyActivity(fresh(), { seed: SEED, fromMs: FROM, toMs: TO, step: 2 });
    expect(other).not.toEqual(report);
  });

  it('never changes the id, begin time or ordinal of an existing session', () => {
    before.records.forEach((record, i) => {
      const now = after.records[i];
      expect(now?.session.sessionId).toBe(record.session.sessionId);
      expect(now?.session.beginTime).toBe(record.session.beginTime);
      expect(now?.ordinal).toBe(record.ordinal);
    });
  });

  it('appends new sessions with the next ordinals and unique `<actorId>_<beginTime>` ids', () => {
    const added = after.records.slice(before.records.length);
    expect(added.map((r) => r.session.sessionId)).toEqual([...report.arrived, ...report.late]);
    expect(after.records.every((r, i) => r.ordinal === i)).toBe(true);
    expect(afterById.size).toBe(after.records.length);
    for (const { session } of added) expect(session.sessionId).toBe(`${session.actorId}_${session.beginTime}`);
  });

  it('keeps every time invariant after the advance', () => {
    expect(allProblems(after, TO)).toEqual([]);
  });

  it('moves lastUpdated of every changed or new session into (from, to], and of no other', () => {
    const changed = new Set(Object.values(report).flat());
    for (const id of changed) {
      const s = get(afterById, id);
      expect(s.lastUpdated).toBeGreaterThan(FROM);
      expect(s.lastUpdated).toBeLessThanOrEqual(TO);
    }
    for (const record of before.records) {
      if (!changed.has(record.session.sessionId)) {
        expect(get(afterById, record.session.sessionId)).toEqual(record.session);
      }
    }
  });

  it('grows sessions that were active: a later end and more events', () => {
    for (const id of report.grown) {
      const old = get(beforeById, id);
      const now = get(afterById, id);
      expect(old.endTime).toBeGreaterThanOrEqual(FROM - 2 * HOUR_MS);
      expect(now.endTime).toBeGreaterThan(FROM);
      expect(now.endTime).toBeLessThanOrEqual(TO);
      const total = (s: ApiSession): number =>
        s.noRiskEvents + s.lowEvents + s.moderateEvents + s.highEvents + s.criticalEvents;
      expect(total(now)).toBeGreaterThanOrEqual(total(old));
    }
  });

  it('escalates with a new score entry of higher severity', () => {
    for (const id of report.escalated) {
      expect(report.grown).toContain(id);
      const old = get(beforeById, id);
      const now = get(afterById, id);
      expect(now.scores).toHaveLength(old.scores.length + 1);
      expect(latestScore(now)?.severity).toBeGreaterThan(latestScore(old)?.severity ?? 0);
      const counts = [now.noRiskEvents, now.lowEvents, now.moderateEvents, now.highEvents, now.criticalEvents];
      expect(counts[latestScore(now)?.severity ?? 0]).toBeGreaterThanOrEqual(1);
    }
  });

  it('gives some session without alerts its first alert, with a severity above zero', () => {
    const gained = report.grown.filter(
      (id) => get(beforeById, id).triggeredAlerts.length === 0 && get(afterById, id).triggeredAlerts.length > 0,
    );
    expect(gained.length).toBeGreaterThan(0);
    for (const id of gained) expect(latestScore(get(afterById, id))?.severity).toBeGreaterThanOrEqual(1);
  });

  it('keeps contentInspectionStatus FOUND exactly when alerts were detected', () => {
    for (const record of after.records) {
      const detected = record.session.contentInspectionResults?.detectedOnAlerts as string[] | undefined;
      if (detected !== undefined) expect(record.contentInspectionStatus === 'FOUND').toBe(detected.length > 0);
    }
  });

  it('reopens closed sessions with an OPEN_NEW_DATA entry by no user', () => {
    for (const id of report.reopened) {
      expect(currentState(get(beforeById, id))).toMatch(/^CLOSED/);
      const now = get(afterById, id);
      expect(currentState(now)).toBe('OPEN_NEW_DATA');
      expect(now.states.at(-1)).toMatchObject({ state: 'OPEN', stateV2: 'OPEN_NEW_DATA', userId: null });
      expect(report.grown).toContain(id);
    }
  });

  it('brings new sessions that begin within the advance, and late ones that began before it', () => {
    const expected = Math.round((5000 * HOUR_MS) / (30 * DAY_MS));
    expect(report.arrived.length).toBeGreaterThanOrEqual(expected / 2);
    expect(report.arrived.length).toBeLessThanOrEqual(expected * 2);
    for (const id of report.arrived) {
      const s = get(afterById, id);
      expect(s.beginTime).toBeGreaterThan(FROM);
      expect(s.beginTime).toBeLessThanOrEqual(TO);
      expect(currentState(s)).toBe('OPEN');
    }
    for (const id of report.late) {
      const s = get(afterById, id);
      expect(s.beginTime).toBeLessThan(FROM);
      expect(s.beginTime).toBeGreaterThanOrEqual(FROM - 3 * DAY_MS);
      expect(s.firstObserved).toBeGreaterThan(FROM);
      expect(s.lastUpdated).toBeGreaterThan(FROM);
    }
  });

  it('changes nothing when the clock does not move forward', () => {
    const dataset = fresh(200);
    const copy = structuredClone(dataset);
    const empty: ActivityReport = { grown: [], escalated: [], reopened: [], arrived: [], late: [] };
    expect(applyActivity(dataset, { seed: SEED, fromMs: NOW, toMs: NOW, step: 1 })).toEqual(empty);
    expect(applyActivity(dataset, { seed: SEED, fromMs: NOW, toMs: NOW - 1, step: 2 })).toEqual(empty);
    expect(dataset).toEqual(copy);
  });

  it('brings at least one session per advance of a minute, even for a tiny dataset', () => {
    const dataset = fresh(10);
    const result = applyActivity(dataset, { seed: SEED, fromMs: NOW, toMs: NOW + 60_000, step: 1 });
    expect(result.arrived).toHaveLength(1);
    expect(dataset.records).toHaveLength(10 + result.arrived.length + result.late.length);
  });

  it('keeps the invariants and unique ids over a day of hourly advances', () => {
    const dataset = fresh(2000);
    let from = NOW;
    const grownIds = new Set<string>();
    for (let step = 1; step <= 24; step++) {
      const result = applyActivity(dataset, { seed: SEED, fromMs: from, toMs: from + HOUR_MS, step });
      for (const id of result.grown) grownIds.add(id);
      from += HOUR_MS;
    }
    expect(allProblems(dataset, from)).toEqual([]);
    expect(new Set(dataset.records.map((r) => r.session.sessionId)).size).toBe(dataset.records.length);
    // Sessions that arrived during the day must themselves grow in later advances.
    const arrivedLater = dataset.records.slice(2000).filter((r) => grownIds.has(r.session.sessionId));
    expect(arrivedLater.length).toBeGreaterThan(0);
  });
});
