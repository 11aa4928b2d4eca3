import { describe, expect, it } from 'vitest';

describe('the package entry', () => {
  it('exports startEmulator alone at runtime; the rest of its surface is types', async () => {
    expect(Object.keys(await import('../src/index.js'))).toEqual(['startEmulator']);
  });
});
