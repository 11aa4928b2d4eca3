import { readFile } from 'node:fs/promises';
import { ExitError } from '../failures.js';
import { writeFileAtomic } from './atomic.js';
import type { CheckpointQuery } from './query.js';

// The format marker and version of a store file.
const STORE_FORMAT = 'incydr-sessions-checkpoint';
const STORE_VERSION = 1;

/** What a checkpoint knows about one delivered session. */
export interface CheckpointEntry {
  /** The digest delivered last; null for ids imported from a Python checkpoint (adopted on the next run). */
  digest: string | null;
  /** Epoch ms: the entry is pruned once this falls out of the window. */
  beginTime: number;
  lastUpdated: number | null;
  /** Epoch ms of the delivery (or of the import). */
  deliveredAt: number;
}

/** The end-of-run summary (stored as `lastRun`, printed, and written by `--summary-json`). */
export interface RunSummary {
  checkpoint: string;
  status: 'ok' | 'interrupted' | 'failed';
  error: string | null;
  fetched: number;
  new: number;
  changed: number;
  unchanged: number;
  delivered: number;
  /** Records the syslog sender skipped as oversize (`--oversize skip`): not delivered, not recorded. */
  skipped: number;
  /**
   * Records sent again within the run because a syslog connection was lost before confirming them (an idle close,
   * a reset, a timeout): the receiver may hold them twice. Stores from earlier releases lack it.
   */
  resent: number;
  /** Records handed over but not confirmed when the run stopped: not recorded; the next run sends them again. */
  unconfirmed: number;
  /**
   * What counted as delivered: 'confirmed' (the syslog receiver closed its side after reading), 'written' (handed
   * over: stdout, UDP, `--delivery written`); null when no output was opened. Stores from earlier releases lack it.
   */
  delivery: 'confirmed' | 'written' | null;
  entriesBefore: number;
  entriesAfter: number;
  /** `backfill` names why the window reaches back further than the lookback (see {@link Backfill}). */
  window: { onOrAfter: string; before: string | null; backfill: string | null };
  startedAt: string;
  durationMs: number;
}

/**
 * A window a checkpoint still owes: sessions that began at or after `onOrAfter` (epoch ms) are searched by every
 * run until one completes, so a failed or interrupted backfill (`--start` on a first run, or the cursor of an
 * imported Python checkpoint) is finished by a later run instead of shrinking to the lookback.
 */
export interface Backfill {
  onOrAfter: number;
  /** Where the window comes from, for people: `--start`, or the Python checkpoint's cursor. */
  reason: string;
}

/** A checkpoint in memory. */
export interface CheckpointStore {
  name: string;
  /** Null after `reset` of an imported checkpoint: the next run's query is adopted. */
  query: CheckpointQuery | null;
  createdAt: string;
  updatedAt: string;
  importedFrom: string | null;
  lastRun: RunSummary | null;
  /** The window still owed, until a run completes; null when none is. */
  backfill: Backfill | null;
  sessions: Map<string, CheckpointEntry>;
}

/** A new, empty checkpoint. */
export function emptyStore(name: string, query: CheckpointQuery | null, now = Date.now()): CheckpointStore {
  const at = new Date(now).toISOString();
  return {
    name,
    query,
    createdAt: at,
    updatedAt: at,
    importedFrom: null,
    lastRun: null,
    backfill: null,
    sessions: new Map(),
  };
}

/** Read a store file; undefined when it does not exist; a clear error (never a silent reset) when it is damaged. */
export async function readStore(file: string, name: string): Promise<CheckpointStore | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ExitError(`cannot read checkpoint "${name}" (${file}): ${(error as Error).message}`);
  }
  try {
    return parseStore(text, name);
  } catch (error) {
    throw new ExitError(
      `checkpoint "${name}" is damaged (${file}): ${(error as Error).message}; ` +
        `restore it or run \`incydr sessions checkpoint reset ${name}\` to start over`,
    );
  }
}

/** Write a store atomically (temporary file, fsync, rename). */
export async function writeStore(file: string, store: CheckpointStore): Promise<void> {
  await writeFileAtomic(file, serializeStore(store));
}

/** The store as the JSON text of its file. */
export function serializeStore(store: CheckpointStore): string {
  const sessions: Record<string, CheckpointEntry> = {};
  for (const [id, entry] of store.sessions) sessions[id] = entry;
  const file = {
    format: STORE_FORMAT,
    version: STORE_VERSION,
    name: store.name,
    query: store.query,
    createdAt: store.createdAt,
    updatedAt: store.updatedAt,
    importedFrom: store.importedFrom,
    lastRun: store.lastRun,
    backfill: store.backfill,
    sessions,
  };
  return `${JSON.stringify(file)}\n`;
}

/** Parse and check the text of a store file; throws an Error saying what is wrong. */
export function parseStore(text: string, name: string): CheckpointStore {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(value) || value['format'] !== STORE_FORMAT)
    throw new Error(`not a checkpoint file (no "format": "${STORE_FORMAT}")`);
  if (value['version'] !== STORE_VERSION) {
    throw new Error(
      `format version ${JSON.stringify(value['version'])} is not supported (this incydr reads version ${STORE_VERSION})`,
    );
  }
  const query = value['query'];
  if (query !== null && !isQuery(query)) throw new Error('"query" is not a query');
  for (const key of ['createdAt', 'updatedAt'] as const) {
    if (typeof value[key] !== 'string') throw new Error(`"${key}" is missing`);
  }
  const importedFrom = value['importedFrom'] ?? null;
  if (importedFrom !== null && typeof importedFrom !== 'string') throw new Error('"importedFrom" is not a string');
  const lastRun = value['lastRun'] ?? null;
  if (lastRun !== null && !isObject(lastRun)) throw new Error('"lastRun" is not an object');
  // A store without it (from an earlier release) owes no backfill.
  const backfill = value['backfill'] ?? null;
  if (backfill !== null && !isBackfill(backfill)) throw new Error('"backfill" is malformed');
  const raw = value['sessions'];
  if (!isObject(raw)) throw new Error('"sessions" is not an object');
  const sessions = new Map<string, CheckpointEntry>();
  for (const [id, entry] of Object.entries(raw)) {
    if (!isEntry(entry)) throw new Error(`the entry of session ${JSON.stringify(id)} is malformed`);
    sessions.set(id, entry);
  }
  return {
    name,
    query: query as CheckpointQuery | null,
    createdAt: value['createdAt'] as string,
    updatedAt: value['updatedAt'] as string,
    importedFrom,
    lastRun: lastRun as RunSummary | null,
    backfill,
    sessions,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isQuery(value: unknown): value is CheckpointQuery {
  return (
    isObject(value) &&
    typeof value['url'] === 'string' &&
    typeof value['client'] === 'string' &&
    isObject(value['filters'])
  );
}

function isBackfill(value: unknown): value is Backfill {
  return isObject(value) && Number.isSafeInteger(value['onOrAfter']) && typeof value['reason'] === 'string';
}

function isEntry(value: unknown): value is CheckpointEntry {
  if (!isObject(value)) return false;
  const { digest, beginTime, lastUpdated, deliveredAt } = value;
  return (
    (digest === null || typeof digest === 'string') &&
    Number.isFinite(beginTime) &&
    (lastUpdated === null || Number.isFinite(lastUpdated)) &&
    Number.isFinite(deliveredAt)
  );
}
