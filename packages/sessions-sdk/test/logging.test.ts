import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, type LogLevel } from '../src/index.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  clientOptions,
  makeJwt,
  startTestServer,
  type TestServer,
} from './helpers/server.js';

let server: TestServer;
let dir: string;

beforeEach(async () => {
  server = await startTestServer();
  server.on('GET /v1/sessions', () => ({ json: { items: [{ sessionId: 's1' }], totalCount: 1 } }));
  dir = await mkdtemp(join(tmpdir(), 'sdk-log-'));
});

afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const bearerSent = (): string => (server.requests[0]?.headers.authorization ?? '').replace(/^Bearer /, '');

describe('logging', () => {
  it('writes requests and responses at DEBUG without the secret, the Basic credentials or the token', async () => {
    const logFile = join(dir, 'sdk.log');
    await using client = new Client(clientOptions(server, { logLevel: 'debug', logFile }));
    await client.sessions.v1.getPage({ actorId: 'ann' });
    const log = await readFile(logFile, 'utf8');
    const token = bearerSent();
    expect(token.length).toBeGreaterThan(20);
    expect(log).toContain(`request GET ${server.url}/v1/sessions?actor_id=ann`);
    expect(log).toContain('status=200');
    expect(log).toContain('"sessionId":"s1"');
    expect(log).toContain('[REDACTED]');
    expect(log).not.toContain(CLIENT_SECRET);
    expect(log).not.toContain(Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64'));
    expect(log).not.toContain(token);
    // The JWT's claims segment alone must not leak either.
    expect(log).not.toContain(token.split('.')[1] ?? 'missing');
  });

  it('redacts refresh tokens and access tokens of the refresh flow', async () => {
    const access = makeJwt({ tenantUid: 't', n: 'refreshed' });
    server.accept(access, 60);
    server.on('POST /v1/refresh', () => ({
      json: {
        accessToken: { tokenValue: access, expiresAt: new Date(Date.now() + 600_000).toISOString() },
        refreshToken: { tokenValue: 'rotated-refresh-token-123', expiresAt: null },
      },
    }));
    const lines: string[] = [];
    await using client = new Client({
      url: server.url,
      refreshToken: 'first-refresh-token-456',
      refreshUrl: `${server.url}/v1/refresh`,
      logLevel: 'DEBUG',
      logger: { log: (_level, message) => lines.push(message) },
      env: {},
      envFile: null,
    });
    await client.sessions.v1.getPage();
    const text = lines.join('\n');
    expect(text).toContain('/v1/refresh');
    expect(text).toContain('expiresAt');
    for (const secret of ['first-refresh-token-456', 'rotated-refresh-token-123', access]) {
      expect(text).not.toContain(secret);
    }
  });

  it('creates the log file readable by its owner only', async () => {
    const logFile = join(dir, 'new.log');
    await using client = new Client(clientOptions(server, { logLevel: 'INFO', logFile }));
    await client.sessions.v1.getPage();
    expect((await stat(logFile)).mode & 0o777).toBe(0o600);
  });

  it('writes control characters and bidi overrides of server text as escapes, one line per entry', async () => {
    const sessionId = 'a\u001b]0;t\u0007\u009b2J\u202eb\nc';
    server.on('GET /v1/sessions', () => ({ status: 200, json: { items: [{ sessionId }], totalCount: 1 } }));
    const lines: string[] = [];
    const logger = { log: (_level: LogLevel, message: string) => lines.push(message) };
    await using client = new Client(clientOptions(server, { logLevel: 'DEBUG', logger }));
    await client.sessions.v1.getPage();
    const response = lines.find((line) => line.startsWith('response GET')) ?? '';
    expect(response).toContain('a\\u001b]0;t\\u0007\\u009b2J\\u202eb');
    for (const line of lines)
      expect(line).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u);
  });

  it('logs one line per response at INFO and nothing at the default level', async () => {
    const seen: Array<[LogLevel, string]> = [];
    const logger = { log: (level: LogLevel, message: string) => seen.push([level, message]) };
    await using info = new Client(clientOptions(server, { logLevel: 20, logger }));
    await info.sessions.v1.getPage();
    expect(seen.map(([level]) => level)).toEqual(['INFO', 'INFO']);
    expect(seen[1]?.[1]).toMatch(new RegExp(`^GET ${server.url}/v1/sessions\\?\\S+ status=200 \\d+ms$`));
    seen.length = 0;
    await using quiet = new Client(clientOptions(server, { logger }));
    await quiet.sessions.v1.getPage();
    expect(seen).toEqual([]);
  });
});

describe('response history', () => {
  it('keeps at most maxResponseHistory responses, with token bodies redacted', async () => {
    await using client = new Client(clientOptions(server, { maxResponseHistory: 2 }));
    await client.sessions.v1.getPage();
    expect(client.responseHistory.map((r) => r.url.replace(server.url, ''))).toEqual([
      '/v1/oauth',
      '/v1/sessions?has_alerts=true&page_number=0&page_size=50',
    ]);
    const tokenRecord = client.responseHistory[0];
    expect(tokenRecord?.body).toContain('"access_token":"[REDACTED]"');
    expect(tokenRecord?.body).not.toContain(bearerSent());
    await client.sessions.v1.getPage({ pageNum: 1 });
    await client.sessions.v1.getPage({ pageNum: 2 });
    expect(client.responseHistory).toHaveLength(2);
    expect(client.responseHistory.map((r) => r.url)).toEqual([
      `${server.url}/v1/sessions?has_alerts=true&page_number=1&page_size=50`,
      `${server.url}/v1/sessions?has_alerts=true&page_number=2&page_size=50`,
    ]);
    expect(client.responseHistory[1]).toMatchObject({ method: 'GET', status: 200 });
  });

  it('keeps nothing when maxResponseHistory is 0', async () => {
    await using client = new Client(clientOptions(server, { maxResponseHistory: 0 }));
    await client.sessions.v1.getPage();
    expect(client.responseHistory).toEqual([]);
  });
});
