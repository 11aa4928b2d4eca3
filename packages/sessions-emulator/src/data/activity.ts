import { VECTORS, type VectorEntry } from './catalog.js';
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  WINDOW_MS,
  addEvents,
  currentSeverity,
  drawAlert,
  drawDurationMs,
  exfiltrationSummaryFor,
  firstNameOf,
  pickActorIndex,
  scoreForSeverity,
  sessionVectorKind,
} from './draw.js';
import { createRandom, type Random } from './random.js';
import { buildSessionRecord } from './session.js';
import { currentState, isClosedState, latestScore, type Actor, type Dataset, type SessionRecord } from '../model.js';

/** Options of {@link applyActivity}: the emulator's clock moves from `fromMs` to `toMs`. */
export interface ActivityOptions {
  seed: number;
  fromMs: number;
  toMs: number;
  /** A counter the caller increments per advance, so repeated advances differ yet stay deterministic. */
  step: number;
}

/** The session ids each kind of change touched during one advance. */
export interface ActivityReport {
  grown: string[];
  escalated: string[];
  reopened: string[];
  arrived: string[];
  late: string[];
}

// A session whose last activity is this recent is still open to new activity.
const ACTIVE_WINDOW_MS = 2 * HOUR_MS;
const MAX_GROWTH_MS = 2 * HOUR_MS;
const MAX_LATENESS_MS = 3 * DAY_MS;
const MAX_ARRIVALS = 100_000;

// The begin time to use so that `<actorId>_<beginTime>` is not taken yet (bumped by 1 ms per clash); registers it.
function claimSessionId(ids: Set<string>, actorId: string, beginTime: number): number {
  let begin = beginTime;
  while (ids.has(actorId + '_' + begin)) begin += 1;
  ids.add(actorId + '_' + begin);
  return begin;
}

function vectorOf(record: SessionRecord): VectorEntry {
  const kind = sessionVectorKind(record.session);
  return VECTORS.find((v) => v.kind === kind) ?? (VECTORS[0] as VectorEntry);
}

/** Moves the session's end to `at` with more events, maybe a new alert and a higher score; true when it escalated. */
function grow(rng: Random, record: SessionRecord, at: number): boolean {
  const session = record.session;
  let severity = currentSeverity(session);
  session.endTime = at;
  session.noRiskEvents += rng.int(0, 6);
  if (severity >= 1) addEvents(session, rng.int(1, severity), rng.int(1, 4));
  const indicator = session.riskIndicators[0];
  if (indicator !== undefined) indicator.eventCount += rng.int(0, 3);

  let gainedAlert = false;
  if (rng.chance(session.triggeredAlerts.length === 0 ? 0.4 : 0.25)) {
    const alert = drawAlert(rng, sessionVectorKind(session), session.triggeredAlerts);
    session.triggeredAlerts.push(alert);
    gainedAlert = true;
    const results = session.contentInspectionResults;
    if (results !== null && Array.isArray(results.detectedOnAlerts) && rng.chance(0.3)) {
      results.detectedOnAlerts = [...(results.detectedOnAlerts as unknown[]), alert.alertId];
      record.contentInspectionStatus = 'FOUND';
    }
  }
  // A session with an alert is never of no risk, so a first alert on a severity-0 session always escalates it.
  const escalate = (gainedAlert && severity === 0) || (severity < 4 && rng.chance(0.35));
  if (escalate) {
    severity = Math.min(4, severity + rng.int(1, 2));
    const score = Math.max(scoreForSeverity(rng, severity), (latestScore(session)?.score ?? 0) + 1);
    session.scores.push({ score: Math.min(100, score), severity, sourceTimestamp: at });
    addEvents(session, severity, rng.int(1, 3));
    if (session.exfiltrationSummary === null) {
      session.exfiltrationSummary = exfiltrationSummaryFor(rng, vectorOf(record), rng.int(1, 12));
    }
  }
  session.lastUpdated = Math.max(session.lastUpdated, at);
  return escalate;
}

interface Arrival {
  beginTime: number;
  endTime: number;
  firstObserved: number;
  hasAlerts: boolean;
}

