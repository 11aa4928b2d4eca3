import { describe, expect, it } from 'vitest';
import { SyslogConfigError } from './errors.js';
import { checkSenderOptions, resolveOptions, type SyslogSenderOptions } from './options.js';
import { createSyslogSender } from './sender.js';

describe('resolveOptions', () => {
  it('applies every default once, and over UDP the IPv4 or IPv6 size limit and written delivery', () => {
    const tcp = resolveOptions({ target: 'TCP:127.0.0.1:601' });
    const { formatter, ...rest } = tcp;
    expect(formatter.framing).toBe('lf');
    expect(rest).toEqual({
      target: { protocol: 'tcp', host: '127.0.0.1', port: 601 },
      maxMessageBytes: Number.POSITIVE_INFINITY,
      oversize: 'error',
      delivery: 'confirmed',
      ca: undefined,
      cert: undefined,
      key: undefined,
      rejectUnauthorized: true,
      servername: undefined,
      connectTimeoutMs: 10_000,
      handshakeTimeoutMs: 10_000,
      writeStallTimeoutMs: 30_000,
      confirmTimeoutMs: 10_000,
      maxRetries: 5,
      retryBaseDelayMs: 200,
      retryMaxDelayMs: 5_000,
      chunkBytes: 262_144,
      autoConfirmBytes: 16_777_216,
      closeTimeoutMs: 30_000,
      signal: undefined,
    });
    expect(resolveOptions({ host: 'h' }).target).toEqual({ protocol: 'tcp', host: 'h', port: 601 });
    const udp = resolveOptions({ target: 'UDP:127.0.0.1:514' });
    expect(udp).toMatchObject({ maxMessageBytes: 65_507, delivery: 'written' });
    expect(resolveOptions({ target: 'UDP:[::1]:514' }).maxMessageBytes).toBe(65_527);
  });

  const refused: Array<[string, SyslogSenderOptions, string, string]> = [
    ['a CA for a TCP target', { target: 'TCP:h:1', ca: 'ca.pem' }, 'tls-only', 'ca'],
    ['no checks for a UDP target', { target: 'UDP:h:1', rejectUnauthorized: false }, 'tls-only', 'rejectUnauthorized'],
    ['a client key for a TCP target', { target: 'TCP:h:1', key: 'k.pem' }, 'tls-only', 'key'],
    ['a client certificate alone', { target: 'TLS-TCP:h:1', cert: 'c.pem' }, 'cert-without-key', 'key'],
    ['a client key alone', { target: 'TLS-TCP:h:1', key: 'k.pem' }, 'cert-without-key', 'cert'],
    ['octet counting over UDP', { target: 'UDP:h:1', framing: 'octet-counting' }, 'not-for-udp', 'framing'],
    ['confirmed delivery over UDP', { target: 'UDP:h:1', delivery: 'confirmed' }, 'not-for-udp', 'delivery'],
    ['a size over the UDP limit', { target: 'UDP:h:1', maxMessageBytes: 70_000 }, 'not-for-udp', 'maxMessageBytes'],
    ['an unknown protocol', { target: 'HTTP:h:1' }, 'option', 'target'],
    ['an unknown framing', { target: 'TCP:h:1', framing: 'crlf' as 'lf' }, 'option', 'framing'],
    ['an unknown header', { target: 'TCP:h:1', header: 'rfc9999' as 'none' }, 'option', 'header'],
    ['an unknown facility', { target: 'TCP:h:1', facility: 'kitchen' }, 'option', 'facility'],
    ['a severity out of range', { target: 'TCP:h:1', severity: 8 }, 'option', 'severity'],
    ['an unknown delivery', { target: 'TCP:h:1', delivery: 'acked' as 'written' }, 'option', 'delivery'],
  ];
  it.each(refused)('refuses %s with a reason and the option at fault', (_name, options, reason, option) => {
    const expected = expect.objectContaining({ name: 'SyslogConfigError', reason, option });
    expect(() => checkSenderOptions(options)).toThrow(expected);
  });

  it('checks without reading certificate files; creating the sender reads them', () => {
    const options = { target: 'TLS-TCP:127.0.0.1:6514', ca: '/nonexistent/ca.pem' };
    expect(() => checkSenderOptions(options)).not.toThrow();
    expect(() => createSyslogSender(options)).toThrow(SyslogConfigError);
    const expected = expect.objectContaining({ reason: 'certificate-file', option: 'ca' });
    expect(() => createSyslogSender(options)).toThrow(expected);
  });
});
