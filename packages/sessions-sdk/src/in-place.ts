// valibot's object and array schemas build their output as a copy of the input, key by key and item by item. The
// response schemas only validate (no transforms, defaults or fallbacks), and the client returns the parsed body
// itself, so for a page of sessions that copy is pure garbage. These two take the same entries and items, judged
// by the same valibot schemas, and keep the value they were given; at the first issue they hand the whole value to
// valibot's own run, so the issues (and the error that names the field) are exactly valibot's.
import * as v from 'valibot';

type Run = (
  dataset: v.UnknownDataset,
  config: v.Config<v.BaseIssue<unknown>>,
) => v.OutputDataset<unknown, v.BaseIssue<unknown>>;

const OPTIONAL_TYPES = new Set(['optional', 'exact_optional', 'nullish']);

/**
 * The dataset a child schema is run on. One per entry (and per array schema) is reused for every value it checks:
 * a page of sessions has some 40 checked fields per session, and a fresh `{ value }` for each was most of the
 * validation's garbage. `busy` guards a schema that is reached again while it runs (a recursive one): it gets a
 * fresh dataset.
 */
interface Scratch {
  value: unknown;
  typed: boolean;
  issues: undefined;
  busy: boolean;
}

function scratch(): Scratch {
  return { value: undefined, typed: false, issues: undefined, busy: false };
}

/** Whether `schema` accepts `value` as it is: valid, and its output the same value (so nothing was copied or changed). */
function keeps(
  schema: v.GenericSchema,
  value: unknown,
  config: v.Config<v.BaseIssue<unknown>>,
  reused: Scratch,
): boolean {
  const input = reused.busy ? scratch() : reused;
  input.value = value;
  input.typed = false;
  input.issues = undefined;
  input.busy = true;
  try {
    const dataset = schema['~run'](input as v.UnknownDataset, config);
    return dataset.typed && dataset.issues === undefined && dataset.value === value;
  } finally {
    input.busy = false;
    input.value = undefined;
  }
}

/** `dataset`, its value now typed: the run's result when every check passed (set in place, nothing allocated). */
function accept(dataset: v.UnknownDataset): v.SuccessDataset<unknown> {
  const typed = dataset as unknown as v.SuccessDataset<unknown>;
  typed.typed = true;
  return typed;
}

/** A schema with a default or fallback may change the value it checks, which a check in place cannot do. */
function changes(schema: v.GenericSchema): boolean {
  const { default: byDefault, fallback } = schema as { default?: unknown; fallback?: unknown };
  return byDefault !== undefined || fallback !== undefined;
}

/**
 * `v.looseObject(entries)` whose output is its input object itself (unknown keys and key order as sent); issues
 * as valibot reports them.
 */
export function looseObjectInPlace<const E extends v.ObjectEntries>(entries: E): v.LooseObjectSchema<E, undefined> {
  const schema = v.looseObject(entries);
  const list = Object.entries(entries).map(([key, entry]) => [key, entry, scratch()] as const);
  if (list.some(([, entry]) => changes(entry))) return schema;
  const copying = schema['~run'] as Run;
  const run: Run = function (this: typeof schema, dataset, config) {
    const input = dataset.value;
    if (typeof input !== 'object' || input === null) return copying.call(this, dataset, config);
    for (const [key, entry, reused] of list) {
      if (key in input) {
        const value = (input as Record<string, unknown>)[key];
        if (!keeps(entry, value, config, reused)) return copying.call(this, dataset, config);
      } else if (!OPTIONAL_TYPES.has(entry.type)) {
        return copying.call(this, dataset, config);
      }
    }
    return accept(dataset);
  };
  (schema as { '~run': Run })['~run'] = run;
  return schema;
}

/** `v.array(item)` whose output is its input array itself; issues as valibot reports them. */
export function arrayInPlace<const T extends v.GenericSchema>(item: T): v.ArraySchema<T, undefined> {
  const schema = v.array(item);
  if (changes(item)) return schema;
  const copying = schema['~run'] as Run;
  const reused = scratch();
  const run: Run = function (this: typeof schema, dataset, config) {
    const input = dataset.value;
    if (!Array.isArray(input)) return copying.call(this, dataset, config);
    for (const value of input as unknown[]) {
      if (!keeps(item, value, config, reused)) return copying.call(this, dataset, config);
    }
    return accept(dataset);
  };
  (schema as { '~run': Run })['~run'] = run;
  return schema;
}
