import * as v from 'valibot';
import type { OpenEnum } from './enums.js';

/**
 * A schema for an enum-typed response field: any string validates (a value added later must never fail a
 * response); `known` only types the output, so the known values autocomplete. The value is kept as sent.
 */
export function openEnum<const T extends readonly string[]>(
  _known: T,
): v.GenericSchema<OpenEnum<T[number]>, OpenEnum<T[number]>, v.StringIssue> {
  return v.string();
}
