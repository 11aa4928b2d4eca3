import { readFile } from 'node:fs/promises';
import type { FoundCheckpoint } from './catalog.js';
import { describeQuery } from './query.js';
import { readStore, type RunSummary } from './store.js';

/** What `checkpoint list` and `show` report about one checkpoint. */
export interface CheckpointInfo {
  name: string;
  client: string;
  file: string;
  /** `store`, `python` (a Python-CLI checkpoint not imported yet) or `damaged`. */
  kind: 'store' | 'python' | 'damaged';
  entries: number;
  query: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  importedFrom: string | null;
  lastRun: RunSummary | null;
  /** The window the checkpoint still owes (a backfill no run has completed yet), e.g. `2024-01-01T00:00:00.000Z (--start)`. */
  backfill: string | null;
  /** The lock file's holder, when a run holds it (or a dead run left it). */
  lock: string | null;
  /** Why the store cannot be read (kind `damaged`). */
  problem: string | null;
}

/** Read what there is to know about a found checkpoint; a damaged store is reported, not thrown. */
export async function checkpointInfo(found: FoundCheckpoint): Promise<CheckpointInfo> {
  const info: CheckpointInfo = {
    name: found.name,
    client: found.client,
    file: found.kind === 'store' ? found.files.store : found.files.python.cursor,
    kind: found.kind,
    entries: 0,
    query: null,
    createdAt: null,
    updatedAt: null,
    importedFrom: null,
    lastRun: null,
    backfill: null,
    lock: await lockHolder(found.files.lock),
    problem: null,
  };
  if (found.kind === 'python') {
    info.entries = await pythonIdCount(found.files.python.sessions);
    return info;
  }
  try {
    const store = await readStore(found.files.store, found.name);
    // Only a lock: a first run that has not saved yet (the lock line names it).
    if (store === undefined && info.lock !== null) return info;
    if (store === undefined) return { ...info, kind: 'damaged', problem: 'the file disappeared' };
    info.entries = store.sessions.size;
    info.query = store.query === null ? null : describeQuery(store.query);
    info.createdAt = store.createdAt;
    info.updatedAt = store.updatedAt;
    info.importedFrom = store.importedFrom;
    info.lastRun = store.lastRun;
    info.backfill =
      store.backfill === null ? null : `${new Date(store.backfill.onOrAfter).toISOString()} (${store.backfill.reason})`;
  } catch (error) {
    info.kind = 'damaged';
    info.problem = (error as Error).message;
  }
  return info;
}

async function lockHolder(file: string): Promise<string | null> {
  try {
    const owner = JSON.parse(await readFile(file, 'utf8')) as {
      pid?: unknown;
      hostname?: unknown;
      startedAt?: unknown;
    };
    return `process ${String(owner.pid)} on ${String(owner.hostname)} since ${String(owner.startedAt)}`;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? null : `unreadable lock file ${file}`;
  }
}

async function pythonIdCount(file: string): Promise<number> {
  try {
    const ids = JSON.parse(await readFile(file, 'utf8')) as unknown;
    return Array.isArray(ids) ? ids.length : 0;
  } catch {
    return 0;
  }
}
