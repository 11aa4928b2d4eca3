import type { Session } from '../sessions/schemas.js';
import { escapeCefHeader, formatCefExtension, type CefPair } from './cef-escape.js';
import type { SiemContext } from './context.js';
import { sessionFacts, type SessionFacts } from './derive.js';

/**
 * The CEF header's Device Version: the version of this record's layout (the mapping in docs/siem/cef.md), not of
 * the product; it changes when a key changes meaning or moves.
 */
export const CEF_RECORD_VERSION = '1';

/** CEF severity (0–10) of each session severity 0–4: NO_RISK 0, LOW 3, MODERATE 5, HIGH 8, CRITICAL 10. */
export const CEF_SEVERITIES: readonly number[] = [0, 3, 5, 8, 10];

/** The parts of a session's CEF line, unescaped: the header fields that vary, and the extension pairs in order. */
export interface CefFields {
  readonly signatureId: string;
  readonly name: string;
  /** 0–10 by {@link CEF_SEVERITIES}; 0 for a session without a severity 0–4. */
  readonly severity: number;
  readonly extension: readonly CefPair[];
}

/** The fields of the CEF line of a session (see docs/siem/cef.md for each key). */
export function toCefFields(session: Session, context: SiemContext = {}): CefFields {
  const facts = sessionFacts(session, context);
  return {
    signatureId: facts.state === null ? 'incydr-session' : `incydr-session-${facts.state}`,
    name: eventName(facts),
    severity: (facts.severity === null ? undefined : CEF_SEVERITIES[facts.severity]) ?? 0,
    extension: extensionPairs(session, facts, context),
  };
}

/** The CEF line of a fields object: `CEF:0|Mimecast|Incydr|<version>|<signature>|<name>|<severity>|<extension>`. */
export function formatCef(fields: CefFields): string {
  const header = ['Mimecast', 'Incydr', CEF_RECORD_VERSION, fields.signatureId, fields.name, String(fields.severity)];
  return `CEF:0|${header.map(escapeCefHeader).join('|')}|${formatCefExtension(fields.extension)}`;
}

/** A session as one CEF:0 line (no line break), with CEF's escaping of header fields and extension values. */
export function toCef(session: Session, context: SiemContext = {}): string {
  return formatCef(toCefFields(session, context));
}

function eventName(facts: SessionFacts): string {
  const [rule, ...others] = facts.ruleNames;
  let name = 'Incydr session';
  if (rule !== undefined) name += `: ${rule}${others.length > 0 ? ` and ${others.length} more` : ''}`;
  return facts.state === null ? name : `${name} (${facts.state})`;
}

function extensionPairs(session: Session, facts: SessionFacts, context: SiemContext): CefPair[] {
  const pairs: CefPair[] = [];
  const add = (key: string, value: string | number | null | undefined, label?: string): void => {
    if (typeof value === 'number' ? !Number.isFinite(value) : typeof value !== 'string' || value === '') return;
    pairs.push([key, String(value)]);
    if (label !== undefined) pairs.push([`${key}Label`, label]);
  };
  const names = (list: readonly string[]): string | undefined => (list.length === 0 ? undefined : JSON.stringify(list));

  add('externalId', session.sessionId);
  add('rt', epochMs(facts.lastUpdated));
  add('start', epochMs(facts.beginTime));
  add('end', epochMs(facts.endTime));
  add('deviceCustomDate1', epochMs(facts.firstObserved), 'firstObserved');
  add('suser', session.actorName);
  add('suid', session.actorId);
  add('cat', session.type);
  add('msg', session.contextSummary);
  add('deviceExternalId', session.tenantId);
  add('dvchost', apiHost(context.apiUrl));
  add('cs1', facts.state, 'state');
  add('cs2', names(facts.ruleNames), 'ruleNames');
  add('cs3', names(facts.riskIndicatorNames), 'riskIndicatorNames');
  add('cs4', facts.severityLabel, 'severity');
  add('cs5', facts.highestSeverityLabel, 'highestSeverity');
  add('cs6', facts.consoleUrl, 'consoleUrl');
  add('cn1', facts.riskScore, 'riskScore');
  add('cn2', facts.totalEvents, 'totalEvents');
  add('cn3', facts.noteCount, 'noteCount');
  add('incydrSeverity', facts.severity);
  add('incydrHighestSeverity', facts.highestSeverity);
  add('incydrCriticalEvents', session.criticalEvents);
  add('incydrHighEvents', session.highEvents);
  add('incydrModerateEvents', session.moderateEvents);
  add('incydrLowEvents', session.lowEvents);
  add('incydrNoRiskEvents', session.noRiskEvents);
  add('incydrExfiltrationSummary', session.exfiltrationSummary);
  add('incydrUserId', session.userId);
  add('incydrChange', facts.change);
  return pairs;
}

function epochMs(iso: string | null): number | undefined {
  return iso === null ? undefined : Date.parse(iso);
}

function apiHost(apiUrl: string | undefined): string | undefined {
  if (apiUrl === undefined) return undefined;
  try {
    return new URL(apiUrl).hostname;
  } catch {
    return undefined;
  }
}
