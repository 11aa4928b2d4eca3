import {
  ANALYST_USER_IDS,
  CONTEXT_ENDINGS,
  DEPARTMENTS,
  EMAIL_DOMAIN,
  FIRST_NAMES,
  LAST_NAMES,
  NOTE_TEXTS,
  RISK_INDICATORS,
  RULES,
  TAKEOVER_ENDING,
  VECTORS,
  WATCHLISTS,
  contextLead,
  exfiltrationSentence,
  type IndicatorEntry,
  type RuleEntry,
  type VectorEntry,
  type VectorKind,
} from './catalog.js';
import { randomUuid } from './ids.js';
import { createRandom, type Random } from './random.js';
import {
  SESSION_STATES,
  coarseState,
  isClosedState,
  latestScore,
  type Actor,
  type ApiSession,
  type ContentInspectionStatus,
  type Dataset,
  type Note,
  type RiskIndicator,
  type Score,
  type SessionRecord,
  type StateEntry,
  type TriggeredAlert,
} from '../model.js';

/** One minute in milliseconds. */
export const MINUTE_MS = 60_000;
/** One hour in milliseconds. */
export const HOUR_MS = 3_600_000;
/** One day in milliseconds. */
export const DAY_MS = 86_400_000;
/** Generated sessions begin at most this long before `now`. */
export const WINDOW_MS = 30 * DAY_MS;


/** Options of {@link generateDataset}. */
export interface GenerateOptions {
  seed: number;
  /** Number of sessions. */
  sessions: number;
  /** Epoch milliseconds: every timestamp lies in the 30 days before it. */
  now: number;
  /** @default a UUID derived from the seed */
  tenantId?: string;
}

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
const SEVERITY_LABELS = ['NO_RISK', 'LOW', 'MODERATE', 'HIGH', 'CRITICAL'] as const;
const SCORE_BANDS: ReadonlyArray<readonly [number, number]> = [
  [0, 9],
  [10, 29],
  [30, 54],
  [55, 79],
  [80, 100],
];
const SEVERITY_WITH_ALERTS: ReadonlyArray<readonly [number, number]> = [
  [1, 15],
  [2, 30],
  [3, 35],
  [4, 20],
];
const SEVERITY_WITHOUT_ALERTS: ReadonlyArray<readonly [number, number]> = [
  [0, 50],
  [1, 35],
  [2, 15],
];
const FINAL_STATE_WITH_ALERTS: ReadonlyArray<readonly [string, number]> = [
  ['OPEN', 28],
  ['IN_PROGRESS', 16],
  ['CLOSED_TP', 10],
  ['CLOSED_TP_BENIGN', 9],
  ['CLOSED_FP', 14],
  ['CLOSED', 5],
  ['OPEN_NEW_DATA', 18],
];
const FINAL_STATE_WITHOUT_ALERTS: ReadonlyArray<readonly [string, number]> = [
  ['OPEN', 65],
  ['IN_PROGRESS', 5],
  ['CLOSED_TP', 2],
  ['CLOSED_TP_BENIGN', 5],
  ['CLOSED_FP', 10],
  ['CLOSED', 8],
  ['OPEN_NEW_DATA', 5],
];
const HISTORY_LENGTHS: ReadonlyArray<readonly [number, number]> = [
  [1, 40],
  [2, 30],
  [3, 20],
  [4, 10],
];
const ALERT_COUNTS: ReadonlyArray<readonly [number, number]> = [
  [1, 60],
  [2, 30],
  [3, 10],
];
const WATCHLIST_COUNTS: ReadonlyArray<readonly [number, number]> = [
  [0, 55],
  [1, 33],
  [2, 12],
];
const WATCHLIST_NAMES = new Map(WATCHLISTS.map((w) => [w.id, w.name]));
/** The risk indicator that stands for each exfiltration vector. */
export const VECTOR_INDICATOR = new Map<VectorKind, IndicatorEntry>();
const GENERIC_INDICATORS: IndicatorEntry[] = [];
for (const indicator of RISK_INDICATORS) {
  if (indicator.kind === null) GENERIC_INDICATORS.push(indicator);
  else VECTOR_INDICATOR.set(indicator.kind, indicator);
}
/** Ids of the indicators not tied to a vector (off-hours activity and the like). */
export const GENERIC_IDS = new Set(GENERIC_INDICATORS.map((r) => r.id));
const RULES_BY_KIND = new Map<VectorKind | null, RuleEntry[]>();
for (const rule of RULES) RULES_BY_KIND.set(rule.kind, [...(RULES_BY_KIND.get(rule.kind) ?? []), rule]);
const PENDING_WINDOW_MS = 6 * HOUR_MS;

