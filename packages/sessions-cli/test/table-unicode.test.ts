// The table with wide text (issue 17): the emulator's records with CJK, Hangul and emoji (ZWJ sequences, skin tones,
// flags, VS16) in their names and summaries, printed as `-f table` at 60, 80 and 120 columns, and measured with
// string-width (an implementation independent of the CLI's own displayWidth): every line fits, ids are whole, each
// column starts at the same cell on every line, and a cut cell is a whole-grapheme prefix of its value ending in `…`.
import type { Emulator } from '@x/sessions-emulator';
import { Client } from '@x/sessions-sdk';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as search } from '../src/commands/sessions/search.js';
import { run as showEvents } from '../src/commands/sessions/show-events.js';
import type { Context } from '../src/context.js';
import { onTerminal as runOnTerminal } from './helpers/on-terminal.js';
import { startRewritingProxy, type RewritingProxy } from './helpers/rewriting-proxy.js';
import { BUILD_TIMEOUT_MS, EMULATOR_NOW, ensureBuilt, lines } from './helpers/run.js';
import { expectedSearch, fileEventsOf, type ApiRecord } from './helpers/sessions.js';

const ACTOR_NAMES = ['山田太郎@例え.jp', '김민준👨‍👩‍👧@example.kr', '🚀ロケット.チーム@例え.jp', 'zoë☀️⚡@example.com'];
const CONTEXT_SUMMARIES = [
  '한국어 요약 🎉 파일 유출 👍🏽 확인 필요 ☀️ 팀 🇯🇵 👨‍💻 개발자 노트북에서 개인 클라우드로 업로드했습니다',
  '山田さん（人事部）は監視リスト🚨に載っています；これは初めての持ち出しです🙇‍♂️',
  'Ана 🧑🏽‍💻 (ИТ) 사용자: ✈️ 출장 중 🛫 ファイル移動 🔥🔥🔥',
];
const EXFILTRATION_SUMMARIES = [
  '📁🎉 ファイル 12 件を個人の OneDrive にアップロード 🫠 確認してください',
  '7 个文件 (71.3 MB) 上传到个人网盘 ☁️📤',
  '❤️‍🔥 24 파일 (189.5 MB) 공개 링크로 공유됨 🔗🌏',
];
const FILE_NAMES = [
  '📁🎉報告書_最終版_👩‍👩‍👧‍👦.pdf',
  '⚡️충전_계획_🔋.xlsx',
  '設計図面🚀_v2_完成版_社外秘_🇯🇵.dwg',
  '1️⃣_목록.txt',
];
const DIRECTORIES = ['/Users/山田/書類/🎉お祝い/', '/home/김민준/문서/📁/', 'C:\\Users\\王芳\\桌面\\🧧\\'];

/** One of `texts`, chosen by the last digit of an id, so that the test knows which record carries which. */
const pick = (texts: readonly string[], id: string): string => texts[Number(id.at(-1)) % texts.length] ?? '';

/** A session with wide text in its actor name and summaries. */
function widen(session: ApiRecord): ApiRecord {
  const id = String(session['sessionId']);
  return {
    ...session,
    actorName: pick(ACTOR_NAMES, id),
    contextSummary: pick(CONTEXT_SUMMARIES, id),
    exfiltrationSummary: pick(EXFILTRATION_SUMMARIES, id),
  };
}

/** A file event with a wide file name and directory. */
function widenEvent(event: ApiRecord): ApiRecord {
  const id = String((event['event'] as ApiRecord)['id']);
  const file = event['file'] as ApiRecord;
  return { ...event, file: { ...file, name: pick(FILE_NAMES, id), directory: pick(DIRECTORIES, id) } };
}

/** The API's answers with wide text: search pages, one session, a session's file events. */
function rewrite(path: string, body: unknown): unknown {
  const record = body as ApiRecord;
  if (path === '/v1/sessions' && Array.isArray(record['items'])) {
    return { ...record, items: (record['items'] as ApiRecord[]).map(widen) };
  }
  if (/^\/v1\/sessions\/[^/]+\/events$/.test(path)) {
    const result = record['queryResult'] as ApiRecord;
    return { ...record, queryResult: { ...result, fileEvents: (result['fileEvents'] as ApiRecord[]).map(widenEvent) } };
  }
  if (/^\/v1\/sessions\/[^/]+$/.test(path)) return widen(record);
  return body;
}

const graphemes = (text: string): string[] =>
  [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)].map((part) => part.segment);

/**
 * The text of a line between cells `from` and `to` (string-width's count), or an error when a grapheme straddles
 * either edge (the line's cells are not where the header says).
 */
function cellsBetween(line: string, from: number, to: number): string {
  let column = 0;
  let text = '';
  for (const grapheme of graphemes(line)) {
    const end = column + stringWidth(grapheme);
    if ((column < from && end > from) || (column < to && end > to)) {
      throw new Error(`a grapheme straddles cell ${column < from ? from : to} of ${JSON.stringify(line)}`);
    }
    if (column >= from && end <= to) text += grapheme;
    column = end;
  }
  return text;
}

/** Where each header name starts, in cells (headers are ASCII names without blanks). */
function headerColumns(header: string): { name: string; start: number }[] {
  return [...header.matchAll(/\S+/g)].map((match) => ({ name: match[0], start: match.index }));
}

