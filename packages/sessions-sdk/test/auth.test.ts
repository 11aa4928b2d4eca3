import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { patient } from '@x/vitest-config/patience';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthenticationError, Client } from '../src/index.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  clientOptions,
  makeJwt,
  startTestServer,
  type TestServer,
} from './helpers/server.js';

let server: TestServer;

beforeEach(async () => {
  server = await startTestServer();
  server.on('GET /v1/sessions/s1', () => ({ json: { sessionId: 's1' } }));
});

afterEach(async () => {
  await server.close();
});

describe('client credentials', () => {
  it('fetches no token until the first request, then posts Basic credentials without a body', async () => {
    await using client = new Client(clientOptions(server));
    expect(server.tokenRequests).toHaveLength(0);
    await client.sessions.v1.getSessionDetails('s1');
    expect(server.tokenRequests).toHaveLength(1);
    const token = server.tokenRequests[0];
    expect(token?.method).toBe('POST');
    expect(token?.body).toBe('');
    expect(token?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
    );
  });

  it('reuses a token until shortly before it expires', async () => {
    await using client = new Client(clientOptions(server));
    for (let i = 0; i < 5; i += 1) await client.sessions.v1.getSessionDetails('s1');
    expect(server.tokenRequests).toHaveLength(1);
  });

  it('fetches a new token when the old one has expired', async () => {
    server.tokenTtlSec = 0;
    server.tokenValidSec = 60;
    await using client = new Client(clientOptions(server));
    await client.sessions.v1.getSessionDetails('s1');
    await client.sessions.v1.getSessionDetails('s1');
    expect(server.tokenRequests).toHaveLength(2);
  });

  it('lets one token call serve many concurrent requests', async () => {
    await using client = new Client(clientOptions(server));
    await Promise.all(Array.from({ length: 20 }, () => client.sessions.v1.getSessionDetails('s1')));
    expect(server.tokenRequests).toHaveLength(1);
    expect(server.requests).toHaveLength(20);
  });

  it('keeps fetching the shared token for the others when the caller that started it aborts', async () => {
    server.tokenDelayMs = 200;
    await using client = new Client(clientOptions(server));
    const controller = new AbortController();
    const first = client.sessions.v1.getSessionDetails('s1', { signal: controller.signal });
    const second = client.sessions.v1.getSessionDetails('s1');
    controller.abort(new Error('first caller gave up'));
    await expect(first).rejects.toThrow('first caller gave up');
    expect((await second).sessionId).toBe('s1');
    expect(server.tokenRequests).toHaveLength(1);
    expect(server.requests).toHaveLength(1);
  });

  it('cuts a token request nobody waits for any more when the client closes, so nothing holds the process', async () => {
    // A server of its own: the shared one answers every token call; this one holds the token call and tells when
    // the client hung up on it.
    let arrived!: () => void;
    let hungUp!: () => void;
    const tokenArrived = new Promise<void>((resolve) => (arrived = resolve));
    const tokenHungUp = new Promise<void>((resolve) => (hungUp = resolve));
    const held = createServer((_req, res) => {
      res.on('close', hungUp);
      arrived();
    });
    await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(held.address() as AddressInfo).port}`;
      const client = new Client({ ...clientOptions(server), url, timeoutMs: 600_000 });
      const controller = new AbortController();
      const pending = client.sessions.v1.getSessionDetails('s1', { signal: controller.signal });
      await tokenArrived;
      controller.abort(new Error('interrupted'));
      await expect(pending).rejects.toThrow('interrupted');
      await client.close();
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        tokenHungUp.then(() => 'hung up'),
        new Promise((resolve) => (timer = setTimeout(() => resolve('still open'), patient(5_000)))),
      ]);
      clearTimeout(timer);
      expect(outcome).toBe('hung up');
    } finally {
      held.closeAllConnections();
      await new Promise((resolve) => held.close(resolve));
    }
  });

  it('re-authenticates once after a 401 and retries the request once', async () => {
    await using client = new Client(clientOptions(server));
    await client.sessions.v1.getSessionDetails('s1');
    server.revokeAll();
    await client.sessions.v1.getSessionDetails('s1');
    expect(server.tokenRequests).toHaveLength(2);
    expect(server.requests).toHaveLength(3);
    expect(server.requests[1]?.headers.authorization).not.toBe(server.requests[2]?.headers.authorization);
  });

  it('gives up with an AuthenticationError when the fresh token is refused too', async () => {
    server.on('GET /v1/sessions/s2', () => ({ status: 401, json: { message: 'token revoked' } }));
    await using client = new Client(clientOptions(server));
    const error = await client.sessions.v1.getSessionDetails('s2').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).status).toBe(401);
    expect((error as Error).message).toContain('token revoked');
    expect(server.tokenRequests).toHaveLength(2);
    expect(server.requests).toHaveLength(2);
  });

  it('reports refused credentials with the server message and no API call', async () => {
    await using client = new Client(clientOptions(server, { apiClientSecret: 'wrong-secret' }));
    const error = await client.sessions.v1.getSessionDetails('s1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toMatch(/client id or secret.*invalid_client/);
    expect(server.requests).toHaveLength(0);
  });

  it('reads the tenant id from the token', async () => {
    await using client = new Client(clientOptions(server));
    expect(await client.getTenantId()).toBe('tenant-7');
  });
});

describe('refresh token', () => {
  it('posts the refresh token as JSON, uses the access token and hands over the rotated refresh token', async () => {
    let issued = 0;
    server.on('POST /v1/refresh', () => {
      issued += 1;
      const access = makeJwt({ tenantUid: 't', n: issued });
      server.accept(access, 60);
      return {
        json: {
          // Expired on arrival: the client must refresh again for its next call.
          accessToken: { tokenValue: access, expiresAt: new Date(Date.now() - 1000).toISOString() },
          refreshToken: { tokenValue: `refresh-${issued}`, expiresAt: '2030-01-01T00:00:00Z' },
        },
      };
    });
    server.on('GET /v1/sessions/s9', () => ({ json: { sessionId: 's9' } }));
    const rotated: string[] = [];
    await using client = new Client({
      url: server.url,
      refreshToken: 'refresh-0',
      refreshUrl: `${server.url}/v1/refresh`,
      apiClientId: CLIENT_ID,
      apiClientSecret: CLIENT_SECRET,
      onRefreshToken: (token) => {
        rotated.push(token.tokenValue);
      },
      env: {},
      envFile: null,
      logStderr: false,
    });
    await client.sessions.v1.getSessionDetails('s9');
    await client.sessions.v1.getSessionDetails('s9');
    const refreshCalls = server.requests.filter((r) => r.path === '/v1/refresh');
    expect(refreshCalls.map((r) => JSON.parse(r.body))).toEqual([
      { refreshToken: 'refresh-0' },
      { refreshToken: 'refresh-1' },
    ]);
    expect(refreshCalls[0]?.headers['content-type']).toBe('application/json');
    expect(rotated).toEqual(['refresh-1', 'refresh-2']);
    expect(server.tokenRequests).toHaveLength(0);
  });
});
