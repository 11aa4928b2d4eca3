// Terminal text helpers shared by the table and the card: measuring, cleaning, truncating, padding, wrapping, styling.

/** The ellipsis that marks truncated text. */
const ELLIPSIS = '…';

// C0/C1 controls (ESC included, so server data can never drive the terminal) and bidi overrides that could
// visually reorder a line.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;
const LINE_BREAKS = /\r\n|[\r\n\t\u2028\u2029]/gu;
// Code points that take no cell on their own: combining marks, variation selectors, joiners and other invisibles.
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Default_Ignorable_Code_Point}]$/u;
// Shown as a picture (two cells) without a variation selector: 🚀, ⚡, 🫠, 📁 … (Unicode's Emoji_Presentation, the
// first of which is U+231A; a lone regional indicator is a letter, one cell).
const EMOJI_PRESENTATION = /^\p{Emoji_Presentation}$/u;
const PICTOGRAPHIC = /^\p{Extended_Pictographic}$/u;
const REGIONAL_INDICATOR = /^\p{Regional_Indicator}$/u;
// Text that is one cell per UTF-16 unit: printable ASCII, measured and cut without segmenting.
const PRINTABLE_ASCII = /^[\u0020-\u007e]*$/u;

/**
 * Makes server text safe for one terminal line: line breaks and tabs become spaces, other control characters
 * (escape sequences included) and bidi overrides are dropped.
 */
export function sanitize(text: string): string {
  return text.replace(LINE_BREAKS, ' ').replace(UNSAFE, '');
}

/**
 * One line for a person on stderr (errors, warnings, notes): each line break, with the blanks around it, becomes one
 * space, then {@link sanitize} drops what could drive the terminal.
 */
export function humanLine(text: string): string {
  return sanitize(text.replace(/\s*(?:\r\n|[\r\n\u2028\u2029])\s*/gu, ' '));
}

/** Terminal cells a code point takes: 0 for combining marks, 2 for East Asian wide characters and emoji, else 1. */
function codePointWidth(char: string, code: number): number {
  // Latin-1 and Latin Extended hold no mark and nothing wide: spare them the property lookups.
  if (code < 0x300) return code === 0xad ? 0 : 1;
  if (ZERO_WIDTH.test(char)) return 0;
  const wide =
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf && code !== 0x303f) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x20000 && code <= 0x3fffd) ||
    (code >= 0x231a && EMOJI_PRESENTATION.test(char) && !REGIONAL_INDICATOR.test(char));
  return wide ? 2 : 1;
}

// What makes a pictograph and the code points after it one emoji: ZWJ, VS16, a skin tone.
const EMOJI_JOINERS = /[\u200d\ufe0f\u{1f3fb}-\u{1f3ff}]/u;

/**
 * Terminal cells a grapheme cluster takes: an emoji sequence (ZWJ, VS16, keycap, skin tone, flag) is one two-cell
 * picture; other clusters take the cells of their first visible code point (marks after it take none).
 */
function clusterWidth(cluster: string): number {
  const [first = '', second = ''] = cluster;
  if (first.length === cluster.length) return codePointWidth(first, first.codePointAt(0) ?? 0);
  if (REGIONAL_INDICATOR.test(first)) return REGIONAL_INDICATOR.test(second) ? 2 : 1;
  if (cluster.includes('\u20e3')) return 2;
  if (PICTOGRAPHIC.test(first) && EMOJI_JOINERS.test(cluster)) return 2;
  for (const char of cluster) {
    const width = codePointWidth(char, char.codePointAt(0) ?? 0);
    if (width > 0) return width;
  }
  return 0;
}

// Code points that join a cluster into one picture or syllable (ZWJ, VS16, keycap, Hangul vowel and final jamo,
// regional indicators, skin tones): only text with one of them needs Intl.Segmenter, which costs ~2 µs a character.
const JOINS = /[\u200d\ufe0f\u20e3\u1160-\u11ff\ud7b0-\ud7ff\u{1f1e6}-\u{1f1ff}\u{1f3fb}-\u{1f3ff}]/u;
let segmenter: Intl.Segmenter | undefined;

/**
 * The grapheme clusters of `text`, what a terminal draws as one character; text without joining code points by code
 * point (a combining mark then takes no cell and stays with its base when text is cut).
 */
function graphemes(text: string): Iterable<string> {
  if (!JOINS.test(text)) return text;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return Array.from(segmenter.segment(text), ({ segment }) => segment);
}

// SGR sequences that styles() adds take no cells.
const SGR = /\u001b\[[0-9;]*m/gu;

/** A count with its noun, singular for 1: `1 note`, `2 notes` (`plural` for nouns that do not take an s). */
export function counted(count: number, noun: string, plural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : plural}`;
}

/** The number of terminal cells `text` takes; ANSI colour sequences count as zero. */
export function displayWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let width = 0;
  for (const cluster of graphemes(text.replace(SGR, ''))) width += clusterWidth(cluster);
  return width;
}

/** Cuts `text` to at most `width` cells, between graphemes, ending with `…` when something was cut. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return '';
  if (PRINTABLE_ASCII.test(text)) return text.slice(0, width - 1) + ELLIPSIS;
  let result = '';
  let used = 0;
  for (const cluster of graphemes(text)) {
    const cells = clusterWidth(cluster);
    if (used + cells > width - 1) break;
    result += cluster;
    used += cells;
  }
  return result + ELLIPSIS;
}

/** Pads `text` with spaces to `width` cells, on the right (left-aligned) or on the left (right-aligned). */
export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'left' ? text + fill : fill + text;
}

/**
 * Word-wraps one line of text to `width` cells; words longer than a line are split. Always returns at least one
 * line (an empty string for empty text).
 */
export function wrap(text: string, width: number): string[] {
  if (width <= 0 || !Number.isFinite(width) || displayWidth(text) <= width) return [text];
  const lines: string[] = [];
  let line = '';
  let lineWidth = 0;
  for (const word of text.split(' ')) {
    let rest = word;
    let restWidth = displayWidth(rest);
    const gap = line === '' ? 0 : 1;
    if (lineWidth + gap + restWidth <= width) {
      line += (gap ? ' ' : '') + rest;
      lineWidth += gap + restWidth;
      continue;
    }
    if (line !== '') lines.push(line);
    line = '';
    lineWidth = 0;
    while (restWidth > width) {
      const head = sliceCells(rest, width);
      lines.push(head);
      rest = rest.slice(head.length);
      restWidth = displayWidth(rest);
    }
    line = rest;
    lineWidth = restWidth;
  }
  lines.push(line);
  return lines;
}

/** The longest prefix of `text` that fits in `width` cells (at least one grapheme, so wrapping always advances). */
function sliceCells(text: string, width: number): string {
  let result = '';
  let used = 0;
  for (const cluster of graphemes(text)) {
    const cells = clusterWidth(cluster);
    if (result !== '' && used + cells > width) break;
    result += cluster;
    used += cells;
  }
  return result;
}

/** ANSI styles used by the human formats; each returns its input unchanged when colour is off. */
export interface Styles {
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
}

const plain = (text: string): string => text;

/** The styles for `color`: ANSI SGR sequences when true, identity functions when false. */
export function styles(color: boolean): Styles {
  if (!color) return { bold: plain, dim: plain, red: plain, yellow: plain };
  const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
  return { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), yellow: sgr(33, 39) };
}