/**
 * The cells of every row, by header name: each column runs from its header's start to the next header's start less
 * the two-cell gap (the last to the end of the line).
 */
function cellsOf(output: string): { header: string; rows: Record<string, string>[] } {
  const [header = '', ...rows] = lines(output);
  const columns = headerColumns(header);
  return {
    header,
    rows: rows.map((row) =>
      Object.fromEntries(
        columns.map((column, index) => {
          const next = columns[index + 1];
          return [column.name, cellsBetween(row, column.start, next === undefined ? Infinity : next.start - 2)];
        }),
      ),
    ),
  };
}

/** `cell` shows `value` whole, or a whole-grapheme prefix of it ending in `…`; both within `width` cells. */
function expectShows(cell: string, value: string, what: string): void {
  const shown = cell.trimEnd();
  // In a `u` pattern a paired surrogate is one code point: only a lone half matches.
  expect(/\p{Surrogate}/u.test(shown), `${what}: a lone surrogate in ${JSON.stringify(shown)}`).toBe(false);
  if (shown === value) return;
  expect(shown.endsWith('…'), `${what}: ${JSON.stringify(shown)} is cut and ends with …`).toBe(true);
  const prefix = graphemes(shown).slice(0, -1);
  expect(graphemes(value).slice(0, prefix.length), `${what}: ${JSON.stringify(shown)} starts ${value}`).toEqual(prefix);
}

let emu: Emulator;
let proxy: RewritingProxy;

beforeAll(async () => {
  await ensureBuilt();
  const { startEmulator } = await import('@x/sessions-emulator');
  emu = await startEmulator({ host: '127.0.0.1', port: 0, sessions: 60, seed: 42, now: EMULATOR_NOW });
  proxy = await startRewritingProxy(emu.url, rewrite);
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await proxy?.close();
  await emu?.close();
});

/** Run a command as on a terminal `width` columns wide, against the proxy; its stdout as text. */
async function onTerminal(width: number, command: (ctx: Context) => Promise<void>): Promise<string> {
  const client = (): Client =>
    new Client({ url: proxy.url, apiClientId: emu.clientId, apiClientSecret: emu.clientSecret, env: {} });
  return (await runOnTerminal(width, client, command)).stdout;
}

const WIDTHS = [60, 80, 120];

describe('sessions search -f table with CJK, Hangul and emoji', () => {
  // At 60 columns the default columns leave only the id and the begin time: no text to measure.
  it.each([80, 120])('fits every line of the default columns into %i cells by string-width', async (width) => {
    const output = await onTerminal(width, (ctx) => search({}, ctx));
    expect(lines(output).length).toBe(expectedSearch(emu).length + 1);
    for (const line of lines(output)) expect(stringWidth(line), line).toBeLessThanOrEqual(width);
  });

  it.each(WIDTHS)('keeps ids whole and cuts the wide text at whole graphemes with … at %i columns', async (width) => {
    const expected = expectedSearch(emu);
    const columns = 'session_id,actor_name,context_summary,exfiltration_summary';
    const output = await onTerminal(width, (ctx) => search({ columns }, ctx));
    const { header, rows } = cellsOf(output);
    expect(header.startsWith('session_id ')).toBe(true);
    expect(headerColumns(header).length).toBeGreaterThanOrEqual(2);
    expect(rows).toHaveLength(expected.length);
    rows.forEach((row, index) => {
      const sessionId = expected[index]?.sessionId ?? '?';
      expect(row['session_id']?.trimEnd()).toBe(sessionId);
      const wide = widen({ sessionId });
      for (const [name, field] of [
        ['actor_name', 'actorName'],
        ['context_summary', 'contextSummary'],
        ['exfiltration_summary', 'exfiltrationSummary'],
      ] as const) {
        const cell = row[name];
        if (cell !== undefined) expectShows(cell, String(wide[field]), `${sessionId} ${name}`);
      }
    });
    for (const line of lines(output)) expect(stringWidth(line), line).toBeLessThanOrEqual(width);
  });
});

describe('sessions show-events -f table with wide file names', () => {
  let sessionId: string;
  let events: ApiRecord[];

  beforeAll(async () => {
    sessionId = expectedSearch(emu)[0]?.sessionId ?? '';
    events = (await fileEventsOf(emu, sessionId)).map(widenEvent);
    expect(events.length).toBeGreaterThan(0);
  });

  it.each(WIDTHS)('fits every line into %i cells and cuts file names at whole graphemes', async (width) => {
    const columns = 'timestamp,file.name,file.directory,event.action';
    const output = await onTerminal(width, (ctx) => showEvents({ sessionId, columns }, ctx));
    const { header, rows } = cellsOf(output);
    expect(header.startsWith('timestamp ')).toBe(true);
    expect(rows).toHaveLength(events.length);
    rows.forEach((row, index) => {
      const file = events[index]?.['file'] as ApiRecord;
      for (const [name, field] of [
        ['file.name', 'name'],
        ['file.directory', 'directory'],
      ] as const) {
        const cell = row[name];
        if (cell !== undefined) expectShows(cell, String(file[field]), `event ${index} ${name}`);
      }
    });
    for (const line of lines(output)) expect(stringWidth(line), line).toBeLessThanOrEqual(width);
  });
});
