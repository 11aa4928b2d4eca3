// `search --checkpoint` (sync.md) against the emulator's activity controls, with stdout and syslog receivers, crashes
// and damaged files in-process through the real parser; the built binary for pipes, signals, kills and locks.
import type { ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SessionDump } from '@x/sessions-emulator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  closedPort,
  startDatagramReceiver,
  startLiveReceiver,
  type LiveReceiver,
  type LiveReceiverOptions,
} from './helpers/receivers.js';
import {
  BUILD_TIMEOUT_MS,
  errorLines,
  lines,
  runShell,
  startFixture,
  waitFor,
  type Fixture,
  type RunResult,
} from './helpers/run.js';
import { expectedSearch } from './helpers/sessions.js';
import { patient } from '@x/vitest-config/patience';

let fx: Fixture;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  // The checkpoint window is counted back from the wall clock, so the emulator's clock starts at it.
  fx = await startFixture({ sessions: 1200, now: Date.now() });
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await fx?.close();
});

beforeEach(() => {
  fx.emu.reset();
});

afterEach(async () => {
  fx.emu.setFaults({ latencyMs: 0 });
  await Promise.all(closers.splice(0).map((close) => close()));
});

interface Summary {
  status: string;
  fetched: number;
  new: number;
  changed: number;
  unchanged: number;
  delivered: number;
  resent: number;
  unconfirmed: number;
  delivery: string | null;
  entriesBefore: number;
  entriesAfter: number;
  window: { onOrAfter: string; before: string | null; backfill: string | null };
}

const storeFile = (name: string): string =>
  join(fx.home, '.incydr', 'checkpoints', fx.emu.clientId, 'sessions', `${name}.json`);
const summaryFile = (name: string): string => join(fx.home, `${name}.summary.json`);

/** `incydr sessions search --checkpoint NAME` over every session of the last 30 days, JSON Lines on stdout. */
function search(
  name: string,
  extra: readonly string[] = [],
  options: Parameters<Fixture['run']>[1] = {},
): Promise<RunResult> {
  return fx.run(searchArgs(name, extra), options);
}

/** {@link search} run by the built binary: for what needs a process of its own (a lock's owner, a signal). */
function searchBinary(
  name: string,
  extra: readonly string[],
  options: Parameters<Fixture['runBinary']>[1],
): Promise<RunResult> {
  return fx.runBinary(searchArgs(name, extra), options);
}

function searchArgs(name: string, extra: readonly string[]): string[] {
  const format = extra.includes('--output') ? [] : ['-f', 'json-lines'];
  return [
    'sessions',
    'search',
    '--checkpoint',
    name,
    '--any-alerts',
    '--lookback',
    '30d',
    ...format,
    '--summary-json',
    summaryFile(name),
    ...extra,
  ];
}

async function summaryOf(name: string): Promise<Summary> {
  return JSON.parse(await readFile(summaryFile(name), 'utf8')) as Summary;
}

function idsOf(stdout: string): string[] {
  return lines(stdout).map((line) => (JSON.parse(line) as { sessionId: string }).sessionId);
}

/** The sessions of the run's window, as an independent reading of the emulator's data. */
function windowIds(summary: Summary): Set<string> {
  return new Set(
    expectedSearch(fx.emu, { hasAlerts: null, onOrAfter: Date.parse(summary.window.onOrAfter) }).map(
      (s) => s.sessionId,
    ),
  );
}

function snapshot(): Map<string, string> {
  return new Map(
    fx.emu.state().sessions.map((dump: SessionDump) => [dump.session.sessionId, JSON.stringify(dump.session)]),
  );
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}

/** Deterministic pseudo-random numbers, so a failing run can be repeated. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const DAY_MS = 86_400_000;

/** Writes a Python CLI checkpoint: its cursor (epoch ms, as the Python CLI stores a session's end time) and ids. */
async function writePythonCheckpoint(name: string, cursorMs: number, ids: readonly string[]): Promise<void> {
  const folder = join(fx.home, '.incydr', 'checkpoints', fx.emu.clientId, 'session_checkpoints');
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, name), String(cursorMs));
  await writeFile(join(folder, `${name}_sessions`), JSON.stringify(ids));
}

/** The ids of the sessions that began in the last `days` days. */
function idsInLastDays(days: number): string[] {
  return expectedSearch(fx.emu, { hasAlerts: null, onOrAfter: Date.now() - days * DAY_MS }).map((s) => s.sessionId);
}

async function receiver(options: LiveReceiverOptions = {}): Promise<LiveReceiver> {
  const rx = await startLiveReceiver(options);
  closers.push(() => rx.close());
  return rx;
}

