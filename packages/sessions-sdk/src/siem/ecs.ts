import type { Session } from '../sessions/schemas.js';
import type { RecordChange, SiemContext } from './context.js';
import { sessionFacts, sessionTitle } from './derive.js';
import { carriedFields, epochMs, isEmailAddress, optional, safeInteger, text, uniqueTexts } from './values.js';

// The mapping is documented field by field in docs/siem/ecs.md; keep the two in step.

/** The ECS version the documents follow (`ecs.version`). */
export const ECS_VERSION = '9.4.0';

/**
 * The custom field set `incydr.session` of an ECS document: what ECS has no field for. Derived values have ECS-style
 * names; the session's own fields that no ECS field holds whole are in `unmapped`, under their own names.
 */
export type IncydrSessionFields = {
  /** The current state as Incydr names it (`IN_PROGRESS`). */
  readonly state?: string;
  /** The word of the current severity (`HIGH`); the number is `event.severity`. */
  readonly severity_label?: string;
  readonly highest_severity?: number;
  readonly highest_severity_label?: string;
  readonly note_count: number;
  readonly total_events?: number;
  readonly risk_indicator_names?: string[];
  /** For a checkpointed run: the session is new, or changed since it was last delivered. */
  readonly change?: RecordChange;
  /** The session's fields that no ECS field holds whole, under their own names, values as sent. */
  readonly unmapped?: Readonly<Record<string, unknown>>;
};

/**
 * An ECS 9.4.0 document as {@link toEcs} makes it, in the nested form of `_source`; absent fields are left out. A
 * type, not an interface, so that it is a `SiemRecord` object.
 */
export type EcsDocument = {
  /** ISO-8601 UTC. */
  readonly '@timestamp': string;
  readonly ecs: { readonly version: '9.4.0' };
  readonly event: {
    readonly kind: 'alert';
    readonly category: ['file'];
    readonly type: ['info'];
    /** `session-updated` for a changed session, else `session-created`. */
    readonly action: 'session-created' | 'session-updated';
    readonly module: 'incydr';
    readonly dataset: 'incydr.sessions';
    readonly id?: string;
    readonly start?: string;
    readonly end?: string;
    /** Nanoseconds. */
    readonly duration?: number;
    readonly created?: string;
    readonly severity?: number;
    readonly risk_score?: number;
    readonly url?: string;
  };
  readonly message: string;
  readonly rule?: { readonly id?: string[]; readonly name?: string[] };
  readonly user?: { readonly id?: string; readonly name?: string; readonly email?: string };
  readonly organization?: { readonly id: string };
  readonly observer: { readonly vendor: 'Mimecast'; readonly product: 'Incydr' };
  readonly incydr: { readonly session: IncydrSessionFields };
};

const NS_PER_MS = 1_000_000;

/**
 * The session as an ECS 9.4.0 alert document (`event.kind: alert`). Every field of the session is either held whole
 * by an ECS field or kept in `incydr.session.unmapped`.
 */
export function toEcs(session: Session, context: SiemContext = {}): EcsDocument {
  const facts = sessionFacts(session, context);
  const { take, rest } = carriedFields(session);

  const sessionId = take('sessionId', text(session.sessionId));
  const actorId = take('actorId', text(session.actorId));
  const actorName = take('actorName', text(session.actorName));
  const tenantId = take('tenantId', text(session.tenantId));
  const beginMs = epochMs(session.beginTime);
  const endMs = epochMs(session.endTime);
  // Whole epoch milliseconds only, as the facts format them.
  const wholeTime = (ms: unknown, formatted: string | null): string | undefined =>
    epochMs(ms) === undefined ? undefined : (formatted ?? undefined);
  const start = take('beginTime', wholeTime(beginMs, facts.beginTime));
  const end = take('endTime', wholeTime(endMs, facts.endTime));
  const created = take('firstObserved', wholeTime(session.firstObserved, facts.firstObserved));
  // ECS requires `@timestamp`: the session's last update, else its other times; with none, the time of mapping.
  const timestamp = take('lastUpdated', wholeTime(session.lastUpdated, facts.lastUpdated)) ?? end ?? start ?? created;

  const ruleIds = uniqueTexts(session.triggeredAlerts?.map((alert) => alert.ruleId));
  const duration =
    start !== undefined && end !== undefined && beginMs !== undefined && endMs !== undefined
      ? safeInteger((endMs - beginMs) * NS_PER_MS)
      : undefined;
  const unmapped = rest();

  return {
    '@timestamp': timestamp ?? new Date().toISOString(),
    ecs: { version: ECS_VERSION },
    event: {
      kind: 'alert',
      category: ['file'],
      type: ['info'],
      action: facts.change === 'changed' ? 'session-updated' : 'session-created',
      module: 'incydr',
      dataset: 'incydr.sessions',
      ...optional('id', sessionId),
      ...optional('start', start),
      ...optional('end', end),
      ...optional('duration', duration),
      ...optional('created', created),
      ...optional('severity', safeInteger(facts.severity)),
      ...optional(
        'risk_score',
        facts.riskScore !== null && Number.isFinite(facts.riskScore) ? facts.riskScore : undefined,
      ),
      ...optional('url', facts.consoleUrl ?? undefined),
    },
    message: sessionTitle(actorName ?? actorId, facts.ruleNames),
    ...((ruleIds.length > 0 || facts.ruleNames.length > 0) && {
      rule: {
        ...(ruleIds.length > 0 && { id: ruleIds }),
        ...(facts.ruleNames.length > 0 && { name: facts.ruleNames }),
      },
    }),
    ...((actorId !== undefined || actorName !== undefined) && {
      user: {
        ...optional('id', actorId),
        ...optional('name', actorName),
        ...(actorName !== undefined && isEmailAddress(actorName) && { email: actorName }),
      },
    }),
    ...(tenantId !== undefined && { organization: { id: tenantId } }),
    observer: { vendor: 'Mimecast', product: 'Incydr' },
    incydr: {
      session: {
        ...optional('state', facts.state ?? undefined),
        ...optional('severity_label', facts.severityLabel ?? undefined),
        ...optional('highest_severity', safeInteger(facts.highestSeverity)),
        ...optional('highest_severity_label', facts.highestSeverityLabel ?? undefined),
        note_count: facts.noteCount,
        ...optional('total_events', safeInteger(facts.totalEvents)),
        ...(facts.riskIndicatorNames.length > 0 && { risk_indicator_names: facts.riskIndicatorNames }),
        ...optional('change', facts.change ?? undefined),
        ...(Object.keys(unmapped).length > 0 && { unmapped }),
      },
    },
  };
}
