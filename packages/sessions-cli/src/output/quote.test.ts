import { describe, expect, it } from 'vitest';
import { quote, visible } from './quote.js';

describe('quote', () => {
  it('quotes short text as JSON does', () => {
    expect(quote('abc')).toBe('"abc"');
    expect(quote('say "hi"\n')).toBe('"say \\"hi\\"\\n"');
  });

  it('writes escape sequences, C1 controls, bidi and zero-width characters as \\u escapes', () => {
    expect(quote('a\u001b[31mb\u0007\u0000')).toBe('"a\\u001b[31mb\\u0007\\u0000"');
    expect(quote('\u009b\u202ex\u2066\u200b\ufeff\u2028')).toBe('"\\u009b\\u202ex\\u2066\\u200b\\ufeff\\u2028"');
    expect(quote('\u{e0001}🦊é')).toBe('"\\u{e0001}🦊é"');
  });

  it('cuts a long value with an ellipsis and gives its length in characters', () => {
    const huge = 'x'.repeat(10_000_000);
    expect(quote(huge)).toBe(`"${'x'.repeat(60)}…" (10,000,000 characters)`);
    expect(quote('🦊'.repeat(61))).toBe(`"${'🦊'.repeat(60)}…" (61 characters)`);
    expect(quote('abcdef', 6)).toBe('"abcdef"');
    expect(quote('abcdefg', 6)).toBe('"abcdef…" (7 characters)');
  });
});

describe('visible', () => {
  it('leaves printable text as it is and shows controls as escapes', () => {
    expect(visible('Unexpected token \u202e, "é" is not valid JSON')).toBe(
      'Unexpected token \\u202e, "é" is not valid JSON',
    );
  });
});
