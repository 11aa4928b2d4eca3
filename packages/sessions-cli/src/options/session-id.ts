// The one rule for a session id, shared by `show`, `show-events`, `update` and every row of `bulk-update-state`:
// what cannot reach the API as that id is refused before the first request.
import { UsageError } from '../failures.js';
import { quote } from '../output/quote.js';

/**
 * The longest session id sent, in characters: far beyond a real one (`<actorId>_<beginTimeMs>`), and a longer one
 * would not fit in the request line servers accept (8 KB) once it is in the URL.
 */
export const MAX_SESSION_ID_LENGTH = 4096;

// Controls (NUL, BEL, ESC, DEL, C1), invisible format characters (bidi overrides and isolates, zero widths, BOM)
// and line separators: never part of an id, and echoed by the server they would reach the terminal.
const UNSEEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
// With the u flag a surrogate code unit matches only when unpaired: such a string cannot be URL-encoded.
const LONE_SURROGATE = /[\ud800-\udfff]/u;

/** Why a session id (already trimmed) cannot be sent, or undefined when it can. */
export function sessionIdProblem(id: string): string | undefined {
  if (id === '') return 'it is empty';
  // The URL of the session would be resolved to another path (`/v1/sessions/..` is `/v1/`).
  if (id === '.') return 'a URL path reads it as the current directory';
  if (id === '..') return 'a URL path reads it as the parent directory';
  if (id.length > MAX_SESSION_ID_LENGTH) return `it is longer than ${MAX_SESSION_ID_LENGTH} characters`;
  const unseen = UNSEEN.exec(id)?.[0];
  if (unseen !== undefined) return `it holds the control or invisible character ${codePoint(unseen)}`;
  const surrogate = LONE_SURROGATE.exec(id)?.[0];
  if (surrogate !== undefined) return `it holds ${codePoint(surrogate)}, half of a character (not valid Unicode)`;
  return undefined;
}

/**
 * A SESSION_ID argument, trimmed: an id cut from CSV output (CRLF) or a spreadsheet keeps a `\r` or spaces that
 * would otherwise be sent, encoded, as part of the id. An id that breaks {@link sessionIdProblem} is a usage error.
 */
export function sessionIdArgument(value: unknown): string {
  const id = String(value).trim();
  const problem = sessionIdProblem(id);
  if (problem !== undefined) throw new UsageError(`invalid SESSION_ID ${quote(String(value))}: ${problem}`);
  return id;
}

function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}
