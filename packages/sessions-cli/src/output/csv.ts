import { flatten, valueAt } from './flatten.js';

/** RFC 4180 record separator. */
export const CSV_EOL = '\r\n';

const NEEDS_QUOTES = /[",\r\n]/;
const EDGE_SPACE = /^\s|\s$/;

/** How spreadsheets tell a formula: a cell starting with one of these (OWASP's CSV injection list). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Options of the CSV writers. */
export interface CsvOptions {
  /**
   * Prefix text cells that start with `=`, `+`, `-`, `@`, TAB or CR with `'`, so that a spreadsheet shows them
   * as text instead of running them as formulas (`--escape-formulas`). Numbers are left as they are. @default false
   */
  escapeFormulas?: boolean;
  /** Quote a field that starts or ends with white space too, for readers that trim unquoted fields. @default false */
  quoteEdgeSpaces?: boolean;
}

/**
 * One CSV field for a value: strings as they are, numbers and booleans as JSON spells them, null/undefined as
 * an empty field, arrays and objects as compact JSON; quoted (quotes doubled) when it holds `"`, `,`, CR or LF
 * (RFC 4180), or white space at its ends with `quoteEdgeSpaces`.
 */
export function csvField(value: unknown, options: CsvOptions = {}): string {
  let text = fieldText(value);
  if (options.escapeFormulas === true && typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  const quoted = NEEDS_QUOTES.test(text) || (options.quoteEdgeSpaces === true && EDGE_SPACE.test(text));
  return quoted ? `"${text.replaceAll('"', '""')}"` : text;
}

function fieldText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}

/** One CSV line (CRLF-terminated) of the given values. */
export function csvRow(values: readonly unknown[], options: CsvOptions = {}): string {
  return values.map((value) => csvField(value, options)).join(',') + CSV_EOL;
}

/** Streams records as CSV: a header line, then one line per record with the values at the header's paths. */
export interface CsvFormatter {
  /** The columns in use. */
  readonly columns: readonly string[];
  /** The header line. */
  header(): string;
  /** The line of one record. */
  row(record: Readonly<Record<string, unknown>>): string;
}

/**
 * A CSV formatter: `columns` make the header, and each field holds the value at the snake_case dot path of the
 * same position in `paths` (the columns themselves by default). A path a record lacks is an empty field; a path
 * that stops at a nested object holds that object as JSON.
 */
export function createCsvFormatter(
  columns: readonly string[],
  paths: readonly string[] = columns,
  options: CsvOptions = {},
): CsvFormatter {
  return {
    columns,
    header: () => csvRow(columns, options),
    row(record) {
      // One pass over the record instead of one walk per column: exports are often 100+ columns wide.
      const flat = new Map(flatten(record));
      return csvRow(
        paths.map((path) => (flat.has(path) ? flat.get(path) : valueAt(record, path))),
        options,
      );
    },
  };
}
