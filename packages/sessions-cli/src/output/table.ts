import { recordPath } from './columns.js';
import { valueAt } from './flatten.js';
import { RECORD_ID, SEPARATOR, columnWidths, fitColumns, hintFor } from './table-layout.js';
import { displayWidth, pad, styles, truncate } from './text.js';
import { currentStateOf, formatTime, humanText, namesOf, severityOf } from './values.js';

/** What the table prints for an empty result. */
export const NO_RESULTS = 'No results found.';

/** Default table columns for sessions (the Python tool's). */
export const DEFAULT_SESSION_TABLE_COLUMNS: readonly string[] = Object.freeze([
  'session_id',
  'begin_time',
  'end_time',
  'context_summary',
  'exfiltration_summary',
  'actor_id',
  'actor_name',
  'low_events',
  'moderate_events',
  'high_events',
  'states',
  'notes',
]);

/** Default table columns for file events. */
export const DEFAULT_FILE_EVENT_TABLE_COLUMNS: readonly string[] = Object.freeze([
  'timestamp',
  'event.action',
  'file.name',
  'file.size_in_bytes',
  'source.category',
  'destination.category',
  'destination.name',
  'risk.severity',
  'user.email',
]);

/** Options of {@link createTableFormatter}. */
export interface TableOptions {
  /** The kind of record, which decides the summaries (`states` → current state, …). */
  readonly kind: 'session' | 'file-event';
  /** Snake_case dot paths, already resolved. */
  readonly columns: readonly string[];
  /** Terminal width in cells that the columns share; `Infinity` or ≤ 0 means no truncation. */
  readonly width: number;
  /**
   * The order in which columns keep their place when not all fit the width (the record's id always first).
   * @default the columns' own order
   */
  readonly priority?: readonly string[];
  /**
   * Bold header when true.
   * @default false
   */
  readonly color?: boolean;
}

/** Renders records as table lines; widths are fixed up front so rows stream without looking at other rows. */
export interface TableFormatter {
  /** The columns shown, in order: those that fit the width. */
  readonly columns: readonly string[];
  /** The columns left out because the width cannot hold them (none without a width limit). */
  readonly dropped: readonly string[];
  /** The width of each shown column, in cells. */
  readonly widths: readonly number[];
  /** The header line, newline-terminated. */
  header(): string;
  /** The line of one record, newline-terminated. */
  row(record: Readonly<Record<string, unknown>>): string;
}

/** One rendered cell: numbers are right-aligned and never truncated. */
export interface TableCell {
  readonly text: string;
  readonly numeric: boolean;
}

const TIME_COLUMNS = new Set(['begin_time', 'end_time', 'first_observed', 'last_updated']);

/**
 * The text of one cell: session times as ISO-8601 UTC to the second, session histories summarised (`states` → current state, `scores` →
 * latest severity label, `notes` and `triggered_alerts` → counts, `risk_indicators` → names), lists of scalars
 * joined, other nested values as compact JSON; text sanitised to one line.
 */
export function tableCell(
  kind: 'session' | 'file-event',
  column: string,
  record: Readonly<Record<string, unknown>>,
): TableCell {
  const value = valueAt(record, recordPath(kind, column));
  if (kind === 'session') {
    switch (column) {
      case 'states':
        return text(currentStateOf(value) ?? '');
      case 'scores':
        return text(severityOf(value, 'latest') ?? '');
      case 'notes':
      case 'triggered_alerts':
        return Array.isArray(value) ? { text: String(value.length), numeric: true } : text('');
      case 'risk_indicators':
        return text(namesOf(value));
    }
    // Seconds are precise enough for people and save 4 cells in each of these wide columns.
    if (TIME_COLUMNS.has(column)) return text(formatTime(value).replace(/\.\d{3}Z$/, 'Z'));
  } else if (column === 'risk.indicators') {
    return text(namesOf(value));
  }
  if (typeof value === 'number') return { text: String(value), numeric: true };
  return text(humanText(value));
}

function text(value: string): TableCell {
  return { text: value, numeric: false };
}

/**
 * The session table's columns in the order they keep their place on a narrow terminal: after the id, when the
 * session began, its state and what happened; the actor id goes first.
 */
export const DEFAULT_SESSION_TABLE_PRIORITY: readonly string[] = Object.freeze([
  'session_id',
  'begin_time',
  'states',
  'context_summary',
  'actor_name',
  'high_events',
  'end_time',
  'moderate_events',
  'notes',
  'low_events',
  'exfiltration_summary',
  'actor_id',
]);

/** The file-event table's columns in the order they keep their place on a narrow terminal. */
export const DEFAULT_FILE_EVENT_TABLE_PRIORITY: readonly string[] = Object.freeze([
  'timestamp',
  'event.action',
  'file.name',
  'risk.severity',
  'user.email',
  'destination.category',
  'destination.name',
  'file.size_in_bytes',
  'source.category',
]);

/**
 * A streaming table: the columns shown and their widths come from the terminal width and the columns, never from
 * the rows. Identifiers and numbers are never cut: one longer than its column takes the cells it needs from the
 * text columns after it in that row, so the row still fits.
 */
export function createTableFormatter(options: TableOptions): TableFormatter {
  const { kind } = options;
  const { shown: columns, dropped } = fitColumns(options.columns, options.width, {
    recordId: RECORD_ID[kind],
    ...(options.priority === undefined ? {} : { priority: options.priority }),
  });
  const widths = columnWidths(columns, options.width);
  const hints = columns.map(hintFor);
  const { bold } = styles(options.color ?? false);

  const line = (cells: readonly TableCell[]): string => {
    // Cells an overlong identifier or number took beyond its column, paid back by the text columns after it.
    let borrowed = 0;
    return cells
      .map((cell, index) => {
        let width = widths[index] ?? 0;
        if (cell.numeric || hints[index]?.whole === true) {
          borrowed += Math.max(0, displayWidth(cell.text) - width);
          return pad(cell.text, width, cell.numeric ? 'right' : 'left');
        }
        const repaid = Math.min(borrowed, Math.max(0, width - 1));
        borrowed -= repaid;
        width -= repaid;
        return pad(truncate(cell.text, width), width, 'left');
      })
      .join(SEPARATOR)
      .trimEnd();
  };

  return {
    columns,
    dropped,
    widths,
    header() {
      // The header is cut like text even over numeric columns: it is a name, not a number.
      const cells = columns.map((column, index) => ({
        text: truncate(column, widths[index] ?? 0),
        numeric: hints[index]?.numeric === true,
      }));
      return `${bold(line(cells))}\n`;
    },
    row(record) {
      return `${line(columns.map((column) => tableCell(kind, column, record)))}\n`;
    },
  };
}
