import type { Session } from '../sessions/schemas.js';
import type { SiemContext } from './context.js';
import { isoTime, sessionFacts, sessionTitle, type SessionFacts } from './derive.js';
import { carriedFields, epochMs, isEmailAddress, optional, safeInteger, text } from './values.js';

// The mapping is documented field by field in docs/siem/ocsf.md; keep the two in step.

/** The OCSF schema version the records follow. */
export const OCSF_VERSION = '1.8.0';

const CLASS_UID = 2004;
const CLASS_NAME = 'Detection Finding';
const CATEGORY_UID = 2;
const CATEGORY_NAME = 'Findings';

/** An OCSF enum value and its caption, as a record holds them (`status_id` and `status`, …). */
export interface OcsfEnumValue {
  readonly id: number;
  readonly caption: string;
}

/** Detection Finding `status_id` for each Incydr state; another state is Other (99), no state Unknown (0). */
export const OCSF_STATUS_BY_STATE: Readonly<Record<string, OcsfEnumValue>> = {
  OPEN: { id: 1, caption: 'New' },
  OPEN_NEW_DATA: { id: 1, caption: 'New' },
  IN_PROGRESS: { id: 2, caption: 'In Progress' },
  CLOSED: { id: 4, caption: 'Resolved' },
  CLOSED_TP: { id: 4, caption: 'Resolved' },
  CLOSED_TP_BENIGN: { id: 3, caption: 'Suppressed' },
  CLOSED_FP: { id: 3, caption: 'Suppressed' },
};

/** OCSF `severity_id` for each Incydr severity 0–4 (`NO_RISK` … `CRITICAL`); none is Unknown (0), others Other (99). */
export const OCSF_SEVERITIES: readonly OcsfEnumValue[] = [
  { id: 1, caption: 'Informational' },
  { id: 2, caption: 'Low' },
  { id: 3, caption: 'Medium' },
  { id: 4, caption: 'High' },
  { id: 5, caption: 'Critical' },
];

/** OCSF `risk_level_id` for each Incydr severity 0–4: the two scales have the same five steps. */
export const OCSF_RISK_LEVELS: readonly OcsfEnumValue[] = [
  { id: 0, caption: 'Info' },
  { id: 1, caption: 'Low' },
  { id: 2, caption: 'Medium' },
  { id: 3, caption: 'High' },
  { id: 4, caption: 'Critical' },
];

/** An OCSF analytic: here always a rule of a triggered alert. */
export interface OcsfAnalytic {
  readonly type_id: 1;
  readonly type: 'Rule';
  readonly name?: string;
  readonly uid?: string;
}

/**
 * An OCSF 1.8.0 Detection Finding (class 2004) as {@link toOcsf} makes it; absent attributes are left out. A type,
 * not an interface, so that it is a `SiemRecord` object.
 */
export type OcsfDetectionFinding = {
  readonly class_uid: 2004;
  readonly class_name: 'Detection Finding';
  readonly category_uid: 2;
  readonly category_name: 'Findings';
  /** 1 Create (new, or no checkpoint), 2 Update (changed since last delivered). */
  readonly activity_id: 1 | 2;
  readonly activity_name: 'Create' | 'Update';
  readonly type_uid: 200401 | 200402;
  readonly type_name: 'Detection Finding: Create' | 'Detection Finding: Update';
  /** Epoch ms. */
  readonly time: number;
  readonly timezone_offset: 0;
  readonly severity_id: number;
  readonly severity: string;
  /** From the current state by {@link OCSF_STATUS_BY_STATE}; Unknown (0) without a state. */
  readonly status_id: number;
  readonly status: string;
  /** The current state as Incydr names it. */
  readonly status_code?: string;
  readonly message: string;
  readonly is_alert: boolean;
  readonly start_time?: number;
  readonly end_time?: number;
  readonly duration?: number;
  readonly risk_score?: number;
  readonly risk_level_id?: number;
  readonly risk_level?: string;
  readonly finding_info: {
    readonly uid: string;
    readonly title: string;
    readonly desc?: string;
    readonly first_seen_time?: number;
    readonly last_seen_time?: number;
    readonly created_time?: number;
    readonly modified_time?: number;
    readonly analytic?: OcsfAnalytic;
    readonly related_analytics?: OcsfAnalytic[];
    readonly types?: string[];
    readonly src_url?: string;
    readonly related_events_count?: number;
  };
  readonly actor?: {
    readonly user: {
      readonly uid?: string;
      readonly name?: string;
      readonly email_addr?: string;
      readonly type_id: 1;
      readonly type: 'User';
    };
  };
  readonly metadata: {
    readonly version: '1.8.0';
    readonly product: { readonly name: 'Incydr'; readonly vendor_name: 'Mimecast' };
    readonly profiles: ['host'];
    readonly tenant_uid?: string;
    readonly original_time?: string;
  };
  /** The session's fields that no attribute above holds whole, under their own names, values as sent. */
  readonly unmapped?: Readonly<Record<string, unknown>>;
};

/**
 * The session as an OCSF 1.8.0 Detection Finding: Create for a new session (or without a checkpoint), Update for a
 * changed one. Every field of the session is either held whole by an attribute or kept in `unmapped`.
 */
