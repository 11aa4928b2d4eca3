import type { ArgumentsCamelCase, Argv } from 'yargs';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_PAGE_SIZE,
  DURATION_FORMS,
  MAX_CONCURRENCY,
  MAX_PAGE_SIZE,
  SORT_DIRECTIONS,
  SORT_KEYS,
  toDurationMs,
} from '@x/sessions-sdk/model';
import { createContext, type Context, type GlobalArgs } from '../../context.js';
import { InterruptedError, UsageError } from '../../failures.js';
import { choice } from '../../options/choices.js';
import { resolveTimes, toFilters, withFilters, type FilterArgs } from '../../options/filters.js';
import { sortDirection } from '../../options/sort-dir.js';
import { completes } from '../../options/values.js';
import { columnsFor, escapeFormulasFor, resolveFormat, withFormat, type FormatArgs } from '../../options/format.js';
import { toSenderOptions, withSyslog, type SyslogArgs } from '../../options/syslog.js';
import { consoleUrlOf, recordFormat, recordKind, withRecord, type RecordArgs } from '../../options/record.js';
import { checkName } from '../../checkpoint/paths.js';
import { CONFIRM_EVERY } from '../../delivery/syslog.js';
import type { ChangeOf, SiemMapping } from '../../delivery/siem.js';
import type { RecordSink } from '../../delivery/sink.js';
import type { SessionSearch } from '@x/sessions-sdk';
import type { SiemRecordKind } from '@x/sessions-sdk/siem';
import type { SyslogSenderOptions } from '@x/syslog-out/check';

const FORMATS = ['table', 'json-pretty', 'json-lines', 'csv'] as const;

/** Arguments of `incydr sessions search`. */
export type SearchArgs = GlobalArgs &
  FilterArgs &
  FormatArgs &
  SyslogArgs &
  RecordArgs & {
    sortKey?: string;
    sortDir?: string;
    pageSize?: number;
    checkpoint?: string;
    lookback?: string;
    emit?: string;
    summaryJson?: string;
    confirmEvery?: number;
    concurrency?: number;
  };

export const command = 'search';
export const describe = 'Search sessions (by default only sessions with alerts)';

export function builder(yargs: Argv): Argv<SearchArgs> {
  completes(yargs, 'sort-key', { values: SORT_KEYS });
  completes(yargs, 'sort-dir', { values: SORT_DIRECTIONS });
  completes(yargs, 'emit', { values: ['changed', 'new'] });
  completes(yargs, 'summary-json', 'file');
  const withOptions = withRecord(withSyslog(withFormat(withFilters(yargs), FORMATS, true)))
    .option('sort-key', { type: 'string', requiresArg: true, describe: 'end_time (server default) or score' })
    .option('sort-dir', {
      type: 'string',
      requiresArg: true,
      describe: `${SORT_DIRECTIONS.join(', ')}, sent as typed (default: the server's, descending)`,
    })
    .option('page-size', {
      type: 'number',
      requiresArg: true,
      describe: `Sessions per request, 1-${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`,
    })
    .option('concurrency', {
      type: 'number',
      requiresArg: true,
      describe:
        `Pages fetched ahead while earlier ones are written, 1-${MAX_CONCURRENCY} ` +
        `(default ${DEFAULT_CONCURRENCY}, or INCYDR_CONCURRENCY); halved on HTTP 429`,
    })
    .option('confirm-every', {
      type: 'number',
      requiresArg: true,
      describe: 'Records per delivery confirmation to syslog and per checkpoint save (default 5000)',
    })
    .option('checkpoint', {
      type: 'string',
      requiresArg: true,
      group: 'Incremental runs:',
      describe: 'Send only sessions that are new or changed since the runs with this name delivered them',
    })
    .option('lookback', {
      type: 'string',
      requiresArg: true,
      group: 'Incremental runs:',
      describe: `How far back a checkpointed run looks for late and changed sessions (default 7d): ${DURATION_FORMS}`,
    })
    .option('emit', {
      type: 'string',
      requiresArg: true,
      group: 'Incremental runs:',
      describe: 'changed (default): new and changed sessions; new: new ones only',
    })
    .option('summary-json', {
      type: 'string',
      requiresArg: true,
      group: 'Incremental runs:',
      describe: 'Also write the run summary as JSON to this file',
    })
    .example(
      '$0 sessions search --start 7d --state OPEN --severity HIGH --severity CRITICAL',
      'open high-risk sessions of the last week',
    )
    .example(
      '$0 sessions search --start 2024-05-01 -f csv --columns session_id,actor_name,states',
      'a CSV for a spreadsheet',
    )
    .example('$0 sessions search --start 1d --output TLS-TCP:siem.example.com:6514 --certs ca.pem', 'forward to a SIEM')
    .example(
      '$0 sessions search --checkpoint siem --output TCP:siem.example.com:601',
      'every 5 minutes from cron: new and changed sessions only',
    )
    .example(
      '$0 sessions search --checkpoint splunk --record ocsf --output TCP:splunk.example.com:601',
      'OCSF Detection Findings: Create for new sessions, Update for changed ones',
    );
  return withOptions as unknown as Argv<SearchArgs>;
}

