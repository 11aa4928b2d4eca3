// One whole session drawn from a plan, for the initial data and for the sessions that arrive as time passes.
import {
  ANALYST_USER_IDS,
  CONTEXT_ENDINGS,
  NOTE_TEXTS,
  TAKEOVER_ENDING,
  VECTORS,
  WATCHLISTS,
  contextLead,
} from './catalog.js';
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  drawAlert,
  drawIndicators,
  exfiltrationSummaryFor,
  scoreForSeverity,
  spreadTimes,
} from './draw.js';
import { randomUuid } from './ids.js';
import type { Random } from './random.js';
import {
  SESSION_STATES,
  coarseState,
  isClosedState,
  type Actor,
  type ApiSession,
  type ContentInspectionStatus,
  type Note,
  type Score,
  type SessionRecord,
  type StateEntry,
  type TriggeredAlert,
} from '../model.js';

/** Everything decided about a session before its histories are drawn (shared with activity). */
export interface SessionPlan {
  actor: Actor;
  firstName: string;
  tenantId: string;
  ordinal: number;
  beginTime: number;
  endTime: number;
  firstObserved: number;
  /** No timestamp of the session may be later than this (the clock). */
  horizon: number;
  hasAlerts: boolean;
  /** A brand-new session no analyst has seen: one OPEN state, no notes. */
  untriaged: boolean;
}

const CLOSED_STATES = SESSION_STATES.filter((state) => isClosedState(state));
// Weighted draws: [value, weight]; a value's chance is its weight over the sum.
type Weights<T> = ReadonlyArray<readonly [T, number]>;
const SEVERITY_WITH_ALERTS: Weights<number> = [
  [1, 15],
  [2, 30],
  [3, 35],
  [4, 20],
];
const SEVERITY_WITHOUT_ALERTS: Weights<number> = [
  [0, 50],
  [1, 35],
  [2, 15],
];
// How often a session ends in each state: [state, weight with alerts, weight without].
const FINAL_STATES: ReadonlyArray<readonly [string, number, number]> = [
  ['OPEN', 28, 65],
  ['IN_PROGRESS', 16, 5],
  ['CLOSED_TP', 10, 2],
  ['CLOSED_TP_BENIGN', 9, 5],
  ['CLOSED_FP', 14, 10],
  ['CLOSED', 5, 8],
  ['OPEN_NEW_DATA', 18, 5],
];
const FINAL_STATE_WITH_ALERTS: Weights<string> = FINAL_STATES.map(([state, weight]) => [state, weight]);
const FINAL_STATE_WITHOUT_ALERTS: Weights<string> = FINAL_STATES.map(([state, , weight]) => [state, weight]);
const HISTORY_LENGTHS: Weights<number> = [
  [1, 40],
  [2, 30],
  [3, 20],
  [4, 10],
];
const ALERT_COUNTS: Weights<number> = [
  [1, 60],
  [2, 30],
  [3, 10],
];
const WATCHLIST_NAMES = new Map(WATCHLISTS.map((w) => [w.id, w.name]));
const PENDING_WINDOW_MS = 6 * HOUR_MS;

function drawScores(rng: Random, finalSeverity: number, times: readonly number[]): Score[] {
  const count = times.length;
  const start = finalSeverity - rng.int(0, Math.min(finalSeverity, count - 1));
  const scores: Score[] = [];
  let previous = -1;
  for (let i = 0; i < count; i++) {
    const severity = count === 1 ? finalSeverity : start + Math.round(((finalSeverity - start) * i) / (count - 1));
    let score = scoreForSeverity(rng, severity);
    // Same-severity steps still escalate: scores never drop within a band.
    if (score < previous && severity === (scores[i - 1] as Score).severity) score = previous;
    previous = score;
    scores.push({ score, severity, sourceTimestamp: times[i] as number });
  }
  return scores;
}

function statePath(rng: Random, finalState: string): string[] {
  if (finalState === 'OPEN') return ['OPEN'];
  if (finalState === 'IN_PROGRESS') return ['OPEN', 'IN_PROGRESS'];
  if (finalState === 'OPEN_NEW_DATA') {
    const closed = rng.pick(CLOSED_STATES);
    return rng.chance(0.4) ? ['OPEN', 'IN_PROGRESS', closed, 'OPEN_NEW_DATA'] : ['OPEN', closed, 'OPEN_NEW_DATA'];
  }
  return rng.chance(0.6) ? ['OPEN', 'IN_PROGRESS', finalState] : ['OPEN', finalState];
}

function drawStates(rng: Random, plan: SessionPlan): StateEntry[] {
  const open: StateEntry = { sourceTimestamp: plan.firstObserved, state: 'OPEN', stateV2: 'OPEN', userId: null };
  if (plan.untriaged) return [open];
  const path = statePath(rng, rng.weighted(plan.hasAlerts ? FINAL_STATE_WITH_ALERTS : FINAL_STATE_WITHOUT_ALERTS));
  if (path.length === 1) return [open];
  const reopened = path[path.length - 1] === 'OPEN_NEW_DATA';
  // A reopen is caused by new activity, so it happens before the session's end; triage may follow days later.
  const until = reopened ? plan.endTime : Math.min(plan.horizon, plan.endTime + rng.int(10 * MINUTE_MS, 3 * DAY_MS));
  const times = spreadTimes(rng, plan.firstObserved, until, path.length - 1, plan.horizon);
  const analyst = rng.pick(ANALYST_USER_IDS);
  const states = [open];
  for (let i = 1; i < path.length; i++) {
    const stateV2 = path[i] as string;
    states.push({
      sourceTimestamp: times[i - 1] as number,
      state: coarseState(stateV2),
      stateV2,
      userId: stateV2 === 'OPEN_NEW_DATA' ? null : analyst,
    });
  }
  return states;
}