describe('search --checkpoint to stdout', () => {
  it('delivers the whole window once, then nothing while nothing changes', async () => {
    const first = await search('plain');
    expect(first.code, first.stderr).toBe(0);
    const summary = await summaryOf('plain');
    const delivered = idsOf(first.stdout);
    expect(delivered.length).toBeGreaterThan(100);
    expect(sorted(delivered)).toEqual(sorted(windowIds(summary)));
    expect(summary).toMatchObject({
      status: 'ok',
      new: delivered.length,
      delivered: delivered.length,
      entriesBefore: 0,
      entriesAfter: delivered.length,
    });
    expect(first.stderr).toContain(`checkpoint "plain": fetched ${delivered.length}, new ${delivered.length}`);

    const second = await search('plain');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe('');
    expect(await summaryOf('plain')).toMatchObject({
      fetched: delivered.length,
      unchanged: delivered.length,
      delivered: 0,
    });
  });

  it('delivers exactly the new and changed sessions: growth, escalations, reopenings, late arrivals, state and note changes', async () => {
    const first = await search('activity');
    expect(first.code, first.stderr).toBe(0);
    const firstIds = new Set(idsOf(first.stdout));
    const before = snapshot();

    const report = fx.emu.advance(3 * 60 * 60 * 1000);
    for (const kind of ['grown', 'escalated', 'reopened', 'arrived', 'late'] as const) {
      expect(report[kind].length, `the advance produced no ${kind} sessions`).toBeGreaterThan(0);
    }
    const untouched = [...firstIds].filter(
      (id) => !Object.values(report).some((list) => Array.isArray(list) && list.includes(id)),
    );
    const [stateChanged, noted] = [untouched[0] as string, untouched[1] as string];
    expect((await fx.run(['sessions', 'update', stateChanged, '--state', 'CLOSED_TP'])).code).toBe(0);
    expect((await fx.run(['sessions', 'update', noted, '--note', 'looked at it'])).code).toBe(0);

    const second = await search('activity');
    expect(second.code, second.stderr).toBe(0);
    const summary = await summaryOf('activity');
    const window = windowIds(summary);
    const after = snapshot();
    const expected = [...window].filter((id) => before.get(id) !== after.get(id));
    const delivered = idsOf(second.stdout);
    expect(sorted(delivered)).toEqual(sorted(expected));
    expect(delivered).toEqual(expect.arrayContaining([stateChanged, noted]));
    for (const kind of ['grown', 'escalated', 'reopened', 'late'] as const) {
      expect(
        delivered.some((id) => report[kind].includes(id)),
        `no ${kind} session was delivered`,
      ).toBe(true);
    }
    // Each record is the session as it is now, not as it was first sent.
    for (const line of lines(second.stdout)) {
      const record = JSON.parse(line) as { sessionId: string };
      expect(line).toBe(after.get(record.sessionId));
    }
    expect(summary.new + summary.changed).toBe(delivered.length);
    expect(summary.new).toBe(delivered.filter((id) => !firstIds.has(id)).length);

    const third = await search('activity');
    expect(third.stdout).toBe('');
  });

  it('--emit new delivers only sessions never delivered under the name', async () => {
    const first = await search('only-new', ['--emit', 'new']);
    expect(first.code, first.stderr).toBe(0);
    const firstIds = new Set(idsOf(first.stdout));
    fx.emu.advance(3 * 60 * 60 * 1000);
    const second = await search('only-new', ['--emit', 'new']);
    expect(second.code, second.stderr).toBe(0);
    const window = windowIds(await summaryOf('only-new'));
    const expected = [...window].filter((id) => !firstIds.has(id));
    expect(expected.length).toBeGreaterThan(0);
    expect(sorted(idsOf(second.stdout))).toEqual(sorted(expected));
    expect((await summaryOf('only-new')).changed).toBeGreaterThan(0);
  });

  it('refuses a run whose filters differ from the checkpoint, showing both queries, before any search', async () => {
    expect((await search('query')).code).toBe(0);
    fx.emu.clearRequests();
    const other = await search('query', ['--state', 'OPEN']);
    expect(other.code).toBe(2);
    const [message] = errorLines(other.stderr);
    expect(message).toMatch(/checkpoint "query" was made for a different query/);
    expect(message).toContain('has_alerts=null');
    expect(message).toContain('state=OPEN');
    expect(message).toContain('checkpoint reset query');
    expect(fx.emu.requests().filter((r) => r.path === '/v1/sessions')).toEqual([]);
  });

  it('reports a damaged store with its path and changes nothing; reset starts over', async () => {
    expect((await search('damaged')).code).toBe(0);
    await writeFile(storeFile('damaged'), '{"format":"incydr-sessions-checkpoint","version":1,"sessions":');
    const result = await search('damaged');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const [message] = errorLines(result.stderr);
    expect(message).toContain(`checkpoint "damaged" is damaged (${storeFile('damaged')})`);
    expect(message).toContain('incydr sessions checkpoint reset damaged');
    expect(await readFile(storeFile('damaged'), 'utf8')).toBe(
      '{"format":"incydr-sessions-checkpoint","version":1,"sessions":',
    );

    const reset = await fx.run(['sessions', 'checkpoint', 'reset', 'damaged']);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stderr).toContain('reset: unknown entries forgotten');
    const again = await search('damaged');
    expect(again.code).toBe(0);
    expect(idsOf(again.stdout).length).toBe((await summaryOf('damaged')).fetched);
  });

  it('imports a Python CLI checkpoint: its session ids are not sent again', async () => {
    const all = expectedSearch(fx.emu, { hasAlerts: null }).map((s) => s.sessionId);
    const known = all.filter((_, index) => index % 2 === 0);
    const folder = join(fx.home, '.incydr', 'checkpoints', fx.emu.clientId, 'session_checkpoints');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'migrated'), '1715731200.0');
    await writeFile(join(folder, 'migrated_sessions'), JSON.stringify(known));
    const result = await search('migrated');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`imported ${known.length} delivered session ids from the Python checkpoint`);
    const window = windowIds(await summaryOf('migrated'));
    expect(sorted(idsOf(result.stdout))).toEqual(sorted([...window].filter((id) => !known.includes(id))));
    // The Python files stay as they were; the next run neither imports them again nor resends anything.
    expect(await readFile(join(folder, 'migrated_sessions'), 'utf8')).toBe(JSON.stringify(known));
    expect((await search('migrated')).stdout).toBe('');
  });

  it(
    'searches a migrated checkpoint from its Python cursor when that is older than the lookback, once',
    async () => {
      const cursor = Date.now() - 30 * DAY_MS;
      const since = expectedSearch(fx.emu, { hasAlerts: null, onOrAfter: cursor }).map((s) => s.sessionId);
      const known = since.filter((_, index) => index % 3 === 0);
      await writePythonCheckpoint('thirty', cursor, known);
      const week = [
        'sessions',
        'search',
        '--checkpoint',
        'thirty',
        '--any-alerts',
        '-f',
        'json-lines',
        '--summary-json',
        summaryFile('thirty'),
      ];

      const first = await fx.run(week, { timeoutMs: 60_000 });
      expect(first.code, first.stderr).toBe(0);
      expect(sorted(idsOf(first.stdout))).toEqual(sorted(since.filter((id) => !known.includes(id))));
      const summary = await summaryOf('thirty');
      expect(summary.window).toMatchObject({
        onOrAfter: new Date(cursor).toISOString(),
        backfill: "the Python checkpoint's cursor",
      });
      expect(first.stderr).toContain(
        `searched from ${new Date(cursor).toISOString()} (the Python checkpoint's cursor, earlier than the lookback)`,
      );
      // Sessions older than the lookback were sent; the next run is back to the seven days and sends nothing again.
      expect(since.length - known.length).toBeGreaterThan(idsInLastDays(7).filter((id) => !known.includes(id)).length);

      const second = await fx.run(week, { timeoutMs: 60_000 });
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toBe('');
      expect((await summaryOf('thirty')).window.backfill).toBeNull();
    },
    patient(120_000),
  );

  it(
    'keeps a backfill owed until a run completes: a first run that failed loses nothing',
    async () => {
      const cursor = Date.now() - 30 * DAY_MS;
      const since = expectedSearch(fx.emu, { hasAlerts: null, onOrAfter: cursor }).map((s) => s.sessionId);
      const known = since.filter((_, index) => index % 4 === 0);
      await writePythonCheckpoint('owed', cursor, known);
      const start = Date.now() - 25 * DAY_MS;
      const sinceStart = expectedSearch(fx.emu, { hasAlerts: null, onOrAfter: start }).map((s) => s.sessionId);
      const base = (name: string): string[] => [
        'sessions',
        'search',
        '--checkpoint',
        name,
        '--any-alerts',
        '--summary-json',
        summaryFile(name),
      ];
      const down = ['--output', `TCP:127.0.0.1:${await closedPort()}`];

      // The migrated checkpoint's first run fails at the API (400 is not retried), the --start one at the receiver.
      for (const [name, extra, expected] of [
        ['owed', ['-f', 'json-lines'], since.filter((id) => !known.includes(id))],
        ['backfill', ['--start', new Date(start).toISOString(), ...down], sinceStart],
      ] as const) {
        if (name === 'owed') fx.emu.setFaults({ failRate: 1, failStatus: 400 });
        const failed = await fx.run([...base(name), ...extra], { timeoutMs: 60_000 });
        fx.emu.setFaults({ failRate: 0 });
        expect(failed.code, failed.stderr).toBe(1);
        expect(failed.stdout).toBe('');
        expect(failed.stderr).toContain('backfill still owed, the next run covers it again');
        expect(existsSync(storeFile(name))).toBe(true);
        const shown = await fx.run(['sessions', 'checkpoint', 'show', name]);
        expect(shown.stdout, name).toMatch(/^Backfill owed: +from \d{4}-\d\d-\d\dT.*until a run completes$/m);

        // The rerun has no --start: the window still owed comes from the store.
        const rerun = await fx.run([...base(name), '-f', 'json-lines'], { timeoutMs: 60_000 });
        expect(rerun.code, rerun.stderr).toBe(0);
        expect(sorted(idsOf(rerun.stdout)), name).toEqual(sorted(expected));
        expect((await summaryOf(name)).window.backfill).not.toBeNull();
        const third = await fx.run([...base(name), '-f', 'json-lines'], { timeoutMs: 60_000 });
        expect(third.stdout, name).toBe('');
        expect((await summaryOf(name)).window.backfill).toBeNull();
      }
    },
    patient(120_000),
  );

  it('fails a run whose reader goes away (`| head -n 1`), saying the checkpoint did not advance; the next run sends all', async () => {
    const command =
      'set -o pipefail; incydr sessions search --checkpoint headed --any-alerts --lookback 30d -f json-lines ' +
      `--summary-json '${summaryFile('headed')}' | head -n 1`;
    const cut = await runShell(command, { env: fx.env });
    expect(cut.code, cut.stderr).toBe(1);
    expect(lines(cut.stdout)).toHaveLength(1);
    const [summaryLine = '', message = '', ...more] = errorLines(cut.stderr);
    expect(more, cut.stderr).toEqual([]);
    expect(summaryLine).toMatch(/^incydr: checkpoint "headed" \(failed\): .*delivered 0, \d+ unconfirmed/);
    expect(message).toMatch(
      /^incydr: stdout was closed by its reader after (1 record|\d+ records); checkpoint "headed" not advanced \(nothing recorded\): the next run sends (it|them) again$/,
    );
    expect(await summaryOf('headed')).toMatchObject({
      status: 'failed',
      delivered: 0,
      entriesBefore: 0,
      entriesAfter: 0,
    });
    const store = JSON.parse(await readFile(storeFile('headed'), 'utf8')) as { sessions: Record<string, unknown> };
    expect(Object.keys(store.sessions)).toEqual([]);
    expect(existsSync(storeFile('headed').replace(/\.json$/, '.lock'))).toBe(false);

    const next = await search('headed');
    expect(next.code, next.stderr).toBe(0);
    expect(sorted(idsOf(next.stdout))).toEqual(sorted(windowIds(await summaryOf('headed'))));
  });

  it('keeps the batches confirmed before the reader went away, and says so', async () => {
    const command =
      'set -o pipefail; incydr sessions search --checkpoint half --any-alerts --lookback 30d -f json-lines --confirm-every 10 ' +
      `--summary-json '${summaryFile('half')}' | head -n 200`;
    const cut = await runShell(command, { env: fx.env });
    expect(cut.code, cut.stderr).toBe(1);
    const summary = await summaryOf('half');
    expect(summary.delivered).toBeGreaterThanOrEqual(190);
    expect(errorLines(cut.stderr).at(-1)).toBe(
      `incydr: stdout was closed by its reader after ${summary.delivered + summary.unconfirmed} records; checkpoint "half" ` +
        `recorded only the first ${summary.delivered} (confirmed before): the next run sends the rest again`,
    );
    const store = JSON.parse(await readFile(storeFile('half'), 'utf8')) as { sessions: Record<string, unknown> };
    expect(Object.keys(store.sessions)).toHaveLength(summary.delivered);
  });

  it('writes nothing on stdout when the search fails, not even "No results found." in the table', async () => {
    const args = ['sessions', 'search', '--any-alerts', '--lookback', '30d'];
    const noRetries = { INCYDR_MAX_RETRIES: '0' };
    fx.emu.setFaults({ failRate: 1, failStatus: 500 });
    try {
      for (const format of ['table', 'csv', 'json-lines']) {
        const result = await fx.run([...args, '--checkpoint', 'failing', '-f', format], { extraEnv: noRetries });
        expect(result.code, format).toBe(1);
        expect(result.stdout, format).toBe('');
        expect(errorLines(result.stderr).join('\n'), format).toContain('500');
      }
    } finally {
      fx.emu.setFaults({ failRate: 0 });
    }
    // Another name: a checkpoint belongs to one server.
    const refused = await fx.run([...args, '--checkpoint', 'refused', '-f', 'table'], {
      extraEnv: { ...noRetries, INCYDR_URL: `http://127.0.0.1:${await closedPort()}` },
    });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(errorLines(refused.stderr).join('\n')).toMatch(/refused|connect/i);
  });

  it('rejects bad checkpoint options with exit 2 before any request', async () => {
    fx.emu.clearRequests();
    const cases: Array<[string[], RegExp]> = [
      [['--checkpoint', '../etc'], /invalid checkpoint name "\.\.\/etc"/],
      [['--checkpoint', 'x'.repeat(65)], /invalid checkpoint name/],
      [['--emit', 'new'], /--emit needs --checkpoint/],
      [['--lookback', '7d'], /--lookback needs --checkpoint/],
      [['--checkpoint', 'ok', '--lookback', '2024-01-01'], /--lookback: invalid duration "2024-01-01": use 30d, 24h/],
      [['--checkpoint', 'ok', '--emit', 'all'], /--emit/],
      [['--checkpoint', 'ok', '--confirm-every', '0'], /--confirm-every must be a positive integer/],
    ];
    for (const [args, message] of cases) {
      const result = await fx.run(['sessions', 'search', ...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(errorLines(result.stderr).join('\n')).toMatch(message);
    }
    expect(fx.emu.requests()).toEqual([]);
  });
});

