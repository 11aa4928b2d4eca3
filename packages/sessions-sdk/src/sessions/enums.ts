/**
 * A string enum that stays open: the known values autocomplete, any other string is still accepted.
 * Used for every enum the server sends, because the API documents them as growing.
 */
export type OpenEnum<T extends string> = T | (string & {});

/** Session states this release knows, as sent on the wire (`state` filter, `stateV2`, `newState`). */
export const SESSION_STATES = [
  'OPEN',
  'IN_PROGRESS',
  'CLOSED',
  'CLOSED_TP',
  'CLOSED_TP_BENIGN',
  'CLOSED_FP',
  'OPEN_NEW_DATA',
] as const;

/** A known session state. */
export type SessionState = (typeof SESSION_STATES)[number];

/** Session types this release knows (`type` of a session and of the search filter). */
export const SESSION_TYPES = ['STANDARD', 'ACCOUNT_TAKE_OVER'] as const;

/** A known session type. */
export type SessionType = (typeof SESSION_TYPES)[number];

/** Severity labels; a label's index is its wire integer (`NO_RISK` = 0 … `CRITICAL` = 4). */
export const SEVERITY_LABELS = ['NO_RISK', 'LOW', 'MODERATE', 'HIGH', 'CRITICAL'] as const;

/** A severity label such as `HIGH`. */
export type SeverityLabel = (typeof SEVERITY_LABELS)[number];

/** The label of a wire severity (`3` → `HIGH`); undefined for anything but an integer 0–4. */
export function severityLabel(n: number): SeverityLabel | undefined {
  return Number.isInteger(n) ? SEVERITY_LABELS[n] : undefined;
}

/** The wire integer of a severity label, case-insensitive (`'high'` → 3); undefined for an unknown label. */
export function severityFromLabel(label: string): number | undefined {
  const index = (SEVERITY_LABELS as readonly string[]).indexOf(label.trim().toUpperCase());
  return index === -1 ? undefined : index;
}

/**
 * Content inspection statuses this release knows (`content_inspection_status` filter), sent as given: the Python
 * SDK's `PENDING`, `FOUND`, `NOT_FOUND` and the vendor API description's `PII_FOUND`, `PII_NOT_FOUND`, `UNPROCESSED`.
 */
export const CONTENT_INSPECTION_STATUSES = [
  'PENDING',
  'FOUND',
  'NOT_FOUND',
  'PII_FOUND',
  'PII_NOT_FOUND',
  'UNPROCESSED',
] as const;

/** A known content inspection status. */
export type ContentInspectionStatus = (typeof CONTENT_INSPECTION_STATUSES)[number];

/** Sort keys of a session search (`order_by`). */
export const SORT_KEYS = ['end_time', 'score'] as const;

/** A known sort key. */
export type SortKey = (typeof SORT_KEYS)[number];

/**
 * Sort directions of a session search (`sort_direction`), sent as given: `asc`/`desc` as the Python SDK sends them,
 * `ASC`/`DESC` as the vendor's API description documents them.
 */
export const SORT_DIRECTIONS = ['asc', 'desc', 'ASC', 'DESC'] as const;

/** A known sort direction. */
export type SortDirection = (typeof SORT_DIRECTIONS)[number];
