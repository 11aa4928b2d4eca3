// Refresh-token authentication over several runs (api.md §2.2): the emulator rotates the refresh token at every use
// and refuses a spent one, so each run must find the token the previous run received.
import { chmod, lstat, mkdir, readFile, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT_MS, errorLines, startFixture, type Fixture, type RunResult } from './helpers/run.js';

let fx: Fixture;

beforeEach(async () => {
  fx = await startFixture({ sessions: 5 });
}, BUILD_TIMEOUT_MS);

afterEach(async () => {
  await fx?.close();
});

/** Settings of the refresh flow only: no client credentials, nothing else from the fixture. */
const noCredentials = { INCYDR_URL: undefined, INCYDR_API_CLIENT_ID: undefined, INCYDR_API_CLIENT_SECRET: undefined };

const search = ['sessions', 'search', '--any-alerts', '-f', 'json-lines'];

const refreshCalls = (): number => fx.emu.requests().filter((r) => r.path === '/v1/refresh').length;

/** The refresh token a `.env` text sets. */
const tokenIn = (text: string): string => parseEnv(text)['INCYDR_REFRESH_TOKEN'] ?? '';

/** Which of these secrets a run printed. */
const shown = (result: RunResult, secrets: readonly string[]): string[] =>
  secrets.filter((secret) => result.stdout.includes(secret) || result.stderr.includes(secret));

function expectSearched(result: RunResult): void {
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout.split('\n').filter((line) => line !== '').length).toBeGreaterThan(0);
}

describe('a refresh token kept in a profile or .env file', () => {
  it('lets three runs in a row authenticate: each rotated token replaces the spent one on its line', async () => {
    const folder = join(fx.home, '.config', 'incydr', 'profiles');
    await mkdir(folder, { recursive: true });
    const file = join(folder, 'tenant.env');
    const lines = (token: string): string[] => [
      '# tenant A, rotated by incydr',
      `export INCYDR_URL=${fx.emu.url}`,
      '',
      `INCYDR_REFRESH_URL="${fx.emu.url}/v1/refresh"`,
      `INCYDR_REFRESH_TOKEN=${token}   # keep this line`,
      'INCYDR_USE_RICH=false',
      '',
    ];
    await writeFile(file, lines(fx.emu.refreshToken).join('\n'));
    await chmod(file, 0o640);
    const used = [fx.emu.refreshToken];
    for (let run = 1; run <= 3; run += 1) {
      const result = await fx.run(['--profile', 'tenant', ...search], { extraEnv: noCredentials });
      expectSearched(result);
      expect(result.stderr).toBe('');
      const text = await readFile(file, 'utf8');
      const token = tokenIn(text);
      expect(used).not.toContain(token);
      expect(shown(result, [...used, token])).toEqual([]);
      expect(text).toBe(lines(token).join('\n'));
      expect((await stat(file)).mode & 0o777).toBe(0o640);
      expect(await readdir(folder)).toEqual(['tenant.env']);
      expect(refreshCalls()).toBe(run);
      used.push(token);
    }
  });

  it('updates ./.env through its symbolic link, keeping CRLF line ends and quotes, and logs no token', async () => {
    const target = join(fx.home, 'dotfiles', 'incydr.env');
    await mkdir(join(fx.home, 'dotfiles'));
    const content = (token: string): string =>
      `INCYDR_URL=${fx.emu.url}\r\nINCYDR_REFRESH_URL=${fx.emu.url}/v1/refresh\r\nINCYDR_REFRESH_TOKEN="${token}"\r\n`;
    await writeFile(target, content(fx.emu.refreshToken));
    await symlink(target, join(fx.home, '.env'));
    const seen = [fx.emu.refreshToken];
    for (let run = 1; run <= 2; run += 1) {
      const result = await fx.runBinary(['--log-stderr', '--log-level', 'DEBUG', ...search], {
        extraEnv: noCredentials,
      });
      expectSearched(result);
      const text = await readFile(target, 'utf8');
      const token = tokenIn(text);
      expect(text).toBe(content(token));
      seen.push(token);
      expect(result.stderr).toContain('/v1/refresh');
      expect(shown(result, seen)).toEqual([]);
    }
    expect(new Set(seen).size).toBe(3);
    expect((await lstat(join(fx.home, '.env'))).isSymbolicLink()).toBe(true);
  });

  it('keeps the new token in the rescue file, says so once and leaves the file alone when its line cannot be edited', async () => {
    const folder = join(fx.home, '.config', 'incydr', 'profiles');
    await mkdir(folder, { recursive: true });
    const file = join(folder, 'odd.env');
    // A double-quoted value spread over two lines: read as the token, but no single line holds it.
    const text =
      `INCYDR_URL=${fx.emu.url}\nINCYDR_REFRESH_URL=${fx.emu.url}/v1/refresh\n` +
      `INCYDR_REFRESH_TOKEN="${fx.emu.refreshToken}\n"\n`;
    await writeFile(file, text);
    const result = await fx.run(['--profile', 'odd', ...search], { extraEnv: noCredentials });
    expectSearched(result);
    expect(await readFile(file, 'utf8')).toBe(text);
    const rescue = join(fx.home, '.config', 'incydr', 'rotated-refresh-token.env');
    expect(errorLines(result.stderr)).toEqual([
      expect.stringMatching(
        new RegExp(`^incydr: warning: could not save the new refresh token in ${file} .*${rescue}`),
      ),
    ]);
    const rescued = tokenIn(await readFile(rescue, 'utf8'));
    expect(rescued).toMatch(/^rt-/);
    expect(shown(result, [fx.emu.refreshToken, rescued])).toEqual([]);
    const next = await fx.run(search, {
      extraEnv: {
        ...noCredentials,
        INCYDR_URL: fx.emu.url,
        INCYDR_REFRESH_URL: `${fx.emu.url}/v1/refresh`,
        INCYDR_REFRESH_TOKEN: rescued,
      },
    });
    expectSearched(next);
  });
});

describe('a refresh token from the environment', () => {
  it('saves the rotated token in a 0600 file, says once where and how to use it, and the next run works with it', async () => {
    const env = { ...noCredentials, INCYDR_URL: fx.emu.url, INCYDR_REFRESH_URL: `${fx.emu.url}/v1/refresh` };
    const first = await fx.run(search, { extraEnv: { ...env, INCYDR_REFRESH_TOKEN: fx.emu.refreshToken } });
    expectSearched(first);
    const rescue = join(fx.home, '.config', 'incydr', 'rotated-refresh-token.env');
    const warnings = errorLines(first.stderr);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^incydr: warning: the server replaced the refresh token and the one in INCYDR_REFRESH_TOKEN/,
    );
    expect(warnings[0]).toContain(`set -a; . ${rescue}; set +a`);
    expect((await stat(rescue)).mode & 0o777).toBe(0o600);
    const rotated = tokenIn(await readFile(rescue, 'utf8'));
    expect(rotated).toMatch(/^rt-/);
    expect(shown(first, [fx.emu.refreshToken, rotated])).toEqual([]);

    // What the warning says: the token in the environment is spent.
    const spent = await fx.run(search, { extraEnv: { ...env, INCYDR_REFRESH_TOKEN: fx.emu.refreshToken } });
    expect(spent.code).toBe(1);
    expect(spent.stderr).toContain('Invalid or already used refresh token');

    const second = await fx.run(search, { extraEnv: { ...env, INCYDR_REFRESH_TOKEN: rotated } });
    expectSearched(second);
    expect(tokenIn(await readFile(rescue, 'utf8'))).not.toBe(rotated);
  });
});
