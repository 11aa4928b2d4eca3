import { describe, expect, it } from 'vitest';
import { isNotTlsCode, otherScheme } from './scheme-mismatch.js';

describe('otherScheme', () => {
  it('keeps the host and port, also a port that is the default of one scheme only', () => {
    expect(otherScheme('https://127.0.0.1:8443/v1/oauth')).toEqual({
      origin: 'https://127.0.0.1:8443',
      other: 'http://127.0.0.1:8443',
    });
    expect(otherScheme('http://api.example.com/v1')).toEqual({
      origin: 'http://api.example.com',
      other: 'https://api.example.com:80',
    });
    expect(otherScheme('http://api.example.com:443/')).toEqual({
      origin: 'http://api.example.com:443',
      other: 'https://api.example.com',
    });
    expect(otherScheme('https://[::1]:9/')).toEqual({ origin: 'https://[::1]:9', other: 'http://[::1]:9' });
  });
});

describe('isNotTlsCode', () => {
  it("knows OpenSSL's codes for a plain-text answer to a handshake, and only those", () => {
    expect(isNotTlsCode('ERR_SSL_WRONG_VERSION_NUMBER')).toBe(true);
    expect(isNotTlsCode('ERR_SSL_PACKET_LENGTH_TOO_LONG')).toBe(true);
    expect(isNotTlsCode('DEPTH_ZERO_SELF_SIGNED_CERT')).toBe(false);
    expect(isNotTlsCode(undefined)).toBe(false);
  });
});
