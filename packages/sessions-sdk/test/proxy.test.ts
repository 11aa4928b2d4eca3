import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, ConnectionError } from '../src/index.js';
import { clientOptions, startTestServer, type TestServer } from './helpers/server.js';

/** A loopback HTTP proxy that tunnels CONNECT requests and remembers their targets. */
async function startProxy(): Promise<{ url: string; targets: string[]; close: () => Promise<void> }> {
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
});
