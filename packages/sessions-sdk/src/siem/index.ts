// `@x/sessions-sdk/siem`: sessions as SIEM-ready records (enriched, OCSF, ECS, CEF). Like the model entry it imports
// no dependency, so that a program can map sessions it got elsewhere; test/entries.test.ts checks the built entry.

export type { RecordChange, SiemContext } from './context.js';
export { CEF_RECORD_VERSION, CEF_SEVERITIES, formatCef, toCef, toCefFields, type CefFields } from './cef.js';
export { escapeCefExtensionValue, escapeCefHeader, formatCefExtension, type CefPair } from './cef-escape.js';
export { CONSOLE_HOSTS, consoleUrlFor, sessionConsoleUrl } from './console.js';
export { isoTime, sessionFacts, type SessionFacts } from './derive.js';
export { ECS_VERSION, toEcs, type EcsDocument, type IncydrSessionFields } from './ecs.js';
export { ENRICHED_KEY, toEnriched, type EnrichedSession } from './enriched.js';
export {
  OCSF_RISK_LEVELS,
  OCSF_SEVERITIES,
  OCSF_STATUS_BY_STATE,
  OCSF_VERSION,
  toOcsf,
  type OcsfAnalytic,
  type OcsfDetectionFinding,
  type OcsfEnumValue,
} from './ocsf.js';
export { SIEM_RECORDS, toSiemRecord, type SiemRecord, type SiemRecordKind } from './records.js';
