import { describe, expect, it } from 'vitest';
import { InputTooLargeError, MAX_INPUT_BYTES, readLimited } from './input.js';

describe('readLimited', () => {
  it('joins the chunks of an input within the limit', async () => {
    async function* chunks() {
      yield Buffer.from('ab');
      yield Buffer.from('cd');
    }
    expect(Buffer.from(await readLimited(chunks(), 4)).toString()).toBe('abcd');
  });

  it('stops an endless input past the limit and releases it', async () => {
    let pulled = 0;
    let released = false;
    async function* endless() {
      try {
        for (;;) {
          pulled += 1;
          yield new Uint8Array(1 << 20);
        }
      } finally {
        released = true;
      }
    }
    const error = await readLimited(endless()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputTooLargeError);
    expect((error as Error).message).toBe(
      'it is larger than 100 MB, the most bulk-update-state reads: split it into smaller files',
    );
    expect(pulled).toBe(Math.floor(MAX_INPUT_BYTES / (1 << 20)) + 1);
    expect(released).toBe(true);
  });
});
