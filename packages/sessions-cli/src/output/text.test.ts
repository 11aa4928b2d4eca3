import { describe, expect, it, test } from 'vitest';
import { counted, displayWidth, pad, sanitize, styles, truncate, wrap } from './text.js';

describe('text helpers', () => {
  test('measures wide characters as two cells and combining marks as none', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('\u001b[1mbold\u001b[22m')).toBe(4);
  });

  test('measures emoji as two cells: presentation emoji of every block, VS16, ZWJ sequences, skin tones, flags', () => {
    expect(displayWidth('🚀')).toBe(2); // U+1F680, transport and map symbols
    expect(displayWidth('⚡')).toBe(2); // U+26A1, emoji presentation among the miscellaneous symbols
    expect(displayWidth('🫠')).toBe(2); // U+1FAE0, symbols and pictographs extended-A
    expect(displayWidth('☀')).toBe(1); // U+2600 shows as text without VS16
    expect(displayWidth('☀️')).toBe(2);
    expect(displayWidth('👨‍👩‍👧')).toBe(2);
    expect(displayWidth('❤️‍🔥')).toBe(2);
    expect(displayWidth('👍🏽')).toBe(2);
    expect(displayWidth('🇯🇵')).toBe(2);
    expect(displayWidth('1️⃣')).toBe(2);
    expect(displayWidth('a\u2060b')).toBe(2); // a word joiner takes no cell
  });

  test('cuts between graphemes, never inside a ZWJ sequence or before a VS16', () => {
    expect(truncate('ab👨‍👩‍👧cd', 4)).toBe('ab…');
    expect(truncate('ab👨‍👩‍👧cd', 5)).toBe('ab👨‍👩‍👧…');
    expect(truncate('x☀️yz', 3)).toBe('x…');
    expect(wrap('👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧', 4)).toEqual(['👨‍👩‍👧👨‍👩‍👧', '👨‍👩‍👧']);
  });

  test('truncates to a width with an ellipsis, counting wide characters', () => {
    expect(truncate('abcdef', 6)).toBe('abcdef');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('日本語テキスト', 5)).toBe('日本…');
    expect(truncate('abc', 0)).toBe('');
  });

  test('pads left or right', () => {
    expect(pad('ab', 4)).toBe('ab  ');
    expect(pad('12', 4, 'right')).toBe('  12');
    expect(pad('日', 3)).toBe('日 ');
  });

  test('wraps words and splits words longer than a line', () => {
    expect(wrap('one two three', 7)).toEqual(['one two', 'three']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrap('short', Number.POSITIVE_INFINITY)).toEqual(['short']);
  });

  test('sanitises line breaks, controls and bidi overrides', () => {
    expect(sanitize('a\r\nb\tc\u001b[2Jd\u202ee')).toBe('a b c[2Jde');
  });

  test('styles only with colour', () => {
    expect(styles(false).bold('x')).toBe('x');
    expect(styles(true).bold('x')).toBe('\u001b[1mx\u001b[22m');
  });
});

describe('counted', () => {
  it('writes the noun in the singular for one and in the plural otherwise', () => {
    expect([0, 1, 2].map((count) => counted(count, 'note'))).toEqual(['0 notes', '1 note', '2 notes']);
    expect(counted(1, 'entry', 'entries')).toBe('1 entry');
    expect(counted(3, 'entry', 'entries')).toBe('3 entries');
  });
});
