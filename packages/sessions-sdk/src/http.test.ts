import { describe, expect, it } from 'vitest';
import { userAgent } from './http.js';

describe('userAgent', () => {
  it('names the package, Node.js and the platform after the prefix', () => {
    expect(userAgent('')).toMatch(/^x\/sessions-sdk\/\d+\.\d+\.\d+ node\/\d+\.\d+\.\d+ \w+-\w+$/);
    expect(userAgent('my-tool/1.0')).toMatch(/^my-tool\/1\.0 x\/sessions-sdk\//);
  });
});
