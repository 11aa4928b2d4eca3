// Time passing in the emulator (`POST /_emulator/advance`), reset, and the determinism of data and activity, over
// real HTTP. Expectations come from comparing `_emulator/state` dumps with the test's own reading of api.md.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@x/sessions-sdk';
import { type SessionSearch } from '@x/sessions-sdk';
import { clientFor } from './helpers/client.js';
import { startEmulator, type Emulator, type SessionDump } from '../src/index.js';
import { patient } from '@x/vitest-config/patience';

const NOW = Date.UTC(2026, 0, 15);
const HOUR_MS = 3_600_000;
const KINDS = ['grown', 'escalated', 'reopened', 'arrived', 'late'] as const;

type Report = Record<(typeof KINDS)[number], string[]> & { now: number };

interface StateDump {
  now: number;
  tenantId: string;
  sessions: SessionDump[];
}

type Session = SessionDump['session'];

const opened: Array<{ close(): Promise<void> }> = [];

async function start(sessions: number, seed: number): Promise<Emulator> {
  const emu = await startEmulator({ port: 0, sessions, seed, now: NOW, control: true });
  opened.push(emu);
  return emu;
}

function clientOf(emu: Emulator): Client {
  const client = clientFor(emu);
  opened.push(client);
  return client;
}

afterAll(async () => {
  // Clients before emulators, so no pooled connection outlives its server.
  for (const closable of opened.reverse()) await closable.close();
});

async function dumpOf(emu: Emulator): Promise<StateDump> {
  const res = await fetch(`${emu.url}/_emulator/state`);
  expect(res.status).toBe(200);
  return (await res.json()) as StateDump;
}

async function advance(emu: Emulator, ms: number): Promise<Report> {
  const res = await fetch(`${emu.url}/_emulator/advance`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ms }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Report;
}

async function reset(emu: Emulator): Promise<void> {
  const res = await fetch(`${emu.url}/_emulator/reset`, { method: 'POST' });
  expect(res.status).toBe(204);
}

async function searchIds(client: Client, search: SessionSearch): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const session of client.sessions.v1.iterAll(search)) ids.add(session.sessionId ?? '<no id>');
  return ids;
}

function byId(dump: StateDump): Map<string, Session> {
  return new Map(dump.sessions.map((d) => [d.session.sessionId, d.session]));
}

/** api.md §5: the `states` entry with the largest `sourceTimestamp` (the later one on a tie), `stateV2` first. */
function stateOf(session: Session): string | undefined {
  let best: Session['states'][number] | undefined;
  for (const entry of session.states)
    if (best === undefined || entry.sourceTimestamp >= best.sourceTimestamp) best = entry;
  return best === undefined ? undefined : best.stateV2 || best.state;
}

/** api.md §5: the severity of the latest `scores` entry. */
function severityOf(session: Session): number | undefined {
  let best: Session['scores'][number] | undefined;
  for (const entry of session.scores)
    if (best === undefined || entry.sourceTimestamp >= best.sourceTimestamp) best = entry;
  return best?.severity;
}

function withoutNow({ now: _, ...rest }: Report): Omit<Report, 'now'> {
  return rest;
}

