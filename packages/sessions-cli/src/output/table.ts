import { recordPath } from './columns.js';
import { valueAt } from './flatten.js';
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
   * Bold header when true.
   * @default false
   */
  readonly color?: boolean;
}

/** Renders records as table lines; widths are fixed up front so rows stream without looking at other rows. */
export interface TableFormatter {
  /** The width of each column, in cells. */
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

const SEPARATOR = '  ';
const MAX_GROWN_WIDTH = 120;
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
 * How a column sizes: `natural` cells when there is room, down to `min` when there is not; `shrink` orders who
 * gives way first (1 long text, 2 short text, 3 identifiers), 0 never shrinks (times, numbers, labels).
 */
interface ColumnHint {
  readonly natural: number;
  readonly min: number;
  readonly shrink: 0 | 1 | 2 | 3;
  readonly numeric?: boolean;
}

const ISO_TIME: ColumnHint = { natural: 20, min: 20, shrink: 0 };
const COUNT: ColumnHint = { natural: 5, min: 5, shrink: 0, numeric: true };
const LONG_TEXT: ColumnHint = { natural: 40, min: 12, shrink: 1 };

const HINTS: Readonly<Record<string, ColumnHint>> = {
  session_id: { natural: 33, min: 12, shrink: 3 },
  actor_id: { natural: 19, min: 8, shrink: 3 },
  user_id: { natural: 19, min: 8, shrink: 3 },
  tenant_id: { natural: 36, min: 8, shrink: 3 },
  begin_time: ISO_TIME,
  end_time: ISO_TIME,
  first_observed: ISO_TIME,
  last_updated: ISO_TIME,
  context_summary: LONG_TEXT,
  exfiltration_summary: LONG_TEXT,
  risk_indicators: { natural: 30, min: 12, shrink: 1 },
  actor_name: { natural: 28, min: 10, shrink: 2 },
  type: { natural: 17, min: 8, shrink: 2 },
  states: { natural: 16, min: 10, shrink: 2 },
  scores: { natural: 8, min: 8, shrink: 0 },
  notes: COUNT,
  triggered_alerts: COUNT,
  timestamp: { natural: 24, min: 24, shrink: 0 },
  'event.action': { natural: 18, min: 10, shrink: 2 },
  'event.id': { natural: 40, min: 12, shrink: 3 },
  'file.name': { natural: 32, min: 12, shrink: 1 },
  'file.directory': LONG_TEXT,
  'file.size_in_bytes': { natural: 10, min: 10, shrink: 0, numeric: true },
  'source.category': { natural: 16, min: 8, shrink: 2 },
  'destination.category': { natural: 20, min: 8, shrink: 2 },
  'destination.name': { natural: 20, min: 8, shrink: 2 },
  'risk.severity': { natural: 8, min: 8, shrink: 0 },
  'risk.score': { natural: 5, min: 5, shrink: 0, numeric: true },
  'user.email': { natural: 28, min: 10, shrink: 2 },
};

function hintFor(column: string): ColumnHint {
  const known = HINTS[column];
  if (known !== undefined) return known;
  if (/(_events|_count|_in_bytes|(^|\.)(count|score|weight|capacity))$/.test(column)) {
    return { natural: 8, min: 8, shrink: 0, numeric: true };
  }
  if (/(^|[._])id$/.test(column)) return { natural: 20, min: 8, shrink: 3 };
  if (/(summary|description|content|name|url|title)$/.test(column)) return { natural: 30, min: 10, shrink: 1 };
  return { natural: 20, min: 8, shrink: 2 };
}

/**
 * Column widths for a terminal width: each column starts at its natural width (at least its header's); when the
 * total is too wide, long text gives way first, then short text, then identifiers, each group proportionally down
 * to its minimum. Spare room widens short text by up to half, then goes to long text (capped).
 * A budget that even the minimums exceed overflows.
 */
export function columnWidths(columns: readonly string[], width: number): number[] {
  const hints = columns.map(hintFor);
  const widths = columns.map((column, index) => {
    const hint = hints[index] ?? hintFor(column);
    // Fixed columns must fit their header; shrinkable ones start wide enough for it but may cut it later.
    return Math.max(hint.natural, displayWidth(column));
  });
  if (!Number.isFinite(width) || width <= 0) return widths;

  const budget = width - SEPARATOR.length * Math.max(0, columns.length - 1);
  let excess = sum(widths) - budget;
  if (excess < 0) {
    // Short text first gets the little it needs to stop cutting the odd long value (a longer name or state);
    // long text then takes the rest. Identifiers have a known length and do not grow.
    let spare = -excess;
    for (const [index, hint] of hints.entries()) {
      if (hint.shrink !== 2) continue;
      const current = widths[index] ?? 0;
      const grow = Math.min(spare, Math.max(0, Math.ceil(hint.natural * 1.5) - current));
      widths[index] = current + grow;
      spare -= grow;
    }
    const receivers = indexesWhere(hints, (hint) => hint.shrink === 1);
    share(spare, receivers, widths);
    // Beyond this a wide terminal only spreads the columns apart.
    return widths.map((value, index) => (receivers.includes(index) ? Math.min(value, MAX_GROWN_WIDTH) : value));
  }
  for (const tier of [1, 2, 3] as const) {
    if (excess <= 0) break;
    const members = indexesWhere(hints, (hint) => hint.shrink === tier);
    const room = members.map((index) => (widths[index] ?? 0) - Math.min(hints[index]?.min ?? 0, widths[index] ?? 0));
    const total = sum(room);
    if (total === 0) continue;
    const cut = Math.min(excess, total);
    // Proportional cut, rounded down, then the remainder one cell at a time from the first members.
    let left = cut;
    members.forEach((index, position) => {
      const part = Math.floor((cut * (room[position] ?? 0)) / total);
      widths[index] = (widths[index] ?? 0) - part;
      left -= part;
    });
    for (let position = 0; left > 0; position = (position + 1) % members.length) {
      const index = members[position] ?? 0;
      if ((widths[index] ?? 0) > (hints[index]?.min ?? 0)) {
        widths[index] = (widths[index] ?? 0) - 1;
        left -= 1;
      }
    }
    excess -= cut;
  }
  return widths;
}

function share(extra: number, receivers: readonly number[], widths: number[]): void {
  const each = Math.floor(extra / Math.max(1, receivers.length));
  receivers.forEach((index, position) => {
    widths[index] = (widths[index] ?? 0) + each + (position < extra % receivers.length ? 1 : 0);
  });
}

function indexesWhere(hints: readonly ColumnHint[], test: (hint: ColumnHint) => boolean): number[] {
  return hints.flatMap((hint, index) => (test(hint) ? [index] : []));
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** A streaming table: widths come from the terminal width and the columns, never from the rows. */
export function createTableFormatter(options: TableOptions): TableFormatter {
  const { kind, columns } = options;
  const widths = columnWidths(columns, options.width);
  const numericColumns = columns.map((column) => hintFor(column).numeric === true);
  const { bold } = styles(options.color ?? false);

  const line = (cells: readonly TableCell[]): string =>
    cells
      .map((cell, index) => {
        const width = widths[index] ?? 0;
        // Numbers stay whole even if that pushes the line out of alignment.
        const fitted = cell.numeric ? cell.text : truncate(cell.text, width);
        return pad(fitted, width, cell.numeric ? 'right' : 'left');
      })
      .join(SEPARATOR)
      .trimEnd();

  return {
    widths,
    header() {
      const cells = columns.map((column, index) => ({ text: column, numeric: numericColumns[index] === true }));
      // The header is cut like text even over numeric columns: it is a name, not a number.
      const fitted = cells.map((cell, index) => ({ ...cell, text: truncate(cell.text, widths[index] ?? 0) }));
      return `${bold(line(fitted))}\n`;
    },
    row(record) {
      return `${line(columns.map((column) => tableCell(kind, column, record)))}\n`;
    },
  };
}
