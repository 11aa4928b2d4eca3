import { afterEach, describe, expect, it } from 'vitest';
import { Client, ConnectionError } from '../src/index.js';
import { clientOptions, startTestServer, type TestServer } from './helpers/server.js';
import { startTlsServer } from './helpers/tls.js';

let closeServer: (() => Promise<void>) | undefined;

afterEach(async () => {
  await closeServer?.();
  closeServer = undefined;
});

describe('a URL whose scheme the server does not speak', () => {
  it('says an https:// server that speaks plain HTTP does not speak TLS, names the http:// URL and does not retry', async () => {
    const server: TestServer = await startTestServer();
    closeServer = () => server.close();
    const plain = new URL(server.url);
    await using client = new Client({
      ...clientOptions(server),
      url: `https://${plain.host}`,
      maxRetries: 3,
      maxRetryDelayMs: 20,
    });
    const error = await client.sessions.v1.getSessionDetails('s1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({
      reason: 'not-tls',
      detail: `the server at https://${plain.host} does not speak TLS; use http://${plain.host}`,
      outcome: 'not-applied',
      retries: 0,
    });
    expect((error as Error).message).not.toMatch(/wrong version|ssl3_get_record|openssl/i);
    expect(server.tokenRequests).toEqual([]);
  });

  it('says an http:// server that speaks only TLS speaks TLS, names the https:// URL and does not retry', async () => {
    const server = await startTlsServer();
    closeServer = () => server.close();
    const host = new URL(server.url).host;
    await using client = new Client({
      url: `http://${host}`,
      apiClientId: 'id',
      apiClientSecret: 'secret',
      env: {},
      envFile: null,
      logStderr: false,
      maxRetries: 3,
      maxRetryDelayMs: 20,
    });
    const error = await client.sessions.v1.getSessionDetails('s1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({
      reason: 'tls-only',
      detail: `the server at http://${host} speaks TLS; use https://${host}`,
      outcome: 'not-applied',
      retries: 0,
    });
    expect(server.requests).toBe(0);
  });
});