describe('checkpoint locking', () => {
  // The emulator holds every answer until a test lowers the latency again: the first run is still running when the
  // second one starts, however slow the machine (a short latency raced the second run's start-up).
  const HOLD = { latencyMs: 600_000 };

  it('fails fast while another run holds the name, and takes over a lock left by a dead process', async () => {
    fx.emu.setFaults(HOLD);
    let firstChild: ChildProcess | undefined;
    const first = searchBinary('locked', [], { onSpawn: (child) => (firstChild = child), timeoutMs: 60_000 });
    const lock = storeFile('locked').replace(/\.json$/, '.lock');
    await waitFor(() => existsSync(lock), 'the first run to take the lock', 10_000);
    const second = await search('locked');
    expect(second.code).toBe(1);
    expect(errorLines(second.stderr)[0]).toMatch(
      new RegExp(`checkpoint "locked" is in use by process ${firstChild?.pid} on `),
    );
    expect(second.stdout).toBe('');
    fx.emu.setFaults({ latencyMs: 0 });
    expect((await first).code, 'the first run, once released').toBe(0);
    expect(existsSync(lock)).toBe(false);

    // A run killed outright leaves its lock behind: the next run sees the process is gone and goes ahead.
    fx.emu.advance(60 * 60 * 1000);
    await writeFile(
      lock,
      JSON.stringify({
        pid: await deadPid(),
        hostname: (await import('node:os')).hostname(),
        startedAt: 'then',
        token: 'stale',
      }),
    );
    const third = await search('locked');
    expect(third.code, third.stderr).toBe(0);
    expect(idsOf(third.stdout).length).toBeGreaterThan(0);
    expect(existsSync(lock)).toBe(false);
  });

  it('refuses to reset a checkpoint whose first run holds it, naming the process, and shows that run', async () => {
    fx.emu.setFaults(HOLD);
    const run = search('first-busy', [], { timeoutMs: 60_000 });
    await waitFor(() => existsSync(storeFile('first-busy').replace(/\.json$/, '.lock')), 'the lock', 10_000);
    expect(existsSync(storeFile('first-busy'))).toBe(false);
    const reset = await fx.run(['sessions', 'checkpoint', 'reset', 'first-busy']);
    expect(reset.code).toBe(1);
    expect(errorLines(reset.stderr)[0]).toMatch(/checkpoint "first-busy" is in use by process/);
    const show = await fx.run(['sessions', 'checkpoint', 'show', 'first-busy']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^Lock: +(?!free)/m);
    fx.emu.setFaults({ latencyMs: 0 });
    expect((await run).code).toBe(0);
    expect(existsSync(storeFile('first-busy'))).toBe(true);
  });

  it('refuses to reset a checkpoint while a run holds it', async () => {
    expect((await search('busy')).code).toBe(0);
    fx.emu.setFaults(HOLD);
    const run = search('busy', [], { timeoutMs: 60_000 });
    await waitFor(() => existsSync(storeFile('busy').replace(/\.json$/, '.lock')), 'the lock', 10_000);
    const reset = await fx.run(['sessions', 'checkpoint', 'reset', 'busy']);
    expect(reset.code).toBe(1);
    expect(errorLines(reset.stderr)[0]).toMatch(/checkpoint "busy" is in use by process/);
    fx.emu.setFaults({ latencyMs: 0 });
    expect((await run).code).toBe(0);
    expect(existsSync(storeFile('busy'))).toBe(true);
  });
});

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const result = await fx.runBinary(['--version']);
  return result.pid;
}

