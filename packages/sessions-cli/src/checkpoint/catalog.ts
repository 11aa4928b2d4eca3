import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../failures.js';
import { checkpointFiles, type CheckpointFiles } from './paths.js';

/** A checkpoint found on disk: ours (`<NAME>.json`) or only the Python CLI's. */
export interface FoundCheckpoint {
  name: string;
  /** The client id or tenant folder it lives in. */
  client: string;
  files: CheckpointFiles;
  kind: 'store' | 'python';
}

/** Every checkpoint under `root`, sorted by client and name; a missing root means none. */
export async function findCheckpoints(root: string): Promise<FoundCheckpoint[]> {
  const found: FoundCheckpoint[] = [];
  for (const client of await listFolder(root)) {
    const names = new Map<string, FoundCheckpoint['kind']>();
    for (const file of await listFolder(join(root, client, 'sessions'))) {
      if (file.endsWith('.json') && !file.startsWith('.')) names.set(file.slice(0, -'.json'.length), 'store');
    }
    for (const file of await listFolder(join(root, client, 'session_checkpoints'))) {
      const name = file.endsWith('_sessions') ? file.slice(0, -'_sessions'.length) : file;
      if (!names.has(name)) names.set(name, 'python');
    }
    for (const [name, kind] of names) found.push({ name, client, files: checkpointFiles(root, client, name), kind });
  }
  return found.sort((a, b) => a.client.localeCompare(b.client) || a.name.localeCompare(b.name));
}

/** The one checkpoint called `name` (in `client`'s folder when given); a usage error when none or several match. */
export async function locateCheckpoint(
  root: string,
  name: string,
  client: string | undefined,
): Promise<FoundCheckpoint> {
  let matches = (await findCheckpoints(root)).filter(
    (c) => c.name === name && (client === undefined || c.client === client),
  );
  // A first run has no store until its first batch is confirmed, but it holds the lock from the start.
  if (matches.length === 0) matches = await lockedFirstRuns(root, name, client);
  const where = client === undefined ? '' : ` for client ${client}`;
  if (matches.length === 0)
    throw new UsageError(`no checkpoint named "${name}"${where} (see \`incydr sessions checkpoint list\`)`);
  if (matches.length > 1) {
    throw new UsageError(
      `several checkpoints are named "${name}" (clients ${matches.map((m) => m.client).join(', ')}): choose one with --client`,
    );
  }
  return matches[0] as FoundCheckpoint;
}

/** Checkpoints called `name` that have only a lock file: their first run is under way (or died before saving). */
async function lockedFirstRuns(root: string, name: string, client: string | undefined): Promise<FoundCheckpoint[]> {
  const found: FoundCheckpoint[] = [];
  for (const folder of client === undefined ? await listFolder(root) : [client]) {
    if ((await listFolder(join(root, folder, 'sessions'))).includes(`${name}.lock`)) {
      found.push({ name, client: folder, files: checkpointFiles(root, folder, name), kind: 'store' });
    }
  }
  return found;
}

async function listFolder(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder)).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
}
