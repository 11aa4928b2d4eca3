import { describe, expect, it } from 'vitest';
import { SESSION_STATES } from '@x/sessions-sdk/model';
import { readRows } from './read.js';
import type { BulkFormat } from './types.js';

const read = (text: string, format: BulkFormat = 'csv', overrides = {}) =>
  readRows(Buffer.from(text), format, SESSION_STATES, overrides);

describe('readRows (CSV)', () => {
  it('parses quoted commas and newlines, trims headers, skips blank lines, ignores other columns', () => {
    const text =
      ' session_id ,extra, status ,note\r\n\r\ns1,x,open,"a, b"\n\n  \ns2,y,Closed_FP,"line 1\nline ""2"""\n';
    expect(read(text)).toEqual({
      ok: false,
      errors: [{ line: 1, message: 'the header lacks the required column state (or give --state)' }],
    });
    const fixed = text.replace(' status ', ' State ');
    expect(read(fixed)).toEqual({
      ok: true,
      rows: [
        { line: 3, sessionId: 's1', state: 'OPEN', note: 'a, b' },
        { line: 6, sessionId: 's2', state: 'CLOSED_FP', note: 'line 1\nline "2"' },
      ],
    });
  });

  it('accepts the sessionId alias and the --state and --note overrides', () => {
    expect(read('sessionId\ns1\n', 'csv', { state: 'CLOSED', note: 'n' })).toEqual({
      ok: true,
      rows: [{ line: 2, sessionId: 's1', state: 'CLOSED', note: 'n' }],
    });
  });

  it('reports every invalid row with its line', () => {
    const text = `session_id,state,note\ns1,open,\n,open,x\ns3,nope,x\ns4,open,${'é'.repeat(2001)}\ns5,open,"broken\n`;
    const result = read(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => error.line)).toEqual([3, 4, 5, 6]);
    expect(result.errors.map((error) => error.message)).toEqual([
      'empty session_id',
      expect.stringContaining('unknown state "nope"'),
      'the note is 2001 characters long; the limit is 2000',
      expect.stringContaining('broken CSV quoting'),
    ]);
  });

  it('treats an empty note cell as a row without a note', () => {
    expect(read('session_id,state,note\ns1,open,\ns2,open,  \n')).toEqual({
      ok: true,
      rows: [
        { line: 2, sessionId: 's1', state: 'OPEN' },
        { line: 3, sessionId: 's2', state: 'OPEN' },
      ],
    });
  });

  it('accepts a note of exactly 2000 code points', () => {
    expect(read(`session_id,state,note\ns1,open,${'🦊'.repeat(2000)}\n`).ok).toBe(true);
  });

  it('rejects an empty input and a missing session_id column', () => {
    expect(read('')).toMatchObject({ ok: false, errors: [{ line: 1 }] });
    expect(read('\n\nid,state\na,open\n')).toMatchObject({
      ok: false,
      errors: [{ line: 3, message: expect.stringContaining('session_id') }],
    });
  });

  it('rejects one session sent to two states', () => {
    expect(read('session_id,state\ns1,open\ns1,closed\n')).toMatchObject({ ok: false, errors: [{ line: 3 }] });
  });

  it('refuses a row with more cells than the header (an unquoted comma in a note), naming its line', () => {
    const text =
      'session_id,state,note\ns1,CLOSED_FP,"Approved by HR, ticket 4711"\ns2,CLOSED_FP,Approved by HR, ticket 4711\ns3,open\n';
    expect(read(text)).toEqual({
      ok: false,
      errors: [
        { line: 3, message: '4 cells but the header has 3: put a cell that holds a comma in double quotes ("a, b")' },
      ],
    });
    expect(read(text, 'csv', { note: 'one note for all' })).toMatchObject({ ok: false, errors: [{ line: 3 }] });
  });

  it('refuses the ids . and .., control and bidi characters, as show and update do', () => {
    const ids = ['.', ' .. ', 'a\u001b[2Jb', 'a\u0007', 'a\u0000', 'a\u009b', 'a\u202eb', 'a\u2067b'];
    const text = `session_id,state\nok-1,open\n${ids.map((id) => `"${id}",open`).join('\n')}\nok-2,open\n`;
    const result = read(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => error.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(result.errors[0]?.message).toBe('invalid session_id ".": a URL path reads it as the current directory');
    expect(result.errors[1]?.message).toBe('invalid session_id "..": a URL path reads it as the parent directory');
    expect(result.errors[2]?.message).toBe(
      'invalid session_id "a\\u001b[2Jb": it holds the control or invisible character U+001B',
    );
    expect(result.errors[6]?.message).toBe(
      'invalid session_id "a\\u202eb": it holds the control or invisible character U+202E',
    );
    // No message carries the raw character to the terminal.
    for (const error of result.errors)
      expect(error.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u);
  });

  it('numbers the lines of 100,000 rows right, errors near the end included, in one pass', () => {
    // Blank lines, CRLF and a quoted note over two lines on every 1,000th row: each adds to the line numbers.
    const rows = Array.from({ length: 100_000 }, (_, i) =>
      i % 1000 === 999 ? `id-${i},open,"two\r\nlines"` : `id-${i},open,n${i}`,
    );
    rows[99_998] = 'id-99998,opened,x';
    rows[99_999] = 'id-99999,open,a, b';
    const text = `session_id,state,note\r\n\r\n${rows.join('\r\n')}\r\n`;
    const result = read(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    // Row i (0-based) starts on line 3 + i + the two-line notes before it (99 of them before row 99,998).
    expect(result.errors.map((error) => error.line)).toEqual([3 + 99_998 + 99, 3 + 99_999 + 99]);
    expect(result.errors[0]?.message).toMatch(/^unknown state "opened"/);
    expect(result.errors[1]?.message).toMatch(/^4 cells but the header has 3/);
  });

  it('does not repeat a 10 MB id or state whole in its messages', () => {
    const huge = 'x'.repeat(10_000_000);
    const result = read(`session_id,state\n${huge},open\nid-1,${huge}\n`);
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          line: 2,
          message: `invalid session_id "${'x'.repeat(60)}…" (10,000,000 characters): it is longer than 4096 characters`,
        },
        {
          line: 3,
          message: expect.stringMatching(/^unknown state "x{60}…" \(10,000,000 characters\): choose from OPEN,/),
        },
      ],
    });
  });
});

