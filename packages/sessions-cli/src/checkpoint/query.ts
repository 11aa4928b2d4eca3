import type { SessionSearch } from '@x/sessions-sdk';

/** What a checkpoint was made for: the server, the API client (or tenant) and the filters, window aside. */
export interface CheckpointQuery {
  url: string;
  client: string;
  filters: Record<string, string | boolean | null | string[]>;
}

/**
 * The identity of a checkpointed search. `--start`, `--end`, `--lookback`, sorting and page size shape the window
 * or the order, not which sessions the checkpoint follows, so they are left out; list filters are sorted.
 */
export function checkpointQuery(filters: SessionSearch, url: string, client: string): CheckpointQuery {
  const out: CheckpointQuery['filters'] = {};
  const text = (key: string, value: string | undefined | null): void => {
    if (value !== undefined && value !== null && value !== '') out[key] = value;
  };
  const list = (key: string, values: unknown): void => {
    const all = Array.isArray(values) ? (values as unknown[]) : values === undefined || values === null ? [] : [values];
    const unique = [...new Set(all.map(String))].sort();
    if (unique.length > 0) out[key] = unique;
  };
  text('actor_id', filters.actorId);
  out['has_alerts'] = filters.hasAlerts === undefined ? true : filters.hasAlerts;
  text('type', filters.type);
  list('risk_indicators', filters.riskIndicators);
  list('state', filters.states);
  list('severity', filters.severities);
  list('rule_id', filters.ruleIds);
  list('watchlist_id', filters.watchlistIds);
  text('content_inspection_status', filters.contentInspectionStatus);
  return { url: url.replace(/\/+$/, ''), client, filters: out };
}

/** Whether two queries are the same (filter order aside; they are normalised when built). */
export function sameQuery(a: CheckpointQuery, b: CheckpointQuery): boolean {
  return describeQuery(a) === describeQuery(b);
}

/** A query on one line, e.g. `url=https://… client=key-1 has_alerts=true state=CLOSED,OPEN`. */
export function describeQuery(query: CheckpointQuery): string {
  const filters = Object.keys(query.filters)
    .sort()
    .map((key) => {
      const value = query.filters[key];
      return `${key}=${Array.isArray(value) ? value.join(',') : String(value)}`;
    });
  return [`url=${query.url}`, `client=${query.client}`, ...filters].join(' ');
}
