import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Client, RequestBudget, type LogLevel } from '../src/index.js';
import { HttpClient, type RequestLimiter } from '../src/http.js';
import { Log } from '../src/logger.js';
import { resolveSettings } from '../src/settings.js';
import { clientOptions, startTestServer, type TestServer } from './helpers/server.js';
import { patient } from '@x/vitest-config/patience';

let server: TestServer;

beforeEach(async () => {
  server = await startTestServer();
});

afterEach(async () => {
  await server.close();
});

describe('maxRequestsPerMinute', () => {
  it('holds back a request once the limit of the last minute is used, counting the token call', async () => {
    server.on('GET /v1/sessions/a', () => ({ json: { sessionId: 'a' } }));
    server.on('GET /v1/sessions/b', () => ({ json: { sessionId: 'b' } }));
    const lines: string[] = [];
    await using client = new Client(
      clientOptions(server, {
        maxRequestsPerMinute: 2,
        logLevel: 'INFO',
        logger: { log: (_level: LogLevel, message: string) => lines.push(message) },
      }),
    );
    await client.sessions.v1.getSessionDetails('a');
    const cancel = new AbortController();
    const second = client.sessions.v1.getSessionDetails('b', { signal: cancel.signal });
    const waiting = /^waiting \d+ms before GET \/v1\/sessions\/b: maxRequestsPerMinute reached$/;
    await vi.waitFor(() => expect(lines.some((line) => waiting.test(line))).toBe(true), {
      timeout: patient(10_000),
      interval: 5,
    });
    cancel.abort(new Error('gave up waiting'));
    await expect(second).rejects.toThrow('gave up waiting');
    expect(server.tokenRequests).toHaveLength(1);
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/sessions/a']);
  });

  it('lets requests through at once while the limit is not reached', async () => {
    server.on('GET /v1/sessions', (request) => {
      const pageNum = Number(new URLSearchParams(request.query).get('page_number'));
      return { json: { items: pageNum < 3 ? [{ sessionId: `s${pageNum}` }] : [], totalCount: 3 } };
    });
    // A token call and three pages: exactly the limit, so nothing waits.
    await using client = new Client(clientOptions(server, { maxRequestsPerMinute: 4 }));
    const got: string[] = [];
    for await (const session of client.sessions.v1.iterAll({ pageSize: 1 })) got.push(session.sessionId ?? '');
    expect(got).toEqual(['s0', 's1', 's2']);
    expect(server.requests).toHaveLength(3);
  });
});

describe('requestBudget', () => {
  it('counts the requests of every client that shares it against one limit', async () => {
    server.on('GET /v1/sessions/a', () => ({ json: { sessionId: 'a' } }));
    server.on('GET /v1/sessions/b', () => ({ json: { sessionId: 'b' } }));
    const budget = new RequestBudget(2);
    const lines: string[] = [];
    await using first = new Client(clientOptions(server, { requestBudget: budget }));
    await using second = new Client(
      clientOptions(server, {
        requestBudget: budget,
        logLevel: 'INFO',
        logger: { log: (_level: LogLevel, message: string) => lines.push(message) },
      }),
    );
    // The first client's token call and request use the whole budget: the second client's token call waits.
    await first.sessions.v1.getSessionDetails('a');
    const cancel = new AbortController();
    const waiting = second.sessions.v1.getSessionDetails('b', { signal: cancel.signal });
    await vi.waitFor(() => expect(lines.some((line) => / maxRequestsPerMinute reached$/.test(line))).toBe(true), {
      timeout: patient(10_000),
      interval: 5,
    });
    cancel.abort(new Error('gave up waiting'));
    await expect(waiting).rejects.toThrow('gave up waiting');
    expect(server.tokenRequests).toHaveLength(1);
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/sessions/a']);
    expect(budget.maxRequestsPerMinute).toBe(2);
  });

  it("replaces the client's own maxRequestsPerMinute", async () => {
    server.on('GET /v1/sessions/a', () => ({ json: { sessionId: 'a' } }));
    await using client = new Client(
      clientOptions(server, { maxRequestsPerMinute: 1, requestBudget: new RequestBudget(10) }),
    );
    for (let i = 0; i < 3; i += 1) await client.sessions.v1.getSessionDetails('a');
    expect(server.requests).toHaveLength(3);
  });
});

describe('HttpClient', () => {
  it('consults the limiter before every attempt, retries included, and reports each 429', async () => {
    server.sequence('GET /v1/sessions/s1', [
      { status: 429, headers: { 'retry-after': '0' } },
      { status: 503 },
      { json: { sessionId: 's1' } },
    ]);
    const settings = resolveSettings(clientOptions(server, { maxRetryDelayMs: 20 }));
    const acquired: string[] = [];
    const limiter: RequestLimiter = {
      acquire: async () => {
        acquired.push(`request ${server.requests.length}`);
      },
    };
    const http = new HttpClient(settings, new Log({ level: 'ERROR', stderr: false }), limiter);
    server.accept('token-1', 60);
    http.useTokens({ getToken: async () => 'token-1', invalidate: () => undefined });
    let throttled = 0;
    try {
      await http.send({
        method: 'GET',
        path: '/v1/sessions/s1',
        auth: 'bearer',
        retrySafe: true,
        onThrottled: () => {
          throttled += 1;
        },
      });
    } finally {
      await http.close();
    }
    // Each acquire comes before the attempt it allows: none of them saw that attempt at the server yet.
    expect(acquired).toEqual(['request 0', 'request 1', 'request 2']);
    expect(server.requests).toHaveLength(3);
    expect(throttled).toBe(1);
  });
});
