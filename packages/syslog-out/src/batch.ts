import { frameInto, type Framing } from './format.js';

/**
 * The unconfirmed batch: records framed into an open chunk, sealed chunks kept in order for resending until the
 * receiver confirms them, and the buffers they lie in reused once it has. No I/O.
 */
export class Batch {
  readonly #framing: Framing;
  readonly #chunkBytes: number;
  /** Spare buffers kept for reuse, at most this many bytes of them (no more than a batch may hold anyway). */
  readonly #spareBytes: number;
  /** Sealed chunks in order, and the records in each. */
  #chunks: Buffer[] = [];
  #chunkRecords: number[] = [];
  #sealedRecords = 0;
  #records = 0;
  #sealedBytes = 0;
  /** The open chunk (what records are framed into) and how much of it is filled. */
  #chunk: Buffer;
  #offset = 0;
  /**
   * The whole buffer the open chunk is cut from, the earlier whole buffers the batch lies in, and spare ones to
   * reuse: a confirmed batch's buffers are free (its connection is closed, so no socket still reads them).
   */
  #base: Buffer;
  #retired: Buffer[] = [];
  #spare: Buffer[] = [];

  constructor(framing: Framing, chunkBytes: number, spareBytes: number) {
    this.#framing = framing;
    this.#chunkBytes = chunkBytes;
    this.#spareBytes = spareBytes;
    this.#chunk = Buffer.allocUnsafe(chunkBytes);
    this.#base = this.#chunk;
  }

  /** Sealed chunks, in order. */
  get chunks(): readonly Buffer[] {
    return this.#chunks;
  }

  /** Records in the batch, the open chunk's included. */
  get records(): number {
    return this.#records;
  }

  /** Bytes in the sealed chunks. */
  get sealedBytes(): number {
    return this.#sealedBytes;
  }

  /** Bytes free in the open chunk. */
  get room(): number {
    return this.#chunk.length - this.#offset;
  }

  /** Whether the open chunk holds records not sealed yet. */
  get open(): boolean {
    return this.#offset > 0;
  }

  /** Records in the sealed chunk at `index`. */
  recordsIn(index: number): number {
    return this.#chunkRecords[index] ?? 0;
  }

  /** Frame one record into the open chunk, which has room for it; returns the bytes it took. */
  append(text: string, bytes?: number): number {
    const framed = frameInto(this.#chunk, this.#offset, text, this.#framing, bytes);
    this.#offset += framed;
    this.#records += 1;
    return framed;
  }

  /** Move the filled part of the open chunk to the sealed ones, and make room for `next` bytes. */
  seal(next: number): void {
    if (this.#offset > 0) {
      this.#chunks.push(this.#chunk.subarray(0, this.#offset));
      this.#chunkRecords.push(this.#records - this.#sealedRecords);
      this.#sealedRecords = this.#records;
      this.#sealedBytes += this.#offset;
      // A flush of a few records must not pin a whole chunk each: start the next at the unused part.
      const rest = this.#chunk.length - this.#offset;
      if (rest >= Math.max(next, 4096)) this.#chunk = this.#chunk.subarray(this.#offset);
      else this.#newChunk(next);
      this.#offset = 0;
    } else if (next > this.#chunk.length) {
      this.#newChunk(next);
    }
  }

  /** The receiver confirmed every sealed chunk: empty the batch and keep its buffers for reuse. */
  confirmed(): void {
    for (const buffer of this.#retired) this.#recycle(buffer);
    this.#retired = [];
    // Nothing unconfirmed is left in the open chunk either: start again at the front of its buffer.
    this.#chunk = this.#base;
    this.#chunks = [];
    this.#sealedBytes = 0;
    this.#records = 0;
    this.#chunkRecords = [];
    this.#sealedRecords = 0;
  }

  /** Let go of the spare buffers (the sender is closed). */
  release(): void {
    this.#spare = [];
  }

  /** Start a new chunk with room for `next` bytes; the current one stays with the batch until it is confirmed. */
  #newChunk(next: number): void {
    if (this.#chunks.length > 0) this.#retired.push(this.#base);
    else this.#recycle(this.#base);
    this.#base =
      next <= this.#chunkBytes ? (this.#spare.pop() ?? Buffer.allocUnsafe(this.#chunkBytes)) : Buffer.allocUnsafe(next);
    this.#chunk = this.#base;
  }

  /** Keep a whole chunk for reuse, no more than the unconfirmed batch may hold anyway. */
  #recycle(buffer: Buffer): void {
    if (buffer.length === this.#chunkBytes && (this.#spare.length + 1) * this.#chunkBytes <= this.#spareBytes) {
      this.#spare.push(buffer);
    }
  }
}