/** Copies `session` with `key: value` inserted right after `after`, keeping every other key's order. */
function insertKeyAfter(session: ApiSession, after: string, key: string, value: unknown): ApiSession {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(session)) {
    out[k] = session[k];
    if (k === after) out[key] = value;
  }
  return out as ApiSession;
}

/** Draws a whole session (histories, alerts, summaries, unmodelled extras) from a plan. */
export function buildSessionRecord(rng: Random, plan: SessionPlan): SessionRecord {
  const { actor, beginTime, endTime, firstObserved, horizon } = plan;
  const type = rng.chance(0.1) ? 'ACCOUNT_TAKE_OVER' : 'STANDARD';
  const vector = rng.pick(VECTORS);
  const severity = rng.weighted(plan.hasAlerts ? SEVERITY_WITH_ALERTS : SEVERITY_WITHOUT_ALERTS);

  const scoreCount = rng.weighted(HISTORY_LENGTHS);
  const scoreTimes = [firstObserved, ...spreadTimes(rng, firstObserved, endTime, scoreCount - 1, horizon)];
  const scores = drawScores(rng, severity, scoreTimes);

  const noRiskEvents = rng.int(severity === 0 ? 1 : 0, 40);
  const lowEvents = severity >= 1 ? rng.int(severity === 1 ? 1 : 0, 20) : 0;
  const moderateEvents = severity >= 2 ? rng.int(severity === 2 ? 1 : 0, 12) : 0;
  const highEvents = severity >= 3 ? rng.int(severity === 3 ? 1 : 0, 8) : 0;
  const criticalEvents = severity >= 4 ? rng.int(1, 5) : 0;
  const riskyEvents = lowEvents + moderateEvents + highEvents + criticalEvents;
  const riskIndicators = drawIndicators(rng, vector, riskyEvents > 0 ? riskyEvents : noRiskEvents);

  const triggeredAlerts: TriggeredAlert[] = [];
  if (plan.hasAlerts) {
    const count = rng.weighted(ALERT_COUNTS);
    for (let i = 0; i < count; i++) triggeredAlerts.push(drawAlert(rng, vector.kind, triggeredAlerts));
  }

  const states = drawStates(rng, plan);
  let latest = Math.max(endTime, firstObserved, (scores[scores.length - 1] as Score).sourceTimestamp);
  latest = Math.max(latest, (states[states.length - 1] as StateEntry).sourceTimestamp);
  const notes: Note[] = [];
  if (!plan.untriaged && rng.chance(0.3)) {
    const analyst = rng.pick(ANALYST_USER_IDS);
    const times = spreadTimes(rng, firstObserved, latest, rng.int(1, 3), horizon);
    for (const sourceTimestamp of times) {
      notes.push({ content: rng.pick(NOTE_TEXTS), id: randomUuid(rng), sourceTimestamp, userId: analyst });
    }
    latest = Math.max(latest, times[times.length - 1] as number);
  }
  const lastUpdated = Math.min(horizon, latest + rng.int(0, 5 * MINUTE_MS));

  let contentInspectionStatus: ContentInspectionStatus = 'NOT_FOUND';
  let contentInspectionResults: Record<string, unknown>;
  if (endTime >= horizon - PENDING_WINDOW_MS && rng.chance(0.4)) contentInspectionStatus = 'PENDING';
  else if (triggeredAlerts.length > 0 && rng.chance(0.35)) contentInspectionStatus = 'FOUND';
  if (contentInspectionStatus === 'FOUND') {
    const found = triggeredAlerts.slice(0, rng.int(1, triggeredAlerts.length)).map((a) => a.alertId);
    contentInspectionResults = { detectedOnAlerts: found };
  } else if (rng.chance(0.065)) {
    contentInspectionResults = { status: contentInspectionStatus, eventResults: [] };
  } else {
    contentInspectionResults = { detectedOnAlerts: [] };
  }

  const firstWatchlist = actor.watchlistIds[0];
  const watchlistName = firstWatchlist === undefined ? null : (WATCHLIST_NAMES.get(firstWatchlist) ?? null);
  const ending = type === 'ACCOUNT_TAKE_OVER' ? TAKEOVER_ENDING : rng.pick(CONTEXT_ENDINGS);
  const contextSummary = contextLead(plan.firstName, actor.department, watchlistName) + ending;
  const exfiltrationSummary =
    severity === 0 ? null : exfiltrationSummaryFor(rng, vector, riskyEvents > 0 ? riskyEvents : noRiskEvents);

  let session: ApiSession = {
    actorId: actor.actorId,
    actorName: actor.actorName,
    type,
    beginTime,
    contentInspectionResults,
    contextSummary,
    criticalEvents,
    highEvents,
    moderateEvents,
    lowEvents,
    noRiskEvents,
    endTime,
    exfiltrationSummary,
    firstObserved,
    lastUpdated,
    notes,
    riskIndicators,
    scores,
    sessionId: actor.actorId + '_' + beginTime,
    states,
    tenantId: plan.tenantId,
    triggeredAlerts,
    userId: actor.userId,
  };
  if (rng.chance(0.1)) {
    const alertedOn = riskIndicators.slice(0, rng.int(1, riskIndicators.length)).map((r) => r.name);
    session = insertKeyAfter(session, 'riskIndicators', 'riskIndicatorsAlertedOn', alertedOn);
  }
  if (rng.chance(0.02)) {
    session['x-emulator-note'] = 'A field this API version does not document: clients must keep it.';
  }
  return { session, watchlistIds: actor.watchlistIds, contentInspectionStatus, ordinal: plan.ordinal };
}