/** The current severity (0 when the session has no scores). */
export function currentSeverity(session: ApiSession): number {
  return latestScore(session)?.severity ?? 0;
}

/** A score in the band of a severity (0–4). */
export function scoreForSeverity(rng: Random, severity: number): number {
  const band = SCORE_BANDS[Math.max(0, Math.min(4, severity))] as readonly [number, number];
  return rng.int(band[0], band[1]);
}

/** The file-event label of a severity integer. */
export function severityLabel(severity: number): string {
  return SEVERITY_LABELS[Math.max(0, Math.min(4, severity))] as string;
}

/** The capitalised first name of an actor, read from the `first.last@` email. */
export function firstNameOf(actor: Actor): string {
  const local = actor.actorName.slice(0, actor.actorName.indexOf('.'));
  return local.charAt(0).toUpperCase() + local.slice(1);
}

/** Picks the index of an actor among `count`, some far more active than others. */
export function pickActorIndex(rng: Random, count: number): number {
  const r = rng.next();
  return Math.floor(r * r * count);
}

/** A session duration: mostly minutes, some hours. */
export function drawDurationMs(rng: Random): number {
  const roll = rng.next();
  if (roll < 0.45) return rng.int(2 * MINUTE_MS, 30 * MINUTE_MS);
  if (roll < 0.8) return rng.int(30 * MINUTE_MS, 3 * HOUR_MS);
  return rng.int(3 * HOUR_MS, 10 * HOUR_MS);
}

/** `count` non-decreasing timestamps after `after`, spread up to `until` where there is room, none past `horizon`. */
function spreadTimes(rng: Random, after: number, until: number, count: number, horizon: number): number[] {
  const out: number[] = [];
  let t = after;
  for (let i = 0; i < count; i++) {
    const room = Math.floor((until - t) / (count - i));
    t += room > 1 ? rng.int(1, room) : 1;
    if (t > horizon) t = horizon;
    out.push(t);
  }
  return out;
}

/** Adds `count` events of severity `severity` (0–4) to the session's counters. */
export function addEvents(session: ApiSession, severity: number, count: number): void {
  if (severity >= 4) session.criticalEvents += count;
  else if (severity === 3) session.highEvents += count;
  else if (severity === 2) session.moderateEvents += count;
  else if (severity === 1) session.lowEvents += count;
  else session.noRiskEvents += count;
}

/** A triggered alert, preferring a rule that watches the session's vector. */
export function drawAlert(rng: Random, kind: VectorKind | null, taken: readonly TriggeredAlert[]): TriggeredAlert {
  const matching = kind === null ? undefined : RULES_BY_KIND.get(kind);
  let rule = matching !== undefined && rng.chance(0.7) ? rng.pick(matching) : rng.pick(RULES);
  for (let tries = 0; tries < 4 && taken.some((a) => a.ruleId === rule.ruleId); tries++) rule = rng.pick(RULES);
  return {
    alertId: randomUuid(rng),
    lessonId: rng.chance(0.1) ? randomUuid(rng) : null,
    ruleId: rule.ruleId,
    ruleName: rule.ruleName,
  };
}

/** The vector a session's data left by: the one its first vector-bound risk indicator names. */
export function sessionVectorKind(session: ApiSession): VectorKind | null {
  for (const indicator of session.riskIndicators) {
    const entry = RISK_INDICATORS.find((r) => r.id === indicator.id);
    if (entry !== undefined && entry.kind !== null) return entry.kind;
  }
  return null;
}

/** The exfiltration summary for a vector and file count. */
export function exfiltrationSummaryFor(rng: Random, vector: VectorEntry, files: number): string {
  const megabytes = ((files * rng.int(40_000, 12_000_000)) / 1_000_000).toFixed(1);
  return exfiltrationSentence(vector.kind, files, megabytes, vector.label);
}

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

