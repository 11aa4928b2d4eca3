import type { SessionSearch } from '@x/sessions-sdk';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { createContext, type Context, type GlobalArgs } from '../../context.js';
import { counted } from '../../output/text.js';
import { ExitError, InterruptedError, UsageError } from '../../failures.js';
import { choice } from '../../options/choices.js';
import { SESSION_STATES } from '@x/sessions-sdk/model';
import { resolveTimes, toFilters, withFilters, type FilterArgs } from '../../options/filters.js';
import { completes } from '../../options/values.js';

/** Sessions the server changes per change-states call at most (api.md E5): for the progress estimate. */
const PER_CALL = 500;

/** Arguments of `incydr sessions update-by-criteria`. */
export type UpdateByCriteriaArgs = GlobalArgs &
  FilterArgs & {
    newState: string;
    yes?: boolean;
    dryRun?: boolean;
    all?: boolean;
  };

/** The input a confirmation is read from; tests may give their own (the process's stdin otherwise). */
export type ConfirmInput = NodeJS.ReadableStream & { isTTY?: boolean };

export const command = 'update-by-criteria <new-state>';
export const describe = 'Change the state of every session that matches the search filters';

/** What follows `incydr sessions update-by-criteria` in its usage line. */
export const synopsis = 'NEW_STATE [filters] [--yes | --dry-run]';

export function builder(yargs: Argv): Argv<UpdateByCriteriaArgs> {
  return withFilters(completes(yargs, 'new-state', { values: SESSION_STATES }))
    .positional('new-state', {
      type: 'string',
      describe: `New state: ${SESSION_STATES.join(', ')}`,
      demandOption: true,
    })
    .option('yes', { alias: 'y', type: 'boolean', describe: 'Do not ask for confirmation (needed without a terminal)' })
    .option('dry-run', { type: 'boolean', describe: 'Only report how many sessions match; change nothing' })
    .option('all', {
      type: 'boolean',
      describe: 'Needed to change every session without any filter (all with alerts, or all with --any-alerts)',
    })
    .example(
      '$0 sessions update-by-criteria CLOSED_FP --start 30d --state OPEN --severity NO_RISK --dry-run',
      'how many would change',
    )
    .example(
      '$0 sessions update-by-criteria IN_PROGRESS --rule-id rule-a --yes',
      'no question asked',
    ) as unknown as Argv<UpdateByCriteriaArgs>;
}

export async function handler(args: ArgumentsCamelCase<UpdateByCriteriaArgs>): Promise<void> {
  await run(args, createContext(args));
}

/**
 * Count the matching sessions, confirm, then change them all with change-states (following continuation tokens).
 * The state, the filters and whether a confirmation can be asked are checked before the first request.
 */
export async function run(
  args: UpdateByCriteriaArgs,
  ctx: Context,
  stdin: ConfirmInput = process.stdin,
): Promise<void> {
  const state = choice('new-state', String(args.newState), SESSION_STATES);
  const filters = toFilters(args);
  // Count and change must select the same window, so relative times are resolved once for both.
  resolveTimes(filters);
  const { sortKey: _sortKey, sortDir: _sortDir, pageSize: _pageSize, ...criteria } = filters;
  // Refused before the count: a run that cannot ask makes no request at all.
  if (args.yes !== true && args.dryRun !== true && stdin.isTTY !== true) {
    throw new UsageError('refusing to change sessions without confirmation: stdin is not a terminal; add --yes');
  }
  // Without a filter the change reaches every session of the tenant: a second, explicit word is asked for.
  if (!narrowed(criteria) && args.all !== true && args.dryRun !== true) {
    throw new UsageError(
      'no filter given: this would change every session with alerts in the tenant; add filters (--start, --state, ' +
        '--severity, --actor-id, …), --dry-run to count them, or --all if every session is meant',
    );
  }

  const client = await ctx.client();
  try {
    const page = await client.sessions.v1.getPage({ ...criteria, pageSize: 1 }, { signal: ctx.signal });
    const count = page.totalCount;
    if (typeof count !== 'number')
      throw new ExitError('the server did not say how many sessions match (no totalCount)');
    ctx.note(`${counted(count, 'session')} ${count === 1 ? 'matches' : 'match'}.`);
    if (count === 0) {
      ctx.note('Nothing to change.');
      return;
    }
    if (args.dryRun === true) {
      ctx.note('Dry run: nothing changed.');
      return;
    }
    if (args.yes !== true) {
      const answer = await ask(`Change the state of ${counted(count, 'session')} to ${state}? [y/N] `, stdin, ctx);
      if (!/^\s*(y|yes)\s*$/i.test(answer)) throw new ExitError('Cancelled: nothing changed.');
    }
    ctx.progress.start('change-states requests');
    const onCall = (done: number): void =>
      ctx.progress.count(done, {
        detail: `about ${Math.min(done * PER_CALL, count).toLocaleString('en-US')} of ${count.toLocaleString('en-US')} sessions`,
      });
    const calls = await client.sessions.v1.updateStateByCriteria(state, criteria, { signal: ctx.signal, onCall });
    ctx.progress.stop();
    ctx.note(`Changed ${counted(count, 'session')} to ${state} in ${counted(calls, 'request')}.`);
  } catch (error) {
    if (ctx.signal.aborted) throw new InterruptedError('interrupted', { cause: error });
    throw error;
  } finally {
    ctx.progress.stop();
    await client.close();
  }
}

/** Whether the criteria select less than every session (`has_alerts` alone does not count). */
function narrowed(criteria: Omit<SessionSearch, 'sortKey' | 'sortDir' | 'pageSize'>): boolean {
  const lists = [
    criteria.riskIndicators,
    criteria.states,
    criteria.severities,
    criteria.ruleIds,
    criteria.watchlistIds,
  ];
  const scalars = [
    criteria.actorId,
    criteria.startTime,
    criteria.endTime,
    criteria.type,
    criteria.contentInspectionStatus,
  ];
  return (
    lists.some((list) => Array.isArray(list) && list.length > 0) ||
    scalars.some((value) => value !== undefined && value !== null && value !== '')
  );
}

/** Ask on stderr and read one line; the end of the input is an empty answer, Ctrl-C an interruption. */
async function ask(question: string, input: ConfirmInput, ctx: Context): Promise<string> {
  const { createInterface } = await import('node:readline');
  ctx.stderr.write(question);
  // terminal: false keeps the terminal in cooked mode, so Ctrl-C reaches the process as SIGINT (the context's signal).
  const rl = createInterface({ input, terminal: false });
  let onAbort = (): void => undefined;
  try {
    return await new Promise<string>((resolve, reject) => {
      onAbort = () => reject(new InterruptedError('interrupted'));
      if (ctx.signal.aborted) onAbort();
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      rl.once('line', (line) => resolve(line));
      rl.once('close', () => resolve(''));
    });
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    rl.close();
  }
}
