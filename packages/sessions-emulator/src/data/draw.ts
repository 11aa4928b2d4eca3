// The drawing toolkit: small random draws and derived facts shared by the initial generator, activity and file events.
import {
  RISK_INDICATORS,
  RULES,
  exfiltrationSentence,
  type IndicatorEntry,
  type RuleEntry,
  type VectorEntry,
  type VectorKind,
} from './catalog.js';
import { randomUuid } from './ids.js';
import type { Random } from './random.js';
import { latestScore, type Actor, type ApiSession, type RiskIndicator, type TriggeredAlert } from '../model.js';

/** One minute in milliseconds. */
export const MINUTE_MS = 60_000;
/** One hour in milliseconds. */
export const HOUR_MS = 3_600_000;
/** One day in milliseconds. */
export const DAY_MS = 86_400_000;
/** Generated sessions begin at most this long before `now`. */
export const WINDOW_MS = 30 * DAY_MS;

const SEVERITY_LABELS = ['NO_RISK', 'LOW', 'MODERATE', 'HIGH', 'CRITICAL'] as const;
const SCORE_BANDS: ReadonlyArray<readonly [number, number]> = [
  [0, 9],
  [10, 29],
  [30, 54],
  [55, 79],
  [80, 100],
];

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
export function spreadTimes(rng: Random, after: number, until: number, count: number, horizon: number): number[] {
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

/** The risk indicators of a session: the vector's own first, then up to three generic ones. */
export function drawIndicators(rng: Random, vector: VectorEntry, base: number): RiskIndicator[] {
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
