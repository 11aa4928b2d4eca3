// The ids a listing has yielded, kept to drop the duplicates that page-number paging produces while sessions
// change. A Set<string> costs about 100 bytes per id (a heap string plus its table entry); an export of 200,000
// sessions would hold 20 MB for it alone. Here each id costs its UTF-8 bytes plus a few bytes of index.

const EMPTY = -1;
const INITIAL_SLOTS = 1024;
const INITIAL_ARENA_BYTES = 64 * 1024;
// Ids longer than this are kept in an ordinary Set (the arena stores a 2-byte length).
const MAX_PACKED_BYTES = 0xffff;

/** An exact set of strings, stored compactly; `add` tells whether the string is new. */
export class CompactStringSet {
  #arena = Buffer.allocUnsafe(INITIAL_ARENA_BYTES);
  #used = 0;
  /** Arena offsets of the entries (length prefix, then bytes), by hash; EMPTY where free. */
  #slots = new Int32Array(INITIAL_SLOTS).fill(EMPTY);
  #count = 0;
  readonly #long = new Set<string>();

  /** How many strings the set holds. */
  get size(): number {
    return this.#count + this.#long.size;
  }

  /** Add `value`; true when it was not in the set yet. */
  add(value: string): boolean {
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > MAX_PACKED_BYTES) {
      if (this.#long.has(value)) return false;
      this.#long.add(value);
      return true;
    }
    this.#reserve(2 + bytes);
    // Written after the last entry first: if it turns out to be new, it simply stays.
    const start = this.#used;
    this.#arena.writeUInt16LE(bytes, start);
    this.#arena.write(value, start + 2, 'utf8');
    const mask = this.#slots.length - 1;
    for (let slot = hashBytes(this.#arena, start + 2, bytes) & mask; ; slot = (slot + 1) & mask) {
      const offset = this.#slots[slot] as number;
      if (offset === EMPTY) {
        this.#slots[slot] = start;
        this.#used += 2 + bytes;
        this.#count += 1;
        if (this.#count * 2 > this.#slots.length) this.#rehash(this.#slots.length * 2);
        return true;
      }
      if (
        this.#arena.readUInt16LE(offset) === bytes &&
        this.#arena.compare(this.#arena, start + 2, start + 2 + bytes, offset + 2, offset + 2 + bytes) === 0
      ) {
        return false;
      }
    }
  }

  #reserve(bytes: number): void {
    if (this.#used + bytes <= this.#arena.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#arena.length * 2, this.#used + bytes));
    this.#arena.copy(grown, 0, 0, this.#used);
    this.#arena = grown;
  }

  #rehash(size: number): void {
    const slots = new Int32Array(size).fill(EMPTY);
    const mask = size - 1;
    for (const offset of this.#slots) {
      if (offset === EMPTY) continue;
      const bytes = this.#arena.readUInt16LE(offset);
      let slot = hashBytes(this.#arena, offset + 2, bytes) & mask;
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot] = offset;
    }
    this.#slots = slots;
  }
}

// FNV-1a over the bytes: cheap, and well spread for ids that differ only in a few digits.
function hashBytes(buffer: Buffer, start: number, length: number): number {
  let hash = 0x811c9dc5;
  for (let index = start; index < start + length; index += 1) {
    hash = Math.imul(hash ^ (buffer[index] as number), 0x01000193);
  }
  return hash >>> 0;
}