describe('readRows (JSON Lines)', () => {
  it('reads objects by key and skips blank lines', () => {
    const text = '{"sessionId":"s1","state":"open","x":1}\n\n{"session_id":"s2","state":"CLOSED","note":"n"}\r\n';
    expect(read(text, 'json-lines')).toEqual({
      ok: true,
      rows: [
        { line: 1, sessionId: 's1', state: 'OPEN' },
        { line: 3, sessionId: 's2', state: 'CLOSED', note: 'n' },
      ],
    });
  });

  it('reports broken JSON, non-objects and wrong types', () => {
    const text = '{"sessionId":"s1"\n[]\n"x"\n{"sessionId":5,"state":"open"}\n{"__proto__":"s","state":"open"}\n';
    const result = read(text, 'json-lines');
    expect(result).toMatchObject({
      ok: false,
      errors: [
        { line: 1, message: expect.stringContaining('broken JSON') },
        { line: 2, message: 'expected a JSON object, got an array' },
        { line: 3, message: 'expected a JSON object, got string' },
        { line: 4, message: 'session_id must be a string, got 5' },
        { line: 5, message: 'missing session_id' },
      ],
    });
  });

  it('names the line of JSON nested deeper than 100 levels, and of a note nested thousands deep, without overflowing', () => {
    const deep = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const text = [
      `{"session_id":"s1","state":"open","extra":${deep(99)}}`,
      `{"session_id":"s2","state":"open","note":${deep(100_000)}}`,
      deep(1_000_000),
      `{"session_id":"s4","state":"open","note":"[[[${'['.repeat(500)}"}`,
      `{"session_id":{"a":${deep(50)}},"state":"open"}`,
    ].join('\n');
    expect(read(text, 'json-lines')).toEqual({
      ok: false,
      errors: [
        { line: 2, message: 'JSON nested more than 100 levels deep' },
        { line: 3, message: 'JSON nested more than 100 levels deep' },
        { line: 5, message: 'session_id must be a string, got an object' },
      ],
    });
  });

  it("shows control characters in the parser's message as escapes", () => {
    const result = read('\u202e{"session_id":"s1"}\n', 'json-lines');
    expect(result).toMatchObject({ ok: false, errors: [{ line: 1, message: expect.stringContaining('\\u202e') }] });
    if (!result.ok) expect(result.errors[0]?.message).not.toContain('\u202e');
  });
});
