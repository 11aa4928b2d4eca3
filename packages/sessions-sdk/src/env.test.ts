import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { settingsLookup } from './env.js';
import { ConfigurationError } from './errors.js';

const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function envFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sdk-env-'));
  dirs.push(dir);
  const file = join(dir, '.env');
  writeFileSync(file, text);
  return file;
}

describe('settingsLookup', () => {
  it('reads names case-insensitively, the environment before the .env file', () => {
    const lookup = settingsLookup({
      env: { incydr_use_rich: 'false' },
      envFile: envFile('INCYDR_USE_RICH=true\nIncydr_Log_Level=DEBUG\n'),
    });
    expect(lookup('INCYDR_USE_RICH')).toBe('false');
    expect(lookup('INCYDR_LOG_LEVEL')).toBe('DEBUG');
    expect(lookup('INCYDR_URL')).toBeUndefined();
  });

  it('reads the file only for a name the environment lacks, and then names it when it cannot be read', () => {
    const missing = join(tmpdir(), 'sdk-env-no-such-dir', '.env');
    const lookup = settingsLookup({ env: { INCYDR_URL: 'https://api.example' }, envFile: missing });
    expect(lookup('INCYDR_URL')).toBe('https://api.example');
    expect(() => lookup('INCYDR_LOG_LEVEL')).toThrow(ConfigurationError);
    expect(() => lookup('INCYDR_LOG_LEVEL')).toThrow(`cannot read ${missing}`);
  });

  it('reads no file with envFile: null', () => {
    expect(settingsLookup({ env: {}, envFile: null })('INCYDR_URL')).toBeUndefined();
  });
});
