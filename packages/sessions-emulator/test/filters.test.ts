// Search filters, ordering and change-states by criteria, over real HTTP. Expected results are computed here from
// the `_emulator/state` dump with the test's own reading of api.md, never with the emulator's helpers.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@x/sessions-sdk';
import { clientFor } from './helpers/client.js';
import { startEmulator, type Emulator, type SessionDump } from '../src/index.js';
import { documentedValues } from './helpers/vendor.js';
import { patient } from '@x/vitest-config/patience';

const NOW = Date.UTC(2026, 0, 15);
const SESSIONS = 3_000;
const PAGE = 50;
const PER_CONTINUATION = 500;

/** A search in the SDK's terms; `hasAlerts` is always explicit because the SDK defaults it to true. */
interface Criteria {
  actorId?: string;
  startTime?: number;
  endTime?: number;
  type?: string;
  hasAlerts: boolean | null;
  riskIndicators?: string[];
  states?: string[];
  severities?: number[];
  ruleIds?: string[];
  watchlistIds?: string[];
  contentInspectionStatus?: string;
  sortKey?: 'end_time' | 'score';
  sortDir?: 'asc' | 'desc' | 'ASC' | 'DESC';
}

type Session = SessionDump['session'];

let emu: Emulator;
let client: Client;
let dumps: SessionDump[];

beforeAll(async () => {
  emu = await startEmulator({ port: 0, sessions: SESSIONS, seed: 11, now: NOW, control: true });
  client = clientFor(emu);
  dumps = await fetchDump();
}, patient(60_000));

afterAll(async () => {
  await client?.close();
  await emu?.close();
});

async function fetchDump(): Promise<SessionDump[]> {
  const res = await fetch(`${emu.url}/_emulator/state`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { sessions: SessionDump[] }).sessions;
}

/** One entry of `GET /_emulator/requests`. */
interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  body: { continuationToken?: unknown; newState?: unknown } | null;
  status: number;
  at: number;
}

async function fetchLog(): Promise<LoggedRequest[]> {
  const res = await fetch(`${emu.url}/_emulator/requests`);
  expect(res.status).toBe(200);
  return (await res.json()) as LoggedRequest[];
}

async function clearLog(): Promise<void> {
  const res = await fetch(`${emu.url}/_emulator/requests`, { method: 'DELETE' });
  expect(res.status).toBe(204);
}

/** api.md §5: the `states` entry with the largest `sourceTimestamp` (the later one on a tie), `stateV2` first. */
function stateOf(session: Session): string | undefined {
  let best: Session['states'][number] | undefined;
  for (const entry of session.states)
    if (best === undefined || entry.sourceTimestamp >= best.sourceTimestamp) best = entry;
  return best === undefined ? undefined : best.stateV2 || best.state;
}

/** api.md §5: the latest `scores` entry. */
function scoreOf(session: Session): Session['scores'][number] | undefined {
  let best: Session['scores'][number] | undefined;
  for (const entry of session.scores)
    if (best === undefined || entry.sourceTimestamp >= best.sourceTimestamp) best = entry;
  return best;
}

function selects(c: Criteria, { session: s, watchlistIds, contentInspectionStatus }: SessionDump): boolean {
  const anyOf = <T>(wanted: T[] | undefined, have: T[]): boolean =>
    wanted === undefined || have.some((x) => wanted.includes(x));
  return (
    (c.actorId === undefined || s.actorId === c.actorId) &&
    (c.startTime === undefined || s.beginTime >= c.startTime) &&
    (c.endTime === undefined || s.beginTime < c.endTime) &&
    (c.type === undefined || s.type === c.type) &&
    (c.hasAlerts === null || s.triggeredAlerts.length > 0 === c.hasAlerts) &&
    anyOf(
      c.riskIndicators,
      s.riskIndicators.flatMap((r) => [r.id, r.name]),
    ) &&
    anyOf(c.states, [stateOf(s)]) &&
    anyOf(c.severities, [scoreOf(s)?.severity]) &&
    anyOf(
      c.ruleIds,
      s.triggeredAlerts.map((a) => a.ruleId),
    ) &&
    anyOf(c.watchlistIds, watchlistIds) &&
    (c.contentInspectionStatus === undefined || contentInspectionStatus === inspectionData(c.contentInspectionStatus))
  );
}

/**
 * A `content_inspection_status` filter value in the emulator's data vocabulary (the Python SDK's): the vendor's
 * `PII_FOUND` and `PII_NOT_FOUND` are FOUND and NOT_FOUND; `UNPROCESSED` sessions are never generated.
 */
