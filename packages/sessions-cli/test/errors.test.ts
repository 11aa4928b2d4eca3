// Errors end to end (cli.md §5): usage errors exit 2 before any request, failures exit 1, always one line on
// stderr, never a stack trace or "Unknown problem occurred".
import { TIME_FORMS } from '@x/sessions-sdk/time';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closedPort } from './helpers/receivers.js';
import {
  BUILD_TIMEOUT_MS,
  errorLines,
  startFixture,
  type Fixture,
  type RunOptions,
  type RunResult,
} from './helpers/run.js';
import { patient } from '@x/vitest-config/patience';

let fx: Fixture;

beforeAll(async () => {
  fx = await startFixture({ sessions: 60 });
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await fx?.close();
});

beforeEach(() => {
  fx.emu.clearRequests();
});

afterEach(() => {
  fx.emu.setFaults({ failRate: 0, failNext: 0, failStatus: 503 });
});

/** Run, and check what holds for every error: no stack frames, no "Unknown problem", nothing on stdout. */
async function runFailing(
  args: readonly string[],
  options?: RunOptions & { extraEnv?: Record<string, string | undefined> },
): Promise<RunResult & { message: string }> {
  const result = await fx.run(args, options);
  expect(result.stderr).not.toContain('    at ');
  expect(result.stderr).not.toMatch(/Unknown problem occurred/i);
  expect(result.stderr).not.toMatch(/unexpected error/i);
  expect(result.stdout).toBe('');
  const [message = '', ...more] = errorLines(result.stderr);
  expect(more, `stderr has more than one error line:\n${result.stderr}`).toEqual([]);
  expect(message).toMatch(/^incydr: \S/);
  return { ...result, message };
}

const THE_FORMS = [TIME_FORMS.join('; ')];

