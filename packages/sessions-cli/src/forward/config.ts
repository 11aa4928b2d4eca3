import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as v from 'valibot';
import { toDurationMs } from '@x/sessions-sdk/model';
import { planSearch, type SearchArgs } from '../commands/sessions/search.js';
import { profileFile } from '../context.js';
import { describeError } from '../errors.js';
import { UsageError } from '../failures.js';
import { settingLookup } from '../settings.js';
import { nearest } from '../usage/nearest.js';
import { ForwardFileSchema, itemSchema, knownKeys, type PipelineEntry, type Source } from './schema.js';
import { parseYamlSource, pathText, type ConfigProblem, type KeyPath, type YamlSource } from './yaml-source.js';

/** One pipeline of the config, checked: what `search --checkpoint NAME --output TARGET` runs it with. */
export interface Pipeline {
  name: string;
  /** The arguments of `incydr sessions search` it stands for (checkpoint and output included). */
  args: SearchArgs;
  /** The environment and `.env` file its API client reads its settings from (never the process's own settings). */
  settings: { env: NodeJS.ProcessEnv; envFile: string | null };
  apiUrl: string;
  /**
   * Which API client it uses, for what the API counts per client (budgets) and checkpoints it may not share: the URL
   * and client id, or for a refresh token the profile file that keeps it (the token rotates, its file does not).
   */
  client: string;
  checkpoint: string;
  target: string;
  record: string;
  interval: string;
  intervalMs: number;
}

/** A config file that cannot run: every problem, each as `FILE:LINE:COL: key.path: message`. */
export class ForwardConfigError extends UsageError {
  override name = 'ForwardConfigError';
}

/** How long a pipeline waits between runs unless its `interval` says otherwise (used by the service mode). */
const DEFAULT_INTERVAL = '5m';

/** The connection settings a pipeline never takes from the process environment: each pipeline names its own. */
const CONNECTION_SETTINGS = /^incydr_(url|api_client_id|api_client_secret|refresh_token|refresh_url|profile)$/i;

/** Shortest and longest `interval`. */
const INTERVAL_BOUNDS_MS = [1_000, 86_400_000] as const;

/**
 * Read and check a forward config: YAML syntax, the shape, every value by the rules of the `search` option it stands
 * for, secrets and profile files present, names and checkpoints unique. Throws {@link ForwardConfigError} listing
 * every problem; `warn` gets a line for each secret written in the file itself.
 */
