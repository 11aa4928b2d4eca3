// The emulator's own view of the API's records (api.md §5). Kept independent of @x/sessions-sdk on purpose: the
// emulator must not inherit the client's assumptions, or client bugs could hide behind it; and it installs with no
// dependencies, where the SDK package would bring ky, undici and valibot even for its dependency-free model entry.

/** Session states the API accepts in `change-state` and the `state` filter. */
export const SESSION_STATES = [
  'OPEN',
  'IN_PROGRESS',
  'CLOSED',
  'CLOSED_TP',
  'CLOSED_TP_BENIGN',
  'CLOSED_FP',
  'OPEN_NEW_DATA',
] as const;

/** A session state. */
export type SessionState = (typeof SESSION_STATES)[number];

/** Content inspection statuses of the `content_inspection_status` filter. */
export const CONTENT_INSPECTION_STATUSES = ['PENDING', 'FOUND', 'NOT_FOUND'] as const;

/** A content inspection status. */
export type ContentInspectionStatus = (typeof CONTENT_INSPECTION_STATUSES)[number];

/** An analyst note. */
export interface Note {
  content: string;
  id: string;
  sourceTimestamp: number;
  userId: string;
}

/** A risk indicator seen in a session. */
export interface RiskIndicator {
  eventCount: number;
  id: string;
  name: string;
  weight: number;
}

/** One entry of the score history. */
export interface Score {
  score: number;
  severity: number;
  sourceTimestamp: number;
}

/** One entry of the state history. */
export interface StateEntry {
  sourceTimestamp: number;
  state: string;
  stateV2: string;
  userId: string | null;
}

/** An alert raised in a session. */
export interface TriggeredAlert {
  alertId: string;
  lessonId: string | null;
  ruleId: string;
  ruleName: string;
}

/** A session exactly as the API serves it, keys in the API's order; extra keys stand for fields clients do not model. */
export interface ApiSession {
  actorId: string;
  actorName: string | null;
  type: string;
  beginTime: number;
  contentInspectionResults: Record<string, unknown> | null;
  contextSummary: string | null;
  criticalEvents: number;
  highEvents: number;
  moderateEvents: number;
  lowEvents: number;
  noRiskEvents: number;
  endTime: number;
  exfiltrationSummary: string | null;
  firstObserved: number;
  lastUpdated: number;
  notes: Note[];
  riskIndicators: RiskIndicator[];
  scores: Score[];
  sessionId: string;
  states: StateEntry[];
  tenantId: string;
  triggeredAlerts: TriggeredAlert[];
  userId: string;
  [unmodelled: string]: unknown;
}

/** What the emulator keeps per session: the API object plus what the API filters on but does not show. */
export interface SessionRecord {
  session: ApiSession;
  /** Watchlists of the session's actor (the `watchlist_id` filter). */
  watchlistIds: string[];
  /** The `content_inspection_status` filter's value for this session. */
  contentInspectionStatus: ContentInspectionStatus;
  /** Stable number of the record within its dataset: seeds its file events. */
  ordinal: number;
}

/** A person whose activity forms sessions. */
export interface Actor {
  actorId: string;
  actorName: string;
  userId: string;
  department: string;
  watchlistIds: string[];
}

/** The whole generated world. */
export interface Dataset {
  tenantId: string;
  actors: Actor[];
  watchlists: Array<{ id: string; name: string }>;
  rules: Array<{ ruleId: string; ruleName: string }>;
  riskIndicators: Array<{ id: string; name: string; weight: number }>;
  records: SessionRecord[];
}

/** `CLOSED` and its variants: the states a session can reopen from. */
export function isClosedState(state: string | undefined): boolean {
  return state !== undefined && state.startsWith('CLOSED');
}

/** The deprecated coarse `state` for a `stateV2`: OPEN_NEW_DATA is OPEN, every closed variant is CLOSED. */
export function coarseState(stateV2: string): string {
  if (stateV2 === 'OPEN_NEW_DATA') return 'OPEN';
  return isClosedState(stateV2) ? 'CLOSED' : stateV2;
}

/** The current state: the `states` entry with the largest `sourceTimestamp` (later entry on ties). */
export function currentState(session: ApiSession): string | undefined {
  let best: StateEntry | undefined;
  for (const entry of session.states) {
    if (best === undefined || entry.sourceTimestamp >= best.sourceTimestamp) best = entry;
  }
  return best === undefined ? undefined : best.stateV2 || best.state;
}

/** The latest `scores` entry (later entry on ties): its severity is the current severity, its score sorts by score. */
export function latestScore(session: ApiSession): Score | undefined {
  let best: Score | undefined;
  for (const entry of session.scores) {
    if (best === undefined || entry.sourceTimestamp >= best.sourceTimestamp) best = entry;
  }
  return best;
}
