// Small value checks the record mappings share: what a target field can hold as it is, and nothing else.
import type { Session } from '../sessions/schemas.js';

/** A non-empty string as it is; anything else is not a value. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The texts among `values` ({@link text}), each once, in their order. */
export function uniqueTexts(values: readonly unknown[] | undefined): string[] {
  const seen = new Set<string>();
  for (const value of values ?? []) {
    const name = text(value);
    if (name !== undefined) seen.add(name);
  }
  return [...seen];
}

/** Whole epoch milliseconds (a safe integer); a fraction or an unsafe number is not a time a record can hold whole. */
export function epochMs(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

/** A safe integer as it is, else nothing. */
export function safeInteger(value: number | null | undefined): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

// A conservative subset of OCSF's email_t pattern: an actor name that is an address is also the user's email.
const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/;

/** Whether a name is an email address (`local@domain.tld`, ASCII). */
export function isEmailAddress(name: string): boolean {
  return EMAIL.test(name);
}

/** `{[key]: value}` when there is a value, else nothing: spread into a record so absent fields stay absent. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** What {@link carriedFields} returns: `take` marks a field as held whole, `rest` is every field not taken. */
export interface CarriedFields {
  /** Returns `value`; when there is one, the session's `key` counts as held whole by the record. */
  take: <T>(key: keyof Session & string, value: T | undefined) => T | undefined;
  /** The session's fields not taken, under their own names, values as sent (for a record's `unmapped`). */
  rest: () => Record<string, unknown>;
}

/** Keeps track of the session fields a record holds whole, so that the others go to its `unmapped` and none is lost. */
export function carriedFields(session: Session): CarriedFields {
  const carried = new Set<string>();
  return {
    take(key, value) {
      if (value !== undefined) carried.add(key);
      return value;
    },
    rest: () => Object.fromEntries(Object.entries(session).filter(([key]) => !carried.has(key))),
  };
}
