/** A deterministic stream of pseudo-random numbers (sfc32), with the helpers the data generators need. */
export interface Random {
  /** The seed this stream started from (already mixed): forks derive from it. */
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An unsigned 32-bit integer. */
  uint32(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One value, chosen with probability proportional to its weight. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T;
  /** Shuffles the list in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[];
  /** An independent child stream for `label`: depends on this stream's seed and the label only, not on draws made. */
  fork(label: string | number): Random;
}

const TWO_POW_32 = 4_294_967_296;

/** Murmur3's finaliser: spreads every input bit over the whole word. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85eb_ca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2_ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Folds a number of any size (and a string, by FNV-1a) into a 32-bit hash combined with `base`. */
export function mixSeed(base: number, label: string | number): number {
  let h = fmix32(base ^ 0x9e37_79b9);
  if (typeof label === 'number') {
    const finite = Number.isFinite(label) ? label : 0;
    h = fmix32(h ^ (finite >>> 0));
    h = fmix32(h ^ (Math.floor(finite / TWO_POW_32) >>> 0) ^ 0x2545_f491);
    h = fmix32(h ^ (((finite - Math.floor(finite)) * TWO_POW_32) >>> 0));
  } else {
    let fnv = 0x811c_9dc5;
    for (let i = 0; i < label.length; i++) fnv = Math.imul(fnv ^ label.charCodeAt(i), 0x0100_0193);
    h = fmix32(h ^ fnv ^ 0x6a09_e667);
  }
  return h;
}

class Sfc32 implements Random {
  readonly seed: number;
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.#a = 0x9e37_79b9;
    this.#b = 0x243f_6a88;
    this.#c = 0xb7e1_5162;
    this.#d = this.seed;
    // sfc32's first outputs are correlated with the seed: the authors recommend discarding a few.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.uint32() / TWO_POW_32;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Cannot pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    let total = 0;
    for (const [, weight] of items) total += weight;
    if (!(total > 0)) throw new RangeError('Weights must add up to more than 0');
    let roll = this.next() * total;
    for (const [value, weight] of items) {
      roll -= weight;
      if (roll < 0) return value;
    }
    // Rounding can leave a sliver past the last bucket.
    return (items[items.length - 1] as readonly [T, number])[0];
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const swap = items[i] as T;
      items[i] = items[j] as T;
      items[j] = swap;
    }
    return items;
  }

  fork(label: string | number): Random {
    return new Sfc32(mixSeed(this.seed, label));
  }
}

/** A seeded stream: the same seed always gives the same sequence. Any finite number is a valid seed. */
export function createRandom(seed: number): Random {
  return new Sfc32(mixSeed(0x5eed, seed));
}