describe('advancing time', () => {
  let emu: Emulator;
  let client: Client;

  beforeAll(async () => {
    emu = await start(5_000, 21);
    client = clientOf(emu);
  }, patient(60_000));

  afterEach(async () => {
    await reset(emu);
  });

  it('grows active sessions and reopens closed ones, which a state=OPEN_NEW_DATA search finds', async () => {
    const before = await dumpOf(emu);
    const report = await advance(emu, HOUR_MS);
    const after = await dumpOf(emu);
    expect(report.now).toBeGreaterThanOrEqual(before.now + HOUR_MS);
    expect(after.now).toBeGreaterThanOrEqual(report.now);
    const old = byId(before);
    const current = byId(after);

    expect(report.grown.length).toBeGreaterThan(0);
    for (const id of report.grown) {
      const was = old.get(id);
      const is = current.get(id);
      expect(was, id).toBeDefined();
      expect(is?.endTime, id).toBeGreaterThan(was?.endTime ?? Infinity);
      expect(is?.lastUpdated, id).toBeGreaterThan(was?.lastUpdated ?? Infinity);
      expect(is?.beginTime, id).toBe(was?.beginTime);
    }

    for (const id of report.escalated) {
      expect(report.grown).toContain(id);
      const was = old.get(id);
      const is = current.get(id);
      expect(is?.scores.length, id).toBe((was?.scores.length ?? 0) + 1);
      expect(severityOf(is as Session), id).toBeGreaterThan(severityOf(was as Session) ?? -1);
    }

    expect(report.reopened.length).toBeGreaterThan(0);
    const reopenedNow = await searchIds(client, { states: ['OPEN_NEW_DATA'], hasAlerts: null });
    for (const id of report.reopened) {
      expect(stateOf(old.get(id) as Session), id).toMatch(/^CLOSED/);
      expect(stateOf(current.get(id) as Session), id).toBe('OPEN_NEW_DATA');
      expect(reopenedNow.has(id), id).toBe(true);
    }

    // Sessions the report does not name are left as they were.
    const named = new Set(KINDS.flatMap((kind) => report[kind]));
    for (const [id, session] of old) if (!named.has(id)) expect(current.get(id), id).toEqual(session);
  });

  it('brings new sessions after the old now and late ones that began before it', async () => {
    const before = await dumpOf(emu);
    const report = await advance(emu, HOUR_MS);
    const after = byId(await dumpOf(emu));
    expect(report.arrived.length).toBeGreaterThan(0);
    expect(report.late.length).toBeGreaterThan(0);
    expect(after.size).toBe(before.sessions.length + report.arrived.length + report.late.length);
    const old = byId(before);
    for (const id of [...report.arrived, ...report.late]) expect(old.has(id), id).toBe(false);

    // Every session beginning on or after the old now is a new arrival, and no late one is among them.
    expect(await searchIds(client, { startTime: before.now, hasAlerts: null })).toEqual(new Set(report.arrived));
    for (const id of report.arrived) {
      expect(after.get(id)?.beginTime, id).toBeGreaterThanOrEqual(before.now);
      expect(after.get(id)?.beginTime, id).toBeLessThanOrEqual(report.now);
    }

    const lateSessions = report.late.map((id) => after.get(id) as Session);
    for (const session of lateSessions) {
      expect(session.beginTime, session.sessionId).toBeLessThan(before.now);
      expect(session.lastUpdated, session.sessionId).toBeGreaterThan(before.now);
    }
    const lookbackStart = Math.min(...lateSessions.map((s) => s.beginTime));
    const inLookback = await searchIds(client, { startTime: lookbackStart, endTime: before.now, hasAlerts: null });
    for (const id of report.late) expect(inLookback.has(id), id).toBe(true);
  });

  it(
    'gives an existing session its first alert within a few hours, and has_alerts=true finds it from then on',
    async () => {
      const gained: string[] = [];
      for (let hour = 0; hour < 6 && gained.length === 0; hour += 1) {
        const before = await dumpOf(emu);
        const alertedBefore = await searchIds(client, { hasAlerts: true });
        const report = await advance(emu, HOUR_MS);
        const after = byId(await dumpOf(emu));
        const alertedAfter = await searchIds(client, { hasAlerts: true });
        const quietAfter = await searchIds(client, { hasAlerts: false });

        const fromDumps = before.sessions
          .filter(
            (d) =>
              d.session.triggeredAlerts.length === 0 &&
              (after.get(d.session.sessionId)?.triggeredAlerts.length ?? 0) > 0,
          )
          .map((d) => d.session.sessionId);
        const newcomers = new Set([...report.arrived, ...report.late]);
        const fromSearches = [...alertedAfter].filter((id) => !alertedBefore.has(id) && !newcomers.has(id));
        expect(new Set(fromSearches)).toEqual(new Set(fromDumps));
        for (const id of fromDumps) {
          expect(report.grown, id).toContain(id);
          expect(quietAfter.has(id), id).toBe(false);
        }
        gained.push(...fromDumps);
      }
      expect(gained.length).toBeGreaterThan(0);
    },
    patient(60_000),
  );

  it(
    'reports every kind of change over a few hours of 5,000 sessions',
    async () => {
      const seen = Object.fromEntries(KINDS.map((kind) => [kind, new Set<string>()])) as Record<
        (typeof KINDS)[number],
        Set<string>
      >;
      let previousNow = (await dumpOf(emu)).now;
      for (let hour = 0; hour < 4; hour += 1) {
        const report = await advance(emu, HOUR_MS);
        expect(report.now).toBeGreaterThanOrEqual(previousNow + HOUR_MS);
        previousNow = report.now;
        for (const kind of KINDS) for (const id of report[kind]) seen[kind].add(id);
      }
      for (const kind of KINDS) expect(seen[kind].size, kind).toBeGreaterThan(0);
    },
    patient(60_000),
  );

  it('restores the original data exactly on reset', async () => {
    const original = await dumpOf(emu);
    await advance(emu, HOUR_MS);
    await advance(emu, 3 * HOUR_MS);
    const changed = await dumpOf(emu);
    expect(changed.sessions).not.toEqual(original.sessions);
    await reset(emu);
    const restored = await dumpOf(emu);
    expect(restored.tenantId).toBe(original.tenantId);
    expect(restored.sessions).toEqual(original.sessions);
    // The clock goes back to the start as well (it keeps running with real time, so only roughly).
    expect(restored.now).toBeLessThan(changed.now - 3 * HOUR_MS);
  });

  it('rejects an advance by a number of milliseconds that is not positive', async () => {
    for (const ms of [0, -5, 'soon']) {
      const res = await fetch(`${emu.url}/_emulator/advance`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ms }),
      });
      expect(res.status, String(ms)).toBe(400);
    }
  });
});

describe('determinism', () => {
  let first: Emulator;
  let twin: Emulator;
  let other: Emulator;

  beforeAll(async () => {
    [first, twin, other] = await Promise.all([start(1_500, 5), start(1_500, 5), start(1_500, 6)]);
  }, patient(60_000));

  it('generates identical data for the same seed, size and now', async () => {
    const [a, b] = await Promise.all([dumpOf(first), dumpOf(twin)]);
    expect(a.sessions).toHaveLength(1_500);
    expect(b.tenantId).toBe(a.tenantId);
    expect(b.sessions).toEqual(a.sessions);
  });

  it('reports and applies identical activity for the same seed, size and now', async () => {
    for (const ms of [HOUR_MS, 2 * HOUR_MS]) {
      const [a, b] = await Promise.all([advance(first, ms), advance(twin, ms)]);
      expect(withoutNow(b)).toEqual(withoutNow(a));
    }
    const [a, b] = await Promise.all([dumpOf(first), dumpOf(twin)]);
    expect(b.sessions).toEqual(a.sessions);
  });

  it('generates different data for a different seed', async () => {
    const [a, c] = await Promise.all([dumpOf(first), dumpOf(other)]);
    expect(c.tenantId).not.toBe(a.tenantId);
    const ids = new Set(a.sessions.map((d) => d.session.sessionId));
    const shared = c.sessions.filter((d) => ids.has(d.session.sessionId)).length;
    expect(shared).toBeLessThan(c.sessions.length / 10);
  });
});