export async function handler(args: ArgumentsCamelCase<SearchArgs>): Promise<void> {
  await run(args, createContext(args));
}

/** Search and write the sessions to stdout or to syslog; everything is checked before the first request. */
export async function run(args: SearchArgs, ctx: Context): Promise<void> {
  await execute(planSearch(args, ctx), ctx);
}

/** What a search was asked, checked and resolved (times against one clock reading), before any request. */
export interface SearchPlan {
  filters: SessionSearch;
  syslog: SyslogSenderOptions | undefined;
  record: SiemRecordKind;
  format: (typeof FORMATS)[number] | ReturnType<typeof recordFormat>;
  columns: ReturnType<typeof columnsFor>;
  escapeFormulas: ReturnType<typeof escapeFormulasFor>;
  consoleUrl: string | undefined;
  confirmEvery: number;
  paging: { concurrency?: number };
  incremental: (NonNullable<ReturnType<typeof checkpointOptions>> & { lookbackMs: number }) | undefined;
}

/**
 * Check and resolve the arguments of a search before any request: every usage error of `search` but the columns' comes
 * from here (`incydr forward` checks each pipeline of its config with it).
 */
export function planSearch(args: SearchArgs, ctx: Pick<Context, 'useRich' | 'note' | 'setting'>): SearchPlan {
  const filters = toFilters(args);
  if (args.sortKey !== undefined) filters.sortKey = choice('sort-key', args.sortKey, SORT_KEYS);
  if (args.sortDir !== undefined) filters.sortDir = sortDirection(args.sortDir);
  if (args.pageSize !== undefined) {
    if (!Number.isInteger(args.pageSize) || args.pageSize < 1 || args.pageSize > MAX_PAGE_SIZE) {
      throw new UsageError(`--page-size must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
    filters.pageSize = args.pageSize;
  }
  const syslog = toSenderOptions(args);
  const record = recordKind(args);
  const format =
    record === 'raw' ? resolveFormat(args, FORMATS, ctx.useRich) : recordFormat(record, args.format, FORMATS);
  // What the records are written as, for the options that apply to the table and csv alone.
  const writtenAs = syslog !== undefined ? '--output' : record === 'raw' ? format : `--record ${record}`;
  const escapeFormulas = escapeFormulasFor(args, writtenAs);
  const consoleUrl = consoleUrlOf(args, record, (name) => ctx.setting(name));
  const confirmEvery = integerOption('confirm-every', args.confirmEvery) ?? CONFIRM_EVERY;
  const concurrency = integerOption('concurrency', args.concurrency, MAX_CONCURRENCY);
  const paging = concurrency === undefined ? {} : { concurrency };
  const checkpoint = checkpointOptions(args);
  const now = Date.now();
  // Relative times are resolved once, and a bad date is a usage error before any request.
  resolveTimes(filters, now);
  const incremental =
    checkpoint === undefined ? undefined : { ...checkpoint, lookbackMs: resolveLookback(checkpoint.lookback, now) };
  // Said once everything is checked, so that a usage error comes alone.
  const columns = columnsFor(args, writtenAs, ctx.note);
  return { filters, syslog, record, format, columns, escapeFormulas, consoleUrl, confirmEvery, paging, incremental };
}

/** Run a planned search: with a checkpoint, the incremental run of sync.md; else every match, to stdout or syslog. */
async function execute(plan: SearchPlan, ctx: Context): Promise<void> {
  const { filters, syslog, record, format, columns, escapeFormulas, consoleUrl, confirmEvery, paging } = plan;
  const incremental = plan.incremental;
  if (columns !== undefined) (await import('../../output/columns.js')).checkColumnsEarly(columns, 'session');
  const client = await ctx.client();
  const mapping: SiemMapping | undefined =
    record === 'raw' ? undefined : { kind: record, context: { consoleUrl, apiUrl: client.url } };
  try {
    if (incremental !== undefined) {
      const [{ runCheckpoint }, { openSyslogSink }, { openStdoutSink }, { siemSink }] = await Promise.all([
        import('../../checkpoint/run.js'),
        import('../../delivery/syslog.js'),
        import('../../delivery/stdout.js'),
        import('../../delivery/siem.js'),
      ]);
      const openSink = async (changeOf: ChangeOf): Promise<RecordSink> => {
        const sink =
          syslog !== undefined
            ? await openSyslogSink(syslog, ctx)
            : await openStdoutSink({ format, kind: 'session', columns, noteEmpty: false, escapeFormulas }, ctx);
        return siemSink(sink, mapping, changeOf);
      };
      await runCheckpoint(
        client,
        openSink,
        { ...incremental, filters, confirmEvery, paging, toStdout: syslog === undefined },
        ctx,
      );
      return;
    }
    if (syslog !== undefined) {
      const sessions = client.sessions.v1.iterAll(filters, { signal: ctx.signal, ...paging });
      const { forwardRecords, forwardedLine } = await import('../../delivery/syslog.js');
      const result = await forwardRecords(sessions, syslog, ctx, confirmEvery, mapping);
      ctx.note(forwardedLine(result, 'session', syslog.target as string));
    } else {
      const pages = client.sessions.v1.iterPages(filters, { signal: ctx.signal, ...paging });
      const { emitRecords } = await import('../../delivery/stdout.js');
      await emitRecords(pages, { format, kind: 'session', columns, escapeFormulas }, ctx, mapping);
    }
    if (ctx.signal.aborted) throw new InterruptedError('interrupted');
  } finally {
    await client.close();
  }
}

function integerOption(option: string, value: number | undefined, max?: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 1 || (max !== undefined && value > max)) {
    throw new UsageError(
      `--${option} must be ${max === undefined ? 'a positive integer' : `an integer from 1 to ${max}`}`,
    );
  }
  return value;
}

/** The checkpoint options, checked; undefined without `--checkpoint` (then the others are usage errors). */
function checkpointOptions(
  args: SearchArgs,
): { name: string; lookback: string; emit: 'changed' | 'new'; summaryJson: string | undefined } | undefined {
  if (args.checkpoint === undefined) {
    for (const [key, flag] of [
      ['lookback', 'lookback'],
      ['emit', 'emit'],
      ['summaryJson', 'summary-json'],
    ] as const) {
      if (args[key] !== undefined) throw new UsageError(`--${flag} needs --checkpoint`);
    }
    return undefined;
  }
  return {
    name: checkName(args.checkpoint),
    lookback: args.lookback ?? '7d',
    emit: args.emit === undefined ? 'changed' : choice('emit', args.emit, ['changed', 'new'] as const),
    summaryJson: args.summaryJson,
  };
}

/** `--lookback` as milliseconds: a duration by the SDK's rule (30d, 36h, P14D), longer than 0 and not before 1970. */
function resolveLookback(text: string, now: number): number {
  let ms: number;
  try {
    ms = toDurationMs(text);
  } catch (error) {
    throw new UsageError(`--lookback: ${(error as Error).message}`, { cause: error });
  }
  if (ms <= 0 || ms > now) {
    throw new UsageError(
      `--lookback must be longer than 0 and reach no further back than 1970, not ${JSON.stringify(text)}`,
    );
  }
  return ms;
}
