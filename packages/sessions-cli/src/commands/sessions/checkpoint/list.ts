import type { ArgumentsCamelCase, Argv } from 'yargs';
import type { CheckpointInfo } from '../../../checkpoint/info.js';
import { checkpointsRoot } from '../../../checkpoint/paths.js';
import { createContext, type Context, type GlobalArgs } from '../../../context.js';
import { resolveFormat, withFormat, type FormatArgs } from '../../../options/format.js';

const FORMATS = ['table', 'json-lines'] as const;

/** Arguments of `incydr sessions checkpoint list`. */
export type ListArgs = GlobalArgs & FormatArgs;

export const command = 'list';
export const describe = 'List the checkpoints on this machine (every API client)';

export function builder(yargs: Argv): Argv<ListArgs> {
  return withFormat(yargs, FORMATS, false) as unknown as Argv<ListArgs>;
}

export async function handler(args: ArgumentsCamelCase<ListArgs>): Promise<void> {
  await run(args, createContext(args));
}

/** One row per checkpoint: name, client, entries, last run; damaged stores are listed with their problem. */
export async function run(args: ListArgs, ctx: Context, root = checkpointsRoot()): Promise<void> {
  const format = resolveFormat(args, FORMATS, ctx.useRich);
  const [{ findCheckpoints }, { checkpointInfo }] = await Promise.all([
    import('../../../checkpoint/catalog.js'),
    import('../../../checkpoint/info.js'),
  ]);
  const infos = await Promise.all((await findCheckpoints(root)).map((found) => checkpointInfo(found)));
  if (format === 'json-lines') {
    for (const info of infos) ctx.stdout.write(`${JSON.stringify(info)}\n`);
    if (infos.length === 0) ctx.note('No checkpoints found.');
    return;
  }
  if (infos.length === 0) {
    ctx.stdout.write(`No checkpoints found in ${root}.\n`);
    return;
  }
  const rows = [
    ['NAME', 'CLIENT', 'ENTRIES', 'LAST RUN', 'QUERY'],
    ...infos.map((info) => [info.name, info.client, String(info.entries), lastRunText(info), queryText(info)]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  for (const row of rows) {
    const cells = row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)));
    ctx.stdout.write(`${cells.join('  ')}\n`);
  }
}

function lastRunText(info: CheckpointInfo): string {
  if (info.kind === 'python') return 'Python CLI checkpoint, imported on the next run';
  if (info.kind === 'damaged') return `damaged: ${info.problem ?? ''}`;
  const run = info.lastRun;
  if (run === null) return info.lock === null ? 'never finished' : 'running';
  return `${run.startedAt} ${run.status}, ${run.delivered} delivered`;
}

function queryText(info: CheckpointInfo): string {
  // The client is its own column; the URL and filters tell the checkpoints apart.
  return info.query?.replace(/ client=\S+/, '') ?? '';
}
