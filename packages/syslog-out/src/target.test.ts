import { describe, expect, it } from 'vitest';
import { SyslogConfigError } from './errors.js';
import { DEFAULT_PORT, parseTarget } from './target.js';

describe('parseTarget', () => {
  it.each([
    ['syslog.example', { protocol: 'tcp', host: 'syslog.example', port: 601 }],
    ['syslog.example:514', { protocol: 'tcp', host: 'syslog.example', port: 514 }],
    ['10.0.0.5:6514', { protocol: 'tcp', host: '10.0.0.5', port: 6514 }],
    ['TCP:syslog.example:514', { protocol: 'tcp', host: 'syslog.example', port: 514 }],
    ['UDP:syslog.example:514', { protocol: 'udp', host: 'syslog.example', port: 514 }],
    ['TLS-TCP:syslog.example:6514', { protocol: 'tls', host: 'syslog.example', port: 6514 }],
    ['TLS:syslog.example:6514', { protocol: 'tls', host: 'syslog.example', port: 6514 }],
    ['udp:syslog.example', { protocol: 'udp', host: 'syslog.example', port: 601 }],
    ['  my-host:1  ', { protocol: 'tcp', host: 'my-host', port: 1 }],
    ['h:65535', { protocol: 'tcp', host: 'h', port: 65_535 }],
  ])('parses %j', (text, expected) => {
    expect(parseTarget(text)).toEqual(expected);
  });

  it.each(['tcp', 'TCP', 'Tcp', 'udp', 'Udp', 'UDP', 'tls-tcp', 'TLS-TCP', 'Tls-Tcp', 'tls', 'TLS'])(
    'accepts the protocol name %s in any case',
    (name) => {
      const expected = name.toLowerCase().startsWith('tls') ? 'tls' : name.toLowerCase();
      expect(parseTarget(`${name}:h:10`)).toEqual({ protocol: expected, host: 'h', port: 10 });
    },
  );

  it('defaults to TCP on port 601', () => {
    expect(DEFAULT_PORT).toBe(601);
    expect(parseTarget('h')).toEqual({ protocol: 'tcp', host: 'h', port: 601 });
  });

  it('reads tcp:514 as the host "tcp" on port 514', () => {
    expect(parseTarget('tcp:514')).toEqual({ protocol: 'tcp', host: 'tcp', port: 514 });
    expect(parseTarget('TLS:6514')).toEqual({ protocol: 'tcp', host: 'TLS', port: 6514 });
  });

  it.each([
    ['[::1]', { protocol: 'tcp', host: '::1', port: 601 }],
    ['[::1]:6514', { protocol: 'tcp', host: '::1', port: 6514 }],
    ['TLS-TCP:[::1]:6514', { protocol: 'tls', host: '::1', port: 6514 }],
    ['udp:[2001:db8::5]', { protocol: 'udp', host: '2001:db8::5', port: 601 }],
    ['udp:[2001:db8::5]:514', { protocol: 'udp', host: '2001:db8::5', port: 514 }],
  ])('parses the bracketed IPv6 target %j', (text, expected) => {
    expect(parseTarget(text)).toEqual(expected);
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['h:0', /port "0"/],
    ['h:70000', /port "70000"/],
    ['h:65536', /port "65536"/],
    ['h:abc', /port "abc"/],
    ['h:', /port ""/],
    ['h:-1', /port/],
    ['TCP:h:0', /port "0"/],
    ['::1', /IPv6 address must be in brackets/],
    ['2001:db8::5', /IPv6 address must be in brackets/],
    ['TCP:2001:db8::5:514', /IPv6 address must be in brackets/],
    ['HTTP:h:1', /unknown protocol "HTTP"/],
    ['[not-ipv6]:1', /not an IPv6 address/],
    ['[10.0.0.1]:1', /not an IPv6 address/],
    ['tcp::1', /host is missing|brackets/],
    ['udp:', /host is missing/],
    [':514', /host is missing/],
    ['bad host:1', /not a host name/],
    ['h/x:1', /not a host name/],
  ])('rejects %j with a one-line error naming the input', (text, why) => {
    let error: unknown;
    try {
      parseTarget(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SyslogConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(why);
    expect(message).toContain(`invalid syslog target ${JSON.stringify(text)}`);
    expect(message).toContain('PROTOCOL:HOST:PORT');
    expect(message).not.toContain('\n');
    expect((error as SyslogConfigError).retryable).toBe(false);
  });

  it('keeps an error on one line when the input holds a line break', () => {
    expect(() => parseTarget('h\n:1')).toThrow(SyslogConfigError);
    try {
      parseTarget('h\n:1');
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
      expect((error as Error).message).toContain('"h\\n:1"');
    }
  });
});
