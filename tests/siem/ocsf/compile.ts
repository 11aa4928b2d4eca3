import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// Our own compiler from the OCSF schema source (JSON files: dictionary, categories, event classes, objects,
// profiles) to a JSON Schema for one event class, built from the rules the source states:
// - `extends` names a parent (class or object) whose attributes the child inherits and may override;
// - `$include` pulls in the attributes of another file; a profile's attributes carry that profile's name, and an
//   attribute whose `profile` is a name counts only when the record applies that profile (`profile: null` in a class
//   makes it a core attribute of that class);
// - each attribute's definition is the dictionary's, overridden key by key by the class or object (enums merge, so a
//   class's `status_id` values join the dictionary's Unknown 0 and Other 99);
// - a type ending in `_t` is a dictionary type, itself possibly based on another (`timestamp_t` → `long_t`), with its
//   regex, maximum length, range or values; any other type is an object, compiled once under `definitions` and
//   referenced, so that recursive objects (user → ldap_person → user) need no depth bound;
// - `requirement: required` makes the attribute required; `recommended` is reported, not enforced;
// - an `_id` enum's caption attribute (`sibling`) must hold that caption unless the id is Other (99);
// - objects and the event admit only their attributes (`additionalProperties: false`), except the generic `object`
//   (the type of `unmapped`), which the source defines as any collection of attributes;
// - object `constraints`: `at_least_one` and `just_one` of the listed attributes.

/** A JSON Schema (draft-07) as built here. */
export type JsonSchema = Record<string, unknown>;

/** What the compiler makes of one event class. */
export interface CompiledClass {
  /** The JSON Schema of the event, its objects under `definitions`. */
  readonly schema: JsonSchema;
  readonly classUid: number;
  /** The schema version the source states (`version.json`). */
  readonly version: string;
  /** Attribute names by requirement, for the event (`''`) and each object by name. */
  readonly required: ReadonlyMap<string, readonly string[]>;
  readonly recommended: ReadonlyMap<string, readonly string[]>;
  /** The object type of each object attribute, per owner (`''` for the event): `finding_info` → `finding_info`. */
  readonly objectTypes: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Every source file read, relative to the schema root, in the order read. */
  readonly filesRead: readonly string[];
}

type Attribute = Record<string, unknown> & {
  type?: string;
  is_array?: boolean;
  enum?: Record<string, { caption?: string }>;
  sibling?: string;
  requirement?: string;
  profile?: string | null;
};
type Attributes = Record<string, Attribute>;
interface SourceFile {
  name: string;
  caption?: string;
  uid?: number;
  category?: string;
  extends?: string;
  meta?: string;
  attributes?: Attributes & { $include?: string[] };
  constraints?: { at_least_one?: string[]; just_one?: string[] };
}
interface TypeDef {
  type?: string;
  regex?: string;
  max_len?: number;
  range?: [number, number];
  values?: unknown[];
}

const PRIMITIVES: Record<string, JsonSchema> = {
  string_t: { type: 'string' },
  integer_t: { type: 'integer' },
  long_t: { type: 'integer' },
  float_t: { type: 'number' },
  boolean_t: { type: 'boolean' },
  json_t: {},
};
const OTHER = '99';

/**
 * A JSON Schema for the event class `className` (e.g. `detection_finding`) of the OCSF schema source at `root`,
 * for records that apply `profiles`.
 */
