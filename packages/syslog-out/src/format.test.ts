import { hostname as osHostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { SyslogConfigError, SyslogMessageError } from './errors.js';
import { createFormatter, FACILITIES, frameInto, framingOverhead, SEVERITIES } from './format.js';
import type { HeaderOptions } from './format.js';

const AT = new Date('2024-05-01T10:00:00.000Z');
const FIXED = { hostname: 'host', appName: 'app', procId: 123, msgId: 'ID47' } as const;

/** The RFC 3164 timestamp of `at` computed independently with the Date's local getters. */
function bsdTime(at: Date): string {
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][at.getMonth()];
  const day = at.getDate() < 10 ? ` ${at.getDate()}` : `${at.getDate()}`;
  const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
  return `${month} ${day} ${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('createFormatter: RFC 5424', () => {
  it('writes the exact header bytes', () => {
    const f = createFormatter({ header: 'rfc5424', ...FIXED });
    expect(f.text('msg', undefined, AT)).toBe('<14>1 2024-05-01T10:00:00.000Z host app 123 ID47 - msg');
    expect(f.frame(f.text('msg', undefined, AT)).toString('utf8')).toBe(
      '<14>1 2024-05-01T10:00:00.000Z host app 123 ID47 - msg\n',
    );
  });

  it('uses the current time when no date is given', () => {
    const f = createFormatter({ header: 'rfc5424', ...FIXED });
    const before = Date.now();
    const text = f.text('m');
    const after = Date.now();
    const stamp = Date.parse(text.split(' ')[1] ?? '');
    expect(stamp).toBeGreaterThanOrEqual(before);
    expect(stamp).toBeLessThanOrEqual(after);
  });

  it('defaults to facility user, severity info, app incydr, this host and pid, no msgid', () => {
    const f = createFormatter({ header: 'rfc5424' });
    const host =
      osHostname()
        .replace(/[^\x21-\x7e]/g, '_')
        .slice(0, 255) || '-';
    expect(f.text('m', undefined, AT)).toBe(`<14>1 2024-05-01T10:00:00.000Z ${host} incydr ${process.pid} - - m`);
  });

  it.each([
    [{ facility: 'kern', severity: 'emerg' }, 0],
    [{ facility: 'user', severity: 'info' }, 14],
    [{ facility: 'LOCAL0', severity: 'Warning' }, 16 * 8 + 4],
    [{ facility: 'local7', severity: 'debug' }, 191],
    [{ facility: 'authpriv', severity: 'notice' }, 85],
    [{ facility: 23, severity: 7 }, 191],
    [{ facility: '16', severity: '3' }, 131],
    [{ facility: 0, severity: 0 }, 0],
  ] as [HeaderOptions, number][])('computes PRI from %j', (options, pri) => {
    const f = createFormatter({ header: 'rfc5424', ...FIXED, ...options });
    expect(f.text('m', undefined, AT)).toMatch(new RegExp(`^<${pri}>1 `));
  });

  it('maps every facility and severity name to its code', () => {
    for (const [name, facility] of Object.entries(FACILITIES)) {
      for (const [sevName, severity] of Object.entries(SEVERITIES)) {
        const f = createFormatter({ header: 'rfc5424', ...FIXED, facility: name, severity: sevName });
        expect(f.text('m', undefined, AT).startsWith(`<${facility * 8 + severity}>1 `)).toBe(true);
      }
    }
    expect(Object.keys(FACILITIES)).toHaveLength(24);
    expect(Object.keys(SEVERITIES)).toHaveLength(8);
  });

  it('uses a per-record severity over the default', () => {
    const f = createFormatter({ header: 'rfc5424', ...FIXED, facility: 'local4', severity: 'info' });
    expect(f.text('m', 3, AT)).toMatch(/^<163>1 /);
    expect(f.text('m', 0, AT)).toMatch(/^<160>1 /);
    expect(f.text('m', undefined, AT)).toMatch(/^<166>1 /);
  });

  it('rejects an invalid per-record severity with SyslogConfigError', () => {
    const f = createFormatter({ header: 'rfc5424', ...FIXED });
    expect(() => f.text('m', 8, AT)).toThrow(SyslogConfigError);
    expect(() => f.text('m', -1, AT)).toThrow(SyslogConfigError);
    expect(() => f.text('m', 2.5, AT)).toThrow(SyslogConfigError);
  });

  it('replaces spaces, control characters and non-ASCII in header fields by _', () => {
    const f = createFormatter({
      header: 'rfc5424',
      hostname: 'my host',
      appName: 'app\tné',
      procId: 'p i\u0000d',
      msgId: 'ID\u00a047',
    });
    expect(f.text('m', undefined, AT)).toBe('<14>1 2024-05-01T10:00:00.000Z my_host app_n_ p_i_d ID_47 - m');
  });

  it('keeps the message itself as it is (UTF-8, spaces)', () => {
    const f = createFormatter({ header: 'rfc5424', ...FIXED });
    expect(f.text('héllo wörld 😀', undefined, AT)).toBe(
      '<14>1 2024-05-01T10:00:00.000Z host app 123 ID47 - héllo wörld 😀',
    );
  });

  it('cuts header fields to the RFC 5424 limits 255/48/128/32', () => {
    const f = createFormatter({
      header: 'rfc5424',
      hostname: 'h'.repeat(300),
      appName: 'a'.repeat(60),
      procId: 'p'.repeat(200),
      msgId: 'm'.repeat(40),
    });
    const [, , host, app, proc, msg, sd, body] = f.text('x', undefined, AT).split(' ');
    expect(host).toBe('h'.repeat(255));
    expect(app).toBe('a'.repeat(48));
    expect(proc).toBe('p'.repeat(128));
    expect(msg).toBe('m'.repeat(32));
    expect(sd).toBe('-');
    expect(body).toBe('x');
  });

  it('keeps fields exactly at the limits', () => {
    const f = createFormatter({
      header: 'rfc5424',
      hostname: 'h'.repeat(255),
      appName: 'a'.repeat(48),
      procId: 'p'.repeat(128),
      msgId: 'm'.repeat(32),
    });
    expect(f.text('x', undefined, AT)).toBe(
      `<14>1 2024-05-01T10:00:00.000Z ${'h'.repeat(255)} ${'a'.repeat(48)} ${'p'.repeat(128)} ${'m'.repeat(32)} - x`,
    );
  });

  it('writes the NILVALUE - for empty fields', () => {
    const f = createFormatter({ header: 'rfc5424', hostname: '', appName: '', procId: '', msgId: '' });
    expect(f.text('m', undefined, AT)).toBe('<14>1 2024-05-01T10:00:00.000Z - - - - - m');
  });
});

describe('createFormatter: RFC 3164', () => {
  it('writes <PRI>Mmm dd hh:mm:ss host tag[pid]: msg in local time', () => {
    const f = createFormatter({ header: 'rfc3164', ...FIXED });
    expect(f.text('msg', undefined, AT)).toBe(`<14>${bsdTime(AT)} host app[123]: msg`);
  });

  it('pads a one-digit day with a space', () => {
    const early = new Date(2024, 0, 5, 3, 4, 5);
    const f = createFormatter({ header: 'rfc3164', ...FIXED, facility: 'local0', severity: 'err' });
    expect(bsdTime(early)).toBe('Jan  5 03:04:05');
    expect(f.text('msg', undefined, early)).toBe('<131>Jan  5 03:04:05 host app[123]: msg');
  });

  it('keeps a two-digit day as it is', () => {
    const late = new Date(2024, 11, 31, 23, 59, 58);
    const f = createFormatter({ header: 'rfc3164', ...FIXED });
    expect(f.text('msg', 2, late)).toBe('<10>Dec 31 23:59:58 host app[123]: msg');
  });

  it('reduces the tag to at most 32 alphanumerics', () => {
    const f = createFormatter({ header: 'rfc3164', ...FIXED, appName: `my app/${'x'.repeat(40)}` });
    expect(f.text('msg', undefined, AT)).toBe(`<14>${bsdTime(AT)} host myapp${'x'.repeat(27)}[123]: msg`);
  });

  it('sanitises the hostname', () => {
    const f = createFormatter({ header: 'rfc3164', ...FIXED, hostname: 'a b' });
    expect(f.text('msg', undefined, AT)).toBe(`<14>${bsdTime(AT)} a_b app[123]: msg`);
  });
});

describe('createFormatter: no header', () => {
  it('returns the bare message', () => {
    const f = createFormatter({ ...FIXED });
    expect(f.text('{"a":1}', 3, AT)).toBe('{"a":1}');
    expect(createFormatter({ header: 'none' }).text('plain')).toBe('plain');
  });
});

describe('frame', () => {
  it('appends LF under lf framing', () => {
    const f = createFormatter({ framing: 'lf' });
    expect(f.framing).toBe('lf');
    expect(f.frame('abc')).toEqual(Buffer.from('abc\n'));
    expect(createFormatter({}).framing).toBe('lf');
  });

  it('prefixes the UTF-8 byte count under octet counting', () => {
    const f = createFormatter({ framing: 'octet-counting' });
    expect(f.frame('abc')).toEqual(Buffer.from('3 abc'));
    // é is 2 bytes, 😀 is 4 bytes (and 2 UTF-16 code units): 6 bytes, not 3 characters.
    const framed = f.frame('é😀');
    expect(framed.toString('utf8')).toBe('6 é😀');
    expect(framed.length).toBe(8);
    expect(f.frame('')).toEqual(Buffer.from('0 '));
  });

  it('frames a whole RFC 5424 record with its byte count', () => {
    const f = createFormatter({ header: 'rfc5424', framing: 'octet-counting', ...FIXED });
    const text = f.text('é', undefined, AT);
    const bytes = Buffer.byteLength(text);
    expect(f.frame(text).toString('utf8')).toBe(`${bytes} ${text}`);
    expect(bytes).toBe(text.length + 1);
  });

  it('reports the framing overhead in bytes', () => {
    expect(framingOverhead('lf', 1000)).toBe(1);
    expect(framingOverhead('octet-counting', 9)).toBe(2);
    expect(framingOverhead('octet-counting', 1000)).toBe(5);
    const f = createFormatter({ framing: 'octet-counting' });
    const text = 'x'.repeat(1000);
    expect(f.frame(text).length).toBe(1000 + framingOverhead('octet-counting', 1000));
  });

  it('rejects a line break under lf with SyslogMessageError', () => {
    const f = createFormatter({ framing: 'lf', header: 'rfc5424', ...FIXED });
    const error = thrown(() => f.text('a\nb', undefined, AT));
    expect(error).toBeInstanceOf(SyslogMessageError);
    expect((error as SyslogMessageError).hint).toMatch(/octet-counting/);
    expect(() => createFormatter({}).text('trailing\n')).toThrow(SyslogMessageError);
  });

  it('allows a line break under octet counting', () => {
    const f = createFormatter({ framing: 'octet-counting' });
    expect(f.frame(f.text('a\nb'))).toEqual(Buffer.from('3 a\nb'));
  });
});

describe('createFormatter: invalid options', () => {
  it.each([
    [{ facility: 'nope' }, /facility "nope"/],
    [{ facility: 24 }, /facility 24/],
    [{ facility: -1 }, /facility -1/],
    [{ facility: 1.5 }, /facility/],
    [{ facility: '99' }, /facility "99"/],
    [{ severity: 'loud' }, /severity "loud"/],
    [{ severity: 8 }, /severity 8/],
    [{ severity: '' }, /severity ""/],
    [{ header: 'rfc9999' }, /header "rfc9999"/],
    [{ framing: 'nul' }, /framing "nul"/],
  ] as [HeaderOptions & { framing?: string }, RegExp][])('rejects %j with SyslogConfigError', (options, why) => {
    const error = thrown(() => createFormatter(options as HeaderOptions));
    expect(error).toBeInstanceOf(SyslogConfigError);
    expect((error as Error).message).toMatch(why);
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'rejects the inherited property name %j as a facility or severity',
    (name) => {
      expect(() => createFormatter({ facility: name })).toThrow(SyslogConfigError);
      expect(() => createFormatter({ severity: name })).toThrow(SyslogConfigError);
    },
  );
});

describe('frameInto', () => {
  it('frames into a buffer at an offset the bytes frame() returns, measuring the text for octet counting', () => {
    for (const framing of ['lf', 'octet-counting'] as const) {
      const f = createFormatter({ framing });
      const text = 'é😀 x';
      const expected = f.frame(text);
      const buffer = Buffer.alloc(64, 0x2e);
      expect(frameInto(buffer, 3, text, framing)).toBe(expected.length);
      expect(buffer.subarray(3, 3 + expected.length)).toEqual(expected);
      expect(buffer.subarray(0, 3).toString()).toBe('...');
      expect(frameInto(buffer, 0, text, framing, Buffer.byteLength(text))).toBe(expected.length);
    }
    expect(frameInto(Buffer.alloc(16), 0, 'é😀', 'octet-counting')).toBe(8);
  });
});
