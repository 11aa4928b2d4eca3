// `incydr sessions search` against the emulator (cli.md §2, §3; api.md E1): command lines run in-process through the
// real parser; the built binary where a process matters (`| head`, a terminal, Ctrl-C, logs on stderr).
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BUILD_TIMEOUT_MS,
  SCRIPT_PATH,
  errorLines,
  lines,
  runInTerminal,
  runShell,
  startFixture,
  type Fixture,
} from './helpers/run.js';
import { exitOf, inProcess, type InProcess } from './helpers/in-process.js';
import {
  ANSI,
  SEVERITY_LABELS,
  apiValue,
  csvCell,
  currentState,
  expectedSearch,
  iso,
  latestScore,
  pythonColumns,
  pythonDate,
  type Criteria,
} from './helpers/sessions.js';

let fx: Fixture;

beforeAll(async () => {
  fx = await startFixture();
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await fx?.close();
});

beforeEach(() => {
  fx.emu.clearRequests();
});

/**
 * The query strings of the search requests the emulator received, `+` and `%20` alike, by page number (pages
 * fetched ahead may arrive in any order).
 */
function searchQueries(): string[] {
  const page = (query: string): number => Number(new URLSearchParams(query).get('page_number'));
  return fx.emu
    .requests()
    .filter((request) => request.method === 'GET' && request.path === '/v1/sessions')
    .map((request) => request.query.replaceAll('%20', '+'))
    .sort((a, b) => page(a) - page(b));
}

function apiRequests(): string[] {
  return fx.emu.requests().map((request) => `${request.method} ${request.path}`);
}

/** JSON Lines text as the API's objects: one compact line each. */
function jsonLinesOf(sessions: readonly object[]): string {
  return sessions.map((session) => `${JSON.stringify(session)}\n`).join('');
}

