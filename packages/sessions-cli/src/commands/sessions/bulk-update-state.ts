import type { ArgumentsCamelCase, Argv } from 'yargs';
import { createContext, type Context, type GlobalArgs } from '../../context.js';
import { counted } from '../../output/text.js';
import { MAX_INPUT_BYTES } from '../../bulk/input.js';
import { ExitError, InterruptedError, UsageError } from '../../failures.js';
import { choice } from '../../options/choices.js';
import { SESSION_STATES, currentState } from '@x/sessions-sdk/model';
import { completes } from '../../options/values.js';

/** Arguments of `incydr sessions bulk-update-state`. */
export type BulkUpdateStateArgs = GlobalArgs & {
  file: string;
  format?: string;
  state?: string;
  note?: string;
  dryRun?: boolean;
  results?: string;
  failFast?: boolean;
};

/** Where the input comes from when FILE is `-`: the process's stdin unless the caller gives its own. */
export interface BulkIo {
  /** The chunks of standard input (read only up to the input limit). */
  stdin(): AsyncIterable<Uint8Array>;
}

export const command = 'bulk-update-state <file>';
export const describe =
  'Change the state of many sessions (and add notes) from a CSV or JSON Lines file, or - for stdin';

export function builder(yargs: Argv): Argv<BulkUpdateStateArgs> {
  completes(yargs, 'file', 'file');
  completes(yargs, 'format', { values: ['csv', 'json-lines'] });
  completes(yargs, 'state', { values: SESSION_STATES });
  completes(yargs, 'results', 'file');
  return yargs
    .positional('file', {
      type: 'string',
      describe: `Input file, or - for stdin (at most ${MAX_INPUT_BYTES / 1_000_000} MB)`,
      demandOption: true,
    })
    .option('format', {
      alias: 'f',
      type: 'string',
      requiresArg: true,
      default: 'csv',
      describe: 'Input format: csv, json-lines',
    })
    .option('state', {
      alias: 's',
      type: 'string',
      requiresArg: true,
      describe: 'State for every row (overrides the state column)',
    })
    .option('note', { type: 'string', requiresArg: true, describe: 'Note for every row (overrides the note column)' })
    .option('dry-run', { type: 'boolean', describe: 'Validate and print the plan; send nothing' })
    .option('results', {
      type: 'string',
      requiresArg: true,
      describe: 'Write each row’s outcome to this .csv or .jsonl file',
    })
    .option('fail-fast', {
      type: 'boolean',
      describe: 'Stop at the first failure',
    }) as unknown as Argv<BulkUpdateStateArgs>;
}

export async function handler(args: ArgumentsCamelCase<BulkUpdateStateArgs>): Promise<void> {
  await run(args, createContext(args));
}

