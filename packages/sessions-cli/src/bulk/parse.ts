// Text to raw rows with line numbers: CSV (RFC 4180, through papaparse) or JSON Lines. No validation of values.
import Papa from 'papaparse';
import { visible } from '../output/quote.js';
import { lineCounter } from './decode.js';
import type { BulkFormat, ParsedInput, RawRow, RowError } from './types.js';

type Field = 'sessionId' | 'state' | 'note';

/** The deepest nesting of arrays and objects a JSON Lines row may have (a row is one flat object). */
const MAX_JSON_DEPTH = 100;

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
  const lineOf = lineCounter(text);
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
      const line = lineOf(start);
      if (result.errors.length > 0) {
        const reasons = [...new Set(result.errors.map((error) => error.message))].join('; ');
        errors.push({ line, message: `broken CSV quoting: ${reasons}` });
        return;
      }
      const cells = result.data;
      if (header === undefined) {
        columns = cells.map((name) => FIELDS.get(name.trim().toLowerCase()));
        header = {
          line,
          sessionId: columns.includes('sessionId'),
          state: columns.includes('state'),
          note: columns.includes('note'),
        };
        return;
      }
      if (cells.length > columns.length) {
        // An unquoted comma in a note would otherwise cut the note short without a word.
        errors.push({
          line,
          message: `${cells.length} cells but the header has ${columns.length}: put a cell that holds a comma in double quotes ("a, b")`,
        });
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
    // Checked before parsing: a line of millions of `[` takes JSON.parse minutes and gigabytes.
    if (nestedDeeperThan(source, MAX_JSON_DEPTH)) {
      errors.push({ line, message: `JSON nested more than ${MAX_JSON_DEPTH} levels deep` });
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      // The parser's message repeats a piece of the line, which may hold anything.
      errors.push({ line, message: `broken JSON: ${visible((error as Error).message)}` });
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

/** Whether JSON text opens more than `max` arrays or objects one inside another (text in strings aside). */
function nestedDeeperThan(source: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < source.length; i += 1) {
    const code = source.charCodeAt(i);
    if (inString) {
      // A backslash escapes the next character (a quote, most importantly).
      if (code === 0x5c) i += 1;
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x5b || code === 0x7b) {
      depth += 1;
      if (depth > max) return true;
    } else if (code === 0x5d || code === 0x7d) {
      depth -= 1;
    }
  }
  return false;
}
