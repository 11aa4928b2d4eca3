// Raw rows to valid rows, or every reason why not: nothing is sent unless the whole input is valid.
import { sessionIdProblem } from '../options/session-id.js';
import { quote } from '../output/quote.js';
import type { BulkRow, ParsedInput, RawRow, RowError } from './types.js';
import { MAX_NOTE_LENGTH } from '@x/sessions-sdk/model';

/** Values given on the command line that replace the per-row ones (already checked). */
export interface Overrides {
  /** Upper-case state for every row. */
  state?: string | undefined;
  /** Note for every row. */
  note?: string | undefined;
}

/** Either every row is valid, or the errors of every invalid row (and of the input as a whole). */
export type Validated = { ok: true; rows: BulkRow[] } | { ok: false; errors: RowError[] };

/** Check every row against the known states and the note limit; report all problems, not just the first. */
export function validateInput(input: ParsedInput, states: readonly string[], overrides: Overrides = {}): Validated {
  const errors: RowError[] = [...input.errors];
  const rows: BulkRow[] = [];
  const header = input.header;
  if (header === undefined && input.rows.length === 0 && errors.length === 0 && isCsv(input)) {
    errors.push({ line: 1, message: 'the input is empty: expected a header row with session_id and state columns' });
  }
  if (header !== undefined) {
    const missing = [
      ...(header.sessionId ? [] : ['session_id']),
      ...(header.state || overrides.state !== undefined ? [] : ['state (or give --state)']),
    ];
    if (missing.length > 0) {
      errors.push({ line: header.line, message: `the header lacks the required column ${missing.join(' and ')}` });
      return { ok: false, errors: errors.sort((a, b) => a.line - b.line) };
    }
  }
  const seen = new Map<string, BulkRow>();
  for (const raw of input.rows) {
    const problems: string[] = [];
    const sessionId = checkSessionId(text(raw, 'sessionId', problems), problems);
    const state = overrides.state ?? checkState(text(raw, 'state', problems), states, problems);
    const note = overrides.note ?? checkNote(raw, problems);
    if (sessionId !== undefined) {
      const earlier = seen.get(sessionId);
      if (earlier !== undefined && state !== undefined && earlier.state !== state) {
        problems.push(`session ${quote(sessionId)} is already set to ${earlier.state} on line ${earlier.line}`);
      }
    }
    if (problems.length > 0 || sessionId === undefined || state === undefined) {
      errors.push({ line: raw.line, message: problems.join('; ') });
      continue;
    }
    const row: BulkRow = { line: raw.line, sessionId, state, ...(note === undefined ? {} : { note }) };
    if (!seen.has(sessionId)) seen.set(sessionId, row);
    rows.push(row);
  }
  return errors.length > 0 ? { ok: false, errors: errors.sort((a, b) => a.line - b.line) } : { ok: true, rows };
}

function isCsv(input: ParsedInput): boolean {
  return 'header' in input;
}

/** A required text field, trimmed; a problem when absent, empty or not text. */
function text(raw: RawRow, field: 'sessionId' | 'state', problems: string[]): string | undefined {
  const name = field === 'sessionId' ? 'session_id' : 'state';
  const value = raw[field];
  if (value === undefined || value === null) {
    problems.push(`missing ${name}`);
    return undefined;
  }
  if (typeof value !== 'string') {
    problems.push(`${name} must be a string, got ${kindOf(value)}`);
    return undefined;
  }
  const trimmed = value.trim();
  if (trimmed === '') problems.push(`empty ${name}`);
  return trimmed === '' ? undefined : trimmed;
}

/** The id rule of `show` and `update` (options/session-id.ts), applied to a row. */
function checkSessionId(value: string | undefined, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  const problem = sessionIdProblem(value);
  if (problem !== undefined) problems.push(`invalid session_id ${quote(value)}: ${problem}`);
  return problem === undefined ? value : undefined;
}

function checkState(value: string | undefined, states: readonly string[], problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  const found = states.find((state) => state === value.toUpperCase());
  if (found === undefined) problems.push(`unknown state ${quote(value)}: choose from ${states.join(', ')}`);
  return found;
}

function checkNote(raw: RawRow, problems: string[]): string | undefined {
  const value = raw.note;
  // An empty note cell is a row without a note: spreadsheets leave the column blank where nothing is to be said.
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  if (typeof value !== 'string') {
    problems.push(`note must be a string, got ${kindOf(value)}`);
    return undefined;
  }
  const problem = noteProblem(value);
  if (problem !== undefined) problems.push(problem);
  return problem === undefined ? value : undefined;
}

/** A JSON value that is not text, named briefly: numbers and booleans as written, arrays and objects by kind. */
function kindOf(value: unknown): string {
  // Never serialised whole: a value nested thousands deep would overflow the stack, a huge one would flood stderr.
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

/** Why a note cannot be sent (empty, or longer than the limit in code points), or undefined. */
export function noteProblem(note: string): string | undefined {
  if (note.trim() === '') return 'the note is empty';
  const length = [...note].length;
  if (length <= MAX_NOTE_LENGTH) return undefined;
  return `the note is ${length} characters long; the limit is ${MAX_NOTE_LENGTH}`;
}