function drawIndicators(rng: Random, vector: VectorEntry, base: number): RiskIndicator[] {
  const primary = VECTOR_INDICATOR.get(vector.kind) as IndicatorEntry;
  const indicators: RiskIndicator[] = [
    { eventCount: rng.int(1, base), id: primary.id, name: primary.name, weight: primary.weight },
  ];
  const extra = rng.int(0, 3);
  for (let i = 0; i < extra; i++) {
    const entry = rng.pick(GENERIC_INDICATORS);
    if (indicators.some((r) => r.id === entry.id)) continue;
    indicators.push({ eventCount: rng.int(1, base), id: entry.id, name: entry.name, weight: entry.weight });
  }
  return indicators;
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

function digits9(value: number): string {
  return String(value % 1_000_000_000).padStart(9, '0');
}

function generateActors(rng: Random, count: number): Actor[] {
  const actors: Actor[] = [];
  const emails = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const local = rng.pick(FIRST_NAMES).toLowerCase() + '.' + rng.pick(LAST_NAMES).toLowerCase();
    const seen = emails.get(local) ?? 0;
    emails.set(local, seen + 1);
    const watchlistIds: string[] = [];
    const lists = rng.weighted(WATCHLIST_COUNTS);
    for (let j = 0; j < lists; j++) {
      const id = rng.pick(WATCHLISTS).id;
      if (!watchlistIds.includes(id)) watchlistIds.push(id);
    }
    // Multiplying the index by a number coprime to 10^9 keeps ids unique without a lookup.
    actors.push({
      actorId: '1' + String(rng.int(100_000_000, 999_999_999)) + digits9(i * 387_420_489 + 123_456_789),
      actorName: (seen === 0 ? local : local + String(seen + 1)) + '@' + EMAIL_DOMAIN,
      userId: '1' + String(rng.int(100_000_000, 999_999_999)) + digits9(i * 282_475_249 + 987_654_321),
      department: rng.pick(DEPARTMENTS),
      watchlistIds,
    });
  }
  return actors;
}

/** Generates the whole world: same (seed, sessions, now) gives a deep-equal dataset. */
export function generateDataset(options: GenerateOptions): Dataset {
  const root = createRandom(options.seed);
  const now = Math.floor(options.now);
  const tenantId = options.tenantId ?? randomUuid(root.fork('tenant'));
  const actorCount = Math.min(20_000, Math.max(5, Math.round(options.sessions / 8)));
  const actors = generateActors(root.fork('actors'), actorCount);
  const firstNames = actors.map(firstNameOf);

  const rng = root.fork('sessions');
  // Numeric keys (actor index, begin offset) instead of id strings: far cheaper to hash for 100k+ sessions.
  const taken = new Set<number>();
  const windowStart = now - WINDOW_MS;
  const records: SessionRecord[] = [];
  for (let ordinal = 0; ordinal < options.sessions; ordinal++) {
    const actorIndex = pickActorIndex(rng, actors.length);
    const actor = actors[actorIndex] as Actor;
    const duration = drawDurationMs(rng);
    let beginTime: number;
    if (rng.chance(0.03)) {
      // Still active: the last activity is under two hours old.
      beginTime = now - rng.int(0, 2 * HOUR_MS) - duration;
    } else {
      beginTime = now - WINDOW_MS + rng.int(0, WINDOW_MS - duration);
    }
    const endTime = beginTime + duration;
    const actorKey = actorIndex * 2 ** 34 - windowStart;
    while (taken.has(actorKey + beginTime)) beginTime += 1;
    taken.add(actorKey + beginTime);
    const firstObserved = Math.min(endTime, beginTime + rng.int(MINUTE_MS, 8 * MINUTE_MS));
    records.push(
      buildSessionRecord(rng, {
        actor,
        firstName: firstNames[actorIndex] as string,
        tenantId,
        ordinal,
        beginTime,
        endTime,
        firstObserved,
        horizon: now,
        hasAlerts: rng.chance(0.7),
        untriaged: false,
      }),
    );
  }

  return {
    tenantId,
    actors,
    watchlists: WATCHLISTS.map(({ id, name }) => ({ id, name })),
    rules: RULES.map(({ ruleId, ruleName }) => ({ ruleId, ruleName })),
    riskIndicators: RISK_INDICATORS.map(({ id, name, weight }) => ({ id, name, weight })),
    records,
  };
}