describe('search --checkpoint --output: delivery before progress', () => {
  const BATCH = 20;

  /** Rerun the forward until a run succeeds; returns the runs' results. */
  async function forwardUntilDone(
    name: string,
    rx: LiveReceiver,
    kill?: (child: ChildProcess, run: number) => void,
  ): Promise<RunResult[]> {
    const results: RunResult[] = [];
    for (let run = 0; run < 40; run += 1) {
      const extra = ['--output', `TCP:127.0.0.1:${rx.port}`, '--confirm-every', String(BATCH)];
      // Only a kill needs a process of its own.
      const result =
        kill === undefined
          ? await search(name, extra, { timeoutMs: 60_000 })
          : await searchBinary(name, extra, { onSpawn: (child) => kill(child, run), timeoutMs: 60_000 });
      results.push(result);
      if (result.code === 0) return results;
    }
    throw new Error(`no run of ${name} succeeded in 40 tries`);
  }

  function expectEveryoneOnce(rx: LiveReceiver, window: Set<string>, allowedDuplicates: number): void {
    const ids = rx.records.map((record) => (JSON.parse(record) as { sessionId: string }).sessionId);
    const unique = new Set(ids);
    expect(sorted(unique)).toEqual(sorted(window));
    expect(ids.length - unique.size).toBeLessThanOrEqual(allowedDuplicates);
  }

  it(
    'SIGKILLed at 20 random points and rerun: no session missing, at most one batch duplicated per kill',
    async () => {
      const rx = await receiver();
      const seed = Date.now() % 100_000;
      const next = random(seed);
      let kills = 0;
      const savedAt = (): number => {
        try {
          return statSync(storeFile('killed')).mtimeMs;
        } catch {
          return 0;
        }
      };
      const killAt = (child: ChildProcess, run: number): void => {
        if (run >= 20) return;
        // Three kinds of moments: before the first record; right after the run saved the checkpoint (where records
        // recorded before they were delivered would be lost); or a few records to three batches into the flow.
        // Small steps: each run moves the checkpoint on by a few batches at most, so all 20 kills hit a running forward.
        const draw = next();
        const mode = draw < 0.2 ? 'early' : draw < 0.5 ? 'after-save' : 'records';
        const earlyMs = 100 + next() * 200;
        const target = rx.records.length + 1 + Math.floor(next() * 3 * BATCH);
        const saved = savedAt();
        const started = Date.now();
        const timer = setInterval(() => {
          if (child.exitCode !== null || child.signalCode !== null) return clearInterval(timer);
          const now =
            mode === 'early'
              ? Date.now() - started > earlyMs
              : mode === 'after-save'
                ? savedAt() !== saved
                : rx.records.length >= target;
          if (now) {
            clearInterval(timer);
            if (child.kill('SIGKILL')) kills += 1;
          }
        }, patient(1));
      };
      const results = await forwardUntilDone('killed', rx, killAt);
      expect(results.length, `seed ${seed}`).toBeGreaterThanOrEqual(21);
      expect(results.slice(0, -1).every((r) => r.signal === 'SIGKILL' || r.code === 0)).toBe(true);
      expectEveryoneOnce(rx, windowIds(await summaryOf('killed')), kills * BATCH);
      expect(kills, `seed ${seed}`).toBe(20);
    },
    patient(240_000),
  );

  it(
    'survives syslog receiver crashes mid-run: no session missing, at most one batch duplicated per crash',
    async () => {
      const rx = await receiver();
      // Slow pages keep the forward running while the receiver goes down three times.
      fx.emu.setFaults({ latencyMs: 30 });
      const total = expectedSearch(fx.emu, { hasAlerts: null }).length;
      const crashTimes: number[] = [];
      const crashLoop = (async () => {
        for (const share of [0.15, 0.4, 0.65]) {
          await waitFor(() => rx.records.length >= share * total, `${share * total} records`, 60_000);
          await rx.crash();
          crashTimes.push(Date.now());
          await new Promise((resolve) => setTimeout(resolve, 300));
          await rx.restart();
        }
      })();
      const results = await forwardUntilDone('crashed', rx);
      const doneAt = Date.now();
      await crashLoop;
      const crashes = crashTimes.length;
      expect(crashTimes.every((time) => time < doneAt)).toBe(true);
      expect(crashes).toBe(3);
      // Each crash resends the unconfirmed batch; a run that gave up (exit 1) is rerun and resends at most one more.
      const failedRuns = results.filter((r) => r.code !== 0).length;
      for (const failed of results.filter((r) => r.code !== 0))
        expect(errorLines(failed.stderr).at(-1)).toMatch(/^syslog output failed/);
      expectEveryoneOnce(rx, windowIds(await summaryOf('crashed')), (crashes + failedRuns) * BATCH);
    },
    patient(120_000),
  );

  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s confirms what was sent, saves it and exits 130; the next run sends only the rest',
    async (signal) => {
      const rx = await receiver();
      fx.emu.setFaults({ latencyMs: 40 });
      const first = await searchBinary(`interrupted-${signal}`, ['--output', `TCP:127.0.0.1:${rx.port}`], {
        timeoutMs: 60_000,
        onSpawn: (child) => {
          const timer = setInterval(() => {
            if (rx.records.length >= 120) {
              clearInterval(timer);
              child.kill(signal);
            }
          }, patient(2));
        },
      });
      expect(first.code, first.stderr).toBe(130);
      // Only a person at a terminal can press Ctrl-C again; a scheduler's SIGTERM is named as such.
      if (signal === 'SIGTERM') expect(first.stderr).toMatch(/incydr: SIGTERM, stopping after the current record\n/);
      else expect(first.stderr).toContain('(Ctrl-C again to quit now)');
      const interrupted = await summaryOf(`interrupted-${signal}`);
      expect(interrupted.status).toBe('interrupted');
      expect(interrupted.delivered).toBe(rx.records.length);
      expect(interrupted.entriesAfter).toBe(rx.records.length);
      fx.emu.setFaults({ latencyMs: 0 });
      const second = await search(`interrupted-${signal}`, ['--output', `TCP:127.0.0.1:${rx.port}`]);
      expect(second.code, second.stderr).toBe(0);
      expectEveryoneOnce(rx, windowIds(await summaryOf(`interrupted-${signal}`)), 0);
    },
    patient(90_000),
  );

  it(
    'finishes a --start backfill whatever ends its first runs: SIGTERM, then SIGKILLs, then reruns',
    async () => {
      const rx = await receiver();
      const start = Date.now() - 25 * DAY_MS;
      const owed = new Set(expectedSearch(fx.emu, { hasAlerts: null, onOrAfter: start }).map((s) => s.sessionId));
      // The same command line every time, as a scheduler runs it; the lookback (7 days) is far shorter than --start.
      const args = [
        'sessions',
        'search',
        '--checkpoint',
        'backfill-kills',
        '--any-alerts',
        '--start',
        new Date(start).toISOString(),
      ];
      const forward = [
        ...args,
        '--output',
        `TCP:127.0.0.1:${rx.port}`,
        '--confirm-every',
        String(BATCH),
        '--summary-json',
        summaryFile('backfill-kills'),
      ];
      const seed = Date.now() % 100_000;
      const next = random(seed);
      const stopAfter = (signal: NodeJS.Signals, records: number) => (child: ChildProcess) => {
        const timer = setInterval(() => {
          if (child.exitCode !== null || child.signalCode !== null) return clearInterval(timer);
          if (rx.records.length >= records) {
            clearInterval(timer);
            child.kill(signal);
          }
        }, patient(1));
      };

      const terminated = await fx.runBinary(forward, { onSpawn: stopAfter('SIGTERM', 3 * BATCH), timeoutMs: 60_000 });
      expect(terminated.code, terminated.stderr).toBe(130);
      expect(terminated.stderr).toContain('backfill still owed');
      let kills = 0;
      for (let run = 0; run < 8; run += 1) {
        const target = rx.records.length + 1 + Math.floor(next() * 3 * BATCH);
        const killed = await fx.runBinary(forward, { onSpawn: stopAfter('SIGKILL', target), timeoutMs: 60_000 });
        if (killed.signal === 'SIGKILL') kills += 1;
        else expect(killed.code, `seed ${seed}: ${killed.stderr}`).toBe(0);
      }
      // Reruns until one completes the backfill; the run after that is back to the lookback and sends nothing.
      let completed = false;
      for (let run = 0; run < 5 && !completed; run += 1)
        completed = (await fx.run(forward, { timeoutMs: 60_000 })).code === 0;
      expect(completed, `seed ${seed}`).toBe(true);
      expect(kills, `seed ${seed}`).toBeGreaterThan(0);
      expectEveryoneOnce(rx, owed, kills * BATCH);
      const after = rx.records.length;
      expect((await fx.run(forward, { timeoutMs: 60_000 })).code).toBe(0);
      expect((await summaryOf('backfill-kills')).window.backfill, `seed ${seed}`).toBeNull();
      expect(rx.records.length).toBe(after);
    },
    patient(240_000),
  );

  it(
    'SIGTERM while the receiver has stopped reading exits 130 within seconds; the store holds exactly the confirmed sessions',
    async () => {
      const rx = await receiver();
      fx.emu.setFaults({ latencyMs: 30 });
      const STALL_TIMEOUT_MS = 60_000;
      let signalledAt = 0;
      const options = ['--output', `TCP:127.0.0.1:${rx.port}`, '--confirm-every', '20', '--stall-timeout', '60s'];
      const first = await searchBinary('stalled', options, {
        timeoutMs: 2 * STALL_TIMEOUT_MS,
        onSpawn: (child) => {
          void (async () => {
            // Three batches confirmed, then the receiver stops reading (it keeps the connection: a stall, not a crash).
            await waitFor(() => rx.confirmed.length >= 60, '60 confirmed records', 60_000);
            rx.pauseReading();
            // The run is now held in a write or a confirmation that the receiver will never answer.
            await new Promise((resolve) => setTimeout(resolve, 1_000));
            signalledAt = Date.now();
            child.kill('SIGTERM');
          })();
        },
      });
      const stoppedMs = Date.now() - signalledAt;
      expect(first.code, first.stderr).toBe(130);
      // Well before the stall timeout would have ended the attempt (and long before its five retries).
      expect(stoppedMs).toBeLessThan(STALL_TIMEOUT_MS / 2);
      expect(first.stderr).toMatch(/did not confirm within 5 s of the interrupt/);
      const interrupted = await summaryOf('stalled');
      expect(interrupted.status).toBe('interrupted');
      const confirmed = rx.confirmed.map((record) => (JSON.parse(record) as { sessionId: string }).sessionId);
      expect(interrupted.delivered).toBe(confirmed.length);
      expect(interrupted.unconfirmed).toBeGreaterThan(0);
      const store = JSON.parse(await readFile(storeFile('stalled'), 'utf8')) as { sessions: Record<string, unknown> };
      expect(sorted(Object.keys(store.sessions))).toEqual(sorted(confirmed));

      // The next run, to a receiver that reads, sends exactly what was not confirmed.
      fx.emu.setFaults({ latencyMs: 0 });
      const rx2 = await receiver();
      const second = await search('stalled', ['--output', `TCP:127.0.0.1:${rx2.port}`, '--confirm-every', '20']);
      expect(second.code, second.stderr).toBe(0);
      const window = windowIds(await summaryOf('stalled'));
      const rest = rx2.records.map((record) => (JSON.parse(record) as { sessionId: string }).sessionId);
      expect(sorted(rest)).toEqual(sorted([...window].filter((id) => !confirmed.includes(id))));
    },
    patient(180_000),
  );

  it(
    'says on stderr and in the summary how many sessions it sent again after the receiver closed an idle connection',
    async () => {
      // Pages slower than the receiver's idle timeout: between two pages it closes the connection of the unconfirmed
      // batch, and the sender sends that batch again on a new one.
      const rx = await receiver({ closeIdleAfterMs: 150 });
      fx.emu.setFaults({ latencyMs: 400 });
      const result = await search('idle', ['--output', `TCP:127.0.0.1:${rx.port}`, '--page-size', '300']);
      expect(result.code, result.stderr).toBe(0);
      expect(rx.idleCloses).toBeGreaterThan(0);
      const summary = await summaryOf('idle');
      const ids = rx.records.map((record) => (JSON.parse(record) as { sessionId: string }).sessionId);
      const duplicates = ids.length - new Set(ids).size;
      expect(duplicates).toBeGreaterThan(0);
      // Every copy the receiver got twice was announced; a write that hit the closed connection was sent again
      // without arriving twice.
      expect(summary.resent).toBeGreaterThanOrEqual(duplicates);
      const announced = /syslog: sending (\d+) unconfirmed records? again on a new connection \((.*)\)/g;
      const notes = [...result.stderr.matchAll(announced)];
      expect(notes.length).toBeGreaterThan(0);
      for (const note of notes) expect(note[2]).toMatch(/closed the connection|ECONNRESET|EPIPE/);
      expect(notes.reduce((sum, note) => sum + Number(note[1]), 0)).toBeGreaterThanOrEqual(summary.resent);
      expect(result.stderr).toContain(`${summary.resent} sent again after a lost connection (possible duplicates)`);
      expect(sorted(new Set(ids))).toEqual(sorted(windowIds(summary)));
    },
    patient(90_000),
  );

  it(
    'sends the batch twice at most to a receiver that never closes its side, then exits 1 naming --delivery written; nothing is recorded',
    async () => {
      const rx = await receiver({ neverClose: true });
      const output = `TCP:127.0.0.1:${rx.port}`;
      // Retries are not what stops the resending: more than enough are left after the first one.
      const result = await search('never-closes', ['--output', output, '--stall-timeout', '1s'], { timeoutMs: 60_000 });
      expect(result.code, result.stderr).toBe(1);
      const summary = await summaryOf('never-closes');
      const batch = summary.new;
      expect(batch).toBeGreaterThan(100);
      const failures = errorLines(result.stderr).filter(
        (line) => !/syslog retry|syslog: sending|checkpoint "never-closes"/.test(line),
      );
      expect(failures).toEqual([
        `incydr: syslog output failed: 127.0.0.1:${rx.port} took the batch of ${batch} record(s) on two connections but ` +
          'closed neither within 1000 ms after end of stream, so delivery cannot be confirmed: a receiver that reads ' +
          'everything but never closes its side (some SIEM collectors, load balancers) needs --delivery written; one ' +
          'that is only slow, a longer --stall-timeout',
      ]);
      expect(errorLines(result.stderr).filter((line) => /syslog retry/.test(line))).toHaveLength(1);
      // One send and one resend: each session arrived exactly twice.
      const copies = new Map<string, number>();
      for (const record of rx.records) {
        const id = (JSON.parse(record) as { sessionId: string }).sessionId;
        copies.set(id, (copies.get(id) ?? 0) + 1);
      }
      expect(copies.size).toBe(batch);
      expect(new Set(copies.values())).toEqual(new Set([2]));
      expect(summary).toMatchObject({
        status: 'failed',
        delivered: 0,
        resent: batch,
        unconfirmed: batch,
        delivery: 'confirmed',
        entriesAfter: 0,
      });
    },
    patient(90_000),
  );

  it(
    'delivers each session once to a receiver that never closes with --delivery written, and advances the checkpoint',
    async () => {
      const rx = await receiver({ neverClose: true });
      const args = [
        '--output',
        `TCP:127.0.0.1:${rx.port}`,
        '--delivery',
        'written',
        '--stall-timeout',
        `${patient(2)}s`,
      ];
      const first = await search('written', args);
      expect(first.code, first.stderr).toBe(0);
      const summary = await summaryOf('written');
      expect(summary).toMatchObject({ status: 'ok', resent: 0, unconfirmed: 0, delivery: 'written' });
      expect(summary.delivered).toBe(windowIds(summary).size);
      expect(summary.entriesAfter).toBe(summary.delivered);
      // Written is not read: the receiver may still be reading when the run ends.
      await waitFor(() => rx.records.length >= summary.delivered, `${summary.delivered} records`, 10_000);
      const ids = rx.records.map((record) => (JSON.parse(record) as { sessionId: string }).sessionId);
      expect(ids).toHaveLength(summary.delivered);
      expect(sorted(new Set(ids))).toEqual(sorted(windowIds(summary)));
      const second = await search('written', args);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stderr).toContain('delivered 0');
      expect(rx.records).toHaveLength(summary.delivered);
    },
    patient(60_000),
  );

  it('records sessions sent over UDP once their datagrams left (best effort)', async () => {
    const rx = await startDatagramReceiver();
    closers.push(() => rx.close());
    const result = await search('udp', ['--output', `UDP:127.0.0.1:${rx.port}`]);
    expect(result.code, result.stderr).toBe(0);
    const summary = await summaryOf('udp');
    await rx.waitForDatagrams(summary.delivered);
    const ids = rx.datagrams.map((datagram) => (JSON.parse(datagram) as { sessionId: string }).sessionId);
    expect(sorted(ids)).toEqual(sorted(windowIds(summary)));
    expect(summary.delivered).toBe(ids.length);
    expect(summary.entriesAfter).toBe(summary.delivered);
    expect((await search('udp', ['--output', `UDP:127.0.0.1:${rx.port}`])).stderr).toContain('delivered 0');
  });
});

