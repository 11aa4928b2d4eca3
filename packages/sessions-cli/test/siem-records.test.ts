// `--record` (issue #18) end to end: the built binary against the emulator on loopback writes each session as the
// record asked for, on stdout and to a syslog receiver, and a checkpointed forward sends OCSF Update records exactly
// for the sessions that changed and Create records for the new ones.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SessionDump } from '@x/sessions-emulator';
import { CEF_SEVERITIES, SIEM_RECORDS } from '@x/sessions-sdk/siem';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStreamReceiver, type StreamReceiver } from './helpers/receivers.js';
import { BUILD_TIMEOUT_MS, errorLines, lines, startFixture, type Fixture, type RunResult } from './helpers/run.js';
import { SEVERITY_LABELS, currentState, expectedSearch, latestScore } from './helpers/sessions.js';

let fx: Fixture;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  // A checkpoint's window is counted back from the wall clock, so the emulator's clock starts at it.
  fx = await startFixture({ sessions: 150, now: Date.now() });
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await fx?.close();
});

beforeEach(() => {
  fx.emu.reset();
});

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

type Session = SessionDump['session'];
type Json = Record<string, unknown>;

async function receiver(): Promise<StreamReceiver> {
  const rx = await startStreamReceiver();
  closers.push(() => rx.close());
  return rx;
}

/** `incydr sessions search --any-alerts …` by the built binary. */
function search(extra: readonly string[], extraEnv: Record<string, string | undefined> = {}): Promise<RunResult> {
  return fx.runBinary(['sessions', 'search', '--any-alerts', ...extra], { extraEnv });
}

/** The sessions `search --any-alerts` returns, in order: an independent reading of the emulator's data. */
function allSessions(): Session[] {
  return expectedSearch(fx.emu, { hasAlerts: null });
}

function parsed(stdout: string): Json[] {
  return lines(stdout).map((line) => JSON.parse(line) as Json);
}

function at(record: unknown, path: string): unknown {
  let value = record;
  for (const key of path.split('.')) value = (value as Json | undefined)?.[key];
  return value;
}

/**
 * What a record of each kind must be for a session without a checkpoint (so: new, Create), read from the session by
 * the words, not from the mapping code. A kind without a check here fails the test that iterates
 * SIEM_RECORDS: a new record kind needs its proof.
 */
const CHECKS: Record<string, (record: Json | string, session: Session) => void> = {
  enriched(record, session) {
    const { enriched, ...rest } = record as Json;
    expect(JSON.stringify(rest)).toBe(JSON.stringify(session));
    const score = latestScore(session);
    expect(enriched).toMatchObject({
      state: currentState(session),
      severity: score?.severity ?? null,
      severityLabel: score === undefined ? null : SEVERITY_LABELS[score.severity],
      riskScore: score?.score ?? null,
      ruleNames: [...new Set(session.triggeredAlerts.map((alert) => alert.ruleName).filter((name) => name !== ''))],
      noteCount: session.notes.length,
      beginTime: new Date(session.beginTime).toISOString(),
      change: null,
      // The emulator's host is not one of the vendor's regions, and no console URL is set.
      consoleUrl: null,
    });
  },
  ocsf(record, session) {
    expect(record).toMatchObject({
      class_uid: 2004,
      activity_id: 1,
      status_code: currentState(session),
      finding_info: { uid: session.sessionId, first_seen_time: session.beginTime, last_seen_time: session.endTime },
      actor: { user: { uid: session.actorId } },
      metadata: { version: '1.8.0', product: { name: 'Incydr', vendor_name: 'Mimecast' } },
    });
    expect(at(record, 'risk_score')).toBe(latestScore(session)?.score);
    expect(at(record, 'finding_info.src_url')).toBeUndefined();
  },
  ecs(record, session) {
    expect(at(record, 'event.kind')).toBe('alert');
    expect(JSON.stringify(record)).toContain(JSON.stringify(session.sessionId));
  },
  cef(record, session) {
    expect(typeof record).toBe('string');
    const line = record as string;
    expect(line).toMatch(/^CEF:0\|Mimecast\|Incydr\|/);
    // Header: version, signature, name (escaped pipes), severity; then the extension.
    const severity = /^CEF:0\|Mimecast\|Incydr\|[^|]*\|(?:[^|\\]|\\.)*\|(?:[^|\\]|\\.)*\|(\d+)\|/.exec(line)?.[1];
    const score = latestScore(session);
    expect(Number(severity)).toBe(score === undefined ? 0 : CEF_SEVERITIES[score.severity]);
    expect(line).toContain(` cs1=${currentState(session)} cs1Label=state `);
    expect(line).toContain(`externalId=${session.sessionId} `);
    expect(line).not.toContain('\n');
  },
};

