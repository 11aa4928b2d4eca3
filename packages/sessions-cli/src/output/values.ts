import {
  currentSeverity,
  currentState,
  maxSeverity,
  severityLabel,
  type SessionScore,
  type SessionStateEntry,
} from '@x/sessions-sdk/model';
import { formatIso } from '@x/sessions-sdk/time';
import { isPlainObject } from './flatten.js';
import { sanitize } from './text.js';

// Human renderings of record values, shared by the table and the card. Records are typed by the SDK, but these
// guard every shape anyway: one odd field must never break the output of a whole search.

/** Session fields holding epoch milliseconds, by API key. */
export const SESSION_TIME_KEYS: ReadonlySet<string> = new Set(['beginTime', 'endTime', 'firstObserved', 'lastUpdated']);

/** Epoch ms as ISO-8601 UTC; anything that is not a valid epoch is rendered as plain text instead. */
export function formatTime(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= 8.64e15) return formatIso(value);
  return humanText(value);
}

/**
 * A value as one line of text: strings sanitised, numbers and booleans as JSON spells them, null/undefined empty,
 * arrays of scalars joined with `, `, other arrays and objects as compact JSON.
 */
export function humanText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return sanitize(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value) && value.every((item) => !isObjectLike(item))) {
    return value.map((item) => humanText(item)).join(', ');
  }
  return sanitize(JSON.stringify(value) ?? '');
}

function isObjectLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

/** The plain-object elements of a value that should be an array of objects (nothing for anything else). */
function objectsOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isPlainObject) : [];
}

/** The current state of a session's raw `states` value (latest `sourceTimestamp`, `stateV2` before `state`). */
export function currentStateOf(states: unknown): string | undefined {
  // The SDK validated the entries' field types; the cast only narrows the array to its object elements.
  const state = currentState({ states: objectsOf(states) as SessionStateEntry[] });
  return typeof state === 'string' ? state : undefined;
}

/** The severity label of a session's raw `scores` value: `'latest'` entry's or the `'max'` over the history. */
export function severityOf(scores: unknown, which: 'latest' | 'max'): string | undefined {
  const entries = objectsOf(scores) as SessionScore[];
  const severity = which === 'latest' ? currentSeverity({ scores: entries }) : maxSeverity({ scores: entries });
  return severity === undefined ? undefined : (severityLabel(severity) ?? String(severity));
}

/** The `name` fields of an array of objects, joined with `, ` (risk indicators). */
export function namesOf(value: unknown): string {
  return objectsOf(value)
    .map((item) => humanText(item['name']))
    .filter((name) => name !== '')
    .join(', ');
}
