// Text to raw rows with line numbers: CSV (RFC 4180, through papaparse) or JSON Lines. No validation of values.
import Papa from 'papaparse';
import { countLines } from './decode.js';
import type { BulkFormat, ParsedInput, RawRow, RowError } from './types.js';

type Field = 'sessionId' | 'state' | 'note';

/** Column names and JSON keys, trimmed and compared case-insensitively (`session_id` or `sessionId`). */
const FIELDS = new Map<string, Field>([
  ['session_id', 'sessionId'],
  ['sessionid', 'sessionId'],
  ['state', 'state'],
  ['note', 'note'],
]);

/** Parse decoded input into rows; blank lines are skipped, other columns and keys ignored. */
export function parseInput(text: string, format: BulkFormat): ParsedInput {
  return format === 'csv' ? parseCsv(text) : parseJsonLines(text);
}

function parseCsv(input: string): ParsedInput {
  // papaparse takes one line ending, guessed from the first row: files that mix CRLF and LF must be made uniform.
  const text = input.replaceAll('\r\n', '\n');
  const rows: RawRow[] = [];
  const errors: RowError[] = [];
  let header: ParsedInput['header'];
  let columns: Array<Field | undefined> = [];
  let previousCursor = 0;
  Papa.parse<string[]>(text, {
    delimiter: ',',
    quoteChar: '"',
    newline: '\n',
    skipEmptyLines: 'greedy',
    step(result) {
      // Skipped blank lines sit between the previous row and this one: the row starts at the first non-blank.
      let start = previousCursor;
      while (start < text.length && /\s/.test(text[start] ?? '')) start += 1;
      previousCursor = result.meta.cursor;
      const line = countLines(text, start);
      if (result.errors.length > 0) {
        const reasons = [...new Set(result.errors.map((error) => error.message))].join('; ');
        errors.push({ line, message: `broken CSV quoting: ${reasons}` });
        return;
      }
      const cells = result.data;
      if (header === undefined) {
        columns = cells.map((name) => FIELDS.get(name.trim().toLowerCase()));
        header = { line, sessionId: columns.includes('sessionId'), state: columns.includes('state'), note: columns.includes('note') };
        return;
      }
      const row: RawRow = { line, sessionId: undefined, state: undefined, note: undefined };
      columns.forEach((field, index) => {
        // The first of two aliased columns with a value wins.
        if (field !== undefined && row[field] === undefined && cells[index] !== undefined) row[field] = cells[index];
      });
      rows.push(row);
    },
  });
  return { rows, errors, header };
}

function parseJsonLines(text: string): ParsedInput {
  const rows: RawRow[] = [];
  const errors: RowError[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const source = raw.trim();
    if (source === '') return;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      errors.push({ line, message: `broken JSON: ${(error as Error).message}` });
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
      errors.push({ line, message: `expected a JSON object, got ${kind}` });
      return;
    }
    const row: RawRow = { line, sessionId: undefined, state: undefined, note: undefined };
    for (const [key, field] of Object.entries(value)) {
      const name = FIELDS.get(key.trim().toLowerCase());
      if (name !== undefined && row[name] === undefined) row[name] = field;
    }
    rows.push(row);
  });
  return { rows, errors };
}
