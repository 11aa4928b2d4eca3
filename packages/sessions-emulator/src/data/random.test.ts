import { describe, expect, it } from 'vitest';
import { createRandom, mixSeed } from './random.js';

function draws(seed: number, count = 20): number[] {
  const rng = createRandom(seed);
  return Array.from({ length: count }, () => rng.next());
}

describe('createRandom', () => {
  it('repeats the same sequence for the same seed', () => {
    expect(draws(42)).toEqual(draws(42));
  });

  it('gives different sequences for different seeds, including large and negative ones', () => {
    const seeds = [0, 1, 2, 42, -1, 2 ** 40, 2 ** 40 + 1, 0.5];
    const firsts = new Set(seeds.map((seed) => draws(seed, 3).join(',')));
    expect(firsts.size).toBe(seeds.length);
  });

  it('keeps next() in [0, 1) with a mean near one half', () => {
    const values = draws(7, 10_000);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });

  it('returns 32-bit unsigned integers from uint32()', () => {
    const rng = createRandom(3);
    for (let i = 0; i < 1000; i++) {
      const value = rng.uint32();
      expect(Number.isInteger(value) && value >= 0 && value < 2 ** 32).toBe(true);
    }
  });

  it('includes both bounds in int(min, max) and nothing outside', () => {
    const rng = createRandom(9);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(rng.int(-2, 3));
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3]);
  });

  it('picks every element of a list and refuses an empty one', () => {
    const rng = createRandom(11);
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) seen.add(rng.pick(['a', 'b', 'c']));
    expect(seen).toEqual(new Set(['a', 'b', 'c']));
    expect(() => rng.pick([])).toThrow(RangeError);
  });

  it('answers chance(0) with false and chance(1) with true', () => {
    const rng = createRandom(5);
    for (let i = 0; i < 200; i++) {
      expect(rng.chance(0)).toBe(false);
      expect(rng.chance(1)).toBe(true);
    }
  });

  it('draws weighted values in proportion and never a zero-weight one', () => {
    const rng = createRandom(13);
    const counts = { a: 0, b: 0, never: 0 };
    for (let i = 0; i < 10_000; i++)
      counts[
        rng.weighted<keyof typeof counts>([
          ['a', 3],
          ['b', 1],
          ['never', 0],
        ])
      ] += 1;
    expect(counts.never).toBe(0);
    expect(counts.a / 10_000).toBeGreaterThan(0.72);
    expect(counts.a / 10_000).toBeLessThan(0.78);
    expect(() => rng.weighted([['x', 0]])).toThrow(RangeError);
  });

  it('shuffles in place into a permutation, the same way for the same seed', () => {
    const items = Array.from({ length: 30 }, (_, i) => i);
    const a = createRandom(17).shuffle([...items]);
    const b = createRandom(17).shuffle([...items]);
    expect(a).toEqual(b);
    expect(a).not.toEqual(items);
    expect([...a].sort((x, y) => x - y)).toEqual(items);
  });
});

describe('fork', () => {
  it('depends on the label and the seed only, not on draws made before', () => {
    const fresh = createRandom(21);
    const used = createRandom(21);
    for (let i = 0; i < 50; i++) used.next();
    expect(fresh.fork('events').next()).toBe(used.fork('events').next());
    expect(fresh.fork(7).next()).toBe(used.fork(7).next());
  });

  it('gives distinct streams for distinct labels and parents', () => {
    const rng = createRandom(21);
    const firsts = new Set([
      rng.next(),
      rng.fork('a').next(),
      rng.fork('b').next(),
      rng.fork(1).next(),
      rng.fork('1').next(),
      rng.fork('a').fork('a').next(),
      createRandom(22).fork('a').next(),
    ]);
    expect(firsts.size).toBe(7);
  });

  it('leaves the parent stream untouched', () => {
    const a = createRandom(30);
    const b = createRandom(30);
    a.fork('child').next();
    expect(a.next()).toBe(b.next());
  });
});

describe('mixSeed', () => {
  it('is a 32-bit hash that tells labels and bases apart', () => {
    const values = [mixSeed(1, 'a'), mixSeed(1, 'b'), mixSeed(2, 'a'), mixSeed(1, 0), mixSeed(1, 2 ** 33)];
    expect(new Set(values).size).toBe(values.length);
    expect(values.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32)).toBe(true);
    expect(mixSeed(1, 'a')).toBe(mixSeed(1, 'a'));
  });
});
