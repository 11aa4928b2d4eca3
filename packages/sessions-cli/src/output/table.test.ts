import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  DEFAULT_FILE_EVENT_TABLE_COLUMNS,
  DEFAULT_FILE_EVENT_TABLE_PRIORITY,
  DEFAULT_SESSION_TABLE_COLUMNS,
  DEFAULT_SESSION_TABLE_PRIORITY,
  createTableFormatter,
  tableCell,
} from './table.js';
import { columnWidths, fitColumns } from './table-layout.js';
import { displayWidth } from './text.js';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../sessions-sdk/test/fixtures/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
const session = fixture('session.json');
const event = fixture('file-event.json');
const ANSI = /\u001b\[/;

const cell = (column: string, record: Record<string, unknown> = session): string =>
  tableCell('session', column, record).text;

describe('tableCell', () => {
  test('shows session times as ISO-8601 UTC', () => {
    expect(cell('begin_time')).toBe('2024-05-07T08:00:00Z');
    expect(cell('end_time')).toBe('2024-05-07T09:12:23Z');
    expect(cell('last_updated')).toBe('2024-05-08T09:20:12Z');
  });

  test('chooses the current state by the latest timestamp, not the array order', () => {
    const states = [
      { sourceTimestamp: 300, state: 'OPEN', stateV2: 'CLOSED_FP' },
      { sourceTimestamp: 100, state: 'OPEN', stateV2: null },
      { sourceTimestamp: 200, state: 'IN_PROGRESS', stateV2: 'IN_PROGRESS' },
    ];
    expect(cell('states', { states })).toBe('CLOSED_FP');
    expect(cell('states')).toBe('SOME_FUTURE_STATE');
  });

  test('summarises scores, notes, triggered alerts and risk indicators', () => {
    expect(cell('scores')).toBe('MODERATE');
    expect(tableCell('session', 'notes', session)).toEqual({ text: '2', numeric: true });
    expect(cell('triggered_alerts')).toBe('1');
    expect(cell('risk_indicators')).toBe('Personal cloud storage upload, Source code');
  });

  test('survives odd shapes without throwing', () => {
    const odd = { states: [null, 'x', { stateV2: 7 }], scores: 'n/a', notes: null, begin_time: 'soon' };
    expect(cell('states', odd)).toBe('');
    expect(cell('scores', odd)).toBe('');
    expect(cell('notes', odd)).toBe('');
    expect(cell('begin_time', { beginTime: 'soon' })).toBe('soon');
  });

  test('joins lists of scalars and writes other nested values as JSON', () => {
    expect(cell('content_inspection_results.detected_on_alerts')).toBe('PII, SOURCE_CODE');
    expect(tableCell('file-event', 'user.groups', event).text).toBe('[{"id":"eng","name":"Engineering"}]');
    expect(tableCell('file-event', 'risk.indicators', event).text).toBe('Personal cloud storage upload, Source code');
  });

  test('keeps escape sequences and line breaks of server text off the terminal', () => {
    expect(cell('context_summary', { contextSummary: 'a\u001b[31mred\nnext\tcol\u202e' })).toBe('a[31mred next col');
  });
});

describe('createTableFormatter', () => {
  test('prints the default session columns with one line per record', () => {
    const table = createTableFormatter({ kind: 'session', columns: DEFAULT_SESSION_TABLE_COLUMNS, width: 500 });
    const header = table.header();
    expect(header.split(/\s+/).filter(Boolean)).toEqual([...DEFAULT_SESSION_TABLE_COLUMNS]);
    const row = table.row(session);
    expect(row.endsWith('\n')).toBe(true);
    expect(row.split('\n')).toHaveLength(2);
    expect(row).toContain('1164850932612410786_1715068800000');
    expect(row).toContain('Ari is on the Departing employee watchlist; activity happened outside usual working hours.');
    expect(row).toContain('SOME_FUTURE_STATE');
  });

  test.each([80, 120, 200])('fits every line into %i cells, marking cut text with …', (width) => {
    const long = { ...session, contextSummary: 'word '.repeat(200), actorName: '名前'.repeat(40) };
    const table = createTableFormatter({
      kind: 'session',
      columns: ['session_id', 'context_summary', 'actor_name', 'notes'],
      width,
    });
    const lines = (table.header() + table.row(long) + table.row(session)).split('\n').filter(Boolean);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(width);
    expect(lines[1]).toContain('…');
  });

  test('aligns columns from the width alone, whatever the rows hold', () => {
    const table = createTableFormatter({ kind: 'session', columns: ['actor_name', 'low_events'], width: 100 });
    const short = table.row({ actorName: 'a', lowEvents: 1 });
    const long = table.row({ actorName: 'x'.repeat(500), lowEvents: 12345 });
    expect(short.length).toBe(long.length);
  });

  test('never truncates numbers', () => {
    const table = createTableFormatter({ kind: 'session', columns: ['notes', 'low_events'], width: 17 });
    const row = table.row({ notes: [], lowEvents: 123456789012 });
    expect(row).toContain('123456789012');
    expect(row.startsWith('    0')).toBe(true);
  });

  test('prints file events with their default columns', () => {
    const table = createTableFormatter({ kind: 'file-event', columns: DEFAULT_FILE_EVENT_TABLE_COLUMNS, width: 300 });
    const row = table.row(event);
    for (const text of [
      '2024-05-07T08:14:21.204Z',
      'file-uploaded',
      'payments-service-main.zip',
      '4831201',
      'Dropbox',
      'CRITICAL',
    ]) {
      expect(row).toContain(text);
    }
  });

  test('writes no ANSI sequences without colour', () => {
    const table = createTableFormatter({ kind: 'session', columns: DEFAULT_SESSION_TABLE_COLUMNS, width: 200 });
    expect(table.header() + table.row(session)).not.toMatch(ANSI);
  });

  test('makes the header bold with colour, and only the header', () => {
    const table = createTableFormatter({
      kind: 'session',
      columns: DEFAULT_SESSION_TABLE_COLUMNS,
      width: 200,
      color: true,
    });
    expect(table.header().startsWith('\u001b[1msession_id')).toBe(true);
    expect(table.row(session)).not.toMatch(ANSI);
  });
});

describe('columnWidths', () => {
  test('uses natural widths, at least the header, without a width limit', () => {
    expect(columnWidths(['session_id', 'moderate_events', 'begin_time'], Number.POSITIVE_INFINITY)).toEqual([
      33, 15, 20,
    ]);
  });

  test('gives spare room to short text by up to half, then to long text up to a cap', () => {
    expect(columnWidths(['session_id', 'states', 'context_summary'], 120)).toEqual([33, 24, 120 - 33 - 24 - 4]);
    expect(columnWidths(['context_summary'], 1000)).toEqual([120]);
  });

  test('shrinks long text before identifiers', () => {
    const [id, summary] = columnWidths(['session_id', 'context_summary'], 50);
    expect(id).toBe(33);
    expect(summary).toBe(15);
  });
});

/** Sessions as the API gives them: ids `<actorId>_<beginTimeMs>`, wide names and emoji in the text. */
const sessions: Record<string, unknown>[] = [
  session,
  {
    ...session,
    sessionId: '1872685422529931562_1713865920152',
    actorId: '1872685422529931562',
    actorName: '山田太郎.ヤマダ@example.co.jp',
    contextSummary: '🚀 長いコンテキストの要約 '.repeat(12),
    exfiltrationSummary: '48 files 📁 to 📦 personal storage '.repeat(5),
    highEvents: 123_456,
  },
  { ...session, sessionId: '1515981509123456789_1713896497668', contextSummary: null, actorName: 'x'.repeat(300) },
];

const sessionTable = (width: number) =>
  createTableFormatter({
    kind: 'session',
    columns: DEFAULT_SESSION_TABLE_COLUMNS,
    priority: DEFAULT_SESSION_TABLE_PRIORITY,
    width,
  });

describe('session ids on narrow terminals', () => {
  test.each([60, 80, 120, 200])('never cuts a session id at %i columns', (width) => {
    const table = sessionTable(width);
    expect(table.columns[0]).toBe('session_id');
    for (const record of sessions) {
      const row = table.row(record);
      expect(row.startsWith(`${String(record['sessionId'])}  `)).toBe(true);
    }
  });

  test.each([60, 80, 120, 200])('fits the header and every row on one line of %i columns', (width) => {
    const table = sessionTable(width);
    const lines = [table.header(), ...sessions.map((record) => table.row(record))];
    for (const line of lines) {
      expect(line.endsWith('\n')).toBe(true);
      expect(line.slice(0, -1)).not.toContain('\n');
      expect(displayWidth(line.slice(0, -1))).toBeLessThanOrEqual(width);
    }
  });

  test('leaves out columns by priority where their minimum widths do not fit, and none at 200 columns', () => {
    expect(sessionTable(80).columns).toEqual(['session_id', 'begin_time', 'actor_name', 'states']);
    expect(sessionTable(80).dropped).toEqual([
      'end_time',
      'context_summary',
      'exfiltration_summary',
      'actor_id',
      'low_events',
      'moderate_events',
      'high_events',
      'notes',
    ]);
    expect(sessionTable(120).columns).toEqual([
      'session_id',
      'begin_time',
      'context_summary',
      'actor_name',
      'high_events',
      'states',
      'notes',
    ]);
    expect(sessionTable(200).columns).toEqual([...DEFAULT_SESSION_TABLE_COLUMNS]);
    expect(sessionTable(200).dropped).toEqual([]);
    expect(sessionTable(Number.POSITIVE_INFINITY).dropped).toEqual([]);
  });

  test('keeps an id longer than its column whole, taking the cells from the text after it', () => {
    const columns = ['session_id', 'context_summary', 'states'];
    const table = createTableFormatter({ kind: 'session', columns, width: 80 });
    const long = { ...session, sessionId: `${'9'.repeat(30)}_1715068800000` };
    const [row = '', normal = ''] = [table.row(long), table.row(session)].map((line) => line.slice(0, -1));
    expect(row).toContain(`${'9'.repeat(30)}_1715068800000`);
    expect(displayWidth(row)).toBeLessThanOrEqual(80);
    // The column after the text column is where it is in every other row.
    expect(row.indexOf('SOME_FUTURE_STATE')).toBe(normal.indexOf('SOME_FUTURE_STATE'));
  });

  test('cuts wide characters whole and marks the cut', () => {
    const row = sessionTable(120).row(sessions[1] ?? {});
    expect(row).toContain('…');
    expect(row).not.toContain('\uFFFD');
    expect(displayWidth(row.slice(0, -1))).toBeLessThanOrEqual(120);
  });
});

describe('file-event tables on narrow terminals', () => {
  const eventId = (event['event'] as Record<string, unknown>)['id'] as string;
  /** An event id as the emulator makes them: `0_<guid>_<userId>_<deviceUid>_<n>`, 85 cells. */
  const LONG_EVENT_ID = '0_d61fd2e9-179b-4cc5-83de-a40b0d0e5866_1872685422529931562_1455190429454056533_262047';

  test.each([60, 80, 120, 200])('fit the default columns on one line of %i columns', (width) => {
    const table = createTableFormatter({
      kind: 'file-event',
      columns: DEFAULT_FILE_EVENT_TABLE_COLUMNS,
      priority: DEFAULT_FILE_EVENT_TABLE_PRIORITY,
      width,
    });
    expect(table.columns[0]).toBe('timestamp');
    for (const line of [table.header(), table.row(event)]) {
      expect(displayWidth(line.slice(0, -1))).toBeLessThanOrEqual(width);
    }
    expect(table.row(event)).toContain('2024-05-07T08:14:21.204Z');
  });

  test.each([60, 80, 120, 200])('never cut or leave out the event id at %i columns', (width) => {
    const long = { ...event, event: { ...(event['event'] as object), id: LONG_EVENT_ID } };
    const table = createTableFormatter({ kind: 'file-event', columns: ['timestamp', 'file.name', 'event.id'], width });
    expect(table.columns).toContain('event.id');
    expect(table.row(event)).toContain(eventId);
    expect(table.row(long)).toContain(LONG_EVENT_ID);
  });
});

describe('fitColumns', () => {
  test('takes the record id first, then the priority order, and lets a narrower later column fit', () => {
    // 33 + 2 + 20 = 55 cells; the summary needs 2 + 12 more, the note count only 2 + 5.
    const columns = ['begin_time', 'context_summary', 'notes', 'session_id'];
    expect(fitColumns(columns, 62, { recordId: 'session_id' })).toEqual({
      shown: ['begin_time', 'notes', 'session_id'],
      dropped: ['context_summary'],
    });
    expect(
      fitColumns(['notes', 'context_summary', 'session_id'], 60, {
        recordId: 'session_id',
        priority: ['context_summary'],
      }),
    ).toEqual({ shown: ['notes', 'context_summary', 'session_id'], dropped: [] });
  });

  test('shows the record id even when it alone is wider than the terminal', () => {
    expect(fitColumns(['session_id', 'states'], 20, { recordId: 'session_id' })).toEqual({
      shown: ['session_id'],
      dropped: ['states'],
    });
  });
});