function inspectionData(value: string): string | undefined {
  return { PII_FOUND: 'FOUND', PII_NOT_FOUND: 'NOT_FOUND', UNPROCESSED: undefined }[value] ?? value;
}

/** Matching ids in the API's order: end time (or current score) descending by default, ties by id ascending. */
function expectedIds(c: Criteria, data: SessionDump[] = dumps): string[] {
  const key = c.sortKey === 'score' ? (s: Session) => scoreOf(s)?.score ?? 0 : (s: Session) => s.endTime;
  const sign = c.sortDir?.toLowerCase() === 'asc' ? 1 : -1;
  return data
    .filter((d) => selects(c, d))
    .map((d) => d.session)
    .sort((a, b) => sign * (key(a) - key(b)) || (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0))
    .map((s) => s.sessionId);
}

/**
 * Runs the search page by page (raw pages, so duplicates would show) and through `iterAll`, and checks both
 * against the expectation: same ids, same order, no duplicates, `totalCount` right on every page.
 */
async function checkSearch(c: Criteria): Promise<string[]> {
  const expected = expectedIds(c);
  const paged: string[] = [];
  const lastPage = Math.ceil(expected.length / PAGE);
  for (let pageNum = 0; pageNum <= lastPage; pageNum += 1) {
    const page = await client.sessions.v1.getPage({ ...c, pageNum, pageSize: PAGE });
    expect(page.totalCount, `totalCount of page ${pageNum}`).toBe(expected.length);
    const items = page.items ?? [];
    paged.push(...items.map((s) => s.sessionId ?? '<no id>'));
    if (items.length < PAGE) break;
  }
  expect(new Set(paged).size).toBe(paged.length);
  expect(paged).toEqual(expected);

  const iterated: string[] = [];
  for await (const session of client.sessions.v1.iterAll(c)) iterated.push(session.sessionId ?? '<no id>');
  expect(iterated).toEqual(expected);
  return expected;
}

/** The value of `pick` that occurs most often over the dump (ties: the first seen). */
function mostCommon<T>(pick: (d: SessionDump) => T[]): T {
  const counts = new Map<T, number>();
  for (const d of dumps) for (const value of new Set(pick(d))) counts.set(value, (counts.get(value) ?? 0) + 1);
  const [best] = [...counts].sort((a, b) => b[1] - a[1]);
  if (best === undefined) throw new Error('the dump has no such value at all');
  return best[0];
}

function all<T>(pick: (d: SessionDump) => T[]): T[] {
  return [...new Set(dumps.flatMap(pick))];
}

