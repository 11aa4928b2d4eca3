// Bytes to text: UTF-8 with or without BOM, UTF-16 LE/BE with BOM (what PowerShell writes).
import type { RowError } from './types.js';

/** The text of an input file, or the line where its bytes stop being valid in their encoding. */
export type Decoded = { ok: true; text: string } | { ok: false; error: RowError };

/** Decode input bytes by their BOM (UTF-8 without a BOM otherwise), strictly: invalid bytes are an error. */
export function decodeInput(bytes: Uint8Array): Decoded {
  let encoding = 'utf-8';
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) [encoding, start] = ['utf-16le', 2];
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) [encoding, start] = ['utf-16be', 2];
  const body = bytes.subarray(start);
  try {
    return { ok: true, text: new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(body) };
  } catch {
    // Find the line of the first bad sequence: decode leniently and look for the replacement character.
    const lenient = new TextDecoder(encoding, { ignoreBOM: true }).decode(body);
    const at = lenient.indexOf('\uFFFD');
    const line = at < 0 ? 1 : countLines(lenient, at);
    const name = encoding === 'utf-8' ? 'UTF-8' : encoding.toUpperCase();
    return {
      ok: false,
      error: { line, message: `the input is not valid ${name} (save it as UTF-8, or UTF-16 with a BOM)` },
    };
  }
}

/** The 1-based line number of a character offset. */
export function countLines(text: string, offset: number): number {
  return lineCounter(text)(offset);
}

/**
 * The line numbers of offsets asked in increasing order, each found by counting on from the previous one: a whole
 * input costs one pass, not one pass per row.
 */
export function lineCounter(text: string): (offset: number) => number {
  let line = 1;
  let last = 0;
  // The first line break not yet counted in `line`.
  let next = text.indexOf('\n');
  return (offset) => {
    if (offset < last) throw new RangeError(`line offsets must not decrease (${offset} after ${last})`);
    last = offset;
    for (; next !== -1 && next < offset; next = text.indexOf('\n', next + 1)) line += 1;
    return line;
  };
}