export function loadForwardConfig(file: string, env: NodeJS.ProcessEnv, warn: (line: string) => void): Pipeline[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the config ${file}: ${(error as Error).message}`, { cause: error });
  }
  const source = parseYamlSource(text);
  const problems: ConfigProblem[] = [...source.syntaxProblems];
  const pipelines: Pipeline[] = [];
  if (problems.length === 0) {
    problems.push(...unknownKeys(source.value, ForwardFileSchema, [], source));
    const result = v.safeParse(ForwardFileSchema, source.value, { abortEarly: false });
    const broken = new Set<number>();
    for (const issue of result.issues ?? []) {
      const problem = issueProblem(issue, source);
      problems.push(problem);
      if (problem.path[0] === 'pipelines' && typeof problem.path[1] === 'number') broken.add(problem.path[1]);
    }
    // Each pipeline whose shape is right gets its values checked (a broken one would only repeat its problems).
    const entries = Array.isArray((source.value as { pipelines?: unknown } | null)?.pipelines)
      ? ((source.value as { pipelines: unknown[] }).pipelines as PipelineEntry[])
      : [];
    const context = { source, env, folder: dirname(resolve(file)), warn: (p: ConfigProblem) => warn(lineOf(file, p)) };
    for (const [index, entry] of entries.entries()) {
      if (broken.has(index)) continue;
      const checked = checkPipeline(v.parse(ForwardFileSchema.entries.pipelines.item, entry), index, context);
      if (Array.isArray(checked)) problems.push(...checked);
      else pipelines.push(checked);
    }
    problems.push(...duplicates(entries, pipelines, source));
  }
  if (problems.length > 0) {
    problems.sort((a, b) => a.line - b.line || a.col - b.col);
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    throw new ForwardConfigError(`${file}: ${count}; nothing was started`, {
      details: problems.map((problem) => lineOf(file, problem)),
    });
  }
  return pipelines;
}

/** `FILE:LINE:COL: key.path: message` */
function lineOf(file: string, problem: ConfigProblem): string {
  const path = pathText(problem.path);
  return `${file}:${problem.line}:${problem.col}: ${path === '' ? '' : `${path}: `}${problem.message}`;
}

/** Keys the schema does not know, at every level, each with the key it most likely meant. */
function unknownKeys(value: unknown, schema: v.GenericSchema, path: KeyPath, source: YamlSource): ConfigProblem[] {
  const items = itemSchema(schema);
  if (items !== undefined && Array.isArray(value)) {
    return value.flatMap((item, index) => unknownKeys(item, items, [...path, index], source));
  }
  const keys = knownKeys(schema);
  if (keys === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const known = keys[key];
    if (known !== undefined) return unknownKeys(inner, known, [...path, key], source);
    const meant = nearest(key, Object.keys(keys));
    const hint = meant === undefined ? `; known keys: ${Object.keys(keys).join(', ')}` : `; did you mean "${meant}"?`;
    return [source.problemAt([...path, key], `unknown key "${key}"${hint}`, true)];
  });
}

/** A valibot issue as a problem at its key, in words that name what was expected. */
function issueProblem(issue: v.BaseIssue<unknown>, source: YamlSource): ConfigProblem {
  const path: Array<string | number> = (issue.path ?? []).map((item) => item.key as string | number);
  const last = issue.path?.at(-1);
  if (last !== undefined && last.origin === 'key' && issue.input === undefined) {
    return source.problemAt(path.slice(0, -1), `missing key "${String(last.key)}"`);
  }
  const message =
    issue.kind === 'schema' && !/^expected a/.test(issue.message)
      ? `expected ${TYPE_WORDS[issue.expected ?? ''] ?? issue.expected}, not ${issue.received}`
      : issue.message;
  return source.problemAt(path, message);
}

/** valibot's names of what was expected, in the words of a YAML file. */
const TYPE_WORDS: Readonly<Record<string, string>> = {
  Object: 'a mapping (key: value lines)',
  Array: 'a list (- item lines)',
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
  '1': 'version 1',
};

interface CheckContext {
  source: YamlSource;
  env: NodeJS.ProcessEnv;
  /** The config file's folder: relative paths in it are relative to it. */
  folder: string;
  warn: (problem: ConfigProblem) => void;
}

/** A pipeline's values, checked by the rules of the options they stand for; its problems, or the pipeline. */
function checkPipeline(entry: PipelineEntry, index: number, ctx: CheckContext): Pipeline | ConfigProblem[] {
  const at = ['pipelines', index] as const;
  const problems: ConfigProblem[] = [];
  const problem = (path: KeyPath, message: string): void => {
    problems.push(ctx.source.problemAt([...at, ...path], message));
  };
  const settings = connectionSettings(entry, index, ctx, problem);
  const setting = settings === undefined ? () => undefined : settingLookup(settings.env, settings.envFile);
  const connectionProblems = problems.length;

  const checkpoint = entry.checkpoint?.name ?? entry.name;
  const base: SearchArgs = { checkpoint, output: entry.output.target };
  const keys = optionKeys(entry, ctx.folder);
  const plan = (args: SearchArgs): string | undefined => {
    try {
      planSearch(args, { useRich: false, note: () => undefined, setting });
      return undefined;
    } catch (error) {
      // Usage errors (exit 2) of the search options, whichever class their checker throws (a bad target, …).
      const { message, exitCode } = describeError(error);
      if (exitCode === 2) return message;
      throw error;
    }
  };
  // Each value alone first, so that every bad one is named at its own key; then all of them together.
  const baseProblem = plan(base);
  if (baseProblem !== undefined)
    problem(keyOfMessage(baseProblem, keys) ?? ['output', 'target'], inConfigWords(baseProblem));
  const alone = new Set<string>();
  for (const key of keys) {
    if (key.flag === 'output' || key.flag === 'checkpoint') continue;
    if (baseProblem !== undefined && key.path[0] === 'output') continue;
    const together =
      key.flag === 'console-url' && !alone.has('record') && entry.record !== undefined ? { record: entry.record } : {};
    const found = plan({ ...(baseProblem === undefined ? base : { checkpoint }), ...together, ...key.args });
    if (found !== undefined) {
      alone.add(key.flag);
      problem(key.path, inConfigWords(found));
    }
  }
  const args = keys.reduce<SearchArgs>((all, key) => ({ ...all, ...key.args }), base);
  if (problems.length === connectionProblems) {
    const found = plan(args);
    if (found !== undefined) problem(keyOfMessage(found, keys) ?? [], inConfigWords(found));
  }
  const interval = entry.interval ?? DEFAULT_INTERVAL;
  const intervalMs = durationMs(interval);
  if (intervalMs === undefined || intervalMs < INTERVAL_BOUNDS_MS[0] || intervalMs > INTERVAL_BOUNDS_MS[1]) {
    problem(['interval'], `expected a duration from 1s to 1d, such as 30s, 5m or 1h, not ${JSON.stringify(interval)}`);
  }
  if (problems.length > 0 || settings === undefined || intervalMs === undefined) return problems;
  const apiUrl = setting('INCYDR_URL') as string;
  return {
    name: entry.name,
    args,
    settings,
    apiUrl,
    client: `${apiUrl} ${clientIdentity(settings, setting)}`,
    checkpoint,
    target: entry.output.target,
    record: entry.record ?? 'raw',
    interval,
    intervalMs,
  };
}

/** A value of the config and the `search` option it stands for. */
interface OptionKey {
  /** Its path inside the pipeline. */
  path: KeyPath;
  /** The option's name (`framing`, `no-alerts`). */
  flag: string;
  args: SearchArgs;
}

/** Options whose value is a file: relative to the config file's folder. */
const FILE_OPTIONS = new Set(['certs', 'client-cert', 'client-key']);

/** Every value of the pipeline that stands for a `search` option, with that option's arguments. */
function optionKeys(entry: PipelineEntry, folder: string): OptionKey[] {
  const keys: OptionKey[] = [
    { path: ['output', 'target'], flag: 'output', args: { output: entry.output.target } },
    { path: ['checkpoint', 'name'], flag: 'checkpoint', args: {} },
  ];
  for (const [key, value] of Object.entries(entry.search ?? {})) {
    if (value === undefined) continue;
    const text = key === 'risk-indicators' && Array.isArray(value) ? value.join(',') : value;
    keys.push({ path: ['search', key], flag: key === 'alerts' ? 'no-alerts' : key, args: { [camel(key)]: text } });
  }
  for (const [key, value] of Object.entries(entry.output)) {
    if (value === undefined || key === 'target') continue;
    const resolved = FILE_OPTIONS.has(key) ? resolve(folder, value as string) : value;
    keys.push({ path: ['output', key], flag: key, args: { [camel(key)]: resolved } });
  }
  if (entry.checkpoint?.lookback !== undefined) {
    keys.push({ path: ['checkpoint', 'lookback'], flag: 'lookback', args: { lookback: entry.checkpoint.lookback } });
  }
  if (entry.record !== undefined) keys.push({ path: ['record'], flag: 'record', args: { record: entry.record } });
  if (entry['console-url'] !== undefined) {
    keys.push({ path: ['console-url'], flag: 'console-url', args: { consoleUrl: entry['console-url'] } });
  }
  return keys;
}

/** The key of the first option a message names (`--certs and --ignore-cert-validation …`), if it is in the pipeline. */
function keyOfMessage(message: string, keys: readonly OptionKey[]): KeyPath | undefined {
  for (const [, flag] of message.matchAll(/--([a-z][a-z-]*)/g)) {
    const key = keys.find((candidate) => candidate.flag === flag);
    if (key !== undefined) return key.path;
  }
  return undefined;
}

/** A message of the command line in the config's words: `--output` is `target`, `--no-alerts` is `alerts: false`. */
function inConfigWords(message: string): string {
  // `--start: invalid time …`: the key already names the option.
  return message
    .replace(/^--[a-z-]+: /, '')
    .replace(/--([a-z][a-z-]*)/g, (_, flag: string) =>
      flag === 'output' ? 'target' : flag === 'no-alerts' ? 'alerts: false' : flag,
    );
}

function camel(key: string): string {
  return key.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function durationMs(text: string): number | undefined {
  try {
    return toDurationMs(text);
  } catch {
    return undefined;
  }
}

/**
 * Where the pipeline's client reads its settings: its profile file, or the `connection` values (read from the
 * environment or files now, so that a missing one stops the start). Problems are reported through `problem`.
 */
function connectionSettings(
  entry: PipelineEntry,
  index: number,
  ctx: CheckContext,
  problem: (path: KeyPath, message: string) => void,
): Pipeline['settings'] | undefined {
  // The process's own connection settings never leak into a pipeline: each names its own.
  const env = Object.fromEntries(Object.entries(ctx.env).filter(([name]) => !CONNECTION_SETTINGS.test(name)));
  if ((entry.profile === undefined) === (entry.connection === undefined)) {
    problem([], 'give either "profile" or "connection" (one of the two)');
    return undefined;
  }
  if (entry.profile !== undefined) {
    const file = profileFile(entry.profile);
    if (!existsSync(file)) {
      problem(['profile'], `no profile file ${file}; create it with INCYDR_URL=… lines`);
      return undefined;
    }
    const lookup = settingLookup(env, file);
    const credentials =
      lookup('INCYDR_REFRESH_TOKEN') !== undefined ||
      (lookup('INCYDR_API_CLIENT_ID') !== undefined && lookup('INCYDR_API_CLIENT_SECRET') !== undefined);
    if (lookup('INCYDR_URL') === undefined || !credentials) {
      const needs = 'INCYDR_URL with INCYDR_API_CLIENT_ID and INCYDR_API_CLIENT_SECRET (or INCYDR_REFRESH_TOKEN)';
      problem(['profile'], `the profile file ${file} lacks settings: it needs ${needs}`);
      return undefined;
    }
    return { env, envFile: file };
  }
  const connection = entry.connection as NonNullable<PipelineEntry['connection']>;
  const values: Record<string, string | undefined> = {};
  for (const [key, name] of [
    ['url', 'INCYDR_URL'],
    ['client-id', 'INCYDR_API_CLIENT_ID'],
    ['client-secret', 'INCYDR_API_CLIENT_SECRET'],
  ] as const) {
    const value = readSource(connection[key], ctx, (path, message) => problem(['connection', key, ...path], message));
    if (key === 'client-secret' && typeof connection[key] === 'string') {
      ctx.warn(
        ctx.source.problemAt(
          ['pipelines', index, 'connection', key],
          'warning: a secret written in the config; prefer {env: VARIABLE} or {file: PATH}',
        ),
      );
    }
    values[name] = value;
  }
  if (Object.values(values).some((value) => value === undefined)) return undefined;
  return { env: { ...env, ...values }, envFile: null };
}

/** A connection value: as written, from the environment, or from a file (trailing line breaks dropped). */
function readSource(
  source: Source,
  ctx: CheckContext,
  problem: (path: KeyPath, message: string) => void,
): string | undefined {
  if (typeof source === 'string') return source;
  if ('env' in source) {
    const value = ctx.env[source.env]?.trim();
    if (value === undefined || value === '') problem(['env'], `environment variable ${source.env} is not set`);
    return value === '' ? undefined : value;
  }
  const path = resolve(ctx.folder, source.file);
  try {
    const value = readFileSync(path, 'utf8').replace(/[\r\n]+$/, '');
    if (value.trim() === '') problem(['file'], `${path} is empty`);
    return value.trim() === '' ? undefined : value;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    problem(['file'], `cannot read ${path}: ${reason}`);
    return undefined;
  }
}

/** The client id, else the profile file that keeps the refresh token (the token rotates, its file does not). */
function clientIdentity(settings: Pipeline['settings'], setting: (name: string) => string | undefined): string {
  const id = setting('INCYDR_API_CLIENT_ID');
  return id !== undefined ? `client ${id}` : `refresh token of ${settings.envFile ?? ''}`;
}

/** Pipelines with the same name, or the same checkpoint name for the same API client. */
function duplicates(entries: readonly PipelineEntry[], checked: readonly Pipeline[], source: YamlSource) {
  const problems: ConfigProblem[] = [];
  const names = new Map<string, number>();
  for (const [index, entry] of entries.entries()) {
    if (typeof entry?.name !== 'string') continue;
    const first = names.get(entry.name);
    if (first !== undefined) {
      problems.push(
        source.problemAt(['pipelines', index, 'name'], `"${entry.name}" is the name of pipelines[${first}] too`),
      );
    } else {
      names.set(entry.name, index);
    }
  }
  const checkpoints = new Map<string, string>();
  for (const pipeline of checked) {
    const key = `${pipeline.client}\n${pipeline.checkpoint}`;
    const other = checkpoints.get(key);
    if (other !== undefined && other !== pipeline.name) {
      const index = entries.findIndex((entry) => entry?.name === pipeline.name);
      const path = entries[index]?.checkpoint?.name === undefined ? ['name'] : ['checkpoint', 'name'];
      problems.push(
        source.problemAt(
          ['pipelines', index, ...path],
          `checkpoint "${pipeline.checkpoint}" of the same API client is used by pipeline "${other}" too: give each its own`,
        ),
      );
    } else {
      checkpoints.set(key, pipeline.name);
    }
  }
  return problems;
}
