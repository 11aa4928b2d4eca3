import type { ArgumentsCamelCase, Argv } from 'yargs';
import { checkName, checkpointsRoot } from '../../../checkpoint/paths.js';
import { createContext, type Context, type GlobalArgs } from '../../../context.js';
import { counted } from '../../../output/text.js';

/** Arguments of `incydr sessions checkpoint reset`. */
export type ResetArgs = GlobalArgs & { name: string; client?: string };

export const command = 'reset <name>';
export const describe = 'Forget what a checkpoint delivered: its next run starts over';

export function builder(yargs: Argv): Argv<ResetArgs> {
  return yargs
    .positional('name', { type: 'string', describe: 'The checkpoint name', demandOption: true })
    .option('client', {
      type: 'string',
      requiresArg: true,
      describe: 'The API client id (or tenant) folder, when several hold the name',
    }) as unknown as Argv<ResetArgs>;
}

export async function handler(args: ArgumentsCamelCase<ResetArgs>): Promise<void> {
  await run(args, createContext(args));
}

/**
 * Remove the store (under the run lock, so never under a running search). A Python-CLI checkpoint of the same
 * name is left in place but not imported again: an empty store that adopts the next run's query stands in.
 */
export async function run(args: ResetArgs, ctx: Context, root = checkpointsRoot()): Promise<void> {
  const name = checkName(String(args.name));
  const [{ locateCheckpoint }, { acquireLock }, { emptyStore, readStore, writeStore }, { mkdir, rm, stat }, atomic] =
    await Promise.all([
      import('../../../checkpoint/catalog.js'),
      import('../../../checkpoint/lock.js'),
      import('../../../checkpoint/store.js'),
      import('node:fs/promises'),
      import('../../../checkpoint/atomic.js'),
    ]);
  const found = await locateCheckpoint(root, name, args.client);
  await mkdir(found.files.folder, { recursive: true, mode: 0o700 });
  const lock = await acquireLock(found.files.lock, `checkpoint "${name}"`);
  try {
    await atomic.removeLeftoverTemporaries(found.files.store);
    // A damaged store is exactly what reset is for: its entry count is simply unknown.
    const entries = await readStore(found.files.store, name).then(
      (store) => counted(store?.sessions.size ?? 0, 'entry', 'entries'),
      () => 'unknown entries',
    );
    const python =
      (await stat(found.files.python.cursor).then(
        () => true,
        () => false,
      )) ||
      (await stat(found.files.python.sessions).then(
        () => true,
        () => false,
      ));
    if (python) {
      const store = emptyStore(name, null);
      store.importedFrom = 'reset (the Python CLI checkpoint is not imported again)';
      await writeStore(found.files.store, store);
    } else {
      await rm(found.files.store, { force: true });
    }
    ctx.note(`Checkpoint "${name}" (client ${found.client}) reset: ${entries} forgotten; its next run starts over.`);
  } finally {
    await lock.release();
  }
}
