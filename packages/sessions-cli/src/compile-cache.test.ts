import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileCacheDir } from './compile-cache.js';

describe('compileCacheDir', () => {
  it("is incydr's folder in the user's cache folder: XDG_CACHE_HOME when it is an absolute path, else ~/.cache", () => {
    const home = join('/home', 'uma');
    expect(compileCacheDir({}, home)).toBe(join(home, '.cache', 'incydr', 'compile-cache'));
    expect(compileCacheDir({ XDG_CACHE_HOME: '/var/cache/uma' }, home)).toBe(
      join('/var/cache/uma', 'incydr', 'compile-cache'),
    );
    expect(compileCacheDir({ XDG_CACHE_HOME: 'relative/cache' }, home)).toBe(
      join(home, '.cache', 'incydr', 'compile-cache'),
    );
  });
});