/** The records of a run's stdout: JSON objects, or for CEF the lines themselves. */
function recordsOf(kind: string, text: string | readonly string[]): Array<Json | string> {
  const all = typeof text === 'string' ? lines(text) : text;
  return all.map((line) => (kind === 'cef' ? line : (JSON.parse(line) as Json)));
}

/** The session id a record of a kind carries. */
function idOf(kind: string, record: Json | string): string {
  if (typeof record === 'string') return /externalId=(\S+)/.exec(record)?.[1] ?? '';
  if (kind === 'ocsf') return String(at(record, 'finding_info.uid'));
  if (kind === 'enriched') return String(record['sessionId']);
  return String(at(record, 'event.id'));
}

describe('search and show --record, on stdout', () => {
  it('leave raw records byte for byte the API objects, with --record raw as without it', async () => {
    const plain = await search(['-f', 'json-lines']);
    const raw = await search(['-f', 'json-lines', '--record', 'raw']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(raw).toMatchObject({ code: 0, stdout: plain.stdout, stderr: plain.stderr });
    expect(plain.stdout).toBe(
      allSessions()
        .map((session) => `${JSON.stringify(session)}\n`)
        .join(''),
    );
    // The table for people stays the default of raw records.
    expect((await search(['--record', 'raw', '--start', '30d'])).stdout).toMatch(/^session_id/);
  });

  it.each(SIEM_RECORDS.filter((kind) => kind !== 'raw'))(
    'writes --record %s for every session, as JSON Lines (CEF: one line each) without -f',
    async (kind) => {
      const check = CHECKS[kind];
      expect(check, `no check for the record kind ${kind}`).toBeDefined();
      const result = await search(['--record', kind]);
      expect(result.code, result.stderr).toBe(0);
      const expected = allSessions();
      const records = recordsOf(kind, result.stdout);
      expect(records.map((record) => idOf(kind, record))).toEqual(expected.map((session) => session.sessionId));
      records.forEach((record, index) => check?.(record, expected[index] as Session));
    },
  );

  it('writes the record of each kind for one session with show, the same as search writes for it', async () => {
    const session = allSessions()[0] as Session;
    for (const kind of SIEM_RECORDS.filter((k) => k !== 'raw')) {
      const shown = await fx.runBinary(['sessions', 'show', session.sessionId, '--record', kind]);
      expect(shown.code, shown.stderr).toBe(0);
      expect(lines(shown.stdout)).toHaveLength(1);
      CHECKS[kind]?.(recordsOf(kind, shown.stdout)[0] as Json | string, session);
      const searched = await search(['--record', kind, '--actor-id', session.actorId]);
      const line = lines(searched.stdout).find(
        (text) => idOf(kind, recordsOf(kind, [text])[0] as Json) === session.sessionId,
      );
      expect(shown.stdout).toBe(`${line}\n`);
    }
    const pretty = await fx.runBinary(['sessions', 'show', session.sessionId, '--record', 'ocsf', '-f', 'json-pretty']);
    expect(pretty.code, pretty.stderr).toBe(0);
    const compact = await fx.runBinary(['sessions', 'show', session.sessionId, '--record', 'ocsf']);
    expect(pretty.stdout).toBe(`${JSON.stringify(JSON.parse(compact.stdout), null, 2)}\n`);
  });

  it('refuses a format for people with a record for machines: exit 2, one line naming both, before any request', async () => {
    const refused: Array<[string[], string, string]> = [
      [['sessions', 'search', '--record', 'ocsf', '-f', 'table'], '-f table', '--record ocsf'],
      [['sessions', 'search', '--record', 'enriched', '-f', 'csv'], '-f csv', '--record enriched'],
      [['sessions', 'search', '--record', 'cef', '-f', 'json-pretty'], '-f json-pretty', '--record cef'],
      [['sessions', 'show', 'any-id', '--record', 'ocsf', '-f', 'rich'], '-f rich', '--record ocsf'],
      [['sessions', 'search', '--record', 'xml'], '--record', 'raw, enriched'],
    ];
    for (const [args, first, second] of refused) {
      fx.emu.clearRequests();
      const result = await fx.runBinary(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      const errors = errorLines(result.stderr);
      expect(errors, args.join(' ')).toHaveLength(1);
      expect(errors[0]).toContain(first);
      expect(errors[0]).toContain(second);
      expect(fx.emu.requests().filter((request) => request.path.startsWith('/v1/sessions'))).toEqual([]);
    }
    // CEF lines with -f json-lines are what leaving -f out gives.
    const cef = await search(['--record', 'cef', '--start', '30d']);
    expect(await search(['--record', 'cef', '--start', '30d', '-f', 'json-lines'])).toMatchObject({
      code: 0,
      stdout: cef.stdout,
    });
  });
});

describe('--console-url and INCYDR_CONSOLE_URL', () => {
  const linkOf = (base: string, id: string): RegExp =>
    new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/\\S*${encodeURIComponent(id)}$`);

  it('put the session link into finding_info.src_url and enriched.consoleUrl; the option wins over the setting', async () => {
    const ocsf = await search(['--record', 'ocsf', '--console-url', 'https://console.example.test']);
    expect(ocsf.code, ocsf.stderr).toBe(0);
    const records = parsed(ocsf.stdout);
    expect(records.length).toBe(allSessions().length);
    for (const record of records) {
      expect(at(record, 'finding_info.src_url')).toMatch(
        linkOf('https://console.example.test', String(at(record, 'finding_info.uid'))),
      );
    }
    const env = { INCYDR_CONSOLE_URL: 'http://console.internal.test:8443/incydr' };
    const enriched = await search(['--record', 'enriched'], env);
    expect(enriched.code, enriched.stderr).toBe(0);
    for (const record of parsed(enriched.stdout)) {
      expect(at(record, 'enriched.consoleUrl')).toMatch(linkOf(env.INCYDR_CONSOLE_URL, String(record['sessionId'])));
    }
    const both = await search(['--record', 'enriched', '--console-url', 'https://console.example.test'], env);
    expect(at(parsed(both.stdout)[0], 'enriched.consoleUrl')).toMatch(/^https:\/\/console\.example\.test\//);
  });

  it('reads INCYDR_CONSOLE_URL from a profile file too', async () => {
    const folder = join(fx.home, '.config', 'incydr', 'profiles');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'siem.env'), 'INCYDR_CONSOLE_URL=https://profile.example.test\n');
    const session = allSessions()[0] as Session;
    const shown = await fx.runBinary(['--profile', 'siem', 'sessions', 'show', session.sessionId, '--record', 'cef']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(` cs6=https://profile.example.test/`);
  });

  it('refuses a URL that is not http(s) with one line naming the option or the setting, exit 2, before any request', async () => {
    const cases: Array<[string[], Record<string, string>, string]> = [
      [['--console-url', 'console.example.test'], {}, '--console-url'],
      [['--console-url', 'ftp://console.example.test'], {}, '--console-url'],
      [[], { INCYDR_CONSOLE_URL: 'not a url' }, 'INCYDR_CONSOLE_URL'],
    ];
    for (const [extra, env, named] of cases) {
      fx.emu.clearRequests();
      const result = await search(['--record', 'ocsf', ...extra], env);
      expect(result.code).toBe(2);
      const errors = errorLines(result.stderr);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(named);
      expect(fx.emu.requests().filter((request) => request.path.startsWith('/v1/sessions'))).toEqual([]);
    }
    // Raw records have no links: the option is a mistake there, a setting in a .env file is not.
    expect((await search(['-f', 'json-lines', '--console-url', 'https://x.test'])).code).toBe(2);
    expect((await search(['-f', 'json-lines'], { INCYDR_CONSOLE_URL: 'not a url' })).code).toBe(0);
  });
});

