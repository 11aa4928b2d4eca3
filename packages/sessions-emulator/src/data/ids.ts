import type { Random } from './random.js';

const HEX_CODES: readonly number[] = Array.from({ length: 16 }, (_, i) => i.toString(16).charCodeAt(0));
const DASH = 45;
// One reused buffer of char codes: String.fromCharCode builds a flat string at once, where concatenating pieces
// would leave a tree of string fragments per id (several times slower and larger for 100k sessions).
const charCodes: number[] = [];

function putHex(value: number, at: number, digits: number): void {
  let rest = value;
  for (let i = at + digits - 1; i >= at; i--) {
    charCodes[i] = HEX_CODES[rest & 15] as number;
    rest >>>= 4;
  }
}

function takeString(length: number): string {
  charCodes.length = length;
  return String.fromCharCode.apply(null, charCodes);
}

/** `chars` lowercase hex digits. */
export function randomHex(rng: Random, chars: number): string {
  for (let at = 0; at < chars; at += 8) putHex(rng.uint32(), at, 8);
  return takeString(chars);
}

/** A version-4-shaped UUID drawn from the stream. */
export function randomUuid(rng: Random): string {
  const a = rng.uint32();
  const b = rng.uint32();
  const c = rng.uint32();
  putHex(a, 0, 8);
  charCodes[8] = DASH;
  putHex(b >>> 16, 9, 4);
  charCodes[13] = DASH;
  putHex(0x4000 | (b & 0x0fff), 14, 4);
  charCodes[18] = DASH;
  putHex(0x8000 | ((c >>> 16) & 0x3fff), 19, 4);
  charCodes[23] = DASH;
  putHex(c & 0xffff, 24, 4);
  putHex(rng.uint32(), 28, 8);
  return takeString(36);
}
