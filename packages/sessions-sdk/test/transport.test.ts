import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, Client } from '../src/index.js';
import { NodeTransport } from '../src/node-transport.js';
import { clientOptions, startTestServer, type TestServer } from './helpers/server.js';
import { patient } from '@x/vitest-config/patience';

let server: TestServer;
let elsewhere: TestServer;

beforeEach(async () => {
  // The server keeps idle connections far longer than the client's pool does (4 s), so that it never ends them.
  const keepAliveTimeoutMs = 120_000;
  [server, elsewhere] = await Promise.all([startTestServer({ keepAliveTimeoutMs }), startTestServer()]);
});

afterEach(async () => {
  await Promise.all([server.close(), elsewhere.close()]);
});

describe('the direct HTTP route', () => {
  it('does not follow a redirect: a 3xx is an ApiError and nothing goes to the other server', async () => {
    server.on('GET /v1/sessions/s1', () => ({
      status: 302,
      headers: { location: `${elsewhere.url}/v1/sessions/s1` },
      json: { message: 'moved' },
    }));
    await using client = new Client(clientOptions(server, { maxRetries: 0 }));
    const error = await client.sessions.v1.getSessionDetails('s1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 302 });
    expect(elsewhere.requests).toEqual([]);
  });

  it("closes the client's pooled connections when the client is closed", async () => {
    server.on('GET /v1/sessions/s1', () => ({ json: { sessionId: 's1' } }));
    const client = new Client(clientOptions(server));
    await client.sessions.v1.getSessionDetails('s1');
    expect(await server.openConnections()).toBeGreaterThan(0);
    // The pool would also drop its connections by itself once idle (after 4 s), which the wait below could mistake
    // for close(): that close() reaches the pool is checked on the pool itself.
    const poolClose = vi.spyOn(NodeTransport.prototype, 'close');
    await client.close();
    expect(poolClose).toHaveBeenCalledTimes(1);
    poolClose.mockRestore();
    await vi.waitFor(async () => expect(await server.openConnections()).toBe(0), {
      timeout: patient(5_000),
      interval: 5,
    });
  });

  it('lets a request in flight when the client closes finish, then closes its connection', async () => {
    let answer!: () => void;
    const released = new Promise<void>((resolve) => (answer = resolve));
    server.on('GET /v1/sessions/s1', async () => {
      await released;
      return { json: { sessionId: 's1' } };
    });
    const client = new Client(clientOptions(server));
    const pending = client.sessions.v1.getSessionDetails('s1');
    await vi.waitFor(() => expect(server.inFlight).toBe(1), { timeout: patient(5_000), interval: 5 });
    await client.close();
    answer();
    expect((await pending).sessionId).toBe('s1');
    expect(server.requests).toHaveLength(1);
    await vi.waitFor(async () => expect(await server.openConnections()).toBe(0), {
      timeout: patient(5_000),
      interval: 5,
    });
  });
});
