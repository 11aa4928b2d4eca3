// The SDK's main entry, every name listed: each one is a promise to users. Enums, limits and field lists are in
// `@x/sessions-sdk/model` (no dependencies); the valibot schemas stay internal.

export { Client } from './client.js';
export type { ClientOptions } from './settings.js';
export { RequestBudget } from './rate-limit.js';
export type { RequestOptions, ResponseInfo, ResponseRecord, WaitInfo } from './http.js';
export type { Logger, LogLevel } from './logger.js';
export {
  ApiError,
  AuthenticationError,
  ConfigurationError,
  ConnectionError,
  IncydrError,
  InvalidArgumentError,
  NotFoundError,
  RateLimitedError,
  ResponseValidationError,
  TimeoutError,
  type CallOutcome,
  type ConnectionReason,
} from './errors.js';
export { DURATION_FORMS, TIME_FORMS, formatIso, toDurationMs, toEpochMs, type TimeInput } from './time.js';
export type { IterAllOptions, SessionEvents, SessionsV1 } from './sessions/resource.js';
export type { SessionFilters, SessionPageQuery, SessionSearch } from './sessions/query.js';
export { currentScore, currentSeverity, currentState, maxSeverity } from './sessions/derived.js';
export {
  severityLabel,
  type ContentInspectionStatus,
  type OpenEnum,
  type SessionState,
  type SessionType,
  type SeverityLabel,
  type SortDirection,
  type SortKey,
} from './sessions/enums.js';
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
