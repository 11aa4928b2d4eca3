import { displayWidth } from './text.js';

/** The cells between two table columns. */
export const SEPARATOR = '  ';

/**
 * How a column sizes: `natural` cells when there is room, down to `min` when there is not; `shrink` orders who
 * gives way first (1 long text, 2 short text), 0 never narrows. `whole` cells are never cut: identifiers, numbers.
 */
export interface ColumnHint {
  readonly natural: number;
  readonly min: number;
  readonly shrink: 0 | 1 | 2;
  readonly whole?: boolean;
  readonly numeric?: boolean;
}

const ISO_TIME: ColumnHint = { natural: 20, min: 20, shrink: 0 };
const COUNT: ColumnHint = { natural: 5, min: 5, shrink: 0, whole: true, numeric: true };
const LONG_TEXT: ColumnHint = { natural: 40, min: 12, shrink: 1 };
/** An identifier as long as `cells` (the emulator's and the API's lengths): copied whole into other commands. */
const id = (cells: number): ColumnHint => ({ natural: cells, min: cells, shrink: 0, whole: true });

const HINTS: Readonly<Record<string, ColumnHint>> = {
  session_id: id(33),
  actor_id: id(19),
  user_id: id(19),
  tenant_id: id(36),
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
  'event.id': id(85),
  'file.name': { natural: 32, min: 12, shrink: 1 },
  'file.directory': LONG_TEXT,
  'file.size_in_bytes': { natural: 10, min: 10, shrink: 0, whole: true, numeric: true },
  'source.category': { natural: 16, min: 8, shrink: 2 },
  'destination.category': { natural: 20, min: 8, shrink: 2 },
  'destination.name': { natural: 20, min: 8, shrink: 2 },
  'risk.severity': { natural: 8, min: 8, shrink: 0 },
  'risk.score': { natural: 5, min: 5, shrink: 0, whole: true, numeric: true },
  'user.id': id(19),
  'user.email': { natural: 28, min: 10, shrink: 2 },
};

/** The sizing of a column by its name: known columns, then counts, identifiers, long and short text by pattern. */
export function hintFor(column: string): ColumnHint {
  const known = HINTS[column];
  if (known !== undefined) return known;
  if (/(_events|_count|_in_bytes|(^|\.)(count|score|weight|capacity))$/.test(column)) {
    return { natural: 8, min: 8, shrink: 0, whole: true, numeric: true };
  }
  if (/(^|[._])id$/.test(column)) return id(20);
  if (/(summary|description|content|name|url|title)$/.test(column)) return { natural: 30, min: 10, shrink: 1 };
  return { natural: 20, min: 8, shrink: 2 };
}

/**
 * The id of a record, which a table never cuts and never leaves out: what `show`, `show-events` and `update` take
 * for a session, the event id for a file event.
 */
export const RECORD_ID: Readonly<Record<'session' | 'file-event', string>> = {
  session: 'session_id',
  'file-event': 'event.id',
};

/** The width a column starts from: its natural width, and at least its name for the columns that never narrow. */
function startWidth(column: string, hint: ColumnHint): number {
  return Math.max(hint.natural, displayWidth(column));
}

/** The fewest cells a column can take: the start width for columns that never narrow, else the hint's minimum. */
function minWidth(column: string, hint: ColumnHint): number {
  const start = startWidth(column, hint);
  return hint.shrink === 0 ? start : Math.min(hint.min, start);
}

/** The columns a table shows at a width, in their order, and the ones it leaves out. */
export interface FittedColumns {
  readonly shown: readonly string[];
  readonly dropped: readonly string[];
}

/**
 * Chooses the columns that fit `width` at their minimum widths, taking them in `priority` order (the record's id
 * first, whatever the order): a column that does not fit is left out, a later, narrower one may still fit. No width
 * limit (`Infinity`, ≤ 0) shows every column.
 */
export function fitColumns(
  columns: readonly string[],
  width: number,
  options: { readonly recordId?: string; readonly priority?: readonly string[] } = {},
): FittedColumns {
  if (!Number.isFinite(width) || width <= 0) return { shown: [...columns], dropped: [] };
  const rank = (column: string): number => {
    if (column === options.recordId) return -1;
    const position = options.priority?.indexOf(column) ?? -1;
    return position === -1 ? (options.priority?.length ?? 0) + columns.indexOf(column) : position;
  };
  const kept = new Set<string>();
  let used = 0;
  for (const column of [...columns].sort((a, b) => rank(a) - rank(b))) {
    const cost = minWidth(column, hintFor(column)) + (kept.size > 0 ? SEPARATOR.length : 0);
    if (column === options.recordId || used + cost <= width) {
      kept.add(column);
      used += cost;
    }
  }
  return {
    shown: columns.filter((column) => kept.has(column)),
    dropped: columns.filter((column) => !kept.has(column)),
  };
}

const MAX_GROWN_WIDTH = 120;

/**
 * Column widths for a terminal width: each column starts at its natural width (at least its header's); when the
 * total is too wide, long text gives way first, then short text, each group proportionally down to its minimum.
 * Spare room widens short text by up to half, then goes to long text (capped). Identifiers, times and numbers keep
 * their width; a budget that even the minimums exceed overflows (see {@link fitColumns}).
 */
export function columnWidths(columns: readonly string[], width: number): number[] {
  const hints = columns.map(hintFor);
  const widths = columns.map((column, index) => startWidth(column, hints[index] ?? hintFor(column)));
  if (!Number.isFinite(width) || width <= 0) return widths;

  const budget = width - SEPARATOR.length * Math.max(0, columns.length - 1);
  let excess = sum(widths) - budget;
  if (excess < 0) {
    // Short text first gets the little it needs to stop cutting the odd long value (a longer name or state);
    // long text then takes the rest.
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
  const mins = columns.map((column, index) => minWidth(column, hints[index] ?? hintFor(column)));
  for (const tier of [1, 2] as const) {
    if (excess <= 0) break;
    const members = indexesWhere(hints, (hint) => hint.shrink === tier);
    const room = members.map((index) => (widths[index] ?? 0) - (mins[index] ?? 0));
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
      if ((widths[index] ?? 0) > (mins[index] ?? 0)) {
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
