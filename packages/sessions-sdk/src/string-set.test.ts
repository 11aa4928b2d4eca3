import { describe, expect, it } from 'vitest';
import { CompactStringSet } from './string-set.js';

/** Deterministic pseudo-random numbers. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('CompactStringSet', () => {
  it('tells new strings from ones already added, exactly like a Set, through many rehashes', () => {
    const next = random(7);
    const set = new CompactStringSet();
    const reference = new Set<string>();
    for (let index = 0; index < 60_000; index += 1) {
      // Session-id-like strings from a small space, so that repeats are frequent.
      const id = `${Math.floor(next() * 5000)}_${1_700_000_000_000 + Math.floor(next() * 8)}`;
      expect(set.add(id)).toBe(!reference.has(id));
      reference.add(id);
    }
    expect(set.size).toBe(reference.size);
  });

  it('keeps strings that differ only in length, case, or non-ASCII characters apart', () => {
    const set = new CompactStringSet();
    const values = [
      '',
      'a',
      'aa',
      'A',
      'é',
      'e\u0301',
      '日本',
      '日本語',
      'a\u0000',
      'x'.repeat(70_000),
      'x'.repeat(70_001),
    ];
    for (const value of values) expect(set.add(value)).toBe(true);
    for (const value of values) expect(set.add(value)).toBe(false);
    expect(set.size).toBe(values.length);
  });
});
