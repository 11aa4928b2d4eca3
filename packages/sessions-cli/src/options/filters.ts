import type { Argv } from 'yargs';
import type { SessionSearch } from '@x/sessions-sdk';
import { CONTENT_INSPECTION_STATUSES, SESSION_STATES, SEVERITY_LABELS } from '@x/sessions-sdk/model';
import { TIME_FORMS, toEpochMs } from '@x/sessions-sdk/time';
import { UsageError } from '../failures.js';
import { choice, many } from './choices.js';
import { completes } from './values.js';

/** Filter options of `sessions search` (and `update-by-criteria`). */
export interface FilterArgs {
  actorId?: string;
  start?: string;
  end?: string;
  type?: string;
  alerts?: boolean;
  anyAlerts?: boolean;
  riskIndicators?: string;
  state?: unknown;
  severity?: unknown;
  ruleId?: unknown;
  watchlistId?: unknown;
  contentInspectionStatus?: string;
}

/** Add the search filters. */
export function withFilters<T>(yargs: Argv<T>): Argv<T & FilterArgs> {
  completes(yargs, 'state', { values: SESSION_STATES });
  completes(yargs, 'severity', { values: SEVERITY_LABELS });
  completes(yargs, 'content-inspection-status', { values: CONTENT_INSPECTION_STATUSES });
  return yargs
    .option('actor-id', { type: 'string', requiresArg: true, describe: 'Only sessions of this actor' })
    .option('start', {
      type: 'string',
      requiresArg: true,
      describe: `Sessions that began on or after this time: ${TIME_FORMS.join('; ')}`,
    })
    .option('end', {
      type: 'string',
      requiresArg: true,
      describe: 'Sessions that began before (same forms as --start)',
    })
    .option('type', { type: 'string', requiresArg: true, describe: 'Session type, e.g. STANDARD or ACCOUNT_TAKE_OVER' })
    .option('alerts', {
      type: 'boolean',
      default: true,
      describe: 'Only sessions with alerts; --no-alerts: only sessions without alerts',
    })
    .option('any-alerts', { type: 'boolean', describe: 'Sessions with or without alerts' })
    .option('risk-indicators', { type: 'string', requiresArg: true, describe: 'Comma-separated risk indicators' })
    .option('state', {
      type: 'string',
      array: true,
      requiresArg: true,
      describe: `Current state (repeatable): ${SESSION_STATES.join(', ')}`,
    })
    .option('severity', {
      type: 'string',
      array: true,
      requiresArg: true,
      describe: `Current severity (repeatable): ${SEVERITY_LABELS.join(', ')}`,
    })
    .option('rule-id', { type: 'string', array: true, requiresArg: true, describe: 'Alert rule id (repeatable)' })
    .option('watchlist-id', { type: 'string', array: true, requiresArg: true, describe: 'Watchlist id (repeatable)' })
    .option('content-inspection-status', {
      type: 'string',
      requiresArg: true,
      describe: `${CONTENT_INSPECTION_STATUSES.join(', ')} (any case; sent in upper case)`,
    }) as unknown as Argv<T & FilterArgs>;
}

/** Turn the filter options into SDK filters; times are checked by the SDK before any request. */
export function toFilters(args: FilterArgs): SessionSearch {
  if (args.anyAlerts === true && args.alerts === false) {
    throw new UsageError('--any-alerts and --no-alerts cannot be used together');
  }
  const split = (text: string | undefined): string[] =>
    (text ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  const filters: SessionSearch = {
    hasAlerts: args.anyAlerts === true ? null : args.alerts !== false,
    riskIndicators: split(args.riskIndicators),
    states: many(args.state)
      .flatMap(split)
      .map((s) => choice('state', s, SESSION_STATES)),
    severities: many(args.severity)
      .flatMap(split)
      .map((s) => choice('severity', s, SEVERITY_LABELS)),
    ruleIds: many(args.ruleId),
    watchlistIds: many(args.watchlistId),
  };
  if (args.actorId !== undefined) filters.actorId = args.actorId;
  if (args.start !== undefined) filters.startTime = args.start;
  if (args.end !== undefined) filters.endTime = args.end;
  if (args.type !== undefined) filters.type = args.type;
  if (args.contentInspectionStatus !== undefined) {
    const status = args.contentInspectionStatus;
    filters.contentInspectionStatus = choice('content-inspection-status', status, CONTENT_INSPECTION_STATUSES);
  }
  return filters;
}

/**
 * Resolve `--start`/`--end` to epoch milliseconds once, against one clock reading, so that every request asks the
 * same window; a bad time is a usage error naming the option and the value, before any request.
 */
export function resolveTimes(filters: SessionSearch, now = Date.now()): void {
  for (const [option, value] of [
    ['start', filters.startTime],
    ['end', filters.endTime],
  ] as const) {
    if (typeof value !== 'string') continue;
    let ms: number;
    try {
      ms = toEpochMs(value, now);
    } catch (error) {
      // toEpochMs throws only InvalidArgumentError, whose message quotes the value and lists the forms.
      throw new UsageError(`--${option}: ${(error as Error).message}`, { cause: error });
    }
    if (option === 'start') filters.startTime = ms;
    else filters.endTime = ms;
  }
}
