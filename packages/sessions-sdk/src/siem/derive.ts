import { currentScore, currentSeverity, currentState, maxSeverity } from '../sessions/derived.js';
import { severityLabel } from '../sessions/enums.js';
import type { Session } from '../sessions/schemas.js';
import { consoleUrlFor, sessionConsoleUrl } from './console.js';
import type { RecordChange, SiemContext } from './context.js';
import { uniqueTexts } from './values.js';

/** What every SIEM record derives from a session; a value the session does not hold is null, never guessed. */
export interface SessionFacts {
  /** The current state: the latest entry of `states`. */
  readonly state: string | null;
  /** The current severity 0–4 (latest entry of `scores`) and its word (`HIGH`). */
  readonly severity: number | null;
  readonly severityLabel: string | null;
  /** The highest severity over the score history, and its word. */
  readonly highestSeverity: number | null;
  readonly highestSeverityLabel: string | null;
  /** The latest risk score. */
  readonly riskScore: number | null;
  /** ISO-8601 (UTC) forms of the session's epoch-millisecond times. */
  readonly beginTime: string | null;
  readonly endTime: string | null;
  readonly firstObserved: string | null;
  readonly lastUpdated: string | null;
  /** Names of the rules of the triggered alerts, each once, in the order of the alerts. */
  readonly ruleNames: string[];
  /** Names of the risk indicators, each once, in the order the session lists them. */
  readonly riskIndicatorNames: string[];
  /** The sum of the event counts by severity; null when the session has none of them. */
  readonly totalEvents: number | null;
  readonly noteCount: number;
  /** The session's page in the console; null without a console URL. */
  readonly consoleUrl: string | null;
  /** For a checkpointed run: new or changed; null otherwise. */
  readonly change: RecordChange | null;
}

/** The facts of {@link SessionFacts} for one session. */
export function sessionFacts(session: Session, context: SiemContext = {}): SessionFacts {
  const severity = currentSeverity(session) ?? null;
  const highest = maxSeverity(session) ?? null;
  const consoleUrl = context.consoleUrl ?? (context.apiUrl === undefined ? undefined : consoleUrlFor(context.apiUrl));
  const id = typeof session.sessionId === 'string' && session.sessionId !== '' ? session.sessionId : undefined;
  return {
    state: currentState(session) ?? null,
    severity,
    severityLabel: severity === null ? null : (severityLabel(severity) ?? null),
    highestSeverity: highest,
    highestSeverityLabel: highest === null ? null : (severityLabel(highest) ?? null),
    riskScore: currentScore(session) ?? null,
    beginTime: isoTime(session.beginTime),
    endTime: isoTime(session.endTime),
    firstObserved: isoTime(session.firstObserved),
    lastUpdated: isoTime(session.lastUpdated),
    ruleNames: uniqueTexts(session.triggeredAlerts?.map((alert) => alert.ruleName)),
    riskIndicatorNames: uniqueTexts(session.riskIndicators?.map((indicator) => indicator.name)),
    totalEvents: totalEvents(session),
    noteCount: session.notes?.length ?? 0,
    consoleUrl: consoleUrl === undefined || id === undefined ? null : sessionConsoleUrl(consoleUrl, id),
    change: context.change ?? null,
  };
}

/** A one-line title of a session: `Incydr session of <actor>: <rule>, <rule>` (`an unknown actor` without one). */
export function sessionTitle(actor: string | undefined, ruleNames: readonly string[]): string {
  const who = `Incydr session of ${actor ?? 'an unknown actor'}`;
  return ruleNames.length === 0 ? who : `${who}: ${ruleNames.join(', ')}`;
}

/** Epoch milliseconds as ISO-8601 UTC; null for a missing or impossible time. */
export function isoTime(ms: number | null | undefined): string | null {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return null;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function totalEvents(session: Session): number | null {
  const counts = [
    session.criticalEvents,
    session.highEvents,
    session.moderateEvents,
    session.lowEvents,
    session.noRiskEvents,
  ].filter((count): count is number => typeof count === 'number' && Number.isFinite(count));
  return counts.length === 0 ? null : counts.reduce((sum, count) => sum + count, 0);
}
