// The built entries as a user loads them: the main entry's runtime names are a fixed list, and
// `@x/sessions-sdk/model` promises no dependencies (in a fresh Node it loads only the SDK's files and built-ins).
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadedModules } from '@x/vitest-config/modules';
import { patient } from '@x/vitest-config/patience';
import { buildOnce } from './helpers/build.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

beforeAll(async () => {
  await buildOnce();
}, patient(180_000));

async function modulesOf(entry: string): Promise<string[]> {
  const code = `const m = await import(${JSON.stringify(entry)}); console.log(Object.keys(m).length);`;
  const run = await loadedModules(['--input-type=module', '-e', code], { cwd: packageDir });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run.urls;
}

const MAIN_NAMES = [
  'ApiError',
  'AuthenticationError',
  'Client',
  'ConfigurationError',
  'ConnectionError',
  'DURATION_FORMS',
  'IncydrError',
  'InvalidArgumentError',
  'NotFoundError',
  'RateLimitedError',
  'RequestBudget',
  'ResponseValidationError',
  'TIME_FORMS',
  'TimeoutError',
  'currentScore',
  'currentSeverity',
  'currentState',
  'formatIso',
  'maxSeverity',
  'severityLabel',
  'toDurationMs',
  'toEpochMs',
];

describe('the main entry', () => {
  it('exports exactly the client, its errors, the time helpers and the derived helpers', async () => {
    expect(Object.keys(await import('../src/index.js')).sort()).toEqual(MAIN_NAMES);
  });
});

describe('npm undici', () => {
  // node:http serves a client that goes direct; npm undici (its ProxyAgent) only a client with a proxy.
  async function loadsUndici(env: Record<string, string>): Promise<boolean> {
    const code =
      `import { createRequire } from 'node:module';` +
      `const { Client } = await import('@x/sessions-sdk');` +
      `const client = new Client({ url: 'http://127.0.0.1:9', apiClientId: 'id', apiClientSecret: 'secret', ` +
      `env: ${JSON.stringify(env)}, envFile: null, logStderr: false });` +
      `const cache = Object.keys(createRequire(process.cwd() + '/').cache);` +
      `console.log(cache.some((path) => /[\\\\/]node_modules[\\\\/]undici[\\\\/]/.test(path)));` +
      `await client.close();`;
    const run = await loadedModules(['--input-type=module', '-e', code], { cwd: packageDir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return run.stdout.trim() === 'true' || run.urls.some((url) => /\/node_modules\/undici\//.test(url));
  }

  it(
    'is not loaded by a client that goes direct, and is by a client with a proxy',
    async () => {
      expect(await loadsUndici({})).toBe(false);
      expect(await loadsUndici({ HTTPS_PROXY: 'http://127.0.0.1:9' })).toBe(true);
    },
    patient(30_000),
  );
});

describe('the model entry', () => {
  it(
    "loads only the SDK's own files and Node built-ins: no valibot, ky or undici",
    async () => {
      const urls = await modulesOf('@x/sessions-sdk/model');
      const dist = pathToFileURL(`${packageDir}dist/`).href;
      expect(urls).toContain(`${dist}model.js`);
      expect(urls.filter((url) => !url.startsWith(dist) && !url.startsWith('node:'))).toEqual([]);
      expect(urls.filter((url) => /\/(http|client|auth)\.js$/.test(url))).toEqual([]);
    },
    patient(30_000),
  );

  it(
    'is lighter than the main entry, which loads valibot and ky',
    async () => {
      const urls = await modulesOf('@x/sessions-sdk');
      expect(urls.some((url) => url.includes('/node_modules/valibot/'))).toBe(true);
      expect(urls.some((url) => url.includes('/node_modules/ky/'))).toBe(true);
    },
    patient(30_000),
  );
});

describe('the siem entry', () => {
  it(
    "loads only the SDK's own files and Node built-ins: no valibot, ky or undici",
    async () => {
      const urls = await modulesOf('@x/sessions-sdk/siem');
      const dist = pathToFileURL(`${packageDir}dist/`).href;
      expect(urls).toContain(`${dist}siem/index.js`);
      expect(urls.filter((url) => !url.startsWith(dist) && !url.startsWith('node:'))).toEqual([]);
      expect(urls.filter((url) => /\/(http|client|auth|model)\.js$/.test(url))).toEqual([]);
    },
    patient(30_000),
  );
});
