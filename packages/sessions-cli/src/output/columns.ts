import { FILE_EVENT_FIELDS, SESSION_FIELDS } from '@x/sessions-sdk/model';
import { flatten, snakeCase } from './flatten.js';
import { PYTHON_FILE_EVENT_COLUMNS, PYTHON_SESSION_COLUMNS, type PythonColumn } from './python-columns.js';

/** What the records are: sessions or file events. */
export type ColumnKind = 'session' | 'file-event';

/** A bad `--columns` value: no column given, or names that match no column. The message lists the valid names. */
export class ColumnsError extends Error {
  override name = 'ColumnsError';
  /** The names as the user typed them that matched nothing. */
  readonly unknown: readonly string[];
  /** Those of them that are close to a valid column (a typo, offered a suggestion). */
  readonly typos: readonly string[];

  constructor(message: string, unknown: readonly string[] = [], typos: readonly string[] = []) {
    super(message);
    this.unknown = unknown;
    this.typos = typos;
  }
}

/** Every flattened Session path of the SDK model, in API order (`actor_id` … `content_inspection_results.status` …). */
export const SESSION_COLUMNS: readonly string[] = Object.freeze(SESSION_FIELDS.map(columnName));

/** Every flattened file-event path of the SDK model, in API order (`@timestamp`, `destination.category`, …). */
export const FILE_EVENT_COLUMNS: readonly string[] = Object.freeze(FILE_EVENT_FIELDS.map(columnName));

/** A model field's column name: each key of its path in snake case, as `flatten` spells record paths. */
function columnName(field: string): string {
  return field.split('.').map(snakeCase).join('.');
}

/** The Python CLI's column names and where each one's value is in a record (as `flatten` spells paths). */
interface PythonColumns {
  readonly names: readonly string[];
  /** Name → record path, for the few names that differ from the path (`timestamp` → `@timestamp`). */
  readonly renamed: ReadonlyMap<string, string>;
  /** Record path (lower case) → name: the other spelling `--columns` still accepts. */
  readonly aliases: ReadonlyMap<string, string>;
}

function pythonColumns(columns: readonly PythonColumn[]): PythonColumns {
  const renamed = new Map<string, string>();
  for (const [name, apiPath] of columns) {
    const path = columnName(apiPath);
    if (path !== name) renamed.set(name, path);
  }
  return {
    names: Object.freeze(columns.map(([name]) => name)),
    renamed,
    aliases: new Map([...renamed].map(([name, path]) => [path.toLowerCase(), name])),
  };
}

const PYTHON: Readonly<Record<ColumnKind, PythonColumns>> = {
  session: pythonColumns(PYTHON_SESSION_COLUMNS),
  'file-event': pythonColumns(PYTHON_FILE_EVENT_COLUMNS),
};

/**
 * The CSV header of a kind of record: the Python CLI's columns in its order (`timestamp`, `destination.account_name`,
 * …), the same whatever the records hold.
 */
export function csvColumns(kind: ColumnKind): readonly string[] {
  return PYTHON[kind].names;
}

/** Where a column's value is in a record, as `valueAt` reads it: `timestamp` → `@timestamp`, others unchanged. */
export function recordPath(kind: ColumnKind, column: string): string {
  return PYTHON[kind].renamed.get(column) ?? column;
}

/** The API's spelling of the renamed columns, which `--columns` accepts too (`@timestamp` → `timestamp`). */
export function columnAliases(kind: ColumnKind): ReadonlyMap<string, string> {
  return PYTHON[kind].aliases;
}

/**
 * The columns `--columns` can name for a kind of record: the Python CLI's columns, then the SDK model's other
 * paths, then the other flattened paths of `record` (unknown fields) when there is one.
 */
export function availableColumns(kind: ColumnKind, record?: Readonly<Record<string, unknown>>): string[] {
  const python = PYTHON[kind];
  const model = kind === 'session' ? SESSION_COLUMNS : FILE_EVENT_COLUMNS;
  const fromRecord = record === undefined ? [] : flatten(record).map(([path]) => path);
  // A renamed column's record path (`@timestamp`) is that column, not another one.
  const taken = new Set([...python.names, ...python.renamed.values()]);
  return [...python.names, ...new Set([...model, ...fromRecord].filter((path) => !taken.has(path)))];
}

/**
 * Checks `--columns` before any request: an empty list, or a name that is no known column but close to one (a
 * typo), throws {@link ColumnsError} now. A name unlike every known column waits for the first record, which may
 * hold fields this release does not know (the API adds fields).
 */
export function checkColumnsEarly(spec: string, kind: ColumnKind): void {
  try {
    resolveColumns(spec, availableColumns(kind), columnAliases(kind));
  } catch (error) {
    if (!(error instanceof ColumnsError) || error.unknown.length === 0 || error.typos.length > 0) throw error;
  }
}

