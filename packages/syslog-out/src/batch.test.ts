import { describe, expect, it } from 'vitest';
import { Batch } from './batch.js';

describe('Batch', () => {
  it('seals framed records into chunks in order and counts the records of each', () => {
    const batch = new Batch('octet-counting', 64, 1024);
    batch.append('é1');
    batch.append('two', 3);
    batch.seal(0);
    batch.append('three');
    batch.seal(0);
    expect(batch.chunks.map((chunk) => chunk.toString('utf8'))).toEqual(['3 é13 two', '5 three']);
    expect([batch.recordsIn(0), batch.recordsIn(1)]).toEqual([2, 1]);
    expect(batch.records).toBe(3);
    expect(batch.sealedBytes).toBe(17);
  });

  it('starts a chunk in a new buffer when the rest of the current one has no room for the next record', () => {
    const batch = new Batch('lf', 8192, 1 << 20);
    batch.append('a'.repeat(6000));
    batch.seal(3000);
    expect(batch.room).toBe(8192);
    batch.append('b'.repeat(100));
    batch.seal(100);
    // Room enough is left: the next chunk starts right after this one, in the same buffer.
    expect(batch.room).toBe(8192 - 101);
    expect(batch.chunks[1]?.buffer).not.toBe(batch.chunks[0]?.buffer);
  });

  it('gives a record larger than a chunk a buffer of its own', () => {
    const batch = new Batch('lf', 16, 1024);
    batch.seal(100);
    expect(batch.room).toBe(100);
    batch.append('x'.repeat(99));
    batch.seal(0);
    expect(batch.chunks[0]).toEqual(Buffer.from(`${'x'.repeat(99)}\n`));
  });

  it('reuses the buffers of a confirmed batch for the next one, and empties the batch', () => {
    const batch = new Batch('lf', 4096, 1 << 20);
    batch.append('a'.repeat(4000));
    batch.seal(4000);
    batch.append('b'.repeat(4000));
    batch.seal(4000);
    const used = batch.chunks.map((chunk) => chunk.buffer);
    batch.confirmed();
    expect([batch.chunks.length, batch.records, batch.sealedBytes]).toEqual([0, 0, 0]);
    batch.append('c'.repeat(4000));
    batch.seal(4000);
    batch.append('d'.repeat(4000));
    batch.seal(4000);
    // The open chunk's buffer goes on; the next one is a buffer of the confirmed batch.
    expect(used).toContain(batch.chunks[1]?.buffer);
  });
});
