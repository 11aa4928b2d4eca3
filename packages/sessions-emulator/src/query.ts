import { badRequest } from './http-error.js';
import {
  CONTENT_INSPECTION_STATUSES,
  SESSION_STATES,
  currentState,
  latestScore,
  type ContentInspectionStatus,
  type SessionRecord,
} from './model.js';

/** The filters of a search or of change-states, checked as strictly as the API checks them. */
export interface Filters {
  actorId: string | undefined;
  onOrAfter: number | undefined;
  before: number | undefined;
  type: string | undefined;
  hasAlerts: boolean | undefined;
  riskIndicators: string[];
  states: string[];
  severities: number[];
  ruleIds: string[];
  watchlistIds: string[];
  /** In the emulator's data vocabulary; `UNPROCESSED` matches no session (the emulator generates none). */
  contentInspectionStatus: ContentInspectionStatus | 'UNPROCESSED' | undefined;
}

/** A search: filters, order and page. */
export interface Search extends Filters {
  orderBy: 'end_time' | 'score';
  sortDirection: 'asc' | 'desc';
  pageNumber: number;
  pageSize: number;
}

/** The largest page the API serves by default: the `maximum` of `page_size` in the vendor's API description. */
export const MAX_PAGE_SIZE = 1000;

/** The page size of a search without `page_size` (the Python CLI always sends it). */
const DEFAULT_PAGE_SIZE = 50;

/**
 * `sort_direction` values: the vendor's API description documents `ASC`/`DESC`, the Python SDK sends `asc`/`desc`;
 * both are evidence of what the API takes, so both are accepted, and nothing else.
 */
const SORT_DIRECTIONS: Record<string, 'asc' | 'desc'> = { asc: 'asc', desc: 'desc', ASC: 'asc', DESC: 'desc' };

/**
 * `content_inspection_status` values, mapped onto the emulator's data: the Python SDK's `PENDING`, `FOUND`,
 * `NOT_FOUND` and the vendor description's `PENDING`, `PII_FOUND`, `PII_NOT_FOUND`, `UNPROCESSED`.
 */
const INSPECTION_FILTERS: Record<string, ContentInspectionStatus | 'UNPROCESSED'> = {
  ...Object.fromEntries(CONTENT_INSPECTION_STATUSES.map((status) => [status, status])),
  PII_FOUND: 'FOUND',
  PII_NOT_FOUND: 'NOT_FOUND',
  UNPROCESSED: 'UNPROCESSED',
};

const FILTER_KEYS = [
  'actor_id',
  'on_or_after',
  'before',
  'type',
  'has_alerts',
  'risk_indicators',
  'state',
  'severity',
  'rule_id',
  'watchlist_id',
  'content_inspection_status',
];
const LIST_KEYS = new Set(['risk_indicators', 'state', 'severity', 'rule_id', 'watchlist_id']);
const SEARCH_KEYS = [...FILTER_KEYS, 'order_by', 'sort_direction', 'page_number', 'page_size'];

/** Parse the filters of `POST /v1/sessions/change-states`; paging or ordering parameters are rejected. */
export function parseFilters(params: URLSearchParams): Filters {
  checkKeys(params, FILTER_KEYS);
  return filters(params);
}

/** Parse the query of `GET /v1/sessions`; `page_size` may go up to `maxPageSize`. */
export function parseSearch(params: URLSearchParams, maxPageSize = MAX_PAGE_SIZE): Search {
  checkKeys(params, SEARCH_KEYS);
  return {
    ...filters(params),
    orderBy: oneOf(params, 'order_by', ['end_time', 'score'] as const) ?? 'end_time',
    sortDirection: mapped(params, 'sort_direction', SORT_DIRECTIONS) ?? 'desc',
    pageNumber: integer(params, 'page_number', 0, Number.MAX_SAFE_INTEGER) ?? 0,
    pageSize: integer(params, 'page_size', 1, maxPageSize) ?? Math.min(DEFAULT_PAGE_SIZE, maxPageSize),
  };
}

