import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../failures.js';

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** What a checkpoint name (or a pipeline's, which names its checkpoint) must be. */
export const NAME_RULE = 'use 1 to 64 letters, digits, dots, dashes and underscores';

/** Whether `name` can name a checkpoint: it becomes a file name, so `[A-Za-z0-9._-]{1,64}` and not `.` or `..`. */
export function isCheckpointName(name: string): boolean {
  return NAME.test(name) && name !== '.' && name !== '..';
}

/** Check a checkpoint name ({@link isCheckpointName}); a usage error naming the rule otherwise. */
export function checkName(name: string): string {
  if (!isCheckpointName(name)) throw new UsageError(`invalid checkpoint name ${JSON.stringify(name)}: ${NAME_RULE}`);
  return name;
}

/** `~/.incydr/checkpoints`, the folder of every client's checkpoints (the Python CLI's too). */
export function checkpointsRoot(home = homedir()): string {
  return join(home, '.incydr', 'checkpoints');
}

/** A client id or tenant as a folder name (they are normally safe already; anything else is replaced). */
function clientFolderName(clientKey: string): string {
  const safe = clientKey.replace(/[^A-Za-z0-9._-]/g, '_');
  return safe === '' || safe === '.' || safe === '..' ? '_' : safe;
}

/** Where the checkpoints of one API client (or tenant) live, and the files of one checkpoint. */
export interface CheckpointFiles {
  /** `<root>/<client>/sessions/` */
  folder: string;
  /** `<NAME>.json`: the store. */
  store: string;
  /** `<NAME>.lock`: held while a run is active. */
  lock: string;
  /** The Python CLI's `<root>/<client>/session_checkpoints/<NAME>` and `<NAME>_sessions`. */
  python: { cursor: string; sessions: string };
}

/** The files of checkpoint `name` for `clientKey` under `root`. */
export function checkpointFiles(root: string, clientKey: string, name: string): CheckpointFiles {
  const client = join(root, clientFolderName(clientKey));
  const folder = join(client, 'sessions');
  return {
    folder,
    store: join(folder, `${name}.json`),
    lock: join(folder, `${name}.lock`),
    python: {
      cursor: join(client, 'session_checkpoints', name),
      sessions: join(client, 'session_checkpoints', `${name}_sessions`),
    },
  };
}