/** Validate the options and the whole input, then (unless a dry run) apply it and report every row's outcome. */
export async function run(
  args: BulkUpdateStateArgs,
  ctx: Context,
  io: BulkIo = { stdin: () => process.stdin },
): Promise<void> {
  const { BULK_FORMATS, formatRowErrors } = await import('../../bulk/types.js');
  const { noteProblem } = await import('../../bulk/validate.js');
  const { resultsFormatOf } = await import('../../bulk/results.js');

  const format = choice('format', args.format ?? 'csv', BULK_FORMATS);
  const state = args.state === undefined ? undefined : choice('state', args.state, SESSION_STATES);
  const noteError = args.note === undefined ? undefined : noteProblem(args.note);
  if (noteError !== undefined) throw new UsageError(`--note: ${noteError}`);
  const resultsFormat = args.results === undefined ? undefined : resultsFormatOf(args.results);
  if (args.results !== undefined && resultsFormat === undefined) {
    throw new UsageError(`--results ${args.results}: use a .csv, .jsonl or .json-lines file`);
  }

  const { writeFile } = await import('node:fs/promises');
  const { createReadStream } = await import('node:fs');
  const { readLimited } = await import('../../bulk/input.js');
  // yargs turns a positional `-` into an empty string; no file has an empty name, so both mean stdin.
  const file = args.file === '' ? '-' : String(args.file);
  let bytes: Uint8Array;
  try {
    // A stream, not readFile: /dev/zero, a FIFO or an endless pipe must stop at the limit.
    bytes = await readLimited(file === '-' ? io.stdin() : createReadStream(file, { highWaterMark: 1 << 20 }));
  } catch (error) {
    throw new ExitError(`cannot read ${file === '-' ? 'stdin' : file}: ${(error as Error).message}`, 2);
  }
  const { readRows } = await import('../../bulk/read.js');
  const validated = readRows(bytes, format, SESSION_STATES, { state, note: args.note });
  if (!validated.ok) {
    for (const line of formatRowErrors(validated.errors)) ctx.note(line);
    const count = validated.errors.length;
    throw new ExitError(`${count} ${count === 1 ? 'problem' : 'problems'} in the input; nothing was sent`, 1);
  }

  const { planRequests, describePlan } = await import('../../bulk/plan.js');
  const plan = planRequests(validated.rows);
  if (args.dryRun === true) {
    ctx.stdout.write(
      `Dry run, nothing sent:\n${describePlan(plan)
        .map((line) => `  ${line}\n`)
        .join('')}`,
    );
    return;
  }

  const { applyPlan } = await import('../../bulk/apply.js');
  const { describeError } = await import('../../errors.js');
  const { failureKind } = await import('../../outcome.js');
  const client = await ctx.client();
  ctx.progress.start('requests');
  let result: Awaited<ReturnType<typeof applyPlan>>;
  try {
    const sessions = client.sessions.v1;
    result = await applyPlan(
      plan,
      {
        updateStateById: (ids, target) => sessions.updateStateById(ids, target, { signal: ctx.signal }),
        addNote: (id, text) => sessions.addNote(id, text, { signal: ctx.signal }),
        readSession: async (id) => {
          const session = await sessions.getSessionDetails(id, { signal: ctx.signal });
          return { state: currentState(session), notes: (session.notes ?? []).map((note) => note.content ?? '') };
        },
      },
      {
        failFast: args.failFast === true,
        signal: ctx.signal,
        describe: (error) => describeError(error).message,
        classify: failureKind,
        onProgress: (done, total) => ctx.progress.count(done, { total }),
      },
    );
  } finally {
    ctx.progress.stop();
    await client.close();
  }

  if (args.results !== undefined && resultsFormat !== undefined) {
    const { formatResults } = await import('../../bulk/results.js');
    // Row outcomes name sessions and quote server messages: only the user may read them.
    await writeFile(args.results, formatResults(result.outcomes, resultsFormat), { mode: 0o600 });
  }
  const { rowResult, rowStatus } = await import('../../bulk/apply.js');
  // Skipped rows share one reason, said once below; failed and unknown ones each get their line.
  for (const outcome of result.outcomes) {
    const kind = rowResult(outcome);
    if (kind === 'failed' || kind === 'unknown')
      ctx.note(`line ${outcome.row.line}: ${outcome.row.sessionId}: ${rowStatus(outcome)}`);
  }
  const counts = [`${result.failed} failed`];
  if (result.unknown > 0) counts.push(`${result.unknown} unknown`);
  if (result.skipped > 0) counts.push(`${result.skipped} skipped`);
  ctx.note(`${result.updated} updated, ${counted(result.notesAdded, 'note')} added, ${counts.join(', ')}`);
  if (result.interrupted) throw new InterruptedError('interrupted');
  const listed = args.results === undefined ? '' : ` (listed in ${args.results})`;
  const problems: string[] = [];
  if (result.stopped !== undefined)
    problems.push(`stopped: ${result.stopped}; ${plural(result.skipped, 'row')} not sent or not applied${listed}`);
  if (result.unknown > 0) {
    problems.push(
      `${plural(result.unknown, 'row')} with an unknown outcome: look at those sessions before sending them again`,
    );
  }
  if (problems.length > 0 || result.failed > 0 || result.skipped > 0) throw new ExitError(problems.join('; '), 1);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
