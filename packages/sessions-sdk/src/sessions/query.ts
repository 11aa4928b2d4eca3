import { InvalidArgumentError } from '../errors.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../limits.js';
import { toEpochMs, type TimeInput } from '../time.js';
import {
  severityFromLabel,
  type ContentInspectionStatus,
  type OpenEnum,
  type SessionState,
  type SeverityLabel,
  type SortDirection,
  type SortKey,
} from './enums.js';

type Many<T> = T | readonly T[];

/** Filters shared by search and change-state-by-criteria; absent, `null` and empty values send nothing. */
export interface SessionFilters {
  /** `actor_id`. */
  actorId?: string | null | undefined;
  /** Begin time on or after (`on_or_after`): a Date, epoch ms, or a string of `TIME_FORMS` (`2024-01-05`, `30d`…). */
  startTime?: TimeInput | null | undefined;
  /** Begin time before (`before`), same forms as `startTime`. */
  endTime?: TimeInput | null | undefined;
  /** `type`, e.g. `STANDARD` or `ACCOUNT_TAKE_OVER`. */
  type?: string | null | undefined;
  /** `has_alerts`; `null` asks for sessions with and without alerts. @default true */
  hasAlerts?: boolean | null | undefined;
  /** `risk_indicators`, repeated. */
  riskIndicators?: Many<string> | null | undefined;
  /** `state`, repeated (the session's current state). */
  states?: Many<OpenEnum<SessionState>> | null | undefined;
  /** `severity`, repeated: integers 0–4 or their labels (`HIGH`, any case). */
  severities?: Many<number | OpenEnum<SeverityLabel>> | null | undefined;
  /** `rule_id`, repeated. */
  ruleIds?: Many<string> | null | undefined;
  /** `watchlist_id`, repeated. */
  watchlistIds?: Many<string> | null | undefined;
  /** `content_inspection_status`, sent as given: `PENDING`, `FOUND`, `NOT_FOUND`, `PII_FOUND`, `PII_NOT_FOUND`… */
  contentInspectionStatus?: OpenEnum<ContentInspectionStatus> | null | undefined;
}

/** Search filters with ordering and page size (for `iterAll`). */
export interface SessionSearch extends SessionFilters {
  /** `order_by`; the server's default is end time. */
  sortKey?: OpenEnum<SortKey> | null | undefined;
  /** `sort_direction`, sent as given (`asc`/`desc` or `ASC`/`DESC`); the server's default is descending. */
  sortDir?: OpenEnum<SortDirection> | null | undefined;
  /** Sessions per page, 1–1000. @default 50 */
  pageSize?: number | undefined;
}

/** Search filters with a page number (for `getPage`). */
export interface SessionPageQuery extends SessionSearch {
  /** 0-based page number. @default 0 */
  pageNum?: number | undefined;
}

/** Query string of a search, in the API's parameter order, lists as repeated keys. */
export function searchQuery(query: SessionPageQuery, now = Date.now()): URLSearchParams {
  const params = filterQuery(query, now);
  add(params, 'order_by', query.sortKey);
  add(params, 'sort_direction', query.sortDir);
  params.append('page_number', String(pageNumber(query.pageNum)));
  params.append('page_size', String(pageSize(query.pageSize)));
  return params;
}

/** Query string of change-state-by-criteria: the search filters without ordering and paging. */
export function filterQuery(filters: SessionFilters, now = Date.now()): URLSearchParams {
  const params = new URLSearchParams();
  add(params, 'actor_id', filters.actorId);
  add(params, 'on_or_after', time(filters.startTime, 'startTime', now));
  add(params, 'before', time(filters.endTime, 'endTime', now));
  add(params, 'type', filters.type);
  const hasAlerts = filters.hasAlerts === undefined ? true : filters.hasAlerts;
  if (hasAlerts !== null) params.append('has_alerts', String(hasAlerts));
  addAll(params, 'risk_indicators', filters.riskIndicators);
  addAll(params, 'state', filters.states);
  addAll(params, 'severity', list(filters.severities).map(severity));
  addAll(params, 'rule_id', filters.ruleIds);
  addAll(params, 'watchlist_id', filters.watchlistIds);
  add(params, 'content_inspection_status', filters.contentInspectionStatus);
  return params;
}

/** Check a page size: an integer from 1 to {@link MAX_PAGE_SIZE}, {@link DEFAULT_PAGE_SIZE} when absent. */
export function pageSize(value: number | undefined): number {
  const size = value ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new InvalidArgumentError(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${String(size)}`);
  }
  return size;
}

function pageNumber(value: number | undefined): number {
  const page = value ?? 0;
  if (!Number.isSafeInteger(page) || page < 0) {
    throw new InvalidArgumentError(`pageNum must be an integer of 0 or more (pages are 0-based), got ${String(page)}`);
  }
  return page;
}

function list<T>(value: Many<T> | null | undefined): readonly T[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

function add(params: URLSearchParams, key: string, value: string | number | null | undefined): void {
  if (value === null || value === undefined || value === '') return;
  params.append(key, String(value));
}

function addAll(params: URLSearchParams, key: string, values: Many<string | number> | null | undefined): void {
  for (const value of list(values)) add(params, key, value);
}

function time(value: TimeInput | null | undefined, name: string, now: number): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  try {
    return toEpochMs(value, now);
  } catch (error) {
    throw new InvalidArgumentError(`${name}: ${(error as Error).message}`, { cause: error });
  }
}

function severity(value: number | string): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) {
      throw new InvalidArgumentError(`severity must be an integer 0–4 or a label, got ${value}`);
    }
    return value;
  }
  const number = severityFromLabel(value);
  if (number === undefined) {
    throw new InvalidArgumentError(
      `unknown severity "${value}": use NO_RISK, LOW, MODERATE, HIGH, CRITICAL or an integer 0–4`,
    );
  }
  return number;
}
