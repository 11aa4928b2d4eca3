import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { describe, expect, test } from 'vitest';
import { csvColumns, recordPath } from './columns.js';
import { CSV_EOL, createCsvFormatter, csvField, csvRow } from './csv.js';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../sessions-sdk/test/fixtures/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

describe('csvField', () => {
  test.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['carriage\rreturn', '"carriage\rreturn"'],
    ['crlf\r\nend', '"crlf\r\nend"'],
    ['Zoë ✓ 日本語 🚀', 'Zoë ✓ 日本語 🚀'],
    [' padded ', ' padded '],
  ])('writes %j as %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  test('quotes a field with white space at its ends only when asked to', () => {
    expect(csvField(' padded ', { quoteEdgeSpaces: true })).toBe('" padded "');
    expect(csvField('tab\t', { quoteEdgeSpaces: true })).toBe('"tab\t"');
    expect(csvField('in side', { quoteEdgeSpaces: true })).toBe('in side');
    expect(csvField(' say "hi"', { quoteEdgeSpaces: true })).toBe('" say ""hi"""');
  });

  test('writes null and undefined as empty fields', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
  });

  test('writes numbers raw, epoch ms included', () => {
    expect(csvField(1715068800000)).toBe('1715068800000');
    expect(csvField(0)).toBe('0');
    expect(csvField(-1.5)).toBe('-1.5');
    expect(csvField(false)).toBe('false');
  });

  test('writes arrays and objects as compact JSON, quoted', () => {
    expect(csvField(['PII', 'SOURCE_CODE'])).toBe('"[""PII"",""SOURCE_CODE""]"');
    expect(csvField([])).toBe('[]');
    expect(csvField({ a: null })).toBe('"{""a"":null}"');
  });

  test.each([
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(1)', "'@SUM(1)"],
    ['\tx', "'\tx"],
    ['\r=1', `"'\r=1"`],
    ['=1,2', `"'=1,2"`],
    ['=say "hi"', `"'=say ""hi"""`],
  ])('with escapeFormulas writes %j as %j', (value, expected) => {
    expect(csvField(value, { escapeFormulas: true })).toBe(expected);
    // Off by default: the data stays exact.
    expect(csvField(value)).toBe(csvField(value, { escapeFormulas: false }));
    expect(csvField(value)).not.toMatch(/^"?'/);
  });

  test('with escapeFormulas changes only text that starts like a formula: numbers, other text and JSON stay', () => {
    const options = { escapeFormulas: true };
    expect(csvField('-1.5', options)).toBe("'-1.5");
    expect(csvField(-1.5, options)).toBe('-1.5');
    expect(csvField('a=1', options)).toBe('a=1');
    expect(csvField(' =1', options)).toBe(' =1');
    expect(csvField(['=1'], options)).toBe('"[""=1""]"');
    expect(csvField(null, options)).toBe('');
  });

  test('ends rows with CRLF', () => {
    expect(csvRow(['a', 1, null])).toBe(`a,1,${CSV_EOL}`);
  });
});

describe('createCsvFormatter', () => {
  test('writes the header from the columns and each field from the path at the same position', () => {
    const csv = createCsvFormatter(['timestamp', 'file.name'], ['@timestamp', 'file.name']);
    expect(csv.header()).toBe(`timestamp,file.name${CSV_EOL}`);
    expect(csv.row({ '@timestamp': 'T', file: { name: 'a.txt' } })).toBe(`T,a.txt${CSV_EOL}`);
  });

  test('writes values that parse back to the record (RFC 4180 round trip)', () => {
    const event = fixture('file-event.json');
    const odd = {
      ...event,
      file: { ...(event['file'] as object), name: 'report "Q1", final\r\nv2 — ünïcödé.xlsx' },
    };
    const columns = csvColumns('file-event');
    const csv = createCsvFormatter(
      columns,
      columns.map((column) => recordPath('file-event', column)),
    );
    const text = csv.header() + csv.row(event) + csv.row(odd);
    const parsed = Papa.parse<Record<string, string>>(text, { header: true, newline: '\r\n', skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    const [first, second] = parsed.data;
    expect(first?.['timestamp']).toBe('2024-05-07T08:14:21.204Z');
    expect(first?.['file.size_in_bytes']).toBe('4831201');
    expect(first?.['file.hash.sha256']).toBe('ded96d69c63754472efc4aa86fed68d4e17784b38089851cfa84e699e48b4155');
    expect(first?.['report.id']).toBe('');
    expect(JSON.parse(first?.['source.private_ip'] ?? '')).toEqual(['10.20.4.117', '127.0.0.1']);
    expect(second?.['file.name']).toBe('report "Q1", final\r\nv2 — ünïcödé.xlsx');
  });

  test('neutralises formula cells of every row with escapeFormulas, and they parse back with the quote', () => {
    const csv = createCsvFormatter(['name', 'size'], ['name', 'size'], { escapeFormulas: true });
    const text = csv.header() + csv.row({ name: '=HYPERLINK("http://evil.example","x")', size: -3 });
    const parsed = Papa.parse<string[]>(text, { newline: '\r\n', skipEmptyLines: true });
    expect(parsed.data).toEqual([
      ['name', 'size'],
      [`'=HYPERLINK("http://evil.example","x")`, '-3'],
    ]);
  });

  test('leaves a missing column empty and writes an object under a column that was null in the first record', () => {
    const csv = createCsvFormatter(['a', 'report', 'b.c']);
    expect(csv.row({ report: { id: 'r1', count: 2 }, b: {} })).toBe(`,"{""id"":""r1"",""count"":2}",${CSV_EOL}`);
  });
});
