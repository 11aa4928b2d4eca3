// `incydr sessions show` and `show-events` against the emulator (cli.md §2, §3), command lines run in-process through
// the real parser.
import Papa from 'papaparse';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run as show } from '../src/commands/sessions/show.js';
import { run as showEvents } from '../src/commands/sessions/show-events.js';
import { exitOf, inProcess } from './helpers/in-process.js';
import { BUILD_TIMEOUT_MS, errorLines, lines, startFixture, type Fixture } from './helpers/run.js';
import {
  ANSI,
  apiValue,
  csvCell,
  currentState,
  dumpOf,
  fileEventsOf,
  iso,
  pythonColumns,
  type ApiRecord,
} from './helpers/sessions.js';

let fx: Fixture;
/** A session with alerts, notes and several states: the card has something in every section. */
let sessionId: string;
/** A session without alerts (no file events: the API answers 404). */
let withoutAlerts: string;
let events: ApiRecord[];

beforeAll(async () => {
  fx = await startFixture();
  const sessions = fx.emu.state().sessions.map((dump) => dump.session);
  const rich = sessions.find((s) => s.triggeredAlerts.length > 0 && s.notes.length > 0 && s.states.length > 1);
  const bare = sessions.find((s) => s.triggeredAlerts.length === 0);
  if (rich === undefined || bare === undefined)
    throw new Error('the emulator data lacks the sessions these tests need');
  sessionId = rich.sessionId;
  withoutAlerts = bare.sessionId;
  events = await fileEventsOf(fx.emu, sessionId);
  if (events.length < 2)
    throw new Error(`session ${sessionId} has ${events.length} file events; the tests need 2 or more`);
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await fx?.close();
});

beforeEach(() => {
  fx.emu.clearRequests();
});

