import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, Client, ConnectionError, TimeoutError } from '../src/index.js';
import { clientOptions, startTestServer, type TestServer } from './helpers/server.js';

/**
 * A loopback HTTP proxy that tunnels CONNECT requests and remembers their targets; `answer` makes it refuse each
 * tunnel with that status instead, `hang` never answer.
 */
async function startProxy(
  behaviour: { answer?: number; hang?: boolean } = {},
): Promise<{ url: string; targets: string[]; close: () => Promise<void> }> {
  const targets: string[] = [];
  const sockets = new Set<Socket>();
  const proxy: Server = createServer((_req, res) => {
    res.writeHead(405).end();
  });
  proxy.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  proxy.on('connect', (req, client: Socket, head: Buffer) => {
    targets.push(req.url ?? '');
    client.on('error', () => undefined);
    if (behaviour.hang === true) return;
    if (behaviour.answer !== undefined) {
      client.end(`HTTP/1.1 ${behaviour.answer} Refused\r\n\r\n`);
      return;
    }
    const [host = '', port = ''] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    targets,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}

let server: TestServer;
let proxy: Awaited<ReturnType<typeof startProxy>>;

beforeEach(async () => {
  server = await startTestServer();
  server.on('GET /v1/sessions/s1', () => ({ json: { sessionId: 's1' } }));
  proxy = await startProxy();
});

afterEach(async () => {
  await proxy.close();
  await server.close();
});

describe('proxy', () => {
  it('sends the token call and API calls through HTTP_PROXY', async () => {
    const host = new URL(server.url).host;
    await using client = new Client(clientOptions(server, { env: { http_proxy: proxy.url } }));
    await client.sessions.v1.getSessionDetails('s1');
    expect(proxy.targets.length).toBeGreaterThanOrEqual(1);
    expect(new Set(proxy.targets)).toEqual(new Set([host]));
    expect(server.tokenRequests).toHaveLength(1);
    expect(server.requests).toHaveLength(1);
  });

  it('does not follow a redirect through the proxy either: a 3xx is an ApiError', async () => {
    server.on('GET /v1/sessions/s1', () => ({ status: 302, headers: { location: '/v1/sessions/s2' }, json: {} }));
    server.on('GET /v1/sessions/s2', () => ({ json: { sessionId: 's2' } }));
    await using client = new Client(clientOptions(server, { env: { http_proxy: proxy.url }, maxRetries: 0 }));
    const error = await client.sessions.v1.getSessionDetails('s1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 302 });
    expect(server.requests.map((request) => request.path)).toEqual(['/v1/sessions/s1']);
  });

  it('goes direct for hosts listed in NO_PROXY', async () => {
    await using client = new Client(
      clientOptions(server, { env: { HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' } }),
    );
    await client.sessions.v1.getSessionDetails('s1');
    expect(proxy.targets).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('takes the proxy from the .env file when the environment has none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sdk-proxy-'));
    const envFile = join(dir, '.env');
    await writeFile(envFile, `HTTPS_PROXY=http://127.0.0.1:9\nhttp_proxy=${proxy.url}\n`);
    await using client = new Client(clientOptions(server, { env: {}, envFile }));
    await client.sessions.v1.getSessionDetails('s1');
    expect(proxy.targets).toContain(new URL(server.url).host);
    await rm(dir, { recursive: true });
  });

  it('fails with a ConnectionError when the proxy is down, never going direct', async () => {
    const downUrl = proxy.url;
    await proxy.close();
    proxy = await startProxy();
    await using client = new Client(clientOptions(server, { env: { HTTP_PROXY: downUrl }, maxRetries: 0 }));
    await expect(client.sessions.v1.getSessionDetails('s1')).rejects.toBeInstanceOf(ConnectionError);
    expect(server.requests).toHaveLength(0);
    expect(server.tokenRequests).toHaveLength(0);
  });

  it('names the proxy it cannot reach, without its credentials, and not a proxy for hosts NO_PROXY sends direct', async () => {
    const down = new URL(proxy.url);
    await proxy.close();
    proxy = await startProxy();
    const proxyUrl = `http://incydr:pr0xy-s3cret@${down.host}`;
    await using client = new Client(clientOptions(server, { env: { HTTP_PROXY: proxyUrl }, maxRetries: 0 }));
    const error = await client.sessions.v1.getSessionDetails('s1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    const message = (error as ConnectionError).message;
    expect(message).toContain(`failed: cannot reach the proxy http://${down.host} (HTTP_PROXY): `);
    expect(message).toMatch(/ECONNREFUSED/);
    expect(message).not.toMatch(/pr0xy-s3cret|incydr:/);
    expect((error as ConnectionError).proxy).toBe(`http://${down.host}`);

    // The API itself down, reached directly: the message names no proxy.
    const apiDown = `http://127.0.0.1:${down.port}`;
    await using direct = new Client({
      ...clientOptions(server, { env: { HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' }, maxRetries: 0 }),
      url: apiDown,
    });
    const directError = await direct.sessions.v1.getSessionDetails('s1').catch((e: unknown) => e);
    expect(directError).toBeInstanceOf(ConnectionError);
    expect((directError as ConnectionError).message).not.toMatch(/proxy/);
    expect((directError as ConnectionError).proxy).toBeUndefined();
  });

  it('names the proxy and its answer when it refuses the tunnel', async () => {
    const refusing = await startProxy({ answer: 502 });
    try {
      await using client = new Client(clientOptions(server, { env: { HTTP_PROXY: refusing.url }, maxRetries: 0 }));
      const error = await client.sessions.v1.getSessionDetails('s1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as Error).message).toContain(
        `the proxy ${refusing.url} (HTTP_PROXY) answered the tunnel request with HTTP 502`,
      );
      expect(server.tokenRequests).toHaveLength(0);
    } finally {
      await refusing.close();
    }
  });

  it('names the proxy in a timeout when the proxy never answers', async () => {
    const hanging = await startProxy({ hang: true });
    try {
      await using client = new Client(
        clientOptions(server, { env: { HTTP_PROXY: hanging.url }, maxRetries: 0, timeoutMs: 300 }),
      );
      const error = await client.sessions.v1.getSessionDetails('s1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as Error).message).toMatch(
        new RegExp(`timed out after 300 ms \\(through the proxy ${hanging.url} \\(HTTP_PROXY\\)\\)$`),
      );
    } finally {
      await hanging.close();
    }
  });
});