describe('the wire requests of the Python CLI command lines', () => {
  it('sends has_alerts=true&page_number=0&page_size=50 for the bare command', async () => {
    const result = await fx.run(['sessions', 'search']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const pages = Math.ceil(expectedSearch(fx.emu).length / 50);
    expect(searchQueries().slice(0, pages)).toEqual(
      Array.from({ length: pages }, (_, page) => `has_alerts=true&page_number=${page}&page_size=50`),
    );
  });

  it('sends has_alerts=false for --no-alerts and no has_alerts for --any-alerts', async () => {
    expect((await fx.run(['sessions', 'search', '--no-alerts', '-f', 'json-lines'])).code).toBe(0);
    expect(searchQueries()[0]).toBe('has_alerts=false&page_number=0&page_size=50');
    fx.emu.clearRequests();
    expect((await fx.run(['sessions', 'search', '--any-alerts', '-f', 'json-lines'])).code).toBe(0);
    expect(searchQueries()[0]).toBe('page_number=0&page_size=50');
  });

  it('sends every filter, in the API order, with lists as repeated keys', async () => {
    const all = fx.emu
      .state()
      .sessions.map((dump) => dump.session.beginTime)
      .sort((a, b) => a - b);
    const start = pythonDate(all[Math.floor(all.length / 4)] ?? 0).day;
    const end = pythonDate(all[Math.floor((all.length * 3) / 4)] ?? 0).dateTime;
    const result = await fx.run([
      'sessions',
      'search',
      '--actor-id',
      '1234567890123456789',
      '--start',
      start,
      '--end',
      end,
      '--type',
      'STANDARD',
      '--risk-indicators',
      'Public link share, , Cloud storage upload,',
      '--state',
      'open',
      '--state',
      'CLOSED',
      '--severity',
      'high',
      '--severity',
      'CRITICAL',
      '--rule-id',
      'rule-a',
      '--rule-id',
      'rule-b',
      '--watchlist-id',
      'wl-departing-employees',
      '--content-inspection-status',
      'found',
      '--sort-key',
      'score',
      '--sort-dir',
      'asc',
      '--page-size',
      '7',
      '-f',
      'json-lines',
    ]);
    expect(result.stderr).toBe('No results found.\n');
    expect(result.code).toBe(0);
    const onOrAfter = Date.parse(`${start}T00:00:00Z`);
    const before = Date.parse(`${end.replace(' ', 'T')}Z`);
    expect(searchQueries()).toEqual([
      'actor_id=1234567890123456789' +
        `&on_or_after=${onOrAfter}&before=${before}` +
        '&type=STANDARD&has_alerts=true' +
        '&risk_indicators=Public+link+share&risk_indicators=Cloud+storage+upload' +
        '&state=OPEN&state=CLOSED&severity=3&severity=4' +
        '&rule_id=rule-a&rule_id=rule-b&watchlist_id=wl-departing-employees' +
        '&content_inspection_status=FOUND&order_by=score&sort_direction=asc&page_number=0&page_size=7',
    ]);
  });

  it('converts ISO-8601 times with an offset to UTC and resolves durations against the clock', async () => {
    const started = Date.now();
    const result = await fx.run([
      'sessions',
      'search',
      '--start',
      '7d',
      '--end',
      '2024-05-10T12:00:00+02:00',
      '-f',
      'csv',
    ]);
    const finished = Date.now();
    expect(result.code).toBe(0);
    const query = new URLSearchParams(searchQueries()[0]);
    expect(query.get('before')).toBe(String(Date.UTC(2024, 4, 10, 10)));
    const onOrAfter = Number(query.get('on_or_after'));
    expect(onOrAfter).toBeGreaterThanOrEqual(started - 7 * 86_400_000);
    expect(onOrAfter).toBeLessThanOrEqual(finished - 7 * 86_400_000);
  });

  it.each<[string, string, number, number]>([
    ['2024-1-1', '2024-01-01 9:05:00', Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1, 9, 5)],
    ['2024-01-1', '2024-1-1 09:05', Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1, 9, 5)],
    ['2024/01/01', '2024/1/2T9:05+02:00', Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2, 7, 5)],
    ['20240101', '20240102093000', Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2, 9, 30)],
    ['202401010905', '1704240000000', Date.UTC(2024, 0, 1, 9, 5), Date.UTC(2024, 0, 3)],
  ])(
    'sends --start %s --end %s as the UTC epoch milliseconds the Python CLI meant',
    async (start, end, onOrAfter, before) => {
      const result = await fx.run(['sessions', 'search', '--start', start, '--end', end, '-f', 'json-lines']);
      expect(result.stderr).toBe('No results found.\n');
      expect(result.code).toBe(0);
      expect(searchQueries()).toEqual([
        `on_or_after=${onOrAfter}&before=${before}&has_alerts=true&page_number=0&page_size=50`,
      ]);
    },
  );

  it('refuses 10 digits as epoch seconds with exit 2, naming --start, before any request', async () => {
    const result = await fx.run(['sessions', 'search', '--start', '1704067200']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(errorLines(result.stderr)).toEqual([
      'incydr: --start: invalid time "1704067200": 10 digits look like epoch seconds (2024-01-01T00:00:00.000Z); ' +
        'append 000 for epoch milliseconds (1704067200000) or write a date such as 2024-01-01',
    ]);
    expect(apiRequests()).toEqual([]);
  });

  it('returns what the filters select, across pages, in the order asked for', async () => {
    // A target that every filter below selects, so the combined result is not empty.
    const dump = fx.emu
      .state()
      .sessions.find(
        (d) => d.session.triggeredAlerts.length > 0 && d.session.riskIndicators.length > 0 && d.watchlistIds.length > 0,
      );
    if (dump === undefined)
      throw new Error('the emulator data has no session with alerts, risk indicators and watchlists');
    const target = dump.session;
    const day = pythonDate(target.beginTime).day;
    const nextDay = pythonDate(Date.parse(`${day}T00:00:00Z`) + 86_400_000).dateTime;
    const state = currentState(target);
    const severity = latestScore(target)?.severity ?? 0;
    const criteria: Criteria = {
      actorId: target.actorId,
      onOrAfter: Date.parse(`${day}T00:00:00Z`),
      before: Date.parse(`${nextDay.replace(' ', 'T')}Z`),
      type: target.type,
      riskIndicators: [target.riskIndicators[0]?.name ?? '', 'No such indicator'],
      states: [state, 'CLOSED'],
      severities: [severity],
      ruleIds: [target.triggeredAlerts[0]?.ruleId ?? ''],
      watchlistIds: [dump.watchlistIds[0] ?? ''],
      contentInspectionStatus: dump.contentInspectionStatus,
      orderBy: 'score',
      sortDirection: 'asc',
    };
    const result = await fx.run([
      'sessions',
      'search',
      '--actor-id',
      target.actorId,
      '--start',
      day,
      '--end',
      nextDay,
      '--type',
      target.type,
      '--risk-indicators',
      `${target.riskIndicators[0]?.name ?? ''}, No such indicator`,
      '--state',
      state.toLowerCase(),
      '--state',
      'CLOSED',
      '--severity',
      (SEVERITY_LABELS[severity] ?? 'HIGH').toLowerCase(),
      '--rule-id',
      target.triggeredAlerts[0]?.ruleId ?? '',
      '--watchlist-id',
      dump.watchlistIds[0] ?? '',
      '--content-inspection-status',
      dump.contentInspectionStatus,
      '--sort-key',
      'score',
      '--sort-dir',
      'asc',
      '--page-size',
      '7',
      '-f',
      'json-lines',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const expected = expectedSearch(fx.emu, criteria);
    expect(expected.map((s) => s.sessionId)).toContain(target.sessionId);
    expect(result.stdout).toBe(jsonLinesOf(expected));
  });

  it('pages with --page-size and returns every matching session once, by score ascending', async () => {
    const start = pythonDate(fx.emu.state().now - 20 * 86_400_000).day;
    const criteria: Criteria = {
      onOrAfter: Date.parse(`${start}T00:00:00Z`),
      hasAlerts: null,
      states: ['OPEN', 'IN_PROGRESS'],
      orderBy: 'score',
      sortDirection: 'asc',
    };
    const expected = expectedSearch(fx.emu, criteria);
    expect(expected.length).toBeGreaterThan(14);
    const result = await fx.run([
      'sessions',
      'search',
      '--any-alerts',
      '--start',
      start,
      '--state',
      'Open',
      '--state',
      'in_progress',
      '--sort-key',
      'score',
      '--sort-dir',
      'asc',
      '--page-size',
      '7',
      '-f',
      'json-lines',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(jsonLinesOf(expected));
    const queries = searchQueries();
    // Pages 0… until a short page: never more requests than needed (one extra only when the count divides evenly).
    expect(queries.length).toBeGreaterThanOrEqual(Math.ceil(expected.length / 7));
    expect(queries.length).toBeLessThanOrEqual(Math.ceil(expected.length / 7) + 1);
    queries.forEach((query, page) => {
      expect(query).toBe(
        `on_or_after=${criteria.onOrAfter}&state=OPEN&state=IN_PROGRESS&order_by=score&sort_direction=asc&page_number=${page}&page_size=7`,
      );
    });
  });
});

describe('the spellings of the API description', () => {
  // The vendor's API description documents sort_direction ASC/DESC, content_inspection_status PENDING, PII_FOUND,
  // PII_NOT_FOUND, UNPROCESSED and page_size up to 1000; the Python CLI sends asc/desc, FOUND/NOT_FOUND, 50.
  it('sends --sort-dir ASC, --content-inspection-status pii_found and --page-size 1000 in the documented form', async () => {
    const result = await fx.run([
      'sessions',
      'search',
      '--any-alerts',
      '--sort-dir',
      'ASC',
      '--content-inspection-status',
      'pii_found',
      '--page-size',
      '1000',
      '-f',
      'json-lines',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(searchQueries()).toEqual([
      'content_inspection_status=PII_FOUND&sort_direction=ASC&page_number=0&page_size=1000',
    ]);
    const expected = expectedSearch(fx.emu, {
      hasAlerts: null,
      contentInspectionStatus: 'FOUND',
      sortDirection: 'asc',
    });
    expect(expected.length).toBeGreaterThan(1);
    expect(result.stdout).toBe(jsonLinesOf(expected));
  });

  it('sends the other spellings as typed too, and mixed case in lower case', async () => {
    for (const [sortDir, status, sent] of [
      ['DESC', 'UNPROCESSED', 'content_inspection_status=UNPROCESSED&sort_direction=DESC'],
      ['desc', 'not_found', 'content_inspection_status=NOT_FOUND&sort_direction=desc'],
      ['Asc', 'Pii_Not_Found', 'content_inspection_status=PII_NOT_FOUND&sort_direction=asc'],
    ] as const) {
      fx.emu.clearRequests();
      const result = await fx.run([
        'sessions',
        'search',
        '--sort-dir',
        sortDir,
        '--content-inspection-status',
        status,
        '-f',
        'csv',
      ]);
      expect(result.code, result.stderr).toBe(0);
      expect(searchQueries()[0]).toBe(`has_alerts=true&${sent}&page_number=0&page_size=50`);
    }
  });

  it('shows the choices of both vocabularies and the page size range in --help', async () => {
    // What `incydr sessions search --help` prints off a terminal (help.test.ts checks the binary prints this text).
    const { renderHelp } = await import('../src/help/render.js');
    const help = (await renderHelp('sessions search', 100)).replace(/\s+/g, ' ');
    expect(help).toContain('--sort-dir asc, desc, ASC, DESC, sent as typed');
    expect(help).toContain(
      '--content-inspection-status PENDING, FOUND, NOT_FOUND, PII_FOUND, PII_NOT_FOUND, UNPROCESSED',
    );
    expect(help).toContain('--page-size Sessions per request, 1-1000 (default 50)');
  });
});

describe('against a server that keeps page_size to 50', () => {
  let fifty: Fixture;

  beforeAll(async () => {
    fifty = await startFixture({ sessions: 120, maxPageSize: 50 });
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await fifty?.close();
  });

  it('writes every session with --page-size 50, and fails in one line, writing nothing, with more', async () => {
    const ok = await fifty.run(['sessions', 'search', '--any-alerts', '--page-size', '50', '-f', 'json-lines']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(jsonLinesOf(expectedSearch(fifty.emu, { hasAlerts: null })));
    const over = await fifty.run(['sessions', 'search', '--any-alerts', '--page-size', '1000', '-f', 'json-lines']);
    expect(over.code).toBe(1);
    expect(over.stdout).toBe('');
    expect(errorLines(over.stderr)).toEqual([
      expect.stringMatching(
        /^incydr: API error \(HTTP 400\) on GET \S+page_size=1000: Invalid page_size '1000': expected an integer from 1 to 50$/,
      ),
    ]);
  });
});

describe('output formats', () => {
  const DEFAULT_COLUMNS = [
    'session_id',
    'begin_time',
    'end_time',
    'context_summary',
    'exfiltration_summary',
    'actor_id',
    'actor_name',
    'low_events',
    'moderate_events',
    'high_events',
    'states',
    'notes',
  ];

  it('writes JSON Lines byte-equal to the API objects (unknown fields, nulls and key order kept)', async () => {
    const result = await fx.run(['sessions', 'search', '--any-alerts', '-f', 'json-lines']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const expected = expectedSearch(fx.emu, { hasAlerts: null });
    expect(expected).toHaveLength(300);
    expect(lines(result.stdout)).toEqual(expected.map((session) => JSON.stringify(session)));
    // The data has fields the SDK does not model and nulls: they must survive.
    expect(result.stdout).toContain('"riskIndicatorsAlertedOn"');
    expect(result.stdout).toContain('"exfiltrationSummary":null');
  });

  it('writes json-pretty as the API objects indented by 2 spaces', async () => {
    const result = await fx.run(['sessions', 'search', '-f', 'json-pretty']);
    expect(result.code).toBe(0);
    const expected = expectedSearch(fx.emu);
    expect(result.stdout).toBe(expected.map((session) => `${JSON.stringify(session, null, 2)}\n`).join(''));
  });

  it("writes CSV with the Python CLI's header, whatever the records hold, and raw values", async () => {
    const result = await fx.run(['sessions', 'search', '-f', 'csv']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const expected = expectedSearch(fx.emu);
    const first = expected[0];
    if (first === undefined) throw new Error('no sessions with alerts');
    const { session: columns } = await pythonColumns();
    const parsed = Papa.parse<string[]>(result.stdout, { skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    const [header = [], ...rows] = parsed.data;
    expect(header).toEqual(columns.map(([name]) => name));
    expect(rows).toHaveLength(expected.length);
    rows.forEach((row, index) => {
      expect(row).toEqual(columns.map(([, apiPath]) => csvCell(apiValue(expected[index], apiPath))));
    });
    // RFC 4180 line ends; epoch milliseconds stay numbers.
    expect(result.stdout.split('\r\n')[0]).toBe(header.join(','));
    expect(rows[0]?.[header.indexOf('begin_time')]).toBe(String(first.beginTime));
  });

  it('prints a table with the default columns and ISO-8601 UTC times', async () => {
    const result = await fx.run(['sessions', 'search', '--actor-id', expectedSearch(fx.emu)[0]?.actorId ?? '']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const expected = expectedSearch(fx.emu, { actorId: expectedSearch(fx.emu)[0]?.actorId ?? '' });
    const [header = '', ...rows] = lines(result.stdout);
    // Names may be cut to the column width (with …); the full-width case is the next test's.
    const names = header.split(/\s+/);
    expect(names).toHaveLength(DEFAULT_COLUMNS.length);
    names.forEach((name, index) => expect(DEFAULT_COLUMNS[index]?.startsWith(name.replace(/…$/, ''))).toBe(true));
    expect(rows).toHaveLength(expected.length);
    rows.forEach((row, index) => {
      const session = expected[index];
      if (session === undefined) return;
      expect(row).toContain(iso(session.beginTime).seconds);
      expect(row).toContain(iso(session.endTime).seconds);
    });
    expect(result.stdout).not.toMatch(ANSI);
  });

  it('shows session ids and column names in full in the default table when stdout is not a terminal', async () => {
    const expected = expectedSearch(fx.emu);
    const result = await fx.run(['sessions', 'search']);
    expect(result.code).toBe(0);
    const [header = '', ...rows] = lines(result.stdout);
    expect(header.split(/\s+/)).toEqual(DEFAULT_COLUMNS);
    expect(rows).toHaveLength(expected.length);
    rows.forEach((row, index) => {
      const session = expected[index];
      expect(row.startsWith(`${session?.sessionId ?? '?'} `)).toBe(true);
      expect(row).toMatch(new RegExp(` ${session === undefined ? '?' : currentState(session)} +\\d+$`));
    });
  });

  it('prints no ANSI colour with NO_COLOR or without a terminal', async () => {
    for (const extraEnv of [{}, { NO_COLOR: '1' }]) {
      const result = await fx.run(['sessions', 'search', '--page-size', '5'], { extraEnv });
      expect(result.code).toBe(0);
      expect(result.stdout).not.toMatch(ANSI);
      expect(result.stdout.split('\n')[0]).toMatch(/^session_id\s+begin_time/);
    }
  });

  it.skipIf(SCRIPT_PATH === undefined)(
    `colours the table header on a terminal, and not with NO_COLOR${SCRIPT_PATH === undefined ? ' (skipped: util-linux script is not installed)' : ''}`,
    async () => {
      const args = ['sessions', 'search', '--page-size', '5', '--columns', 'session_id,states'];
      const coloured = await runInTerminal(args, { env: fx.env });
      expect(coloured.code).toBe(0);
      expect(coloured.stdout).toMatch(ANSI);
      const plain = await runInTerminal(args, { env: { ...fx.env, NO_COLOR: '1' } });
      expect(plain.code).toBe(0);
      expect(plain.stdout).not.toMatch(ANSI);
      expect(plain.stdout).toContain(expectedSearch(fx.emu)[0]?.sessionId ?? '?');
    },
  );

  it('writes the chosen --columns in the table and in CSV', async () => {
    const expected = expectedSearch(fx.emu);
    const table = await fx.run(['sessions', 'search', '--columns', 'session_id,actorName,states']);
    expect(table.code).toBe(0);
    const [header = '', ...rows] = lines(table.stdout);
    expect(header.split(/\s+/)).toEqual(['session_id', 'actor_name', 'states']);
    expect(rows.map((row) => row.split(/\s+/))).toEqual(
      expected.map((session) => [session.sessionId, session.actorName, currentState(session)]),
    );

    const csv = await fx.run(['sessions', 'search', '--columns', 'session_id,actorName,states', '-f', 'csv']);
    expect(csv.code).toBe(0);
    const parsed = Papa.parse<string[]>(csv.stdout, { skipEmptyLines: true });
    expect(parsed.data).toEqual([
      ['session_id', 'actor_name', 'states'],
      ...expected.map((session) => [session.sessionId, session.actorName, JSON.stringify(session.states)]),
    ]);
  });

  it('--escape-formulas prefixes text cells a spreadsheet would run as formulas with a quote; without it they stay exact', async () => {
    const expected = expectedSearch(fx.emu);
    const dumps = fx.emu.state().sessions;
    const sessions = expected
      .slice(0, 6)
      .map((session) => dumps.find((dump) => dump.session.sessionId === session.sessionId));
    // Values an attacker could put in front of an analyst (OWASP's list: = + - @ TAB CR), and a harmless one.
    const hostile = [
      '=HYPERLINK("http://evil.example","open")',
      "+cmd|' /C calc'!A0",
      '-2+3',
      '@SUM(1)',
      '\tx',
      '\r=1',
    ];
    const originals = sessions.map((dump) => dump?.session.actorName);
    try {
      sessions.forEach((dump, index) => {
        if (dump === undefined) throw new Error('session not in the emulator');
        dump.session.actorName = hostile[index] as string;
      });
      const args = ['sessions', 'search', '--columns', 'session_id,actor_name,high_events', '-f', 'csv'];
      const plain = await fx.run(args);
      const safe = await fx.run([...args, '--escape-formulas']);
      expect(safe.code, safe.stderr).toBe(0);
      const cells = (stdout: string): Map<string, string[]> => {
        const rows = Papa.parse<string[]>(stdout, { skipEmptyLines: true }).data.slice(1);
        return new Map(rows.map((row) => [row[0] as string, row]));
      };
      const plainRows = cells(plain.stdout);
      const safeRows = cells(safe.stdout);
      expect(safeRows.size).toBe(expected.length);
      sessions.forEach((dump, index) => {
        const id = dump?.session.sessionId as string;
        expect(plainRows.get(id)?.[1]).toBe(hostile[index]);
        expect(safeRows.get(id)?.[1]).toBe(`'${hostile[index] as string}`);
      });
      // Other cells are exact: ids, names without a formula start, and numbers.
      for (const session of expected.slice(6)) {
        const exact = [session.sessionId, session.actorName, String(session.highEvents)];
        expect(safeRows.get(session.sessionId)).toEqual(exact);
      }
    } finally {
      sessions.forEach((dump, index) => {
        if (dump !== undefined) dump.session.actorName = originals[index] as string;
      });
    }
  });

  it('rejects --escape-formulas with a format other than csv or with --output, before any request', async () => {
    for (const extra of [
      ['-f', 'json-lines'],
      ['-f', 'table'],
      ['--output', 'TCP:127.0.0.1:9'],
    ]) {
      const result = await fx.run(['sessions', 'search', ...extra, '--escape-formulas']);
      expect(result.code, extra.join(' ')).toBe(2);
      expect(errorLines(result.stderr)[0]).toMatch(
        /^incydr: --escape-formulas applies to -f csv, not (-f (json-lines|table)|--output)$/,
      );
    }
    expect(apiRequests()).toEqual([]);
  });

  it('rejects an unknown column with exit 2 and lists the valid names', async () => {
    for (const format of ['table', 'csv']) {
      const result = await fx.run(['sessions', 'search', '-f', format, '--columns', 'session_id,no_such_column']);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      const [message = '', ...more] = errorLines(result.stderr);
      expect(more).toEqual([]);
      expect(message).toContain('no_such_column');
      for (const name of ['session_id', 'actor_name', 'begin_time', 'states']) expect(message).toContain(name);
    }
  });

  it('refuses a misspelt column before any request, and looks for a name unlike any known one in the records', async () => {
    const { run: search } = await import('../src/commands/sessions/search.js');
    const { run: showEvents } = await import('../src/commands/sessions/show-events.js');
    fx.emu.clearRequests();
    for (const [format, io, run] of [
      [
        'csv',
        inProcess(fx.emu),
        (ctx: InProcess['ctx']) => search({ format: 'csv', columns: 'session_id,actor_nmae' }, ctx),
      ],
      ['table', inProcess(fx.emu), (ctx: InProcess['ctx']) => search({ format: 'table', columns: 'sesion_id' }, ctx)],
      [
        'events',
        inProcess(fx.emu),
        (ctx: InProcess['ctx']) => showEvents({ sessionId: 'x', format: 'csv', columns: 'file.nmae' }, ctx),
      ],
    ] as const) {
      const result = await exitOf(run(io.ctx));
      expect(result.code, format).toBe(2);
      expect(result.message, format).toMatch(/did you mean/);
      expect(io.stdout(), format).toBe('');
    }
    expect(fx.emu.requests()).toEqual([]);
    // A field this release does not know may be in the records: it is looked for there.
    const io = inProcess(fx.emu);
    expect((await exitOf(search({ format: 'csv', columns: 'brand_new_field' }, io.ctx))).code).toBe(2);
    expect(fx.emu.requests().length).toBeGreaterThan(0);
  });

  it('ignores --columns with the JSON formats, as the Python CLI documents, saying so in one line on stderr', async () => {
    const expected = expectedSearch(fx.emu);
    for (const format of ['json-lines', 'json-pretty']) {
      const result = await fx.run(['sessions', 'search', '-f', format, '--columns', 'session_id,no_such_column']);
      expect(result.code).toBe(0);
      const indent = format === 'json-pretty' ? 2 : undefined;
      expect(result.stdout).toBe(expected.map((session) => `${JSON.stringify(session, null, indent)}\n`).join(''));
      expect(lines(result.stderr)).toEqual([
        `incydr: warning: --columns is ignored with -f ${format}: it applies to the table and csv formats`,
      ]);
    }
  });

  it('reads INCYDR_USE_RICH in any case, from the environment or from ./.env', async () => {
    const expected = jsonLinesOf(expectedSearch(fx.emu).slice(0, 3));
    const lower = await fx.run(['sessions', 'search', '--page-size', '3'], { extraEnv: { incydr_use_rich: 'false' } });
    expect(lower.stdout.startsWith(expected)).toBe(true);
    await writeFile(join(fx.home, '.env'), 'Incydr_Use_Rich=off\n');
    try {
      const fromFile = await fx.run(['sessions', 'search', '--page-size', '3']);
      expect(fromFile.stdout.startsWith(expected)).toBe(true);
      // The environment wins over the file.
      const overridden = await fx.run(['sessions', 'search', '--page-size', '3'], {
        extraEnv: { INCYDR_USE_RICH: 'true' },
      });
      expect(overridden.stdout).toMatch(/^session_id\s+begin_time/);
    } finally {
      await rm(join(fx.home, '.env'), { force: true });
    }
  });

  it('uses JSON Lines by default when INCYDR_USE_RICH=false', async () => {
    const result = await fx.run(['sessions', 'search'], { extraEnv: { INCYDR_USE_RICH: 'false' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(jsonLinesOf(expectedSearch(fx.emu)));
  });
});

describe('empty results', () => {
  const noMatch = ['sessions', 'search', '--actor-id', 'nobody-at-all'];

  it('prints "No results found." on stdout for the table', async () => {
    const result = await fx.run(noMatch);
    expect(result).toMatchObject({ code: 0, stdout: 'No results found.\n', stderr: '' });
  });

  it('prints nothing on stdout for JSON and CSV, and the note on stderr', async () => {
    for (const format of ['json-lines', 'json-pretty', 'csv']) {
      const result = await fx.run([...noMatch, '-f', format]);
      expect(result).toMatchObject({ code: 0, stdout: '', stderr: 'No results found.\n' });
    }
  });
});

describe('paging ahead', () => {
  const args = ['sessions', 'search', '--any-alerts', '--page-size', '7', '-f', 'json-lines'];

  it('gives the same bytes with --concurrency 1, the default and 16, asking each page once', async () => {
    const expected = jsonLinesOf(expectedSearch(fx.emu, { hasAlerts: null }));
    const pages = Math.ceil(expectedSearch(fx.emu, { hasAlerts: null }).length / 7);
    for (const extra of [['--concurrency', '1'], [], ['--concurrency', '16']]) {
      fx.emu.clearRequests();
      const result = await fx.run([...args, ...extra]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(expected);
      const pageNumbers = searchQueries().map((query) => Number(new URLSearchParams(query).get('page_number')));
      // Every page of the total once (a last, empty page may be asked when the total divides evenly).
      expect(pageNumbers.slice(0, pages)).toEqual([...Array(pages).keys()]);
      expect(new Set(pageNumbers).size).toBe(pageNumbers.length);
    }
  });

  it('rejects --concurrency outside 1-16 and --max-requests-per-minute below 1 before any request', async () => {
    for (const [extra, message] of [
      [['--concurrency', '0'], '--concurrency must be an integer from 1 to 16'],
      [['--concurrency', '17'], '--concurrency must be an integer from 1 to 16'],
      [['--concurrency', '2.5'], '--concurrency must be an integer from 1 to 16'],
      [['--max-requests-per-minute', '0'], '--max-requests-per-minute must be a positive integer'],
    ] as const) {
      const result = await fx.run([...args, ...extra]);
      expect(result.code, extra.join(' ')).toBe(2);
      expect(errorLines(result.stderr)).toEqual([`incydr: ${message}`]);
    }
    expect(apiRequests()).toEqual([]);
  });

  it('--max-requests-per-minute holds requests back (logged at INFO) and Ctrl-C still stops the wait', async () => {
    let stderr = '';
    const result = await fx.runBinary(
      [...args, '--max-requests-per-minute', '2', '--log-level', 'INFO', '--log-stderr'],
      {
        onSpawn: (child) => {
          child.stderr?.on('data', (chunk: Buffer) => {
            stderr += chunk.toString('utf8');
            if (stderr.includes('maxRequestsPerMinute reached')) child.kill('SIGINT');
          });
        },
      },
    );
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/waiting \d+ms before GET \/v1\/sessions: maxRequestsPerMinute reached/);
    // The token call and the first page fill the minute; nothing else went out.
    expect(apiRequests()).toEqual(['POST /v1/oauth', 'GET /v1/sessions']);
  });
});

describe('a reader that goes away', () => {
  it('ends quietly with exit 0 under `| head -n 1` (pipefail)', async () => {
    const expected = expectedSearch(fx.emu, { hasAlerts: null });
    // 300 sessions are far more than a pipe buffer: the binary is still writing when head exits.
    const result = await runShell('set -o pipefail; incydr sessions search --any-alerts -f json-lines | head -n 1', {
      env: fx.env,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${JSON.stringify(expected[0])}\n`);
  });

  it('ends quietly with exit 0 when CSV output is cut short', async () => {
    const result = await runShell(
      'set -o pipefail; incydr sessions search --any-alerts -f csv | head -c 100 >/dev/null',
      {
        env: fx.env,
      },
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
  });
});
