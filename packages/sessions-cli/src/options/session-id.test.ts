import { describe, expect, it } from 'vitest';
import { UsageError } from '../failures.js';
import { MAX_SESSION_ID_LENGTH, sessionIdArgument, sessionIdProblem } from './session-id.js';

describe('sessionIdProblem', () => {
  it('accepts real ids and ids that only look odd (they are sent encoded)', () => {
    for (const id of [
      'alice@example.com_1715731200000',
      'a/b?c#d',
      '...',
      '.a',
      '%2e%2e',
      'a b',
      'Überprüfung',
      '🦊',
    ]) {
      expect(sessionIdProblem(id), id).toBeUndefined();
    }
    expect(sessionIdProblem('x'.repeat(MAX_SESSION_ID_LENGTH))).toBeUndefined();
  });

  it('refuses . and .., which a URL path resolves to another resource', () => {
    expect(sessionIdProblem('.')).toBe('a URL path reads it as the current directory');
    expect(sessionIdProblem('..')).toBe('a URL path reads it as the parent directory');
  });

  it('refuses C0 and C1 controls, DEL, bidi controls and other invisible characters, naming the code point', () => {
    const cases: Array<[string, string]> = [
      ['a\u001b[31m', 'U+001B'],
      ['a\u0007', 'U+0007'],
      ['a\u0000b', 'U+0000'],
      ['a\u007f', 'U+007F'],
      ['a\u0085', 'U+0085'],
      ['a\u009bb', 'U+009B'],
      ['a\u202ab', 'U+202A'],
      ['a\u202eb', 'U+202E'],
      ['a\u2066b', 'U+2066'],
      ['a\u2069b', 'U+2069'],
      ['a\u200fb', 'U+200F'],
      ['a\u200bb', 'U+200B'],
      ['a\u2028b', 'U+2028'],
    ];
    for (const [id, code] of cases)
      expect(sessionIdProblem(id), JSON.stringify(id)).toBe(`it holds the control or invisible character ${code}`);
  });

  it('refuses an empty id, one too long to fit in a URL and one that is not valid Unicode', () => {
    expect(sessionIdProblem('')).toBe('it is empty');
    expect(sessionIdProblem('x'.repeat(MAX_SESSION_ID_LENGTH + 1))).toBe(
      `it is longer than ${MAX_SESSION_ID_LENGTH} characters`,
    );
    expect(sessionIdProblem('a\ud800b')).toMatch(/U\+D800.*not valid Unicode/);
  });
});

describe('sessionIdArgument', () => {
  it('trims an id and refuses a bad one with a usage error that quotes it safely and briefly', () => {
    expect(sessionIdArgument(' abc\r')).toBe('abc');
    expect(() => sessionIdArgument('..')).toThrow(UsageError);
    expect(() => sessionIdArgument('a\u202eb')).toThrow(
      'invalid SESSION_ID "a\\u202eb": it holds the control or invisible character U+202E',
    );
    let message = '';
    try {
      sessionIdArgument('y'.repeat(10_000_000));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(
      `invalid SESSION_ID "${'y'.repeat(60)}…" (10,000,000 characters): it is longer than ${MAX_SESSION_ID_LENGTH} characters`,
    );
  });
});
