import * as v from 'valibot';
import { arrayInPlace, looseObjectInPlace } from '../in-place.js';
import { CONTENT_INSPECTION_STATUSES, SESSION_STATES, SESSION_TYPES } from './enums.js';
import { openEnum } from './open-enum.js';

// Response schemas only validate: no transforms, defaults or fallbacks, so the validated value is the server's
// own object. Every field may be missing or null, and unknown keys are kept (looseObject, checked in place: see
// ../in-place.ts).

const optionalString = v.nullish(v.string());
const optionalNumber = v.nullish(v.number());
const optionalStrings = v.nullish(arrayInPlace(v.string()));
const tokenValue = v.pipe(v.string(), v.nonEmpty('expected a non-empty string'));

/** An analyst note on a session. */
const SessionNoteSchema = looseObjectInPlace({
  content: optionalString,
  id: optionalString,
  /** Epoch ms. */
  sourceTimestamp: optionalNumber,
  userId: optionalString,
});

/** An analyst note on a session. */
export type SessionNote = v.InferOutput<typeof SessionNoteSchema>;

/** A risk indicator observed in a session, with its event count and configured weight. */
const RiskIndicatorSchema = looseObjectInPlace({
  eventCount: optionalNumber,
  id: optionalString,
  name: optionalString,
  weight: optionalNumber,
});

/** A risk indicator observed in a session. */
export type RiskIndicator = v.InferOutput<typeof RiskIndicatorSchema>;

/** One entry of a session's score history; `severity` is the wire integer 0–4. */
const SessionScoreSchema = looseObjectInPlace({
  score: optionalNumber,
  severity: optionalNumber,
  /** Epoch ms. */
  sourceTimestamp: optionalNumber,
});

/** One entry of a session's score history. */
export type SessionScore = v.InferOutput<typeof SessionScoreSchema>;

/** One entry of a session's state history; `state` is deprecated in favour of `stateV2`. */
const SessionStateEntrySchema = looseObjectInPlace({
  /** Epoch ms. */
  sourceTimestamp: optionalNumber,
  state: v.nullish(openEnum(SESSION_STATES)),
  stateV2: v.nullish(openEnum(SESSION_STATES)),
  userId: optionalString,
});

/** One entry of a session's state history. */
export type SessionStateEntry = v.InferOutput<typeof SessionStateEntrySchema>;

/** An alert raised by activity in a session. */
const TriggeredAlertSchema = looseObjectInPlace({
  alertId: optionalString,
  lessonId: optionalString,
  ruleId: optionalString,
  ruleName: optionalString,
});

/** An alert raised by activity in a session. */
export type TriggeredAlert = v.InferOutput<typeof TriggeredAlertSchema>;

/**
 * Content inspection results of a session. The current shape is `{detectedOnAlerts}`; an older shape
 * `{status, eventResults}` has been seen too, so both are typed and anything else is kept.
 */
const ContentInspectionResultsSchema = looseObjectInPlace({
  detectedOnAlerts: optionalStrings,
  status: v.nullish(openEnum(CONTENT_INSPECTION_STATUSES)),
  eventResults: v.nullish(arrayInPlace(v.unknown())),
});

/** Content inspection results of a session. */
export type ContentInspectionResults = v.InferOutput<typeof ContentInspectionResultsSchema>;

/** A session: one actor's activity over a period, with its scores, states, notes and alerts (keys in API order). */
export const SessionSchema = looseObjectInPlace({
  actorId: optionalString,
  actorName: optionalString,
  type: v.nullish(openEnum(SESSION_TYPES)),
  /** Epoch ms of the first activity. */
  beginTime: optionalNumber,
  contentInspectionResults: v.nullish(ContentInspectionResultsSchema),
  contextSummary: optionalString,
  criticalEvents: optionalNumber,
  highEvents: optionalNumber,
  moderateEvents: optionalNumber,
  lowEvents: optionalNumber,
  noRiskEvents: optionalNumber,
  /** Epoch ms of the last activity so far. */
  endTime: optionalNumber,
  exfiltrationSummary: optionalString,
  /** Epoch ms. */
  firstObserved: optionalNumber,
  /** Epoch ms. */
  lastUpdated: optionalNumber,
  notes: v.nullish(arrayInPlace(SessionNoteSchema)),
  riskIndicators: v.nullish(arrayInPlace(RiskIndicatorSchema)),
  scores: v.nullish(arrayInPlace(SessionScoreSchema)),
  sessionId: optionalString,
  states: v.nullish(arrayInPlace(SessionStateEntrySchema)),
  tenantId: optionalString,
  triggeredAlerts: v.nullish(arrayInPlace(TriggeredAlertSchema)),
  /** Deprecated by the API. */
  userId: optionalString,
});

/** A session as the server sent it; every field may be missing or null, unknown fields are kept. */
export type Session = v.InferOutput<typeof SessionSchema>;

/** A page of a session search (`GET /v1/sessions`). */
export const SessionsPageSchema = looseObjectInPlace({
  items: v.nullish(arrayInPlace(SessionSchema)),
  totalCount: optionalNumber,
});

/** A page of a session search. */
export type SessionsPage = v.InferOutput<typeof SessionsPageSchema>;

/** Answer of change-state-by-criteria; a null, missing or empty token means the server is done. */
export const ChangeStatesResponseSchema = looseObjectInPlace({
  continuationToken: optionalString,
});

/** Answer of change-state-by-criteria. */
export type ChangeStatesResponse = v.InferOutput<typeof ChangeStatesResponseSchema>;

/** Answer of `POST /v1/oauth`: `access_token` (non-empty) and `expires_in` (seconds) are required. */
export const TokenResponseSchema = looseObjectInPlace({
  token_type: optionalString,
  expires_in: v.number(),
  access_token: tokenValue,
});

/** Answer of `POST /v1/oauth`. */
export type TokenResponse = v.InferOutput<typeof TokenResponseSchema>;

/** A token of a refresh answer: a non-empty value and an ISO-8601 expiry that may be missing. */
const RefreshTokenValueSchema = looseObjectInPlace({
  tokenValue,
  expiresAt: optionalString,
});

/** A token of a refresh answer. */
export type RefreshTokenValue = v.InferOutput<typeof RefreshTokenValueSchema>;

/** Answer of the refresh URL: a new access token (required) and the rotated refresh token. */
export const RefreshTokenResponseSchema = looseObjectInPlace({
  accessToken: RefreshTokenValueSchema,
  refreshToken: v.nullish(RefreshTokenValueSchema),
});

/** Answer of the refresh URL. */
export type RefreshTokenResponse = v.InferOutput<typeof RefreshTokenResponseSchema>;