describe('search filters', () => {
  it('serves the generated dataset', () => {
    expect(dumps).toHaveLength(SESSIONS);
    expect(new Set(dumps.map((d) => d.session.sessionId)).size).toBe(SESSIONS);
  });

  it('filters on actor_id', async () => {
    const actorId = mostCommon((d) => [d.session.actorId]);
    const ids = await checkSearch({ actorId, hasAlerts: null });
    expect(ids.length).toBeGreaterThan(1);
    expect(ids.length).toBeLessThan(SESSIONS);
    expect(await checkSearch({ actorId: 'no-such-actor', hasAlerts: null })).toEqual([]);
  });

  it('filters on_or_after inclusively on begin time', async () => {
    const pivot = [...dumps].sort((a, b) => a.session.beginTime - b.session.beginTime)[Math.floor(SESSIONS / 2)];
    if (pivot === undefined) throw new Error('empty dump');
    const ids = await checkSearch({ startTime: pivot.session.beginTime, hasAlerts: null });
    expect(ids).toContain(pivot.session.sessionId);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.length).toBeLessThan(SESSIONS);
  });

  it('filters before exclusively on begin time', async () => {
    const pivot = [...dumps].sort((a, b) => a.session.beginTime - b.session.beginTime)[Math.floor(SESSIONS / 3)];
    if (pivot === undefined) throw new Error('empty dump');
    const ids = await checkSearch({ endTime: pivot.session.beginTime, hasAlerts: null });
    expect(ids).not.toContain(pivot.session.sessionId);
    expect(ids.length).toBeGreaterThan(0);
    const window = await checkSearch({
      startTime: pivot.session.beginTime,
      endTime: pivot.session.beginTime + 1,
      hasAlerts: null,
    });
    expect(window).toContain(pivot.session.sessionId);
  });

  it('filters on type', async () => {
    const types = all((d) => [d.session.type]);
    expect(types).toEqual(expect.arrayContaining(['STANDARD', 'ACCOUNT_TAKE_OVER']));
    for (const type of types) expect((await checkSearch({ type, hasAlerts: null })).length).toBeGreaterThan(0);
  });

  it('filters on has_alerts true and false, and returns both when it is absent', async () => {
    const withAlerts = await checkSearch({ hasAlerts: true });
    const without = await checkSearch({ hasAlerts: false });
    expect(withAlerts.length).toBeGreaterThan(0);
    expect(without.length).toBeGreaterThan(0);
    await clearLog();
    const both = await checkSearch({ hasAlerts: null });
    expect(both).toHaveLength(SESSIONS);
    expect(new Set(both)).toEqual(new Set([...withAlerts, ...without]));
    const searches = (await fetchLog()).filter((r) => r.path === '/v1/sessions');
    expect(searches.length).toBeGreaterThan(0);
    for (const r of searches) expect(new URLSearchParams(r.query).has('has_alerts')).toBe(false);
  });

  it('filters on risk_indicators by name and by id', async () => {
    const indicators = all((d) => d.session.riskIndicators.map((r) => `${r.id}\u0000${r.name}`)).map((pair) =>
      pair.split('\u0000'),
    );
    expect(indicators.length).toBeGreaterThan(1);
    const commonName = mostCommon((d) => d.session.riskIndicators.map((r) => r.name));
    const byName = await checkSearch({ riskIndicators: [commonName], hasAlerts: null });
    expect(byName.length).toBeGreaterThan(0);
    expect(byName.length).toBeLessThan(SESSIONS);

    const commonId = mostCommon((d) => d.session.riskIndicators.map((r) => r.id));
    const byId = await checkSearch({ riskIndicators: [commonId], hasAlerts: null });
    expect(byId.length).toBeGreaterThan(0);

    // Names and ids mixed in one repeated parameter: any of them selects the session.
    const [first, second] = indicators;
    const mixed = await checkSearch({ riskIndicators: [first?.[0] ?? '', second?.[1] ?? ''], hasAlerts: true });
    expect(mixed.length).toBeGreaterThan(0);
  });

  it('filters on the current state, including OPEN_NEW_DATA', async () => {
    for (const states of [
      ['OPEN'],
      ['OPEN_NEW_DATA'],
      ['IN_PROGRESS'],
      ['CLOSED_TP', 'CLOSED_FP'],
      ['CLOSED', 'CLOSED_TP_BENIGN'],
    ]) {
      expect((await checkSearch({ states, hasAlerts: null })).length, states.join()).toBeGreaterThan(0);
    }
    // Only the current state counts: sessions that were OPEN once and moved on are left out.
    const formerlyOpen = dumps.filter(
      (d) => d.session.states.some((e) => e.stateV2 === 'OPEN') && stateOf(d.session) !== 'OPEN',
    );
    expect(formerlyOpen.length).toBeGreaterThan(0);
  });

  it('filters on the current severity', async () => {
    for (const severities of [[0], [1], [2, 3], [4]]) {
      expect((await checkSearch({ severities, hasAlerts: null })).length, severities.join()).toBeGreaterThan(0);
    }
    // Only the latest score counts: a session that escalated from LOW is not a LOW session any more.
    const escalated = dumps.filter(
      (d) => d.session.scores.some((e) => e.severity === 1) && scoreOf(d.session)?.severity !== 1,
    );
    expect(escalated.length).toBeGreaterThan(0);
  });

  it('filters on rule_id', async () => {
    const ruleId = mostCommon((d) => d.session.triggeredAlerts.map((a) => a.ruleId));
    const ids = await checkSearch({ ruleIds: [ruleId], hasAlerts: null });
    expect(ids.length).toBeGreaterThan(0);
    const rules = all((d) => d.session.triggeredAlerts.map((a) => a.ruleId));
    expect(rules.length).toBeGreaterThan(2);
    expect((await checkSearch({ ruleIds: rules.slice(0, 3), hasAlerts: true })).length).toBeGreaterThan(0);
  });

  it('filters on watchlist_id', async () => {
    const watchlistId = mostCommon((d) => d.watchlistIds);
    const ids = await checkSearch({ watchlistIds: [watchlistId], hasAlerts: null });
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.length).toBeLessThan(SESSIONS);
    const lists = all((d) => d.watchlistIds);
    expect((await checkSearch({ watchlistIds: lists.slice(0, 2), hasAlerts: null })).length).toBeGreaterThan(0);
  });

  it('filters on each content_inspection_status', async () => {
    for (const status of ['PENDING', 'FOUND', 'NOT_FOUND']) {
      expect((await checkSearch({ contentInspectionStatus: status, hasAlerts: null })).length, status).toBeGreaterThan(
        0,
      );
    }
  });

  it('takes the documented content_inspection_status values too, mapped onto the same sessions', async () => {
    const documented = documentedValues('content_inspection_status');
    expect(documented).toEqual(expect.arrayContaining(['PENDING', 'PII_FOUND', 'PII_NOT_FOUND', 'UNPROCESSED']));
    const results = new Map<string, string[]>();
    for (const status of documented)
      results.set(status, await checkSearch({ contentInspectionStatus: status, hasAlerts: null }));
    expect(results.get('PII_FOUND')).toEqual(await checkSearch({ contentInspectionStatus: 'FOUND', hasAlerts: null }));
    expect(results.get('PII_NOT_FOUND')).toEqual(
      await checkSearch({ contentInspectionStatus: 'NOT_FOUND', hasAlerts: null }),
    );
    expect(results.get('PII_FOUND')?.length).toBeGreaterThan(0);
    expect(results.get('UNPROCESSED')).toEqual([]);
    await expect(client.sessions.v1.getPage({ contentInspectionStatus: 'pii_found' })).rejects.toMatchObject({
      status: 400,
    });
  });

  it('takes the documented sort_direction spellings ASC and DESC as well as asc and desc', async () => {
    const documented = documentedValues('sort_direction');
    expect(documented).toEqual(['ASC', 'DESC']);
    const ascending = await checkSearch({ hasAlerts: null, sortKey: 'end_time', sortDir: 'ASC' });
    expect(ascending).toEqual(await checkSearch({ hasAlerts: null, sortKey: 'end_time', sortDir: 'asc' }));
    const descending = await checkSearch({ hasAlerts: null, sortKey: 'score', sortDir: 'DESC' });
    expect(descending).toEqual(await checkSearch({ hasAlerts: null, sortKey: 'score', sortDir: 'desc' }));
    await expect(client.sessions.v1.getPage({ sortDir: 'Asc' })).rejects.toMatchObject({ status: 400 });
  });

  it('orders by end time or current score, in either direction, ties by session id', async () => {
    const defaultOrder = await checkSearch({ hasAlerts: null });
    expect(await checkSearch({ hasAlerts: null, sortKey: 'end_time', sortDir: 'desc' })).toEqual(defaultOrder);
    const ascending = await checkSearch({ hasAlerts: null, sortKey: 'end_time', sortDir: 'asc' });
    expect(ascending).toHaveLength(SESSIONS);
    const byScoreDesc = await checkSearch({ hasAlerts: null, sortKey: 'score', sortDir: 'desc' });
    const byScoreAsc = await checkSearch({ hasAlerts: null, sortKey: 'score', sortDir: 'asc' });
    expect(byScoreDesc).not.toEqual(defaultOrder);
    expect(byScoreAsc).not.toEqual([...byScoreDesc].reverse());
    // Ties exist in score order, so the tie-break is exercised.
    const scores = dumps.map((d) => scoreOf(d.session)?.score ?? 0);
    expect(new Set(scores).size).toBeLessThan(scores.length);
    // A filter with an order: the same ids as the filter alone, reordered.
    const filtered = await checkSearch({ hasAlerts: true, sortKey: 'score', sortDir: 'asc' });
    expect(new Set(filtered)).toEqual(new Set(await checkSearch({ hasAlerts: true })));
  });

  it('combines every filter at once', async () => {
    const top = <T>(pick: (d: SessionDump) => T[], n: number): T[] => {
      const counts = new Map<T, number>();
      for (const d of dumps) for (const value of new Set(pick(d))) counts.set(value, (counts.get(value) ?? 0) + 1);
      return [...counts]
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(([value]) => value);
    };
    const combined: Criteria = {
      startTime: NOW - 25 * 86_400_000,
      endTime: NOW - 86_400_000,
      type: 'STANDARD',
      hasAlerts: true,
      riskIndicators: [
        ...top((d) => d.session.riskIndicators.map((r) => r.name), 2),
        ...top((d) => d.session.riskIndicators.map((r) => r.id), 4).slice(2),
      ],
      states: ['OPEN', 'OPEN_NEW_DATA', 'IN_PROGRESS'],
      severities: [2, 3, 4],
      ruleIds: top((d) => d.session.triggeredAlerts.map((a) => a.ruleId), 8),
      watchlistIds: all((d) => d.watchlistIds),
      contentInspectionStatus: 'NOT_FOUND',
      sortKey: 'score',
      sortDir: 'desc',
    };
    const ids = await checkSearch(combined);
    expect(ids.length).toBeGreaterThan(5);
    // Each filter narrows the result: dropping any one of them selects more sessions.
    for (const key of [
      'startTime',
      'endTime',
      'type',
      'riskIndicators',
      'states',
      'severities',
      'ruleIds',
      'watchlistIds',
      'contentInspectionStatus',
    ] as const) {
      const { [key]: _, ...rest } = combined;
      expect(expectedIds({ ...rest, hasAlerts: true }).length, key).toBeGreaterThan(ids.length);
    }

    const target = dumps.find((d) => d.session.sessionId === ids[0]);
    if (target === undefined) throw new Error('the first result is not in the dump');
    const withActor = await checkSearch({
      ...combined,
      actorId: target.session.actorId,
      sortKey: 'end_time',
      sortDir: 'asc',
    });
    expect(withActor).toContain(target.session.sessionId);
  });
});