describe('sessions show', () => {
  it('prints a card with the id, the current state and ISO-8601 UTC times', async () => {
    const session = dumpOf(fx.emu, sessionId).session;
    const result = await fx.run(['sessions', 'show', sessionId]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(sessionId);
    expect(result.stdout).toMatch(new RegExp(`Current state:\\s+${currentState(session)}\\n`));
    for (const time of [session.beginTime, session.endTime, session.firstObserved, session.lastUpdated]) {
      expect(result.stdout).toContain(iso(time).ms);
    }
    // Nested lists as sub-sections: every note's text is there.
    for (const note of session.notes) expect(result.stdout.replace(/\s+/g, ' ')).toContain(note.content);
    expect(result.stdout).not.toMatch(ANSI);
    expect(fx.emu.requests().map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v1/oauth',
      `GET /v1/sessions/${sessionId}`,
    ]);
  });

  it('prints the API object byte for byte with -f json-pretty and -f json-lines', async () => {
    const session = dumpOf(fx.emu, sessionId).session;
    const pretty = await fx.run(['sessions', 'show', sessionId, '-f', 'json-pretty']);
    expect(pretty).toMatchObject({ code: 0, stderr: '', stdout: `${JSON.stringify(session, null, 2)}\n` });
    const compact = await fx.run(['sessions', 'show', sessionId, '--format', 'json-lines']);
    expect(compact).toMatchObject({ code: 0, stderr: '', stdout: `${JSON.stringify(session)}\n` });
  });

  it('prints JSON Lines by default when INCYDR_USE_RICH=false', async () => {
    const session = dumpOf(fx.emu, sessionId).session;
    const result = await fx.run(['sessions', 'show', sessionId], { extraEnv: { INCYDR_USE_RICH: 'false' } });
    expect(result).toMatchObject({ code: 0, stdout: `${JSON.stringify(session)}\n` });
  });

  it('exits 1 with the server message for an unknown id', async () => {
    const result = await fx.run(['sessions', 'show', 'no-such-session']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain('Session not found: no-such-session');
    expect(result.stderr).toContain('404');
  });

  it('trims an id cut from CRLF output or a spreadsheet, and refuses one with control characters inside', async () => {
    const session = dumpOf(fx.emu, sessionId).session;
    const trimmed = await fx.run(['sessions', 'show', ` ${sessionId}\r`, '-f', 'json-lines']);
    expect(trimmed).toMatchObject({ code: 0, stdout: `${JSON.stringify(session)}\n` });
    fx.emu.clearRequests();
    for (const id of ['  ', 'a\rb']) {
      const result = await fx.run(['sessions', 'show', id]);
      expect(result.code).toBe(2);
      expect(errorLines(result.stderr)[0]).toMatch(
        /^incydr: invalid SESSION_ID ".*": it (is empty|holds the control or invisible character U\+000D)$/,
      );
    }
    expect(fx.emu.requests()).toEqual([]);
  });

  it('refuses the ids . and .., C1 controls and bidi controls before any request, as show-events does (in process)', async () => {
    for (const id of ['.', '..', ' .. ', 'a\u009bb', 'a\u0085', 'a\u202eb', 'a\u2066b\u2069', 'a\u001b[2J']) {
      for (const command of [show, showEvents]) {
        const io = inProcess(fx.emu);
        const result = await exitOf(command({ sessionId: id }, io.ctx));
        expect(result, JSON.stringify(id)).toEqual({
          code: 2,
          message: expect.stringMatching(/^invalid SESSION_ID ".+": (a URL path reads|it holds)/),
        });
        expect(result.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u);
      }
    }
    expect(fx.emu.requests()).toEqual([]);
  });

  it('sends an id with a slash as one encoded path segment', async () => {
    const result = await fx.run(['sessions', 'show', 'a/b?c#d']);
    expect(result.code).toBe(1);
    expect(fx.emu.requests().at(-1)?.path).toBe('/v1/sessions/a%2Fb%3Fc%23d');
    expect(result.stderr).toContain('Session not found: a/b?c#d');
  });
});

describe('sessions show-events', () => {
  it('prints a table of the events with the default columns', async () => {
    const result = await fx.run(['sessions', 'show-events', sessionId]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [header = '', ...rows] = lines(result.stdout);
    // Names may be cut to the column width (with …): search.test.ts covers full width off a terminal.
    const names = header.split(/\s+/).map((name) => name.replace(/…$/, ''));
    expect(names[0]).toBe('timestamp');
    expect('event.action'.startsWith(names[1] ?? '?')).toBe(true);
    expect('file.name'.startsWith(names[2] ?? '?')).toBe(true);
    expect(rows).toHaveLength(events.length);
    rows.forEach((row, index) => expect(row.startsWith(String(events[index]?.['@timestamp']))).toBe(true));
    expect(result.stdout).not.toMatch(ANSI);
    expect(fx.emu.requests().map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v1/oauth',
      `GET /v1/sessions/${sessionId}/events`,
    ]);
  });

  it('prints the API events byte for byte as JSON Lines and as pretty JSON', async () => {
    const compact = await fx.run(['sessions', 'show-events', sessionId, '-f', 'json-lines']);
    expect(compact).toMatchObject({ code: 0, stderr: '' });
    expect(compact.stdout).toBe(events.map((event) => `${JSON.stringify(event)}\n`).join(''));
    const pretty = await fx.run(['sessions', 'show-events', sessionId, '-f', 'json-pretty']);
    expect(pretty).toMatchObject({ code: 0, stderr: '' });
    expect(pretty.stdout).toBe(events.map((event) => `${JSON.stringify(event, null, 2)}\n`).join(''));
  });

  it("prints CSV with the Python CLI's header (timestamp, …) and raw values", async () => {
    const result = await fx.run(['sessions', 'show-events', sessionId, '-f', 'csv']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const { fileEvent: columns } = await pythonColumns();
    const parsed = Papa.parse<string[]>(result.stdout, { skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    const [header = [], ...rows] = parsed.data;
    expect(header).toEqual(columns.map(([name]) => name));
    expect(result.stdout.startsWith('timestamp,destination.account_name,')).toBe(true);
    expect(rows).toHaveLength(events.length);
    rows.forEach((row, index) => {
      expect(row).toEqual(columns.map(([, apiPath]) => csvCell(apiValue(events[index], apiPath))));
    });
  });

  it('still takes the API spellings @timestamp and source.email.from in --columns', async () => {
    const columns = '@timestamp,source.email.from,file.name';
    const csv = await fx.run(['sessions', 'show-events', sessionId, '-f', 'csv', '--columns', columns]);
    expect(csv).toMatchObject({ code: 0, stderr: '' });
    expect(Papa.parse<string[]>(csv.stdout, { skipEmptyLines: true }).data).toEqual([
      ['timestamp', 'source.email.from_', 'file.name'],
      ...events.map((event) => [
        event['@timestamp'],
        csvCell(apiValue(event, 'source.email.from')),
        apiValue(event, 'file.name'),
      ]),
    ]);
  });

  it('prints only the --columns asked for, in the table and in CSV', async () => {
    const names = events.map((event) => [
      (event['file'] as ApiRecord)['name'],
      (event['event'] as ApiRecord)['action'],
    ]);
    const table = await fx.run(['sessions', 'show-events', sessionId, '--columns', 'file.name,event.action']);
    expect(table.code).toBe(0);
    const [header = '', ...rows] = lines(table.stdout);
    expect(header.split(/\s+/)).toEqual(['file.name', 'event.action']);
    expect(rows.map((row) => row.split(/\s{2,}/))).toEqual(names);
    const csv = await fx.run([
      'sessions',
      'show-events',
      sessionId,
      '-f',
      'csv',
      '--columns',
      'file.name,event.action',
    ]);
    expect(csv.code).toBe(0);
    expect(Papa.parse<string[]>(csv.stdout, { skipEmptyLines: true }).data).toEqual([
      ['file.name', 'event.action'],
      ...names,
    ]);
  });

  it('ignores --columns with the JSON formats and says so in one line on stderr', async () => {
    for (const format of ['json-lines', 'json-pretty']) {
      const result = await fx.run(['sessions', 'show-events', sessionId, '-f', format, '--columns', 'file.name']);
      expect(result.code).toBe(0);
      const indent = format === 'json-pretty' ? 2 : undefined;
      expect(result.stdout).toBe(events.map((event) => `${JSON.stringify(event, null, indent)}\n`).join(''));
      expect(lines(result.stderr)).toEqual([
        `incydr: warning: --columns is ignored with -f ${format}: it applies to the table and csv formats`,
      ]);
    }
  });

  it('exits 1 with a message for a session without alerts', async () => {
    for (const format of ['table', 'json-lines']) {
      const result = await fx.run(['sessions', 'show-events', withoutAlerts, '-f', format]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      const [message = '', ...more] = errorLines(result.stderr);
      expect(more).toEqual([]);
      expect(message).toMatch(/^incydr: /);
      expect(message).toContain(withoutAlerts);
      expect(message).toContain('404');
    }
  });

  it('exits 1 with the server message for an unknown id', async () => {
    const result = await fx.run(['sessions', 'show-events', 'no-such-session', '-f', 'json-lines']);
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain('Session not found: no-such-session');
  });
});
