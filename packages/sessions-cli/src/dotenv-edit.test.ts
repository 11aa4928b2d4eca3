import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { envLine, replaceEnvValue } from './dotenv-edit.js';

describe('replaceEnvValue', () => {
  it('changes only the value on the line that holds the old one, keeping comments, blanks and other lines', () => {
    const text = [
      '# tenant A',
      'export INCYDR_URL=https://api.example.com',
      '',
      'INCYDR_REFRESH_TOKEN = old-token   # rotated by incydr',
      'incydr_use_rich=false',
      '',
    ].join('\n');
    expect(replaceEnvValue(text, 'INCYDR_REFRESH_TOKEN', 'old-token', 'new-token')).toBe(
      [
        '# tenant A',
        'export INCYDR_URL=https://api.example.com',
        '',
        'INCYDR_REFRESH_TOKEN = new-token   # rotated by incydr',
        'incydr_use_rich=false',
        '',
      ].join('\n'),
    );
  });

  it('keeps CRLF line ends, an export prefix, the key as spelled and the quotes', () => {
    const text = 'A=1\r\nexport incydr_refresh_token="old"\r\nB=2\r\n';
    expect(replaceEnvValue(text, 'INCYDR_REFRESH_TOKEN', 'old', 'new')).toBe(
      'A=1\r\nexport incydr_refresh_token="new"\r\nB=2\r\n',
    );
    expect(replaceEnvValue("T='old' # c\n", 'T', 'old', 'new')).toBe("T='new' # c\n");
  });

  it('quotes a value that would not read back bare', () => {
    const next = replaceEnvValue('T=old\n', 'T', 'old', 'a#b c') ?? '';
    expect(next).toBe("T='a#b c'\n");
    expect(parseEnv(next)['T']).toBe('a#b c');
  });

  it('leaves lines that set the key to another value alone', () => {
    expect(replaceEnvValue('T=other\nT=old\n', 'T', 'old', 'new')).toBe('T=other\nT=new\n');
  });

  it('gives undefined when no line holds the old value or the new one cannot be written', () => {
    expect(replaceEnvValue('T=other\n', 'T', 'old', 'new')).toBeUndefined();
    expect(replaceEnvValue('# T=old\n', 'T', 'old', 'new')).toBeUndefined();
    expect(replaceEnvValue('T=old\n', 'T', 'old', 'two\nlines')).toBeUndefined();
  });
});

describe('envLine', () => {
  it('writes a line a .env reader reads back', () => {
    for (const value of ['rt-abc_DEF-123', 'with space', 'hash#in', `both ' and "`]) {
      const line = envLine('K', value);
      if (line !== undefined) expect(parseEnv(line)['K']).toBe(value);
    }
    expect(envLine('K', 'rt-abc')).toBe('K=rt-abc');
  });
});