describe('sessions checkpoint list | show | reset', () => {
  it('lists, shows and resets checkpoints', async () => {
    expect((await search('listed')).code).toBe(0);
    const summary = await summaryOf('listed');
    const list = await fx.run(['sessions', 'checkpoint', 'list', '-f', 'json-lines']);
    expect(list.code, list.stderr).toBe(0);
    const rows = lines(list.stdout).map(
      (line) => JSON.parse(line) as { name: string; client: string; entries: number; kind: string },
    );
    expect(rows.find((row) => row.name === 'listed')).toMatchObject({
      client: fx.emu.clientId,
      entries: summary.entriesAfter,
      kind: 'store',
    });

    const table = await fx.run(['sessions', 'checkpoint', 'list']);
    expect(lines(table.stdout)[0]).toMatch(/^NAME\s+CLIENT\s+ENTRIES\s+LAST RUN\s+QUERY$/);
    expect(table.stdout).toMatch(
      new RegExp(`listed\\s+${fx.emu.clientId}\\s+${summary.entriesAfter}\\s+\\S+ ok, ${summary.delivered} delivered`),
    );

    const show = await fx.run(['sessions', 'checkpoint', 'show', 'listed']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain(`File:          ${storeFile('listed')}`);
    expect(show.stdout).toContain(`Query:         url=${fx.emu.url} client=${fx.emu.clientId} has_alerts=null`);
    expect(show.stdout).toContain(`Entries:       ${summary.entriesAfter}`);

    const json = await fx.run(['sessions', 'checkpoint', 'show', 'listed', '-f', 'json-pretty', '--entries']);
    const shown = JSON.parse(json.stdout) as { sessions: Array<{ sessionId: string; digest: string }> };
    expect(shown.sessions).toHaveLength(summary.entriesAfter);

    const reset = await fx.run(['sessions', 'checkpoint', 'reset', 'listed']);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stderr).toContain(`${summary.entriesAfter} entries forgotten`);
    expect(existsSync(storeFile('listed'))).toBe(false);
    const missing = await fx.run(['sessions', 'checkpoint', 'show', 'listed']);
    expect(missing.code).toBe(2);
    expect(errorLines(missing.stderr)[0]).toMatch(/no checkpoint named "listed"/);
  });
});
