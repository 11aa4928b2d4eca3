// The whole input step: bytes → text → rows → valid rows, or every problem with its line.
import { decodeInput } from './decode.js';
import { parseInput } from './parse.js';
import type { BulkFormat } from './types.js';
import { validateInput, type Overrides, type Validated } from './validate.js';

/** Decode, parse and validate an input file; nothing is sent unless the result is ok. */
export function readRows(
  bytes: Uint8Array,
  format: BulkFormat,
  states: readonly string[],
  overrides: Overrides = {},
): Validated {
  const decoded = decodeInput(bytes);
  if (!decoded.ok) return { ok: false, errors: [decoded.error] };
  return validateInput(parseInput(decoded.text, format), states, overrides);
}
