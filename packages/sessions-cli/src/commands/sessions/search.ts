import type { ArgumentsCamelCase, Argv } from 'yargs';
import { createContext, type Context, type GlobalArgs } from '../../context.js';
import { InterruptedError, UsageError } from '../../failures.js';
import { choice } from '../../options/choices.js';
import { resolveTimes, toFilters, withFilters, type FilterArgs } from '../../options/filters.js';
import { checkColumns, resolveFormat, withFormat, type FormatArgs } from '../../options/format.js';
import { toSenderOptions, withSyslog, type SyslogArgs } from '../../options/syslog.js';

const FORMATS = ['table', 'json-pretty', 'json-lines', 'csv'] as const;

/** Arguments of `incydr sessions search`. */
export type SearchArgs = GlobalArgs & FilterArgs & FormatArgs & SyslogArgs & {
  sortKey?: string;
  sortDir?: string;
  pageSize?: number;
};

export const command = 'search';
export const describe = 'Search sessions (by default only sessions with alerts)';

export function builder(yargs: Argv): Argv<SearchArgs> {
  const withOptions = withSyslog(withFormat(withFilters(yargs), FORMATS, true))
    .option('sort-key', { type: 'string', requiresArg: true, describe: 'end_time (server default) or score' })
    .option('sort-dir', { type: 'string', requiresArg: true, describe: 'asc or desc (server default)' })
    .option('page-size', { type: 'number', requiresArg: true, describe: 'Sessions per request, 1-50 (default 50)' })
    .example('$0 sessions search --start 7d --state OPEN --severity HIGH --severity CRITICAL', 'open high-risk sessions of the last week')
    .example('$0 sessions search --start 2024-05-01 -f csv --columns session_id,actor_name,states', 'a CSV for a spreadsheet')
    .example('$0 sessions search --start 1d --output TLS-TCP:siem.example.com:6514 --certs ca.pem', 'forward to a SIEM');
  return withOptions as unknown as Argv<SearchArgs>;
}

export async function handler(args: ArgumentsCamelCase<SearchArgs>): Promise<void> {
  await run(args, createContext(args));
}

/** Search and write the sessions to stdout or to syslog; everything is checked before the first request. */
export async function run(args: SearchArgs, ctx: Context): Promise<void> {
  const filters = toFilters(args);
  if (args.sortKey !== undefined) filters.sortKey = choice('sort-key', args.sortKey, ['end_time', 'score'] as const);
  if (args.sortDir !== undefined) filters.sortDir = choice('sort-dir', args.sortDir, ['asc', 'desc'] as const);
  if (args.pageSize !== undefined) {
    if (!Number.isInteger(args.pageSize) || args.pageSize < 1 || args.pageSize > 50) {
      throw new UsageError('--page-size must be an integer from 1 to 50');
    }
    filters.pageSize = args.pageSize;
  }
  const syslog = toSenderOptions(args);
  const format = resolveFormat(args, FORMATS, ctx.useRich);
  if (syslog === undefined) checkColumns(args, format);
  // Relative times are resolved once, and a bad date is a usage error before any request.
  await resolveTimes(filters);
  if (syslog !== undefined) {
    const { parseTarget } = await import('@x/syslog-out');
    parseTarget(syslog.target as string);
  }

  const client = await ctx.client();
  try {
    const sessions = client.sessions.v1.iterAll(filters, { signal: ctx.signal });
    if (syslog !== undefined) {
      const { forwardRecords } = await import('../../forward.js');
      const count = await forwardRecords(sessions, syslog, ctx);
      ctx.note(`Sent ${count} session(s) to ${args.output}.`);
    } else {
      const { emitRecords } = await import('../../emit.js');
      await emitRecords(sessions, { format, kind: 'session', columns: args.columns }, ctx);
    }
    if (ctx.signal.aborted) throw new InterruptedError('interrupted');
  } finally {
    await client.close();
  }
}