describe('search --record with --output', () => {
  it.each(['ocsf', 'cef'])('delivers every session to a TCP receiver as a --record %s record', async (kind) => {
    const rx = await receiver();
    const result = await search(['--record', kind, '--output', `TCP:127.0.0.1:${rx.port}`]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    const expected = allSessions();
    await rx.waitForRecords(expected.length);
    const records = recordsOf(kind, rx.records);
    expect(records.map((record) => idOf(kind, record))).toEqual(expected.map((session) => session.sessionId));
    records.forEach((record, index) => CHECKS[kind]?.(record, expected[index] as Session));
    // An object record goes out as compact JSON.
    if (kind === 'ocsf') for (const text of rx.records) expect(text).toBe(JSON.stringify(JSON.parse(text)));
  });
});

describe('search --checkpoint --record ocsf', () => {
  const summaryFile = (name: string): string => join(fx.home, `${name}.summary.json`);
  const checkpointed = (name: string, extra: readonly string[]): Promise<RunResult> =>
    search(['--checkpoint', name, '--lookback', '30d', '--summary-json', summaryFile(name), ...extra]);
  const summaryOf = async (name: string): Promise<{ new: number; changed: number; window: { onOrAfter: string } }> =>
    JSON.parse(await readFile(summaryFile(name), 'utf8')) as {
      new: number;
      changed: number;
      window: { onOrAfter: string };
    };
  const snapshot = (): Map<string, string> =>
    new Map(fx.emu.state().sessions.map((dump) => [dump.session.sessionId, JSON.stringify(dump.session)]));

  it('sends Update (2) exactly for the changed sessions and Create (1) for the new ones after emulator activity', async () => {
    const first = await receiver();
    const one = await checkpointed('ocsf', ['--record', 'ocsf', '--output', `TCP:127.0.0.1:${first.port}`]);
    expect(one.code, one.stderr).toBe(0);
    const firstIds = new Set(first.records.map((text) => String(at(JSON.parse(text), 'finding_info.uid'))));
    expect(firstIds.size).toBe(first.records.length);
    expect(first.records.map((text) => at(JSON.parse(text), 'activity_id'))).toEqual(first.records.map(() => 1));
    const before = snapshot();

    const report = fx.emu.advance(3 * 60 * 60 * 1000);
    const touched = new Set(Object.values(report).flatMap((list) => (Array.isArray(list) ? (list as string[]) : [])));
    const untouched = [...firstIds].find((id) => !touched.has(id)) as string;
    expect((await fx.runBinary(['sessions', 'update', untouched, '--state', 'CLOSED_TP'])).code).toBe(0);

    const second = await receiver();
    const two = await checkpointed('ocsf', ['--record', 'ocsf', '--output', `TCP:127.0.0.1:${second.port}`]);
    expect(two.code, two.stderr).toBe(0);
    const summary = await summaryOf('ocsf');
    const after = snapshot();
    const window = expectedSearch(fx.emu, { hasAlerts: null, onOrAfter: Date.parse(summary.window.onOrAfter) });
    const changed = window.filter(
      (s) => firstIds.has(s.sessionId) && before.get(s.sessionId) !== after.get(s.sessionId),
    );
    const added = window.filter((s) => !firstIds.has(s.sessionId));
    expect(changed.length, 'the activity changed no session that was sent').toBeGreaterThan(0);
    expect(added.length, 'the activity brought no new session').toBeGreaterThan(0);
    expect(changed.map((s) => s.sessionId)).toContain(untouched);

    const sent = second.records.map((text) => JSON.parse(text) as Json);
    const idsWith = (activity: number): string[] =>
      sent
        .filter((record) => record['activity_id'] === activity)
        .map((record) => String(at(record, 'finding_info.uid')))
        .sort();
    expect(idsWith(2)).toEqual(changed.map((s) => s.sessionId).sort());
    expect(idsWith(1)).toEqual(added.map((s) => s.sessionId).sort());
    expect(sent).toHaveLength(changed.length + added.length);
    expect({ new: summary.new, changed: summary.changed }).toEqual({ new: added.length, changed: changed.length });
    for (const record of sent) {
      const session = after.get(String(at(record, 'finding_info.uid')));
      // Each record is the session as it is now.
      expect(record['status_code']).toBe(currentState(JSON.parse(session ?? 'null') as Session));
      expect(record['type_uid']).toBe(record['activity_id'] === 2 ? 200402 : 200401);
    }

    // The store holds the raw sessions' digests, whatever the record: nothing is sent again as another record.
    const three = await checkpointed('ocsf', ['--record', 'enriched']);
    expect(three.code, three.stderr).toBe(0);
    expect(three.stdout).toBe('');
  });

  it('marks enriched records new or changed, and CEF lines with incydrChange, on stdout', async () => {
    const one = await checkpointed('marks', ['--record', 'enriched']);
    expect(one.code, one.stderr).toBe(0);
    const firstIds = new Set(parsed(one.stdout).map((record) => String(record['sessionId'])));
    expect(parsed(one.stdout).map((record) => at(record, 'enriched.change'))).toEqual([...firstIds].map(() => 'new'));
    fx.emu.advance(3 * 60 * 60 * 1000);
    const two = await checkpointed('marks', ['--record', 'cef']);
    expect(two.code, two.stderr).toBe(0);
    const sent = lines(two.stdout);
    expect(sent.length).toBeGreaterThan(0);
    for (const line of sent) {
      const id = /externalId=(\S+)/.exec(line)?.[1] as string;
      expect(line).toContain(`incydrChange=${firstIds.has(id) ? 'changed' : 'new'}`);
    }
    expect(sent.length).toBe((await summaryOf('marks')).new + (await summaryOf('marks')).changed);
  });
});