export function toOcsf(session: Session, context: SiemContext = {}): OcsfDetectionFinding {
  const facts = sessionFacts(session, context);
  const { take, rest } = carriedFields(session);

  const sessionId = take('sessionId', text(session.sessionId));
  const actorId = take('actorId', text(session.actorId));
  const actorName = take('actorName', text(session.actorName));
  const beginTime = take('beginTime', epochMs(session.beginTime));
  const endTime = take('endTime', epochMs(session.endTime));
  const firstObserved = take('firstObserved', epochMs(session.firstObserved));
  const lastUpdated = take('lastUpdated', epochMs(session.lastUpdated));
  const contextSummary = take('contextSummary', text(session.contextSummary));
  const tenantId = take('tenantId', text(session.tenantId));

  const update = facts.change === 'changed';
  const title = sessionTitle(actorName ?? actorId, facts.ruleNames);
  const [analytic, ...related] = analytics(session);
  // OCSF requires `time`: the session's last update, else its other times; a session with none, the time of mapping.
  const sourceTime = lastUpdated ?? endTime ?? beginTime ?? firstObserved;
  const status = statusOf(facts.state);
  const severity = severityOf(facts.severity);
  const riskLevel = facts.severity === null ? undefined : OCSF_RISK_LEVELS[facts.severity];
  const unmapped = rest();

  return {
    class_uid: CLASS_UID,
    class_name: CLASS_NAME,
    category_uid: CATEGORY_UID,
    category_name: CATEGORY_NAME,
    activity_id: update ? 2 : 1,
    activity_name: update ? 'Update' : 'Create',
    type_uid: update ? 200402 : 200401,
    type_name: update ? 'Detection Finding: Update' : 'Detection Finding: Create',
    time: sourceTime ?? Date.now(),
    timezone_offset: 0,
    severity_id: severity.id,
    severity: severity.caption,
    status_id: status.id,
    status: status.caption,
    ...optional('status_code', facts.state ?? undefined),
    message: title,
    is_alert: (session.triggeredAlerts?.length ?? 0) > 0,
    ...optional('start_time', beginTime),
    ...optional('end_time', endTime),
    ...optional('duration', beginTime !== undefined && endTime !== undefined ? endTime - beginTime : undefined),
    ...optional('risk_score', safeInteger(facts.riskScore)),
    ...(riskLevel && { risk_level_id: riskLevel.id, risk_level: riskLevel.caption }),
    finding_info: {
      uid: sessionId ?? '',
      title,
      ...optional('desc', contextSummary),
      ...optional('first_seen_time', beginTime),
      ...optional('last_seen_time', endTime),
      ...optional('created_time', firstObserved),
      ...optional('modified_time', lastUpdated),
      ...optional('analytic', analytic),
      ...(related.length > 0 && { related_analytics: related }),
      ...(facts.riskIndicatorNames.length > 0 && { types: facts.riskIndicatorNames }),
      ...optional('src_url', facts.consoleUrl ?? undefined),
      ...optional('related_events_count', safeInteger(facts.totalEvents)),
    },
    ...((actorId !== undefined || actorName !== undefined) && { actor: { user: userOf(actorId, actorName) } }),
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'Incydr', vendor_name: 'Mimecast' },
      // `actor` is an attribute of the host profile in OCSF 1.8.0: a record using it names the profile.
      profiles: ['host'],
      ...optional('tenant_uid', tenantId),
      ...optional('original_time', sourceTime === undefined ? undefined : (isoTime(sourceTime) ?? undefined)),
    },
    ...(Object.keys(unmapped).length > 0 && { unmapped }),
  };
}

/** `status_id`/`status` of a state: the table above; Other (99) with the state itself for one it does not know. */
function statusOf(state: string | null): OcsfEnumValue {
  if (state === null) return { id: 0, caption: 'Unknown' };
  return (
    (Object.hasOwn(OCSF_STATUS_BY_STATE, state) ? OCSF_STATUS_BY_STATE[state] : undefined) ?? { id: 99, caption: state }
  );
}

/** `severity_id`/`severity`: Unknown (0) without a severity, Other (99) with the number for one outside 0–4. */
function severityOf(severity: SessionFacts['severity']): OcsfEnumValue {
  if (severity === null) return { id: 0, caption: 'Unknown' };
  return (Number.isInteger(severity) ? OCSF_SEVERITIES[severity] : undefined) ?? { id: 99, caption: String(severity) };
}

/** One analytic per rule of the triggered alerts (by rule id, else name), in the order of the alerts. */
function analytics(session: Session): OcsfAnalytic[] {
  const seen = new Set<string>();
  const out: OcsfAnalytic[] = [];
  for (const alert of session.triggeredAlerts ?? []) {
    const uid = text(alert.ruleId);
    const name = text(alert.ruleName);
    const key = uid === undefined ? `name:${name ?? ''}` : `uid:${uid}`;
    if ((uid === undefined && name === undefined) || seen.has(key)) continue;
    seen.add(key);
    out.push({ type_id: 1, type: 'Rule', ...optional('name', name), ...optional('uid', uid) });
  }
  return out;
}

function userOf(uid: string | undefined, name: string | undefined): NonNullable<OcsfDetectionFinding['actor']>['user'] {
  return {
    ...optional('uid', uid),
    ...optional('name', name),
    ...(name !== undefined && isEmailAddress(name) && { email_addr: name }),
    type_id: 1,
    type: 'User',
  };
}
