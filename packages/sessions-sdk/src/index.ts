export { Client } from './client.js';
export type { ClientOptions } from './settings.js';
export type { RequestOptions, ResponseRecord, WaitInfo } from './http.js';
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
export { toEpochMs, toDurationMs, formatIso, TIME_FORMS, DURATION_FORMS, type TimeInput } from './time.js';
export { SessionsV1, type IterAllOptions, type SessionEvents } from './sessions/resource.js';
export { MAX_IDS_PER_CHANGE, MAX_NOTE_LENGTH, MAX_PAGE_SIZE } from './limits.js';
export { type SessionFilters, type SessionPageQuery, type SessionSearch } from './sessions/query.js';
export * from './sessions/enums.js';
export { openEnum } from './sessions/open-enum.js';
export * from './sessions/schemas.js';
export * from './sessions/derived.js';
export * from './file-events/schemas.js';
