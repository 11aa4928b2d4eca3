// The shape of `incydr forward --config FILE` (valibot). The values are checked here only for their types: what they
// mean (choices, times, targets, names) is checked by the same code as the `search` options they stand for.
import * as v from 'valibot';
import { isCheckpointName, NAME_RULE } from '../checkpoint/paths.js';

const NameSchema = v.pipe(v.string(), v.check(isCheckpointName, NAME_RULE));

const TextSchema = v.pipe(v.string(), v.minLength(1, 'must not be empty'));

/** A value written in the file, or read from an environment variable or a file. */
const SourceSchema = v.union(
  [TextSchema, v.strictObject({ env: TextSchema }), v.strictObject({ file: TextSchema })],
  'expected a string, {env: VARIABLE} or {file: PATH}',
);

/** Ids may be written unquoted (YAML reads them as numbers): they are taken as text. */
const IdSchema = v.pipe(v.union([v.string(), v.number()], 'expected a string'), v.transform(String));

/** One value or a list of them (a repeatable option). */
const ListSchema = v.union([IdSchema, v.array(IdSchema)], 'expected a string or a list of strings');

const ConnectionSchema = v.object({
  url: SourceSchema,
  'client-id': SourceSchema,
  'client-secret': SourceSchema,
});

/** The filters of `incydr sessions search`, under their option names. */
const SearchSchema = v.object({
  'actor-id': v.optional(TextSchema),
  start: v.optional(TextSchema),
  end: v.optional(TextSchema),
  type: v.optional(TextSchema),
  alerts: v.optional(v.boolean()),
  'any-alerts': v.optional(v.boolean()),
  'risk-indicators': v.optional(ListSchema),
  state: v.optional(ListSchema),
  severity: v.optional(ListSchema),
  'rule-id': v.optional(ListSchema),
  'watchlist-id': v.optional(ListSchema),
  'content-inspection-status': v.optional(TextSchema),
});

const CheckpointSchema = v.object({
  name: v.optional(NameSchema),
  lookback: v.optional(TextSchema),
});

/** `--output` (as `target`) and the syslog options, under their option names. */
const OutputSchema = v.object({
  target: TextSchema,
  certs: v.optional(TextSchema),
  'ignore-cert-validation': v.optional(v.boolean()),
  'client-cert': v.optional(TextSchema),
  'client-key': v.optional(TextSchema),
  framing: v.optional(TextSchema),
  'syslog-header': v.optional(TextSchema),
  facility: v.optional(IdSchema),
  'app-name': v.optional(TextSchema),
  'syslog-hostname': v.optional(TextSchema),
  'max-message-bytes': v.optional(v.number()),
  oversize: v.optional(TextSchema),
  delivery: v.optional(TextSchema),
  'stall-timeout': v.optional(TextSchema),
});

const PipelineSchema = v.object({
  name: NameSchema,
  profile: v.optional(NameSchema),
  connection: v.optional(ConnectionSchema),
  search: v.optional(SearchSchema),
  checkpoint: v.optional(CheckpointSchema),
  output: OutputSchema,
  record: v.optional(TextSchema),
  'console-url': v.optional(TextSchema),
  interval: v.optional(TextSchema),
});

/** The whole file: a format version and at least one pipeline. */
export const ForwardFileSchema = v.object({
  version: v.literal(1),
  pipelines: v.pipe(v.array(PipelineSchema), v.minLength(1, 'list at least one pipeline')),
});

/** The file as the schema reads it. */
export type ForwardFile = v.InferOutput<typeof ForwardFileSchema>;
/** One pipeline as the schema reads it. */
export type PipelineEntry = ForwardFile['pipelines'][number];
/** A connection value: inline, or where to read it from. */
export type Source = v.InferOutput<typeof SourceSchema>;

/** The keys a mapping at `schema` may hold, or undefined when it is not a mapping of known keys (a union, a value). */
export function knownKeys(schema: v.GenericSchema): Readonly<Record<string, v.GenericSchema>> | undefined {
  const inner = unwrapped(schema);
  return inner.type === 'object' ? (inner as unknown as v.ObjectSchema<v.ObjectEntries, undefined>).entries : undefined;
}

/** The schema of a list's items, or undefined when `schema` is not a list. */
export function itemSchema(schema: v.GenericSchema): v.GenericSchema | undefined {
  const inner = unwrapped(schema);
  return inner.type === 'array' ? (inner as unknown as v.ArraySchema<v.GenericSchema, undefined>).item : undefined;
}

function unwrapped(schema: v.GenericSchema): v.GenericSchema {
  let current = schema as v.GenericSchema & { wrapped?: v.GenericSchema; pipe?: readonly unknown[] };
  for (;;) {
    if (current.type === 'optional' && current.wrapped !== undefined) current = current.wrapped;
    else if (current.pipe !== undefined && current.pipe[0] !== current) current = current.pipe[0] as typeof current;
    else return current;
  }
}