describe('profiles', () => {
  it('names the profiles that exist when --profile names none, exit 2, before any request', async () => {
    const { mkdir, writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const folder = join(fx.home, '.config', 'incydr', 'profiles');
    const none = await runFailing(['--profile', 'nope', 'sessions', 'search']);
    expect(none.code).toBe(2);
    expect(none.message).toContain('there are none yet');
    await mkdir(folder, { recursive: true });
    for (const name of ['tenant-b', 'tenant-a'])
      await writeFile(join(folder, `${name}.env`), `INCYDR_URL=${fx.emu.url}\n`);
    const result = await runFailing(['--profile', 'nope', 'sessions', 'search']);
    expect(result.code).toBe(2);
    expect(result.message).toContain('nope.env');
    expect(result.message).toContain('profiles: tenant-a, tenant-b');
    expect(result.message).not.toContain('ENOENT');
    expect(fx.emu.requests()).toEqual([]);
  });
});

describe('usage errors exit 2 with one line and send nothing', () => {
  const cases: Array<{ name: string; args: string[]; mentions: string[] }> = [
    { name: 'an unknown option', args: ['sessions', 'search', '--bogus'], mentions: ['bogus'] },
    { name: 'an unknown command', args: ['sessions', 'serch'], mentions: ['search'] },
    { name: 'a missing session id', args: ['sessions', 'show'], mentions: [] },
    { name: 'a bad --format choice', args: ['sessions', 'search', '--format', 'xml'], mentions: ['xml', 'json-lines'] },
    { name: 'a bad --state choice', args: ['sessions', 'search', '--state', 'bogus'], mentions: ['bogus', 'OPEN'] },
    {
      name: 'a bad --severity choice',
      args: ['sessions', 'search', '--severity', 'extreme'],
      mentions: ['extreme', 'CRITICAL'],
    },
    {
      name: 'a bad --sort-key choice',
      args: ['sessions', 'search', '--sort-key', 'name'],
      mentions: ['end_time', 'score'],
    },
    {
      name: 'a bad --content-inspection-status choice',
      args: ['sessions', 'search', '--content-inspection-status', 'maybe'],
      mentions: ['PENDING', 'NOT_FOUND', 'PII_FOUND', 'UNPROCESSED'],
    },
    {
      name: 'a bad --sort-dir choice',
      args: ['sessions', 'search', '--sort-dir', 'up'],
      mentions: ['up', 'asc', 'DESC'],
    },
    {
      name: 'a --page-size over 1000',
      args: ['sessions', 'search', '--page-size', '1001'],
      mentions: ['--page-size', '1 to 1000'],
    },
    {
      name: '--no-alerts with --any-alerts',
      args: ['sessions', 'search', '--no-alerts', '--any-alerts'],
      mentions: ['--any-alerts', '--no-alerts'],
    },
    {
      name: 'an --output port that is not a number',
      args: ['sessions', 'search', '--output', 'TCP:127.0.0.1:syslog'],
      mentions: ['syslog'],
    },
    {
      name: 'an --output port out of range',
      args: ['sessions', 'search', '--output', 'TCP:127.0.0.1:70000'],
      mentions: ['70000'],
    },
    {
      name: 'an --output protocol that does not exist',
      args: ['sessions', 'search', '--output', 'HTTP:127.0.0.1:80'],
      mentions: ['HTTP', 'TLS-TCP'],
    },
    {
      name: 'a bad show-events --output',
      args: ['sessions', 'show-events', 'some-id', '--output', 'TCP:127.0.0.1:'],
      mentions: [],
    },
    {
      name: '--format with --output',
      args: ['sessions', 'search', '--output', 'TCP:127.0.0.1:6514', '-f', 'json-lines'],
      mentions: ['--format', '--output'],
    },
    {
      name: '--certs without TLS',
      args: ['sessions', 'search', '--output', 'TCP:127.0.0.1:6514', '--certs', 'ca.pem'],
      mentions: ['--certs', 'TLS'],
    },
    {
      name: '--ignore-cert-validation without TLS',
      args: ['sessions', 'search', '--output', 'UDP:127.0.0.1:514', '--ignore-cert-validation'],
      mentions: ['--ignore-cert-validation'],
    },
    {
      name: '--certs with --ignore-cert-validation',
      args: [
        'sessions',
        'search',
        '--output',
        'TLS-TCP:127.0.0.1:6514',
        '--certs',
        'ca.pem',
        '--ignore-cert-validation',
      ],
      mentions: ['--certs', '--ignore-cert-validation'],
    },
    {
      name: 'a syslog option without --output',
      args: ['sessions', 'search', '--syslog-header', 'rfc5424'],
      mentions: ['--output'],
    },
    {
      name: 'a bad --start date',
      args: ['sessions', 'search', '--start', 'yesterday'],
      mentions: ['yesterday', ...THE_FORMS],
    },
    {
      name: 'an impossible --end date',
      args: ['sessions', 'search', '--end', '2024-02-30'],
      mentions: ['2024-02-30', ...THE_FORMS],
    },
    {
      name: 'a --start of 6 digits',
      args: ['sessions', 'search', '--start', '240101'],
      mentions: ['--start: invalid time "240101"', ...THE_FORMS],
    },
    {
      name: 'an impossible yyyyMMdd --end',
      args: ['sessions', 'update-by-criteria', 'OPEN', '--end', '20240230', '--yes'],
      mentions: ['--end: invalid time "20240230"', ...THE_FORMS],
    },
  ];

  for (const { name, args, mentions } of cases) {
    it(`rejects ${name}`, async () => {
      const result = await runFailing(args);
      expect(result.code).toBe(2);
      for (const text of mentions) expect(result.message).toContain(text);
      expect(fx.emu.requests()).toEqual([]);
    });
  }

  it('rejects an option given without its value as a usage error', async () => {
    for (const option of ['--actor-id', '--state', '--output', '-f']) {
      const result = await runFailing(['sessions', 'search', option]);
      expect(result.code, `search ${option} (no value): ${result.stderr}`).toBe(2);
      expect(result.message).toContain(option.replace(/^-+/, ''));
    }
    expect(fx.emu.requests()).toEqual([]);
  });

  it('rejects an unknown --log-level as a usage error', async () => {
    const result = await runFailing(['sessions', 'search', '--log-level', 'LOUD']);
    expect(result.message).toContain('LOUD');
    expect(result.code).toBe(2);
    expect(fx.emu.requests()).toEqual([]);
  });
});

describe('API and configuration failures exit 1 with one line', () => {
  it('reads the status and the server message of a 404 in plain words', async () => {
    const result = await runFailing(['sessions', 'show', 'no-such-session']);
    expect(result.code).toBe(1);
    expect(result.message).toBe('incydr: not found (HTTP 404): Session not found: no-such-session');
  });

  it('shows the msg of a 400 error body, not the raw JSON', async () => {
    fx.emu.setFaults({ failNext: 1, failStatus: 400 });
    const result = await runFailing(['sessions', 'search']);
    expect(result.code).toBe(1);
    // The first request (the token call) gets the injected 400.
    expect(result.message).toMatch(
      /^incydr: API error \(HTTP 400\) on POST http:\/\/127\.0\.0\.1:\d+\/v1\/oauth: injected failure$/,
    );
  });

  it('says the credentials were refused on a 401', async () => {
    const result = await runFailing(['sessions', 'search'], { extraEnv: { INCYDR_API_CLIENT_SECRET: 'wrong-secret' } });
    expect(result.code).toBe(1);
    expect(result.message).toMatch(/credential|client id or secret/i);
    expect(result.message).toContain('401');
    expect(result.message).not.toContain('wrong-secret');
  });

  it('includes the status and the server message of a 500 (failRate 1)', async () => {
    fx.emu.setFaults({ failRate: 1, failStatus: 500 });
    const result = await runFailing(['sessions', 'search']);
    expect(result.code).toBe(1);
    expect(result.message).toContain('500');
    expect(result.message).toContain('injected failure');
  });

  it('retries a 500 (failNext 1) and reports what the retry got', async () => {
    fx.emu.setFaults({ failNext: 1, failStatus: 500 });
    const result = await runFailing(['sessions', 'show', 'no-such-session']);
    expect(result.code).toBe(1);
    expect(result.message).toMatch(/^incydr: not found \(HTTP 404\)/);
    // The first request, the token call, gets the 500; its retry gets the token.
    expect(fx.emu.requests().map((r) => r.status)).toEqual([500, 200, 404]);
  });

  it('names INCYDR_API_CLIENT_ID and INCYDR_API_CLIENT_SECRET when the credentials are missing', async () => {
    const result = await runFailing(['sessions', 'search'], {
      extraEnv: { INCYDR_API_CLIENT_ID: undefined, INCYDR_API_CLIENT_SECRET: undefined },
    });
    expect(result.code).toBe(1);
    expect(result.message).toContain('INCYDR_API_CLIENT_ID');
    expect(result.message).toContain('INCYDR_API_CLIENT_SECRET');
    expect(fx.emu.requests()).toEqual([]);
  });

  it('names every missing setting at once and where it looked for a .env file', async () => {
    const result = await runFailing(['sessions', 'search'], {
      extraEnv: { INCYDR_URL: undefined, INCYDR_API_CLIENT_ID: undefined, INCYDR_API_CLIENT_SECRET: undefined },
    });
    expect(result.code).toBe(1);
    const { join } = await import('node:path');
    expect(result.message).toMatch(
      /^incydr: missing settings INCYDR_URL .*, INCYDR_API_CLIENT_ID and INCYDR_API_CLIENT_SECRET /,
    );
    expect(result.message).toContain(
      `in a .env file (none found at ${join(fx.home, '.env')} or ${join(fx.home, '.config', 'incydr', '.env')})`,
    );
  });

  it('names the .env file it read when that file lacks the credentials', async () => {
    const { writeFile, rm } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const file = join(fx.home, '.env');
    await writeFile(file, `INCYDR_URL=${fx.emu.url}\n`);
    try {
      const result = await runFailing(['sessions', 'search'], {
        extraEnv: { INCYDR_URL: undefined, INCYDR_API_CLIENT_ID: undefined, INCYDR_API_CLIENT_SECRET: undefined },
      });
      expect(result.code).toBe(1);
      expect(result.message).toMatch(/^incydr: missing settings INCYDR_API_CLIENT_ID and INCYDR_API_CLIENT_SECRET /);
      expect(result.message).toContain(`set them in the environment or in ${file} (read: it does not set them)`);
    } finally {
      await rm(file, { force: true });
    }
    expect(fx.emu.requests()).toEqual([]);
  });

  it('names INCYDR_URL when it is missing', async () => {
    const result = await runFailing(['sessions', 'search'], { extraEnv: { INCYDR_URL: undefined } });
    expect(result.code).toBe(1);
    expect(result.message).toContain('INCYDR_URL');
  });

  it('says an https:// INCYDR_URL whose server speaks plain HTTP does not speak TLS, naming the http:// URL', async () => {
    const host = new URL(fx.emu.url).host;
    const result = await runFailing(['sessions', 'search'], { extraEnv: { INCYDR_URL: `https://${host}` } });
    expect(result.code).toBe(1);
    expect(result.message).toBe(`incydr: the server at https://${host} does not speak TLS; use http://${host}`);
    expect(fx.emu.requests()).toEqual([]);
  });

  it(
    'reports an API that refuses connections in one line',
    async () => {
      const port = await closedPort();
      const result = await runFailing(['sessions', 'show', 'some-id'], {
        extraEnv: { INCYDR_URL: `http://127.0.0.1:${port}` },
        timeoutMs: 60_000,
      });
      expect(result.code).toBe(1);
      expect(result.message).toContain(`127.0.0.1:${port}`);
    },
    patient(70_000),
  );
});
