import { describe, expect, it } from 'vitest';
import { Log, parseLogLevel, redactBody, redactHeaders, type LogLevel } from './logger.js';

describe('parseLogLevel', () => {
  it('accepts names in any case, WARN, and Python numbers', () => {
    expect(['error', 'Warning', 'WARN', 'info', 'DEBUG'].map(parseLogLevel)).toEqual([
      'ERROR',
      'WARNING',
      'WARNING',
      'INFO',
      'DEBUG',
    ]);
    expect([40, '30', 20, 10].map(parseLogLevel)).toEqual(['ERROR', 'WARNING', 'INFO', 'DEBUG']);
    expect(parseLogLevel('verbose')).toBeUndefined();
    expect(parseLogLevel('')).toBeUndefined();
  });
});

describe('redaction', () => {
  it('hides credential headers', () => {
    const text = redactHeaders([
      ['Authorization', 'Bearer abc.def.ghi'],
      ['accept', 'application/json'],
    ]);
    expect(text).toBe('Authorization: [REDACTED], accept: application/json');
  });

  it('hides token values at any depth of a JSON body and keeps other text', () => {
    const body = JSON.stringify({
      token_type: 'bearer',
      access_token: 'A1',
      accessToken: { tokenValue: 'A2', expiresAt: 'x' },
      refreshToken: 'R1',
    });
    const out = redactBody(body);
    expect(out).not.toMatch(/A1|A2|R1/);
    expect(out).toContain('"expiresAt":"x"');
    expect(redactBody('plain text')).toBe('plain text');
  });

  it('scrubs remembered secrets from every line and filters by level', () => {
    const lines: Array<[LogLevel, string]> = [];
    const log = new Log({ level: 'INFO', stderr: false, logger: { log: (l, m) => lines.push([l, m]) } });
    log.addSecret('hunter2-secret');
    log.info('connecting with hunter2-secret twice hunter2-secret');
    log.debug('not shown');
    log.error('boom');
    expect(lines).toEqual([
      ['INFO', 'connecting with [REDACTED] twice [REDACTED]'],
      ['ERROR', 'boom'],
    ]);
  });
});