export function compileClass(root: string, className: string, profiles: readonly string[] = []): CompiledClass {
  const filesRead: string[] = [];
  const read = (path: string): SourceFile => {
    const rel = relative(root, path);
    if (!filesRead.includes(rel)) filesRead.push(rel);
    return JSON.parse(readFileSync(path, 'utf8')) as SourceFile;
  };
  const dictionary = read(join(root, 'dictionary.json')) as SourceFile & {
    types: { attributes: Record<string, TypeDef> };
  };
  const { version } = read(join(root, 'version.json')) as unknown as { version: string };
  const categories = read(join(root, 'categories.json')) as SourceFile & {
    attributes: Record<string, { uid: number; caption: string }>;
  };
  const eventFiles = listJson(join(root, 'events'));
  const fileOf = (dir: 'events' | 'objects', name: string): SourceFile => {
    const path = dir === 'events' ? eventFiles.get(name) : join(root, 'objects', `${name}.json`);
    if (path === undefined) throw new Error(`OCSF source: no ${dir} file defines "${name}"`);
    try {
      return read(path);
    } catch (error) {
      throw new Error(`OCSF source: cannot read ${relative(root, path)} for "${name}"`, { cause: error });
    }
  };

  /** The attributes of a file with its includes and parents resolved, before the dictionary is applied. */
  const resolve = (dir: 'events' | 'objects', file: SourceFile): { attributes: Attributes; file: SourceFile } => {
    const own = ownAttributes(file);
    const { $include = [] } = file.attributes ?? {};
    let attributes: Attributes = {};
    for (const include of $include) {
      const included = read(join(root, include));
      const marked = Object.fromEntries(
        Object.entries(ownAttributes(included)).map(([name, attribute]) => [
          name,
          included.meta === 'profile' && !('profile' in attribute)
            ? { ...attribute, profile: included.name }
            : attribute,
        ]),
      );
      attributes = mergeAttributes(attributes, marked);
    }
    attributes = mergeAttributes(attributes, own);
    if (file.extends === undefined) return { attributes, file };
    const parent = resolve(dir, fileOf(dir, file.extends));
    return {
      attributes: mergeAttributes(parent.attributes, attributes),
      // The category and constraints are inherited too, unless the child states its own.
      file: { ...parent.file, ...file },
    };
  };

  const required = new Map<string, string[]>();
  const recommended = new Map<string, string[]>();
  const objectTypes = new Map<string, Map<string, string>>();
  const definitions: Record<string, JsonSchema> = {};

  /** The full definition of each attribute in force: dictionary first, then the file's own keys; profiles applied. */
  const definitionsOf = (attributes: Attributes): [string, Attribute][] =>
    Object.entries(attributes)
      .filter(([, attribute]) => typeof attribute.profile !== 'string' || profiles.includes(attribute.profile))
      .map(([name, attribute]) => {
        const base = dictionary.attributes?.[name];
        if (base === undefined) throw new Error(`OCSF source: "${name}" is not in the dictionary`);
        return [name, mergeAttribute(base, attribute)];
      });

  const typeSchema = (type: string, name: string): JsonSchema => {
    const primitive = PRIMITIVES[type];
    if (primitive !== undefined) return { ...primitive };
    const def = dictionary.types.attributes[type];
    if (def !== undefined) {
      if (def.type === undefined) throw new Error(`OCSF source: type ${type} has no base type`);
      return {
        ...typeSchema(def.type, name),
        ...(def.regex !== undefined && { pattern: def.regex }),
        ...(def.max_len !== undefined && { maxLength: def.max_len }),
        ...(def.range !== undefined && { minimum: def.range[0], maximum: def.range[1] }),
        ...(def.values !== undefined && { enum: def.values }),
      };
    }
    if (type.endsWith('_t')) throw new Error(`OCSF source: unknown type ${type} of "${name}"`);
    compileObject(type);
    return { $ref: `#/definitions/${type}` };
  };

  /** JSON Schema properties, required names and sibling rules for a set of attributes; records what it saw. */
  const compileAttributes = (owner: string, attributes: Attributes): JsonSchema => {
    const properties: Record<string, JsonSchema> = {};
    const rules: JsonSchema[] = [];
    const types = new Map<string, string>();
    for (const [name, attribute] of definitionsOf(attributes)) {
      if (attribute.type === undefined) throw new Error(`OCSF source: "${name}" has no type`);
      let schema = typeSchema(attribute.type, name);
      if (!attribute.type.endsWith('_t')) types.set(name, attribute.type);
      if (attribute.enum !== undefined) {
        const numeric = schema.type === 'integer';
        schema = { ...schema, enum: Object.keys(attribute.enum).map((key) => (numeric ? Number(key) : key)) };
        if (attribute.sibling !== undefined) rules.push(...siblingRules(name, attribute, numeric));
      }
      properties[name] = attribute.is_array === true ? { type: 'array', items: schema } : schema;
    }
    const inForce = definitionsOf(attributes);
    required.set(
      owner,
      inForce.filter(([, a]) => a.requirement === 'required').map(([name]) => name),
    );
    recommended.set(
      owner,
      inForce.filter(([, a]) => a.requirement === 'recommended').map(([name]) => name),
    );
    objectTypes.set(owner, types);
    return {
      type: 'object',
      properties,
      required: required.get(owner),
      additionalProperties: false,
      ...(rules.length > 0 && { allOf: rules }),
    };
  };

  const compileObject = (name: string): void => {
    if (name in definitions) return;
    if (name === 'object') {
      definitions[name] = { type: 'object' };
      return;
    }
    definitions[name] = {};
    const { attributes, file } = resolve('objects', fileOf('objects', name));
    const schema = compileAttributes(name, attributes);
    const { at_least_one: atLeastOne, just_one: justOne } = file.constraints ?? {};
    const present = (names: string[]): JsonSchema[] => names.map((attribute) => ({ required: [attribute] }));
    const constraints = [
      ...(atLeastOne === undefined ? [] : [{ anyOf: present(atLeastOne) }]),
      ...(justOne === undefined ? [] : [{ oneOf: present(justOne) }]),
    ];
    const allOf = [...((schema.allOf as JsonSchema[] | undefined) ?? []), ...constraints];
    definitions[name] = { ...schema, ...(allOf.length > 0 && { allOf }) };
  };

  const { attributes, file: classFile } = resolve('events', fileOf('events', className));
  const category = classFile.category === undefined ? undefined : categories.attributes[classFile.category];
  if (category === undefined || classFile.uid === undefined) {
    throw new Error(`OCSF source: class ${className} has no category or uid`);
  }
  const classUid = category.uid * 1000 + classFile.uid;
  const activities = mergeAttribute(dictionary.attributes?.activity_id ?? {}, attributes.activity_id ?? {}).enum ?? {};
  const caption = classFile.caption ?? className;
  // The class's identity attributes take their one value from the class itself, as the OCSF server derives them.
  const identity: Attributes = {
    class_uid: { ...attributes.class_uid, enum: { [classUid]: { caption } } },
    category_uid: { ...attributes.category_uid, enum: { [category.uid]: { caption: category.caption } } },
    type_uid: {
      ...attributes.type_uid,
      enum: Object.fromEntries(
        Object.entries(activities).map(([id, activity]) => [
          classUid * 100 + Number(id),
          { caption: `${caption}: ${activity.caption ?? id}` },
        ]),
      ),
    },
  };
  const event = compileAttributes('', { ...attributes, ...identity });
  return {
    schema: { $schema: 'http://json-schema.org/draft-07/schema#', ...event, definitions },
    classUid,
    version,
    required,
    recommended,
    objectTypes,
    filesRead,
  };
}

