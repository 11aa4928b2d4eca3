/** A flattened field: its snake_case dot path and its value (a scalar, null, an array or an empty object). */
export type FlatEntry = readonly [path: string, value: unknown];

// Memo for snakeCase: the same few hundred keys repeat on every record. Bounded because keys come from the server.
const SNAKE_CACHE = new Map<string, string>();
const SNAKE_CACHE_LIMIT = 10_000;

/**
 * The Python incydr tool's spelling of a field name: `sessionId` → `session_id`, `stateV2` → `state_v2`,
 * `URLPath` → `url_path`; names without capitals (`@timestamp`, `session_id`) are kept.
 */
export function snakeCase(name: string): string {
  const cached = SNAKE_CACHE.get(name);
  if (cached !== undefined) return cached;
  const result = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
  if (SNAKE_CACHE.size >= SNAKE_CACHE_LIMIT) SNAKE_CACHE.clear();
  SNAKE_CACHE.set(name, result);
  return result;
}

/** True for a non-null object that is not an array: what `flatten` descends into. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Flattens a record into dot-path entries in key order: nested objects become `parent.child` paths, while arrays,
 * nulls and empty objects stay values. Paths use {@link snakeCase} per segment, as the Python tool's CSV header.
 */
export function flatten(record: Readonly<Record<string, unknown>>): FlatEntry[] {
  const entries: FlatEntry[] = [];
  collect(record, '', entries);
  return entries;
}

function collect(object: Readonly<Record<string, unknown>>, prefix: string, entries: FlatEntry[]): void {
  for (const [key, value] of Object.entries(object)) {
    const path = prefix + snakeCase(key);
    if (isPlainObject(value) && Object.keys(value).length > 0) collect(value, `${path}.`, entries);
    else entries.push([path, value]);
  }
}

/**
 * The value at a snake_case dot path of a record, matching each key by its snake spelling; undefined when the
 * path is absent. A path may stop at a nested object (returning the object), and keys that contain dots work.
 */
export function valueAt(record: Readonly<Record<string, unknown>>, path: string): unknown {
  let partial: Record<string, unknown> | undefined;
  let rest = '';
  for (const [key, value] of Object.entries(record)) {
    const name = snakeCase(key);
    if (name === path) return value;
    // Remember a prefix match but keep looking: an exact match (a key that contains dots) wins.
    if (partial === undefined && isPlainObject(value) && path.startsWith(`${name}.`)) {
      partial = value;
      rest = path.slice(name.length + 1);
    }
  }
  return partial === undefined ? undefined : valueAt(partial, rest);
}