describe('change-states by criteria', () => {
  afterEach(async () => {
    const res = await fetch(`${emu.url}/_emulator/reset`, { method: 'POST' });
    expect(res.status).toBe(204);
  });

  it('sets the new state on the matching sessions only', async () => {
    const before = await fetchDump();
    const criteria: Criteria = { states: ['OPEN', 'OPEN_NEW_DATA'], severities: [3, 4], hasAlerts: null };
    const matching = new Set(expectedIds(criteria, before));
    expect(matching.size).toBeGreaterThan(0);
    expect(matching.size).toBeLessThan(SESSIONS);

    const calls = await client.sessions.v1.updateStateByCriteria('IN_PROGRESS', criteria);
    expect(calls).toBe(Math.max(1, Math.ceil(matching.size / PER_CONTINUATION)));

    const after = new Map((await fetchDump()).map((d) => [d.session.sessionId, d]));
    for (const old of before) {
      const now = after.get(old.session.sessionId);
      if (!matching.has(old.session.sessionId)) {
        expect(now).toEqual(old);
        continue;
      }
      expect(stateOf(now?.session ?? old.session)).toBe('IN_PROGRESS');
      expect(now?.session.states).toHaveLength(old.session.states.length + 1);
      expect(now?.session.lastUpdated).toBeGreaterThanOrEqual(old.session.lastUpdated);
      expect({ ...now?.session, states: [], lastUpdated: 0 }).toEqual({ ...old.session, states: [], lastUpdated: 0 });
    }
    expect((await client.sessions.v1.getPage(criteria)).totalCount).toBe(0);
  });

  it('selects by a documented content_inspection_status as by its Python SDK spelling', async () => {
    const before = await fetchDump();
    const matching = new Set(expectedIds({ contentInspectionStatus: 'FOUND', hasAlerts: null }, before));
    expect(matching.size).toBeGreaterThan(0);
    await client.sessions.v1.updateStateByCriteria('CLOSED_TP', {
      contentInspectionStatus: 'PII_FOUND',
      hasAlerts: null,
    });
    const changed = (await fetchDump()).filter(
      (d) =>
        d.session.states.length >
        (before.find((b) => b.session.sessionId === d.session.sessionId)?.session.states.length ?? 0),
    );
    expect(new Set(changed.map((d) => d.session.sessionId))).toEqual(matching);
  });

  it('takes ceil(n/500) calls for more than 500 matching sessions', async () => {
    const before = await fetchDump();
    const criteria: Criteria = { type: 'STANDARD', hasAlerts: null };
    const matching = new Set(expectedIds(criteria, before));
    expect(matching.size).toBeGreaterThan(PER_CONTINUATION);
    const expectedCalls = Math.ceil(matching.size / PER_CONTINUATION);

    await clearLog();
    const calls = await client.sessions.v1.updateStateByCriteria('CLOSED_FP', criteria);
    expect(calls).toBe(expectedCalls);

    const changes = (await fetchLog()).filter((r) => r.method === 'POST' && r.path === '/v1/sessions/change-states');
    expect(changes).toHaveLength(expectedCalls);
    expect(changes.map((r) => r.status)).toEqual(changes.map(() => 200));
    expect(changes[0]?.body?.continuationToken).toBeNull();
    for (const r of changes.slice(1)) expect(r.body?.continuationToken).toEqual(expect.any(String));
    for (const r of changes) expect(new URLSearchParams(r.query).getAll('type')).toEqual(['STANDARD']);

    const old = new Map(before.map((d) => [d.session.sessionId, d]));
    const after = await fetchDump();
    expect(after).toHaveLength(before.length);
    for (const d of after) {
      if (matching.has(d.session.sessionId)) expect(stateOf(d.session)).toBe('CLOSED_FP');
      else expect(d).toEqual(old.get(d.session.sessionId));
    }
  });
});
