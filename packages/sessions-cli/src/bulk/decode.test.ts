import { describe, expect, it } from 'vitest';
import { countLines, decodeInput, lineCounter } from './decode.js';

describe('decodeInput', () => {
  it('reads UTF-8 with and without a BOM', () => {
    expect(decodeInput(Buffer.from('a,é\n'))).toEqual({ ok: true, text: 'a,é\n' });
    expect(decodeInput(Buffer.from('\uFEFFa,é\n'))).toEqual({ ok: true, text: 'a,é\n' });
  });

  it('reads UTF-16 LE and BE with a BOM', () => {
    expect(decodeInput(Buffer.from('\uFEFFsession_id,🦊\n', 'utf16le'))).toEqual({ ok: true, text: 'session_id,🦊\n' });
    const be = Buffer.from('\uFEFFx,y', 'utf16le').swap16();
    expect(decodeInput(be)).toEqual({ ok: true, text: 'x,y' });
  });

  it('names the line of the first invalid UTF-8 byte', () => {
    const result = decodeInput(
      Buffer.concat([Buffer.from('a\nb\n'), Buffer.from([0xff, 0xfe - 1]), Buffer.from('\n')]),
    );
    expect(result).toMatchObject({ ok: false, error: { line: 3 } });
  });

  it('counts lines up to an offset', () => {
    expect(countLines('a\nb\nc', 0)).toBe(1);
    expect(countLines('a\nb\nc', 4)).toBe(3);
  });

  it('counts on from the previous offset, and refuses to go back', () => {
    const lineOf = lineCounter('a\nb\n\nc\n');
    expect([0, 1, 2, 2, 4, 5, 7].map((offset) => lineOf(offset))).toEqual([1, 1, 2, 2, 3, 4, 5]);
    expect(() => lineOf(3)).toThrow(RangeError);
  });
});
