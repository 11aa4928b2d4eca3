import { readFile } from 'node:fs/promises';
import { ExitError } from '../failures.js';
import type { CheckpointFiles } from './paths.js';
import { emptyStore, type CheckpointStore } from './store.js';

/**
 * A Python-CLI checkpoint (`session_checkpoints/<NAME>` with a timestamp, `<NAME>_sessions` with a JSON array of
 * session ids) as a new store whose ids count as delivered, so a migrating user gets no burst of duplicates, and
 * whose cursor is owed as a backfill, so the sessions that began between it and the lookback are not skipped.
 * Undefined when there is none. The ids' digests are unknown: the next run adopts the current ones without sending.
 */
export async function importPythonCheckpoint(
  files: CheckpointFiles,
  name: string,
  now = Date.now(),
): Promise<CheckpointStore | undefined> {
  const cursor = await readOptional(files.python.cursor);
  const list = await readOptional(files.python.sessions);
  if (cursor === undefined && list === undefined) return undefined;
  let ids: unknown = [];
  if (list !== undefined && list.trim() !== '') {
    try {
      ids = JSON.parse(list);
    } catch (error) {
      throw new ExitError(
        `cannot import the Python checkpoint ${files.python.sessions}: not valid JSON (${(error as Error).message})`,
      );
    }
  }
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string' || id === '')) {
    throw new ExitError(
      `cannot import the Python checkpoint ${files.python.sessions}: expected a JSON array of session ids`,
    );
  }
  const store = emptyStore(name, null, now);
  store.importedFrom = list === undefined ? files.python.cursor : files.python.sessions;
  const cursorMs = cursor === undefined ? undefined : parseCursor(cursor, files.python.cursor);
  if (cursorMs !== undefined) store.backfill = { onOrAfter: cursorMs, reason: "the Python checkpoint's cursor" };
  // The begin times are unknown until the sessions are seen again; until then the entries live one lookback.
  for (const id of ids as string[])
    store.sessions.set(id, { digest: null, beginTime: now, lastUpdated: null, deliveredAt: now });
  return store;
}

// Below this a millisecond cursor would predate 1973: such a value is epoch seconds (older code42 tools wrote those).
const SECONDS_BELOW = 1e11;

/**
 * The Python CLI's cursor: the largest session end time it saw, in epoch ms (it feeds it back as `--start`).
 * Undefined for an empty file; anything but a non-negative number is an error naming the file.
 */
function parseCursor(text: string, file: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (!/^\d+(\.\d+)?$/.test(trimmed)) {
    throw new ExitError(
      `cannot import the Python checkpoint ${file}: expected epoch milliseconds, found ${JSON.stringify(trimmed.slice(0, 40))}`,
    );
  }
  const value = Number(trimmed);
  return Math.floor(value < SECONDS_BELOW ? value * 1000 : value);
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ExitError(`cannot read the Python checkpoint ${file}: ${(error as Error).message}`);
  }
}