/**
 * Simulates time passing from `fromMs` to `toMs`: active sessions grow (some escalate or gain alerts), some closed
 * ones reopen, new sessions arrive, some late. Mutates `dataset` in place; deterministic for the same inputs.
 */
export function applyActivity(dataset: Dataset, options: ActivityOptions): ActivityReport {
  const report: ActivityReport = { grown: [], escalated: [], reopened: [], arrived: [], late: [] };
  const fromMs = Math.floor(options.fromMs);
  const toMs = Math.floor(options.toMs);
  const span = toMs - fromMs;
  if (!(span > 0)) return report;
  const rng = createRandom(options.seed).fork('activity').fork(options.step);
  const records = dataset.records;
  const existing = records.length;
  // New sessions begin at most MAX_LATENESS_MS before fromMs: only ids from then on can clash with them.
  const idFloor = fromMs - MAX_LATENESS_MS - HOUR_MS;
  const ids = new Set<string>();
  let nextOrdinal = 0;

  for (let i = 0; i < existing; i++) {
    const record = records[i] as SessionRecord;
    const session = record.session;
    if (record.ordinal >= nextOrdinal) nextOrdinal = record.ordinal + 1;
    if (session.beginTime >= idFloor) ids.add(session.sessionId);
    if (session.endTime < fromMs - ACTIVE_WINDOW_MS || session.endTime > fromMs) continue;
    const closed = isClosedState(currentState(session));
    if (!rng.chance(closed ? 0.4 : 0.5)) continue;
    const at = fromMs + rng.int(1, Math.min(span, MAX_GROWTH_MS));
    if (closed) {
      session.states.push({ sourceTimestamp: at, state: 'OPEN', stateV2: 'OPEN_NEW_DATA', userId: null });
      report.reopened.push(session.sessionId);
    }
    if (grow(rng, record, at)) report.escalated.push(session.sessionId);
    report.grown.push(session.sessionId);
  }

  if (dataset.actors.length === 0) return report;
  let arrivals = Math.floor((existing * span) / WINDOW_MS + rng.next());
  if (span >= MINUTE_MS) arrivals = Math.max(1, arrivals);
  arrivals = Math.min(MAX_ARRIVALS, arrivals);
  let late = Math.floor(arrivals * 0.25 + rng.next());
  if (span >= 10 * MINUTE_MS) late = Math.max(1, late);

  const add = (arrival: Arrival, list: string[]): void => {
    const actor = dataset.actors[pickActorIndex(rng, dataset.actors.length)] as Actor;
    const beginTime = claimSessionId(ids, actor.actorId, arrival.beginTime);
    const endTime = Math.max(arrival.endTime, beginTime);
    const record = buildSessionRecord(rng, {
      actor,
      firstName: firstNameOf(actor),
      tenantId: dataset.tenantId,
      ordinal: nextOrdinal++,
      beginTime,
      endTime,
      firstObserved: Math.max(arrival.firstObserved, beginTime),
      horizon: toMs,
      hasAlerts: arrival.hasAlerts,
      untriaged: true,
    });
    records.push(record);
    list.push(record.session.sessionId);
  };

  for (let i = 0; i < arrivals; i++) {
    const beginTime = fromMs + rng.int(1, span);
    const endTime = Math.min(toMs, beginTime + drawDurationMs(rng));
    const firstObserved = Math.min(endTime, beginTime + rng.int(MINUTE_MS, 8 * MINUTE_MS));
    add({ beginTime, endTime, firstObserved, hasAlerts: rng.chance(0.5) }, report.arrived);
  }
  for (let i = 0; i < late; i++) {
    // Late: the activity happened hours or days ago, but Incydr only learns of it now.
    const beginTime = fromMs - rng.int(HOUR_MS, MAX_LATENESS_MS);
    const endTime = Math.min(fromMs, beginTime + drawDurationMs(rng));
    const firstObserved = fromMs + rng.int(1, span);
    add({ beginTime, endTime, firstObserved, hasAlerts: rng.chance(0.7) }, report.late);
  }
  return report;
}