/** `if id = N then caption = "…"` for each value of an `_id` enum but Other. */
function siblingRules(name: string, attribute: Attribute, numeric: boolean): JsonSchema[] {
  return Object.entries(attribute.enum ?? {})
    .filter(([id, value]) => id !== OTHER && value.caption !== undefined)
    .map(([id, value]) => ({
      if: { properties: { [name]: { const: numeric ? Number(id) : id } }, required: [name] },
      then: { properties: { [attribute.sibling as string]: { const: value.caption } } },
    }));
}

/** A file's attribute definitions, without its `$include` list. */
function ownAttributes(file: SourceFile): Attributes {
  const { $include: _includes, ...own } = file.attributes ?? {};
  return own as Attributes;
}

/** Attributes of a child over those of its parent (or of an included file): key by key, enums merged. */
function mergeAttributes(base: Attributes, over: Attributes): Attributes {
  const out: Attributes = { ...base };
  for (const [name, attribute] of Object.entries(over)) {
    const inherited = out[name];
    out[name] = inherited === undefined ? attribute : mergeAttribute(inherited, attribute);
  }
  return out;
}

function mergeAttribute(base: Attribute, over: Attribute): Attribute {
  const merged: Attribute = { ...base, ...over };
  if (base.enum !== undefined && over.enum !== undefined) merged.enum = { ...base.enum, ...over.enum };
  return merged;
}

/** The JSON files under `dir` (recursively) by file name, which is the name of the class each defines. */
function listJson(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.json')) continue;
    out.set(entry.name.slice(0, -'.json'.length), join(entry.parentPath, entry.name));
  }
  return out;
}
