import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationError } from './errors.js';
import { defaultEnvFile } from './env.js';
import { resolveSettings } from './settings.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sdk-settings-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const creds = { INCYDR_API_CLIENT_ID: 'id', INCYDR_API_CLIENT_SECRET: 'secret' };

function captured(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function envFile(content: string): string {
  const path = join(dir, '.env');
  writeFileSync(path, content);
  return path;
}

describe('resolveSettings', () => {
  it('prefers options over the environment over the .env file', () => {
    const file = envFile('INCYDR_URL=https://file.example\nINCYDR_API_CLIENT_ID=file-id\nINCYDR_API_CLIENT_SECRET=f\n');
    const fromFile = resolveSettings({ env: {}, envFile: file });
    expect(fromFile.url).toBe('https://file.example');
    expect(fromFile.auth).toEqual({ kind: 'client-credentials', apiClientId: 'file-id', apiClientSecret: 'f' });
    const fromEnv = resolveSettings({ env: { INCYDR_URL: 'https://env.example' }, envFile: file });
    expect(fromEnv.url).toBe('https://env.example');
    expect(fromEnv.auth).toMatchObject({ apiClientId: 'file-id' });
    const fromOption = resolveSettings({
      url: 'https://opt.example',
      env: { INCYDR_URL: 'https://env.example' },
      envFile: file,
    });
    expect(fromOption.url).toBe('https://opt.example');
  });

  it('reads environment variable names in any case', () => {
    const settings = resolveSettings({
      env: { incydr_url: 'https://api.us.code42.com', Incydr_Api_Client_Id: 'i', INCYDR_API_CLIENT_secret: 's' },
      envFile: null,
    });
    expect(settings.auth).toEqual({ kind: 'client-credentials', apiClientId: 'i', apiClientSecret: 's' });
  });

  it('uses the refresh token when both it and the refresh URL are set', () => {
    const settings = resolveSettings({
      env: {
        ...creds,
        INCYDR_URL: 'https://a.example',
        INCYDR_REFRESH_TOKEN: 'r',
        INCYDR_REFRESH_URL: 'https://a.example/r',
      },
      envFile: null,
    });
    expect(settings.auth).toEqual({ kind: 'refresh-token', refreshToken: 'r', refreshUrl: 'https://a.example/r' });
  });

  it('applies the documented defaults', () => {
    const settings = resolveSettings({ env: { ...creds, INCYDR_URL: 'https://a.example/' }, envFile: null });
    expect(settings).toMatchObject({
      url: 'https://a.example',
      userAgentPrefix: '',
      maxResponseHistory: 5,
      timeoutMs: 60_000,
      logLevel: 'WARNING',
      logFile: undefined,
      logStderr: true,
    });
  });

  it('rejects a URL without http:// or https:// before anything else', () => {
    for (const url of [
      'api.us.code42.com',
      'ftp://api.example',
      'https://user:pw@api.example',
      'https://a.example/?x=1',
      // Empty, they leave URL.search and URL.hash empty, yet a path appended to the URL would land in them.
      'https://a.example/?',
      'https://a.example#',
    ]) {
      expect(() => resolveSettings({ url, env: creds, envFile: null })).toThrow(ConfigurationError);
    }
    expect(() => resolveSettings({ url: 'api.us.code42.com', env: creds, envFile: null })).toThrow(/https:\/\//);
    expect(() => resolveSettings({ url: 'api.us.code42.com', env: {}, envFile: null })).toThrow(/https:\/\//);
    expect(() => resolveSettings({ env: creds, envFile: null })).toThrow(/^missing setting INCYDR_URL \(the API URL/);
  });

  it('lists every missing credential in one message', () => {
    expect(() => resolveSettings({ url: 'https://a.example', env: {}, envFile: null })).toThrow(
      /INCYDR_API_CLIENT_ID and INCYDR_API_CLIENT_SECRET/,
    );
    expect(() =>
      resolveSettings({ url: 'https://a.example', env: { INCYDR_API_CLIENT_ID: 'x' }, envFile: null }),
    ).toThrow(/^missing setting INCYDR_API_CLIENT_SECRET \(or INCYDR_REFRESH_TOKEN with INCYDR_REFRESH_URL/);
  });

  it('names every missing setting at once, URL and credentials, with the .env file it read', () => {
    const file = envFile('INCYDR_LOG_LEVEL=INFO\n');
    const error = captured(() => resolveSettings({ env: {}, envFile: file }));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).missing).toEqual([
      'INCYDR_URL',
      'INCYDR_API_CLIENT_ID',
      'INCYDR_API_CLIENT_SECRET',
    ]);
    expect((error as Error).message).toBe(
      'missing settings INCYDR_URL (the API URL, e.g. https://api.us.code42.com), INCYDR_API_CLIENT_ID and ' +
        'INCYDR_API_CLIENT_SECRET (or INCYDR_REFRESH_TOKEN with INCYDR_REFRESH_URL instead of the client id and secret): ' +
        `set them in the environment or in ${file} (read: it does not set them)`,
    );
  });

  it('says where it looked for a .env file when it found none', () => {
    // Both places the default lookup tries are inside the temporary folder: the working directory and HOME.
    const cwd = process.cwd();
    const home = process.env['HOME'];
    process.chdir(dir);
    process.env['HOME'] = join(dir, 'home');
    try {
      const error = captured(() => resolveSettings({ env: {} }));
      expect((error as ConfigurationError).missing).toEqual([
        'INCYDR_URL',
        'INCYDR_API_CLIENT_ID',
        'INCYDR_API_CLIENT_SECRET',
      ]);
      expect((error as Error).message).toMatch(
        `: set them in the environment or in a .env file (none found at ${join(dir, '.env')} or ${join(dir, 'home', '.config', 'incydr', '.env')})`,
      );
    } finally {
      process.chdir(cwd);
      if (home === undefined) delete process.env['HOME'];
      else process.env['HOME'] = home;
    }
  });

  it('names the partner of a refresh token given alone', () => {
    const error = captured(() =>
      resolveSettings({ url: 'https://a.example', env: { INCYDR_REFRESH_TOKEN: 'r' }, envFile: null }),
    );
    expect((error as ConfigurationError).missing).toEqual(['INCYDR_REFRESH_URL']);
    expect((error as Error).message).toBe(
      'missing setting INCYDR_REFRESH_URL: set it in the environment or the client options (no .env file is read)',
    );
  });

  it('rejects malformed numbers, booleans and log levels, naming the variable', () => {
    const base = { ...creds, INCYDR_URL: 'https://a.example' };
    expect(() => resolveSettings({ env: { ...base, INCYDR_MAX_RESPONSE_HISTORY: 'ten' }, envFile: null })).toThrow(
      /INCYDR_MAX_RESPONSE_HISTORY/,
    );
    expect(() => resolveSettings({ env: { ...base, INCYDR_LOG_STDERR: 'maybe' }, envFile: null })).toThrow(
      /INCYDR_LOG_STDERR/,
    );
    expect(() => resolveSettings({ env: { ...base, INCYDR_LOG_LEVEL: 'LOUD' }, envFile: null })).toThrow(/LOUD/);
    expect(
      resolveSettings({ env: { ...base, INCYDR_LOG_LEVEL: 'warn', INCYDR_LOG_STDERR: 'false' }, envFile: null }),
    ).toMatchObject({ logLevel: 'WARNING', logStderr: false });
  });

  it('resolves concurrency and maxRequestsPerMinute from options, then the environment, then the .env file', () => {
    const base = { ...creds, INCYDR_URL: 'https://a.example' };
    expect(resolveSettings({ env: base, envFile: null })).toMatchObject({
      concurrency: 4,
      maxRequestsPerMinute: undefined,
    });
    const file = envFile('INCYDR_CONCURRENCY=2\nINCYDR_MAX_REQUESTS_PER_MINUTE=100\n');
    expect(resolveSettings({ env: base, envFile: file })).toMatchObject({ concurrency: 2, maxRequestsPerMinute: 100 });
    const env = { ...base, incydr_concurrency: '16', INCYDR_MAX_REQUESTS_PER_MINUTE: '120' };
    expect(resolveSettings({ env, envFile: file })).toMatchObject({ concurrency: 16, maxRequestsPerMinute: 120 });
    expect(resolveSettings({ concurrency: 1, maxRequestsPerMinute: 1, env, envFile: file })).toMatchObject({
      concurrency: 1,
      maxRequestsPerMinute: 1,
    });
  });

  it('rejects a concurrency outside 1 to 16 and a maxRequestsPerMinute below 1, naming the variable', () => {
    const base = { ...creds, INCYDR_URL: 'https://a.example' };
    for (const value of ['0', '17', 'four', '2.5', '-1']) {
      expect(() => resolveSettings({ env: { ...base, INCYDR_CONCURRENCY: value }, envFile: null })).toThrow(
        ConfigurationError,
      );
      expect(() => resolveSettings({ env: { ...base, INCYDR_CONCURRENCY: value }, envFile: null })).toThrow(
        /INCYDR_CONCURRENCY must be an integer from 1 to 16/,
      );
    }
    expect(() => resolveSettings({ concurrency: 32, env: base, envFile: null })).toThrow(/INCYDR_CONCURRENCY/);
    for (const value of ['0', 'many', '1.5', '-5']) {
      expect(() => resolveSettings({ env: { ...base, INCYDR_MAX_REQUESTS_PER_MINUTE: value }, envFile: null })).toThrow(
        /INCYDR_MAX_REQUESTS_PER_MINUTE must be an integer of at least 1/,
      );
    }
    expect(() => resolveSettings({ maxRequestsPerMinute: 0, env: base, envFile: null })).toThrow(ConfigurationError);
  });

  it('reports an unreadable .env file', () => {
    expect(() => resolveSettings({ env: creds, envFile: join(dir, 'missing.env') })).toThrow(/cannot read/);
  });
});

describe('defaultEnvFile', () => {
  it('prefers the working directory, then ~/.config/incydr/.env, else none', () => {
    const cwd = join(dir, 'cwd');
    const home = join(dir, 'home');
    mkdirSync(cwd);
    mkdirSync(join(home, '.config', 'incydr'), { recursive: true });
    expect(defaultEnvFile(cwd, home)).toBeNull();
    writeFileSync(join(home, '.config', 'incydr', '.env'), 'A=1\n');
    expect(defaultEnvFile(cwd, home)).toBe(join(home, '.config', 'incydr', '.env'));
    writeFileSync(join(cwd, '.env'), 'A=2\n');
    expect(defaultEnvFile(cwd, home)).toBe(join(cwd, '.env'));
  });
});
