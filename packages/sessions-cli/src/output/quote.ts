// Echoing a value given by the user or the input inside a one-line message, safely and briefly.

/** The most characters of a value a message repeats. */
export const QUOTE_MAX_CHARACTERS = 60;

// Controls (ESC, BEL, NUL, C1), invisible format characters (bidi overrides, zero widths) and line separators:
// JSON.stringify escapes only the C0 controls, and the others could reorder or hide the rest of the line.
const UNSEEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * `value` in double quotes for a message: JSON escapes, every control or invisible character as `\uXXXX`, and at
 * most {@link QUOTE_MAX_CHARACTERS} characters; a longer value is cut with `…` and its length follows.
 */
export function quote(value: string, maxCharacters = QUOTE_MAX_CHARACTERS): string {
  let end = 0;
  let characters = 0;
  while (end < value.length && characters < maxCharacters) {
    end += (value.codePointAt(end) ?? 0) > 0xffff ? 2 : 1;
    characters += 1;
  }
  const quoted = visible(JSON.stringify(value.slice(0, end)));
  if (end >= value.length) return quoted;
  return `${quoted.slice(0, -1)}…" (${characterCount(value).toLocaleString('en-US')} characters)`;
}

/** `text` with every control or invisible character (ESC, bidi overrides, zero widths…) written as `\uXXXX`. */
export function visible(text: string): string {
  return text.replace(UNSEEN, escape);
}

function escape(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The length of `text` in code points (what a person counts as characters, emoji included). */
function characterCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1;
    }
    count += 1;
  }
  return count;
}
