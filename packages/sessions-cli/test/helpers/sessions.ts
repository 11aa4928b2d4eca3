// Independent readings of the emulator's data (api.md §5, §6): what a search should return, which CSV columns and
// which values CSV should hold. Written from the spec, not from the CLI's or the emulator's code, so they can disagree.
import type { Emulator, SessionDump } from '@x/sessions-emulator';

/** A session as the API sends it (the emulator's dump), typed loosely: tests look at fields by name. */
export type ApiRecord = Record<string, unknown>;

interface Entry {
  sourceTimestamp: number;
}

/** Severity labels by wire integer (api.md §6). */
export const SEVERITY_LABELS = ['NO_RISK', 'LOW', 'MODERATE', 'HIGH', 'CRITICAL'] as const;

function latest<T extends Entry>(entries: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const entry of entries) if (best === undefined || entry.sourceTimestamp >= best.sourceTimestamp) best = entry;
  return best;
}

/** The current state: the entry with the largest sourceTimestamp, `stateV2` before `state`. */
export function currentState(session: SessionDump['session']): string {
  const entry = latest(session.states);
  return entry === undefined ? '' : entry.stateV2 || entry.state;
}

/** The latest score entry (its severity is the current severity). */
export function latestScore(session: SessionDump['session']): { score: number; severity: number } | undefined {
  return latest(session.scores);
}

/** Search filters as the API applies them (begin-time window, current state and severity). */
export interface Criteria {
  actorId?: string;
  onOrAfter?: number;
  before?: number;
  type?: string;
  hasAlerts?: boolean | null;
  riskIndicators?: string[];
  states?: string[];
  severities?: number[];
  ruleIds?: string[];
  watchlistIds?: string[];
  contentInspectionStatus?: string;
  orderBy?: 'end_time' | 'score';
  sortDirection?: 'asc' | 'desc';
}

function matches(dump: SessionDump, c: Criteria): boolean {
  const s = dump.session;
  const hasAlerts = c.hasAlerts === undefined ? true : c.hasAlerts;
  const any = <T>(wanted: readonly T[] | undefined, test: (value: T) => boolean): boolean =>
    wanted === undefined || wanted.length === 0 || wanted.some(test);
  return (
    (c.actorId === undefined || s.actorId === c.actorId) &&
    (c.onOrAfter === undefined || s.beginTime >= c.onOrAfter) &&
    (c.before === undefined || s.beginTime < c.before) &&
    (c.type === undefined || s.type === c.type) &&
    (hasAlerts === null || s.triggeredAlerts.length > 0 === hasAlerts) &&
    any(c.riskIndicators, (name) => s.riskIndicators.some((r) => r.name === name || r.id === name)) &&
    any(c.states, (state) => currentState(s) === state) &&
    any(c.severities, (severity) => latestScore(s)?.severity === severity) &&
    any(c.ruleIds, (id) => s.triggeredAlerts.some((alert) => alert.ruleId === id)) &&
    any(c.watchlistIds, (id) => dump.watchlistIds.includes(id)) &&
    (c.contentInspectionStatus === undefined || dump.contentInspectionStatus === c.contentInspectionStatus)
  );
}

/** The sessions a search selects, in the order the emulator serves them (ties broken by session id). */
export function expectedSearch(emu: Emulator, criteria: Criteria = {}): SessionDump['session'][] {
  const key = (s: SessionDump['session']): number =>
    criteria.orderBy === 'score' ? (latestScore(s)?.score ?? 0) : s.endTime;
  const sign = criteria.sortDirection === 'asc' ? 1 : -1;
  return emu
    .state()
    .sessions.filter((dump) => matches(dump, criteria))
    .map((dump) => dump.session)
    .sort((a, b) => sign * (key(a) - key(b)) || (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0));
}

/** The dump of one session by id. */
export function dumpOf(emu: Emulator, sessionId: string): SessionDump {
  const dump = emu.state().sessions.find((d) => d.session.sessionId === sessionId);
  if (dump === undefined) throw new Error(`no session ${sessionId} in the emulator`);
  return dump;
}

/** What a CSV cell should hold for a value (cli.md §3): raw scalars, empty for null/absent, JSON for the rest. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Epoch ms as ISO-8601 UTC, to the millisecond and to the second. */
export function iso(ms: number): { ms: string; seconds: string } {
  const text = new Date(ms).toISOString();
  return { ms: text, seconds: text.replace(/\.\d{3}Z$/, 'Z') };
}

/** `yyyy-MM-dd` and `yyyy-MM-dd HH:MM:SS` (UTC) of an epoch, the Python CLI's two date forms. */
export function pythonDate(ms: number): { day: string; dateTime: string } {
  const text = new Date(ms).toISOString();
  return { day: text.slice(0, 10), dateTime: `${text.slice(0, 10)} ${text.slice(11, 19)}` };
}

/** Anything that looks like an ANSI escape sequence. */
export const ANSI = /\u001b\[/;

/** Fetch a session's file events straight from the emulator, as the API sends them (for byte comparisons). */
export async function fileEventsOf(emu: Emulator, sessionId: string): Promise<ApiRecord[]> {
  const auth = Buffer.from(`${emu.clientId}:${emu.clientSecret}`).toString('base64');
  const token = (await (
    await fetch(`${emu.url}/v1/oauth`, { method: 'POST', headers: { authorization: `Basic ${auth}` } })
  ).json()) as {
    access_token: string;
  };
  const response = await fetch(`${emu.url}/v1/sessions/${encodeURIComponent(sessionId)}/events`, {
    headers: { authorization: `Bearer ${token.access_token}` },
  });
  if (!response.ok) throw new Error(`events of ${sessionId}: HTTP ${response.status}`);
  const body = (await response.json()) as { queryResult: { fileEvents: ApiRecord[] } };
  return body.queryResult.fileEvents;
}

/** The Python CLI's CSV columns (test/fixtures/python-columns.json): [column name, JSON path in the API object]. */
export interface PythonColumnLists {
  session: Array<[string, string]>;
  fileEvent: Array<[string, string]>;
}

/** Read the Python CLI's CSV column lists from the fixture. */
export async function pythonColumns(): Promise<PythonColumnLists> {
  const { readFile } = await import('node:fs/promises');
  const file = new URL('../fixtures/python-columns.json', import.meta.url);
  return JSON.parse(await readFile(file, 'utf8')) as PythonColumnLists;
}

/** The value at a dot path of API keys (`source.email.from`), undefined when a step is missing or not an object. */
export function apiValue(record: unknown, apiPath: string): unknown {
  let value: unknown = record;
  for (const key of apiPath.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
