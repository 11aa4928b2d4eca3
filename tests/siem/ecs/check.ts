import { isIP } from 'node:net';
import { EcsFlat, EcsVersion } from '@elastic/ecs';

/** The part of an ECS field definition (`EcsFlat` of `@elastic/ecs`, ECS's own `ecs_flat.yml`) the checker reads. */
export interface EcsFieldDefinition {
  readonly flat_name: string;
  readonly type: string;
  readonly required?: boolean;
  /** `['array']`: the field always holds an array. */
  readonly normalize?: readonly string[];
  readonly allowed_values?: readonly { readonly name: string; readonly expected_event_types?: readonly string[] }[];
  readonly expected_values?: readonly string[];
  readonly pattern?: string;
  /** For an `object` field without sub-fields: the type of each of its values (`labels`: keyword). */
  readonly object_type?: string;
}

/** The ECS version of the definitions: that of the `@elastic/ecs` package. */
export const ECS_DEFINITIONS_VERSION: string = EcsVersion;

/** Every ECS field by its dotted name, as `@elastic/ecs` defines it. */
export const ECS_FIELDS: ReadonlyMap<string, EcsFieldDefinition> = new Map(
  Object.entries(EcsFlat as Readonly<Record<string, EcsFieldDefinition>>),
);

/** The fields of a custom field set, by dotted name, each with its Elasticsearch type (`keyword`, `long`, …). */
export type CustomFields = ReadonlyMap<string, string>;

const OBJECT_TYPES = new Set(['object', 'nested', 'flattened']);
const STRING_TYPES = new Set(['keyword', 'constant_keyword', 'wildcard', 'text', 'match_only_text']);
const NUMBER_TYPES = new Set(['float', 'half_float', 'double', 'scaled_float']);

/**
 * Checks custom field definitions before use: each name is outside every ECS field set (a custom set must not
 * shadow or extend ECS), and each type is one the checker knows.
 */
export function customFields(fields: Iterable<readonly [string, string]>): CustomFields {
  const map = new Map(fields);
  const fieldSets = new Set([...ECS_FIELDS.keys()].map((name) => name.split('.')[0]));
  for (const [name, type] of map) {
    const root = name.split('.')[0] ?? '';
    if (fieldSets.has(root)) throw new Error(`custom field ${name} is inside the ECS field set ${root}`);
    if (!OBJECT_TYPES.has(type) && !LEAF_TYPES.has(type)) {
      throw new Error(`custom field ${name} has a type the checker does not know: ${type}`);
    }
  }
  return map;
}

/**
 * What is wrong with a document against ECS (an empty list: nothing): every field is an ECS field whose value has
 * the field's type (arrays of it allowed, `null` not) or a field of the given custom set; enum-like fields hold
 * allowed values; required fields are there; `ecs.version` is the definitions' version.
 */
export function checkEcsDocument(document: unknown, custom: CustomFields): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  if (!isPlainObject(document)) return ['the document is not an object'];

  const visit = (value: Record<string, unknown>, prefix: string): void => {
    for (const [key, child] of Object.entries(value)) {
      const name = prefix === '' ? key : `${prefix}.${key}`;
      seen.add(name);
      const field = ECS_FIELDS.get(name);
      const customType = custom.get(name);
      if (field !== undefined) problems.push(...checkField(name, child, field, visit));
      else if (customType !== undefined) problems.push(...checkCustom(name, child, customType));
      else if (hasFieldUnder(name, custom)) {
        if (isPlainObject(child)) visit(child, name);
        else problems.push(`${name}: is ${describe(child)}, but it is an object of fields`);
      } else problems.push(`${name}: is neither an ECS ${ECS_DEFINITIONS_VERSION} field nor a documented custom field`);
    }
  };
  visit(document, '');

  for (const field of ECS_FIELDS.values()) {
    if (field.required === true && !seen.has(field.flat_name)) problems.push(`${field.flat_name}: is required`);
  }
  const version = (document['ecs'] as Record<string, unknown> | undefined)?.['version'];
  if (version !== undefined && version !== ECS_DEFINITIONS_VERSION) {
    problems.push(`ecs.version: is ${describe(version)}, not the definitions' ${ECS_DEFINITIONS_VERSION}`);
  }
  problems.push(...checkCategorization(document));
  return problems;
}

