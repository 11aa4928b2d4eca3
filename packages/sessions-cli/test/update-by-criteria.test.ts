// `incydr sessions update-by-criteria` against the emulator (cli.md §2; api.md E5): command lines in-process through
// the real parser; the built binary on a terminal for the confirmation prompt.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run as updateByCriteria } from '../src/commands/sessions/update-by-criteria.js';
import { exitOf, inProcess } from './helpers/in-process.js';
import { BUILD_TIMEOUT_MS, SCRIPT_PATH, errorLines, runInTerminal, startFixture, type Fixture } from './helpers/run.js';
import {
  SEVERITY_LABELS,
  currentState,
  expectedSearch,
  latestScore,
  pythonDate,
  type Criteria,
} from './helpers/sessions.js';

/** Sessions per change-states call (api.md E5). */
const PER_CALL = 500;

let fx: Fixture;

beforeAll(async () => {
  // Enough sessions that one selection spans several change-states calls.
  fx = await startFixture({ sessions: 1500 });
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await fx?.close();
});

beforeEach(() => {
  fx.emu.clearRequests();
});

function apiCalls(): Array<{ call: string; query: string; body: unknown }> {
  return fx.emu
    .requests()
    .filter((request) => request.path !== '/v1/oauth')
    .map((request) => ({
      call: `${request.method} ${request.path}`,
      query: request.query.replaceAll('%20', '+'),
      body: request.body,
    }));
}

function changeCalls(): Array<{ query: string; body: unknown }> {
  return apiCalls().filter((c) => c.call === 'POST /v1/sessions/change-states');
}

/** Every session's current state, by id. */
function statesById(): Map<string, string> {
  return new Map(fx.emu.state().sessions.map((dump) => [dump.session.sessionId, currentState(dump.session)]));
}