/**
 * Normalises a column name to a snake_case dot path: each segment in snake_case (`fileEvents.sizeInBytes` →
 * `file_events.size_in_bytes`); a capital right after `*` starts a word (`*Events` → `*_events`).
 */
export function normalizeColumnName(name: string): string {
  return name
    .split('.')
    .map((segment) =>
      segment
        .split('*')
        .map((piece, index) => (index > 0 && /^[A-Z]/.test(piece) ? '_' : '') + snakeCase(piece))
        .join('*'),
    )
    .join('.');
}

/**
 * Resolves a raw `--columns` value against the available paths: a comma list of names (trimmed, empty items
 * dropped) in snake_case or camelCase, dot paths, parents of nested fields (`file.hash` → its leaves) and `*` globs
 * (`file.*`, `*_events`). `aliases` maps other spellings (lower case) to a column (`@timestamp` → `timestamp`).
 * Returns the paths in the order given, a glob expanding in `available` order, without duplicates. Throws
 * {@link ColumnsError} for an empty list or names that match nothing.
 */
export function resolveColumns(
  spec: string,
  available: readonly string[],
  aliases: ReadonlyMap<string, string> = new Map(),
): string[] {
  const names = spec
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) {
    throw new ColumnsError(`--columns needs at least one column name; valid columns: ${listNames(available)}`);
  }
  const lowered = available.map((path) => path.toLowerCase());
  const resolved = new Set<string>();
  const unknown: string[] = [];
  for (const name of names) {
    const normalized = normalizeColumnName(name).toLowerCase();
    const matches = match(aliases.get(normalized)?.toLowerCase() ?? normalized, available, lowered);
    if (matches.length === 0) unknown.push(name);
    for (const path of matches) resolved.add(path);
  }
  if (unknown.length > 0) throw unknownColumnsError(unknown, available);
  return [...resolved];
}

function match(pattern: string, available: readonly string[], lowered: readonly string[]): string[] {
  if (pattern.includes('*')) {
    const source = pattern.split('*').map(escapeRegExp).join('.*');
    const glob = new RegExp(`^${source}$`, 'u');
    return available.filter((_, index) => glob.test(lowered[index] ?? ''));
  }
  const exact = lowered.indexOf(pattern);
  if (exact !== -1) return [available[exact] ?? pattern];
  return available.filter((_, index) => (lowered[index] ?? '').startsWith(`${pattern}.`));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

const MAX_LISTED = 40;

function unknownColumnsError(unknown: readonly string[], available: readonly string[]): ColumnsError {
  const typos: string[] = [];
  const described = unknown.map((name) => {
    const suggestions = suggest(normalizeColumnName(name).toLowerCase(), available);
    if (suggestions.length > 0) typos.push(name);
    return suggestions.length > 0 ? `"${name}" (did you mean ${suggestions.join(' or ')}?)` : `"${name}"`;
  });
  const noun = unknown.length === 1 ? 'column' : 'columns';
  return new ColumnsError(
    `unknown ${noun} ${described.join(', ')}; valid columns: ${listNames(available)} (snake_case or camelCase, ` +
      'dot paths, * as a glob)',
    unknown,
    typos,
  );
}

/** The valid names for a message: all when few, else one entry per top-level group (`file.*`), capped. */
function listNames(available: readonly string[]): string {
  let names = [...available];
  if (names.length > MAX_LISTED) {
    const groups = new Map<string, number>();
    for (const path of available) {
      const top = path.split('.')[0] ?? path;
      groups.set(top, (groups.get(top) ?? 0) + 1);
    }
    names = [...groups].map(([top, count]) => (count > 1 ? `${top}.*` : top));
  }
  if (names.length === 0) return '(none)';
  if (names.length <= MAX_LISTED) return names.join(', ');
  return `${names.slice(0, MAX_LISTED).join(', ')}, … (${names.length - MAX_LISTED} more)`;
}

function suggest(pattern: string, available: readonly string[]): string[] {
  if (pattern.includes('*')) return [];
  const last = pattern.slice(pattern.lastIndexOf('.') + 1);
  // Short names are a typo away from many others: demand a closer match for them.
  const maxDistance = pattern.length <= 5 ? 1 : 2;
  const found = available.filter((path) => {
    const lower = path.toLowerCase();
    const pathLast = lower.slice(lower.lastIndexOf('.') + 1);
    return (
      pathLast === last || distance(lower, pattern) <= maxDistance || (last.length > 5 && distance(pathLast, last) <= 1)
    );
  });
  return found.slice(0, 3);
}

/** Levenshtein distance, with an early exit: only small distances matter here. */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
