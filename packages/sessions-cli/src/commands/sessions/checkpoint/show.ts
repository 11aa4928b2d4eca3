import type { ArgumentsCamelCase, Argv } from 'yargs';
import { checkName, checkpointsRoot } from '../../../checkpoint/paths.js';
import { createContext, type Context, type GlobalArgs } from '../../../context.js';
import { resolveFormat, withFormat, type FormatArgs } from '../../../options/format.js';

const FORMATS = ['rich', 'json-pretty'] as const;

/** Arguments of `incydr sessions checkpoint show`. */
export type ShowArgs = GlobalArgs & FormatArgs & { name: string; client?: string; entries?: boolean };

export const command = 'show <name>';
export const describe = 'Show a checkpoint: its query, entries and last run';

export function builder(yargs: Argv): Argv<ShowArgs> {
  return withFormat(yargs, FORMATS, false)
    .positional('name', { type: 'string', describe: 'The checkpoint name', demandOption: true })
    .option('client', {
      type: 'string',
      requiresArg: true,
      describe: 'The API client id (or tenant) folder, when several hold the name',
    })
    .option('entries', {
      type: 'boolean',
      describe: 'Also list every recorded session (json-pretty: the whole file)',
    }) as unknown as Argv<ShowArgs>;
}

export async function handler(args: ArgumentsCamelCase<ShowArgs>): Promise<void> {
  await run(args, createContext(args));
}

/** Print the checkpoint as a card, or as JSON (with `--entries`, the store file's content). */
export async function run(args: ShowArgs, ctx: Context, root = checkpointsRoot()): Promise<void> {
  const format = resolveFormat(args, FORMATS, ctx.useRich);
  const name = checkName(String(args.name));
  const [{ locateCheckpoint }, { checkpointInfo }, { readStore }] = await Promise.all([
    import('../../../checkpoint/catalog.js'),
    import('../../../checkpoint/info.js'),
    import('../../../checkpoint/store.js'),
  ]);
  const found = await locateCheckpoint(root, name, args.client);
  const info = await checkpointInfo(found);
  const store = args.entries === true && info.kind === 'store' ? await readStore(found.files.store, name) : undefined;
  const entries =
    store === undefined ? undefined : [...store.sessions].map(([sessionId, entry]) => ({ sessionId, ...entry }));
  if (format === 'json-pretty') {
    ctx.stdout.write(`${JSON.stringify(entries === undefined ? info : { ...info, sessions: entries }, null, 2)}\n`);
    return;
  }
  const run = info.lastRun;
  const lines: Array<[string, string | null]> = [
    ['Checkpoint', info.name],
    ['Client', info.client],
    ['File', info.file],
    [
      'State',
      info.kind === 'damaged'
        ? `damaged: ${info.problem ?? ''}`
        : info.kind === 'python'
          ? 'Python CLI checkpoint, imported on the next run'
          : 'ok',
    ],
    ['Query', info.query ?? (info.kind === 'store' ? 'adopted from the next run' : null)],
    ['Entries', String(info.entries)],
    ['Created', info.createdAt],
    ['Updated', info.updatedAt],
    ['Imported from', info.importedFrom],
    ['Backfill owed', info.backfill === null ? null : `from ${info.backfill}, until a run completes`],
    ['Lock', info.lock ?? 'free'],
    [
      'Last run',
      run === null
        ? null
        : `${run.startedAt} ${run.status}${run.error === null ? '' : ` (${run.error})`}, ${(run.durationMs / 1000).toFixed(1)} s`,
    ],
    ['Window', run === null ? null : `${run.window.onOrAfter} to ${run.window.before ?? 'now'}`],
    [
      'Counts',
      run === null
        ? null
        : `fetched ${run.fetched}, new ${run.new}, changed ${run.changed}, unchanged ${run.unchanged}, delivered ${run.delivered}, skipped ${run.skipped}`,
    ],
  ];
  for (const [label, value] of lines) if (value !== null) ctx.stdout.write(`${`${label}:`.padEnd(15)}${value}\n`);
  if (entries !== undefined) {
    ctx.stdout.write('\nSESSION_ID  BEGIN_TIME  DELIVERED_AT  DIGEST\n');
    for (const entry of entries) {
      const iso = (ms: number): string => new Date(ms).toISOString();
      ctx.stdout.write(
        `${entry.sessionId}  ${iso(entry.beginTime)}  ${iso(entry.deliveredAt)}  ${entry.digest ?? '-'}\n`,
      );
    }
  }
}