/** Whether a session matches the filters (state and severity are the current ones). */
export function matches(record: SessionRecord, f: Filters): boolean {
  const s = record.session;
  if (f.actorId !== undefined && s.actorId !== f.actorId) return false;
  if (f.onOrAfter !== undefined && s.beginTime < f.onOrAfter) return false;
  if (f.before !== undefined && s.beginTime >= f.before) return false;
  if (f.type !== undefined && s.type !== f.type) return false;
  if (f.hasAlerts !== undefined && s.triggeredAlerts.length > 0 !== f.hasAlerts) return false;
  if (
    f.riskIndicators.length > 0 &&
    !s.riskIndicators.some((r) => f.riskIndicators.includes(r.id) || f.riskIndicators.includes(r.name))
  ) {
    return false;
  }
  if (f.states.length > 0 && !f.states.includes(currentState(s) ?? '')) return false;
  if (f.severities.length > 0 && !f.severities.includes(latestScore(s)?.severity ?? -1)) return false;
  if (f.ruleIds.length > 0 && !s.triggeredAlerts.some((a) => f.ruleIds.includes(a.ruleId))) return false;
  if (f.watchlistIds.length > 0 && !record.watchlistIds.some((id) => f.watchlistIds.includes(id))) return false;
  if (f.contentInspectionStatus !== undefined && record.contentInspectionStatus !== f.contentInspectionStatus) {
    return false;
  }
  return true;
}

/** Order records as the API does: by end time or current score, ties broken by session id. */
export function compareFor(
  search: Pick<Search, 'orderBy' | 'sortDirection'>,
): (a: SessionRecord, b: SessionRecord) => number {
  const key =
    search.orderBy === 'score'
      ? (r: SessionRecord) => latestScore(r.session)?.score ?? 0
      : (r: SessionRecord) => r.session.endTime;
  const sign = search.sortDirection === 'asc' ? 1 : -1;
  return (a, b) => {
    const diff = key(a) - key(b);
    if (diff !== 0) return sign * diff;
    return a.session.sessionId < b.session.sessionId ? -1 : a.session.sessionId > b.session.sessionId ? 1 : 0;
  };
}

/** A canonical text of what a search selects and how it orders, for caching results. */
export function queryKey(search: Omit<Search, 'pageNumber' | 'pageSize'>): string {
  const { orderBy, sortDirection, ...f } = search;
  return JSON.stringify([orderBy, sortDirection, f]);
}

function filters(params: URLSearchParams): Filters {
  return {
    actorId: single(params, 'actor_id'),
    onOrAfter: integer(params, 'on_or_after', 0, Number.MAX_SAFE_INTEGER),
    before: integer(params, 'before', 0, Number.MAX_SAFE_INTEGER),
    type: single(params, 'type'),
    hasAlerts: boolean(params, 'has_alerts'),
    riskIndicators: params.getAll('risk_indicators'),
    states: params.getAll('state').map((state) => {
      if (!(SESSION_STATES as readonly string[]).includes(state)) {
        throw badRequest(`Invalid state '${state}': expected one of ${SESSION_STATES.join(', ')}`);
      }
      return state;
    }),
    severities: params.getAll('severity').map((value) => {
      if (!/^[0-4]$/.test(value)) throw badRequest(`Invalid severity '${value}': expected an integer from 0 to 4`);
      return Number(value);
    }),
    ruleIds: params.getAll('rule_id'),
    watchlistIds: params.getAll('watchlist_id'),
    contentInspectionStatus: mapped(params, 'content_inspection_status', INSPECTION_FILTERS),
  };
}

function checkKeys(params: URLSearchParams, allowed: readonly string[]): void {
  const seen = new Set<string>();
  for (const key of params.keys()) {
    if (!allowed.includes(key)) throw badRequest(`Unknown query parameter '${key}'`);
    if (seen.has(key) && !LIST_KEYS.has(key)) throw badRequest(`Query parameter '${key}' may be given only once`);
    seen.add(key);
  }
}

function single(params: URLSearchParams, key: string): string | undefined {
  const value = params.get(key);
  if (value === null) return undefined;
  if (value === '') throw badRequest(`Query parameter '${key}' is empty`);
  return value;
}

function integer(params: URLSearchParams, key: string, min: number, max: number): number | undefined {
  const value = single(params, key);
  if (value === undefined) return undefined;
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw badRequest(`Invalid ${key} '${value}': expected an integer from ${min} to ${max}`);
  }
  return number;
}

function boolean(params: URLSearchParams, key: string): boolean | undefined {
  const value = single(params, key);
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw badRequest(`Invalid ${key} '${value}': expected true or false`);
  return value === 'true';
}

function mapped<T>(params: URLSearchParams, key: string, values: Record<string, T>): T | undefined {
  const value = single(params, key);
  if (value === undefined) return undefined;
  if (!Object.hasOwn(values, value)) {
    throw badRequest(`Invalid ${key} '${value}': expected one of ${Object.keys(values).join(', ')}`);
  }
  return values[value];
}

function oneOf<T extends string>(params: URLSearchParams, key: string, values: readonly T[]): T | undefined {
  const value = single(params, key);
  if (value === undefined) return undefined;
  if (!(values as readonly string[]).includes(value)) {
    throw badRequest(`Invalid ${key} '${value}': expected one of ${values.join(', ')}`);
  }
  return value as T;
}
