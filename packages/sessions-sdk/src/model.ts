// `@x/sessions-sdk/model`: what a program needs to know about sessions without talking to the API. It imports no
// dependency (no valibot, no ky, no undici), so a CLI can build its options and help from it cheaply;
// test/entries.test.ts checks the built entry's import graph.

export {
  CONTENT_INSPECTION_STATUSES,
  SESSION_STATES,
  SESSION_TYPES,
  SEVERITY_LABELS,
  SORT_DIRECTIONS,
  SORT_KEYS,
  severityFromLabel,
  severityLabel,
  type ContentInspectionStatus,
  type OpenEnum,
  type SessionState,
  type SessionType,
  type SeverityLabel,
  type SortDirection,
  type SortKey,
} from './sessions/enums.js';
export { currentScore, currentSeverity, currentState, maxSeverity } from './sessions/derived.js';
export {
  DEFAULT_CONCURRENCY,
  DEFAULT_PAGE_SIZE,
  MAX_CONCURRENCY,
  MAX_IDS_PER_CHANGE,
  MAX_NOTE_LENGTH,
  MAX_PAGE_SIZE,
} from './limits.js';
export { FILE_EVENT_FIELDS, SESSION_FIELDS } from './fields.js';
export { DURATION_FORMS, toDurationMs } from './time.js';
export type {
  ContentInspectionResults,
  RiskIndicator,
  Session,
  SessionNote,
  SessionScore,
  SessionStateEntry,
  SessionsPage,
  TriggeredAlert,
} from './sessions/schemas.js';
export type { FileEvent, FileEventsPage, FileEventsProblem } from './file-events/schemas.js';