function checkField(
  name: string,
  value: unknown,
  field: EcsFieldDefinition,
  visit: (value: Record<string, unknown>, prefix: string) => void,
): string[] {
  if (OBJECT_TYPES.has(field.type)) {
    const objects = Array.isArray(value) && field.type === 'nested' ? value : [value];
    const problems: string[] = [];
    for (const object of objects) {
      if (!isPlainObject(object)) {
        problems.push(`${name}: is ${describe(object)}, but its type is ${field.type}`);
      } else if (field.type !== 'flattened' && hasFieldUnder(name, new Map())) {
        visit(object, name);
      } else if (field.object_type !== undefined) {
        for (const [key, item] of Object.entries(object)) {
          problems.push(...checkLeaf(`${name}.${key}`, item, field.object_type));
        }
      }
    }
    return problems;
  }
  const problems = checkLeaf(name, value, field.type);
  if (problems.length > 0) return problems;
  if (field.normalize?.includes('array') && !Array.isArray(value)) problems.push(`${name}: must be an array`);
  const values = Array.isArray(value) ? value : [value];
  const allowed = field.allowed_values?.map((allowedValue) => allowedValue.name) ?? field.expected_values;
  for (const item of values) {
    if (allowed !== undefined && !allowed.includes(item as string)) {
      problems.push(`${name}: ${describe(item)} is not an allowed value (${allowed.join(', ')})`);
    }
    if (field.pattern !== undefined && !new RegExp(field.pattern).test(String(item))) {
      problems.push(`${name}: ${describe(item)} does not match ${field.pattern}`);
    }
  }
  return problems;
}

function checkCustom(name: string, value: unknown, type: string): string[] {
  if (OBJECT_TYPES.has(type)) {
    return isPlainObject(value) ? [] : [`${name}: is ${describe(value)}, but its type is ${type}`];
  }
  return checkLeaf(name, value, type);
}

/** A value of a leaf field: one value of its type, or an array of them (any Elasticsearch field may hold one). */
function checkLeaf(name: string, value: unknown, type: string): string[] {
  const values = Array.isArray(value) ? value : [value];
  const problems: string[] = [];
  for (const item of values) {
    const problem = Array.isArray(item) ? 'is an array inside an array' : valueProblem(type, item);
    if (problem !== undefined) problems.push(`${name}: ${describe(item)} ${problem}`);
  }
  return problems;
}

// Dates as the records write them: ISO-8601 with a time and a zone (Elasticsearch's strict_date_optional_time).
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  byte: [-128, 127],
  short: [-32_768, 32_767],
  integer: [-2_147_483_648, 2_147_483_647],
  long: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  unsigned_long: [0, Number.MAX_SAFE_INTEGER],
};

const LEAF_TYPES = new Set([
  ...STRING_TYPES,
  ...NUMBER_TYPES,
  ...Object.keys(INTEGER_RANGES),
  'date',
  'boolean',
  'ip',
  'geo_point',
]);

/** Why a single value is not of an Elasticsearch type, or undefined when it is. */
function valueProblem(type: string, value: unknown): string | undefined {
  if (value === null || value === undefined) return 'is not a value: absent fields are left out';
  if (STRING_TYPES.has(type)) return typeof value === 'string' ? undefined : `is not a string (${type})`;
  if (NUMBER_TYPES.has(type)) {
    return typeof value === 'number' && Number.isFinite(value) ? undefined : `is not a finite number (${type})`;
  }
  switch (type) {
    case 'date':
      return typeof value === 'string' && ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))
        ? undefined
        : 'is not an ISO-8601 date-time (date)';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'is not a boolean';
    case 'ip':
      return typeof value === 'string' && isIP(value) !== 0 ? undefined : 'is not an IP address';
    case 'geo_point':
      return isPlainObject(value) && typeof value['lat'] === 'number' && typeof value['lon'] === 'number'
        ? undefined
        : 'is not a {lat, lon} point';
    default: {
      const range = INTEGER_RANGES[type];
      if (range === undefined) return `is not a supported type ${type}`;
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= range[0] && value <= range[1]
        ? undefined
        : `is not a whole number in the range of ${type}`;
    }
  }
}

/** `event.type` values must be among the types ECS expects for the document's `event.category` values. */
function checkCategorization(document: Record<string, unknown>): string[] {
  const event = document['event'];
  if (!isPlainObject(event)) return [];
  const categories = [event['category']].flat();
  const expected = new Set(
    ECS_FIELDS.get('event.category')
      ?.allowed_values?.filter((value) => categories.includes(value.name))
      .flatMap((value) => value.expected_event_types ?? []),
  );
  return [event['type']]
    .flat()
    .filter((type) => type !== undefined && !expected.has(type as string))
    .map((type) => `event.type: ${describe(type)} is not expected with event.category ${categories.join(', ')}`);
}

function hasFieldUnder(name: string, custom: CustomFields): boolean {
  const prefix = `${name}.`;
  for (const key of ECS_FIELDS.keys()) if (key.startsWith(prefix)) return true;
  for (const key of custom.keys()) if (key.startsWith(prefix)) return true;
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}