describe('sessions update-by-criteria', () => {
  it('rejects an unknown state before any request (exit 2)', async () => {
    const result = await fx.run(['sessions', 'update-by-criteria', 'SHUT', '--yes']);
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr).join('\n')).toMatch(/SHUT.*OPEN, IN_PROGRESS/);
    expect(apiCalls()).toEqual([]);
  });

  it('rejects a bad filter before any request (exit 2)', async () => {
    for (const args of [
      ['--start', 'yesterday'],
      ['--state', 'SHUT'],
      ['--any-alerts', '--no-alerts'],
    ]) {
      const result = await fx.run(['sessions', 'update-by-criteria', 'closed', '--yes', ...args]);
      expect(result.code, args.join(' ')).toBe(2);
    }
    expect(fx.emu.requests()).toEqual([]);
  });

  it('sends the combined filters as the change-states query, without paging or ordering, then follows no token', async () => {
    const dump = fx.emu
      .state()
      .sessions.find(
        (d) =>
          d.session.triggeredAlerts.length > 0 &&
          d.session.riskIndicators.length > 0 &&
          d.watchlistIds.length > 0 &&
          currentState(d.session) !== 'CLOSED_TP',
      );
    if (dump === undefined)
      throw new Error('the emulator data has no session with alerts, risk indicators and watchlists');
    const target = dump.session;
    const day = pythonDate(target.beginTime).day;
    const nextDay = pythonDate(Date.parse(`${day}T00:00:00Z`) + 86_400_000).dateTime;
    const state = currentState(target);
    const severity = latestScore(target)?.severity ?? 0;
    const riskIndicator = target.riskIndicators[0]?.name ?? '';
    const ruleId = target.triggeredAlerts[0]?.ruleId ?? '';
    const watchlistId = dump.watchlistIds[0] ?? '';
    const onOrAfter = Date.parse(`${day}T00:00:00Z`);
    const before = Date.parse(`${nextDay.replace(' ', 'T')}Z`);
    const criteria: Criteria = {
      actorId: target.actorId,
      onOrAfter,
      before,
      type: target.type,
      riskIndicators: [riskIndicator, 'No such indicator'],
      states: [state, 'CLOSED'],
      severities: [severity],
      ruleIds: [ruleId],
      watchlistIds: [watchlistId],
      contentInspectionStatus: dump.contentInspectionStatus,
    };
    const expected = expectedSearch(fx.emu, criteria).map((s) => s.sessionId);
    expect(expected).toContain(target.sessionId);
    const before_ = statesById();

    const result = await fx.run([
      'sessions',
      'update-by-criteria',
      'closed_tp',
      '--actor-id',
      target.actorId,
      '--start',
      day,
      '--end',
      nextDay,
      '--type',
      target.type,
      '--risk-indicators',
      `${riskIndicator}, No such indicator,`,
      '--state',
      state.toLowerCase(),
      '--state',
      'CLOSED',
      '--severity',
      (SEVERITY_LABELS[severity] ?? 'HIGH').toLowerCase(),
      '--rule-id',
      ruleId,
      '--watchlist-id',
      watchlistId,
      '--content-inspection-status',
      dump.contentInspectionStatus.toLowerCase(),
      '--yes',
    ]);
    expect(result.stdout).toBe('');
    // The combined filters select exactly one session: one session, one request, in the singular.
    expect(expected).toHaveLength(1);
    expect(result.stderr).toBe('1 session matches.\nChanged 1 session to CLOSED_TP in 1 request.\n');
    expect(result.code).toBe(0);

    const filterQuery = new URLSearchParams([
      ['actor_id', target.actorId],
      ['on_or_after', String(onOrAfter)],
      ['before', String(before)],
      ['type', target.type],
      ['has_alerts', 'true'],
      ['risk_indicators', riskIndicator],
      ['risk_indicators', 'No such indicator'],
      ['state', state],
      ['state', 'CLOSED'],
      ['severity', String(severity)],
      ['rule_id', ruleId],
      ['watchlist_id', watchlistId],
      ['content_inspection_status', dump.contentInspectionStatus],
    ]).toString();
    expect(apiCalls()).toEqual([
      { call: 'GET /v1/sessions', query: `${filterQuery}&page_number=0&page_size=1`, body: null },
      {
        call: 'POST /v1/sessions/change-states',
        query: filterQuery,
        body: { continuationToken: null, newState: 'CLOSED_TP' },
      },
    ]);
    const after = statesById();
    for (const [id, previous] of before_)
      expect(after.get(id), id).toBe(expected.includes(id) ? 'CLOSED_TP' : previous);
  });

  it('changes more than 500 matches in ceil(n/500) calls, following the continuation tokens, and nothing else', async () => {
    const criteria: Criteria = { hasAlerts: null, states: ['OPEN', 'IN_PROGRESS', 'OPEN_NEW_DATA', 'CLOSED'] };
    const expected = new Set(expectedSearch(fx.emu, criteria).map((s) => s.sessionId));
    expect(expected.size).toBeGreaterThan(PER_CALL);
    const calls = Math.ceil(expected.size / PER_CALL);
    const before = statesById();

    const result = await fx.run([
      'sessions',
      'update-by-criteria',
      'Closed_FP',
      '--any-alerts',
      '--state',
      'open,in_progress',
      '--state',
      'OPEN_NEW_DATA',
      '--state',
      'closed',
      '--yes',
    ]);
    expect(result.stderr).toBe(
      `${expected.size} sessions match.\nChanged ${expected.size} sessions to CLOSED_FP in ${calls} requests.\n`,
    );
    expect(result.code).toBe(0);

    const query = 'state=OPEN&state=IN_PROGRESS&state=OPEN_NEW_DATA&state=CLOSED';
    expect(
      apiCalls()
        .filter((c) => c.call === 'GET /v1/sessions')
        .map((c) => c.query),
    ).toEqual([`${query}&page_number=0&page_size=1`]);
    const changes = changeCalls();
    expect(changes).toHaveLength(calls);
    expect(changes.every((c) => c.query === query)).toBe(true);
    expect(changes[0]?.body).toEqual({ continuationToken: null, newState: 'CLOSED_FP' });
    const tokens = changes.slice(1).map((c) => (c.body as { continuationToken: unknown }).continuationToken);
    expect(tokens.every((token) => typeof token === 'string' && token !== '')).toBe(true);
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(changes.slice(1).every((c) => (c.body as { newState: unknown }).newState === 'CLOSED_FP')).toBe(true);

    const after = statesById();
    for (const [id, previous] of before) expect(after.get(id), id).toBe(expected.has(id) ? 'CLOSED_FP' : previous);
  });

  it('with --dry-run makes only the count request and changes nothing', async () => {
    const expected = expectedSearch(fx.emu, { severities: [3, 4] }).length;
    expect(expected).toBeGreaterThan(0);
    const before = statesById();
    const result = await fx.run([
      'sessions',
      'update-by-criteria',
      'in_progress',
      '--severity',
      'HIGH',
      '--severity',
      'critical',
      '--dry-run',
    ]);
    expect(result).toMatchObject({ code: 0, stdout: '' });
    expect(result.stderr).toBe(`${expected} sessions match.\nDry run: nothing changed.\n`);
    expect(apiCalls()).toEqual([
      {
        call: 'GET /v1/sessions',
        query: 'has_alerts=true&severity=3&severity=4&page_number=0&page_size=1',
        body: null,
      },
    ]);
    expect(statesById()).toEqual(before);
  });

  it('refuses to change every session of the tenant without a filter unless --all says so (in process)', async () => {
    const before = statesById();
    const io = inProcess(fx.emu);
    const refused = await exitOf(updateByCriteria({ newState: 'OPEN', yes: true }, io.ctx));
    expect(refused.code).toBe(2);
    expect(refused.message).toMatch(/no filter given: this would change every session .* or --all/);
    expect(fx.emu.requests()).toEqual([]);
    expect(statesById()).toEqual(before);
    // Counting is harmless; --all is the explicit word.
    expect((await exitOf(updateByCriteria({ newState: 'OPEN', dryRun: true }, inProcess(fx.emu).ctx))).code).toBe(0);
    const all = inProcess(fx.emu);
    try {
      expect((await exitOf(updateByCriteria({ newState: 'OPEN', yes: true, all: true }, all.ctx))).code).toBe(0);
      expect(all.stderr()).toMatch(/^Changed \d+ sessions to OPEN/m);
    } finally {
      // The other tests need the generated states back.
      fx.emu.reset();
    }
  });

  it('refuses without --yes when stdin is not a terminal (exit 2), before any request (in process)', async () => {
    const before = statesById();
    const io = inProcess(fx.emu);
    const stdin = Object.assign(Readable.from(['y\n']), { isTTY: false });
    const result = await exitOf(updateByCriteria({ newState: 'OPEN', anyAlerts: true }, io.ctx, stdin));
    expect(result).toEqual({
      code: 2,
      message: 'refusing to change sessions without confirmation: stdin is not a terminal; add --yes',
    });
    expect(io.stderr()).toBe('');
    expect(fx.emu.requests()).toEqual([]);
    expect(statesById()).toEqual(before);
  });

  it('reports zero matches and exits 0 without a change request', async () => {
    const result = await fx.run(['sessions', 'update-by-criteria', 'OPEN', '--actor-id', 'no-such-actor', '--yes']);
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '0 sessions match.\nNothing to change.\n' });
    expect(apiCalls().map((c) => c.call)).toEqual(['GET /v1/sessions']);
  });

  it.skipIf(SCRIPT_PATH === undefined)('asks on a terminal and changes only after "y"', async () => {
    const criteria: Criteria = { states: ['CLOSED_TP'] };
    const expected = new Set(expectedSearch(fx.emu, criteria).map((s) => s.sessionId));
    expect(expected.size).toBeGreaterThan(0);
    const env = { ...fx.env };
    const declined = await runInTerminal(['sessions', 'update-by-criteria', 'OPEN', '--state', 'CLOSED_TP'], {
      env,
      input: 'n\n',
    });
    expect(declined.stdout).toContain(`Change the state of ${expected.size} sessions to OPEN? [y/N]`);
    expect(declined.code).toBe(1);
    expect(changeCalls()).toEqual([]);

    const accepted = await runInTerminal(['sessions', 'update-by-criteria', 'OPEN', '--state', 'CLOSED_TP'], {
      env,
      input: 'yes\n',
    });
    expect(accepted.stdout).toContain(`Changed ${expected.size} sessions to OPEN in 1 request.`);
    expect(accepted.code).toBe(0);
    expect(changeCalls()).toHaveLength(1);
    const after = statesById();
    for (const id of expected) expect(after.get(id), id).toBe('OPEN');
  });
});
