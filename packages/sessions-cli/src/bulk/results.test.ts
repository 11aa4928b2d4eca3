import { describe, expect, it } from 'vitest';
import type { RowOutcome } from './apply.js';
import { formatResults, resultsFormatOf } from './results.js';

const outcomes: RowOutcome[] = [
  {
    row: { line: 3, sessionId: 'b', state: 'OPEN' },
    state: 'failed',
    note: 'skipped',
    error: 'not found (HTTP 404): x',
  },
  { row: { line: 2, sessionId: 'a', state: 'CLOSED', note: 'say "hi", then\nleave' }, state: 'ok', note: 'ok' },
  {
    row: { line: 4, sessionId: 'c', state: 'OPEN', note: 'n' },
    state: 'ok',
    note: 'unknown',
    error: 'note outcome unknown: timed out',
  },
];

describe('results', () => {
  it('picks the format by extension', () => {
    expect(resultsFormatOf('out.CSV')).toBe('csv');
    expect(resultsFormatOf('out.jsonl')).toBe('json-lines');
    expect(resultsFormatOf('out.json-lines')).toBe('json-lines');
    expect(resultsFormatOf('out.txt')).toBeUndefined();
  });

  it('writes CSV in line order with RFC 4180 quoting and the outcome of each row', () => {
    expect(formatResults(outcomes, 'csv')).toBe(
      'row,session_id,state,note,outcome,status\r\n2,a,CLOSED,"say ""hi"", then\nleave",ok,ok\r\n3,b,OPEN,,failed,not found (HTTP 404): x\r\n' +
        '4,c,OPEN,n,unknown,note outcome unknown: timed out\r\n',
    );
  });

  it('quotes a note with spaces at its ends, so that a reader that trims fields keeps them', () => {
    const padded: RowOutcome[] = [
      { row: { line: 2, sessionId: 'a', state: 'OPEN', note: ' n ' }, state: 'ok', note: 'ok' },
    ];
    expect(formatResults(padded, 'csv')).toBe('row,session_id,state,note,outcome,status\r\n2,a,OPEN," n ",ok,ok\r\n');
  });

  it('writes JSON Lines', () => {
    expect(
      formatResults(outcomes, 'json-lines')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([
      { row: 2, session_id: 'a', state: 'CLOSED', note: 'say "hi", then\nleave', outcome: 'ok', status: 'ok' },
      { row: 3, session_id: 'b', state: 'OPEN', note: '', outcome: 'failed', status: 'not found (HTTP 404): x' },
      {
        row: 4,
        session_id: 'c',
        state: 'OPEN',
        note: 'n',
        outcome: 'unknown',
        status: 'note outcome unknown: timed out',
      },
    ]);
  });
});
