import { describe, expect, it } from 'vitest';
import { listenAddressText, parseListenAddress } from './listen-address.js';

describe('parseListenAddress', () => {
  it('reads a host or an IPv4 address, an IPv6 address in brackets, and port 0', () => {
    expect(parseListenAddress('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseListenAddress('localhost:0')).toEqual({ host: 'localhost', port: 0 });
    expect(parseListenAddress('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
    expect(parseListenAddress('[::]:80')).toEqual({ host: '::', port: 80 });
  });

  it('refuses what is not HOST:PORT with a usage error', () => {
    for (const text of ['', '9464', ':9464', 'localhost', '::1:9464', 'host:port', '[::1]', 'a b:1', '[::1]:']) {
      expect(() => parseListenAddress(text), text).toThrow(/expected HOST:PORT/);
    }
    expect(() => parseListenAddress('[localhost]:1')).toThrow(/brackets hold an IPv6 address/);
    expect(() => parseListenAddress('127.0.0.1:65536')).toThrow(/the port must be from 0 to 65535/);
  });

  it('writes an IPv6 address back in brackets', () => {
    expect(listenAddressText({ host: '::1', port: 1 })).toBe('[::1]:1');
    expect(listenAddressText({ host: '127.0.0.1', port: 1 })).toBe('127.0.0.1:1');
  });
});
