// Reading the input of `sessions bulk-update-state` with a ceiling, so that /dev/zero or an endless pipe ends.

/** The most bytes read from a bulk input (100 MB: over a million short rows, far more than one run should send). */
export const MAX_INPUT_BYTES = 100_000_000;

/** The input is larger than the limit; reading stopped there. */
export class InputTooLargeError extends Error {
  override name = 'InputTooLargeError';
  readonly limitBytes: number;

  constructor(limitBytes: number) {
    super(
      `it is larger than ${limitBytes / 1_000_000} MB, the most bulk-update-state reads: split it into smaller files`,
    );
    this.limitBytes = limitBytes;
  }
}

/** Collect a stream's chunks; stop reading (and release the stream) as soon as more than `limitBytes` arrived. */
export async function readLimited(
  chunks: AsyncIterable<Uint8Array>,
  limitBytes = MAX_INPUT_BYTES,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  // Leaving the loop early calls the iterator's return(): a file stream closes its descriptor, stdin is destroyed.
  for await (const chunk of chunks) {
    total += chunk.byteLength;
    if (total > limitBytes) throw new InputTooLargeError(limitBytes);
    parts.push(chunk);
  }
  return Buffer.concat(parts, total);
}
