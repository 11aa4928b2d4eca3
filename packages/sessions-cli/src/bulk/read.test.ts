import { describe, expect, it } from 'vitest';
import { SESSION_STATES } from '../options/filters.js';
import { readRows } from './read.js';
import type { BulkFormat } from './types.js';

const read = (text: string, format: BulkFormat = 'csv', overrides = {}) => readRows(Buffer.from(text), format, SESSION_STATES, overrides);

describe('readRows (CSV)', () => {
  it('parses quoted commas and newlines, trims headers, skips blank lines, ignores other columns', () => {
    const text = ' session_id ,extra, status ,note\r\n\r\ns1,x,open,"a, b"\n\n  \ns2,y,Closed_FP,"line 1\nline ""2"""\n';
    expect(read(text)).toEqual({ ok: false, errors: [{ line: 1, message: 'the header lacks the required column state (or give --state)' }] });
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
    expect(read('\n\nid,state\na,open\n')).toMatchObject({ ok: false, errors: [{ line: 3, message: expect.stringContaining('session_id') }] });
  });

  it('rejects one session sent to two states', () => {
    expect(read('session_id,state\ns1,open\ns1,closed\n')).toMatchObject({ ok: false, errors: [{ line: 3 }] });
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
});
