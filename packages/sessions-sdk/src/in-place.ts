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

/** Whether `schema` accepts `value` as it is: valid, and its output the same value (so nothing was copied or changed). */
function keeps(schema: v.GenericSchema, value: unknown, config: v.Config<v.BaseIssue<unknown>>): boolean {
  const dataset = schema['~run']({ value }, config);
  return dataset.typed && dataset.issues === undefined && dataset.value === value;
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
  const list = Object.entries(entries);
  if (list.some(([, entry]) => changes(entry))) return schema;
  const copying = schema['~run'] as Run;
  const run: Run = function (this: typeof schema, dataset, config) {
    const input = dataset.value;
    if (typeof input !== 'object' || input === null) return copying.call(this, dataset, config);
    for (const [key, entry] of list) {
      if (key in input) {
        if (!keeps(entry, (input as Record<string, unknown>)[key], config)) return copying.call(this, dataset, config);
      } else if (!OPTIONAL_TYPES.has(entry.type)) {
        return copying.call(this, dataset, config);
      }
    }
    return Object.assign(dataset, { typed: true as const });
  };
  (schema as { '~run': Run })['~run'] = run;
  return schema;
}

/** `v.array(item)` whose output is its input array itself; issues as valibot reports them. */
export function arrayInPlace<const T extends v.GenericSchema>(item: T): v.ArraySchema<T, undefined> {
  const schema = v.array(item);
  if (changes(item)) return schema;
  const copying = schema['~run'] as Run;
  const run: Run = function (this: typeof schema, dataset, config) {
    const input = dataset.value;
    if (!Array.isArray(input)) return copying.call(this, dataset, config);
    for (const value of input as unknown[]) {
      if (!keeps(item, value, config)) return copying.call(this, dataset, config);
    }
    return Object.assign(dataset, { typed: true as const });
  };
  (schema as { '~run': Run })['~run'] = run;
  return schema;
}
