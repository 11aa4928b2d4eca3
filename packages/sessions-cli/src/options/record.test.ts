import { SIEM_RECORDS } from '@x/sessions-sdk/siem';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../failures.js';
import { consoleUrlOf, recordFormat, recordKind } from './record.js';

const SEARCH_FORMATS = ['table', 'json-pretty', 'json-lines', 'csv'];
const noSetting = (): undefined => undefined;

describe('recordKind', () => {
  it("takes the SDK's records in any case, raw by default", () => {
    expect(recordKind({})).toBe('raw');
    expect(SIEM_RECORDS.map((kind) => recordKind({ record: kind.toUpperCase() }))).toEqual([...SIEM_RECORDS]);
    expect(() => recordKind({ record: 'leef' })).toThrow(`choose from ${SIEM_RECORDS.join(', ')}`);
  });
});

describe('recordFormat', () => {
  it('writes object records as JSON Lines, or pretty when asked, and CEF as lines', () => {
    expect(recordFormat('ocsf', undefined, SEARCH_FORMATS)).toBe('json-lines');
    expect(recordFormat('enriched', 'JSON-PRETTY', SEARCH_FORMATS)).toBe('json-pretty');
    expect(recordFormat('cef', undefined, SEARCH_FORMATS)).toBe('lines');
    expect(recordFormat('cef', 'json-lines', SEARCH_FORMATS)).toBe('lines');
  });

  it('refuses the formats for people, naming -f and --record, and an unknown format as such', () => {
    expect(() => recordFormat('ocsf', 'csv', SEARCH_FORMATS)).toThrow(
      '-f csv cannot be used with --record ocsf: it writes JSON (leave -f out, or -f json-pretty)',
    );
    expect(() => recordFormat('cef', 'json-pretty', SEARCH_FORMATS)).toThrow(UsageError);
    expect(() => recordFormat('ocsf', 'yaml', SEARCH_FORMATS)).toThrow('invalid value "yaml" for --format');
  });
});

describe('consoleUrlOf', () => {
  it('takes --console-url before the setting, trimmed', () => {
    const setting = (name: string): string | undefined =>
      name === 'INCYDR_CONSOLE_URL' ? 'https://from-setting.test' : undefined;
    expect(consoleUrlOf({ consoleUrl: ' https://option.test/base/ ' }, 'ocsf', setting)).toBe(
      'https://option.test/base/',
    );
    expect(consoleUrlOf({}, 'ocsf', setting)).toBe('https://from-setting.test');
    expect(consoleUrlOf({}, 'ocsf', noSetting)).toBeUndefined();
  });

  it('refuses what is not an http(s) base URL, naming where it came from', () => {
    for (const bad of [
      'console.test',
      'ftp://console.test',
      'https://console.test/?a=1',
      'https://console.test/#',
      'https://:p@console.test',
    ]) {
      expect(() => consoleUrlOf({ consoleUrl: bad }, 'enriched', noSetting), bad).toThrow(/^invalid --console-url /);
    }
    expect(() => consoleUrlOf({}, 'cef', () => 'javascript:alert(1)')).toThrow(/^invalid INCYDR_CONSOLE_URL /);
  });

  it('refuses --console-url with raw records and leaves the setting unread for them', () => {
    expect(() => consoleUrlOf({ consoleUrl: 'https://c.test' }, 'raw', noSetting)).toThrow(
      '--console-url needs --record',
    );
    expect(consoleUrlOf({}, 'raw', () => 'not a url')).toBeUndefined();
  });
});
