import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { patient } from '@x/vitest-config/patience';
import { NodeTransport } from './node-transport.js';

let server: Server | undefined;
let transport: NodeTransport | undefined;

afterEach(async () => {
  transport?.close();
  transport = undefined;
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function get(url: string, signal = new AbortController().signal): ReturnType<NodeTransport['send']> {
  transport ??= new NodeTransport(4);
  return transport.send({ method: 'GET', url, headers: [], body: undefined, signal });
}

const text = JSON.stringify({ note: 'déjà vu ✓ 日本', items: Array.from({ length: 200 }, (_, i) => i) });
const encoders: Record<string, (data: Buffer) => Buffer> = {
  gzip: gzipSync,
  deflate: deflateSync,
  'deflate-raw': deflateRawSync,
  br: brotliCompressSync,
};

describe('NodeTransport', () => {
  it('asks for gzip, deflate and br and decodes each, zlib-wrapped and raw deflate alike', async () => {
    const asked: (string | undefined)[] = [];
    const url = await serve((req, res) => {
      asked.push(req.headers['accept-encoding']);
      const coding = new URL(req.url ?? '', 'http://x').searchParams.get('coding') ?? '';
      const encode = encoders[coding] as (data: Buffer) => Buffer;
      res.writeHead(200, { 'content-encoding': coding.replace('-raw', '') });
      res.end(encode(Buffer.from(text)));
    });
    for (const coding of Object.keys(encoders)) {
      const answer = await get(`${url}/?coding=${coding}`);
      expect(answer.text, coding).toBe(text);
    }
    expect(asked).toEqual(Array(4).fill('gzip, deflate, br'));
  });

  it('undoes several codings in the reverse order of Content-Encoding and keeps an unknown coding as sent', async () => {
    const url = await serve((req, res) => {
      if (req.url === '/unknown') {
        res.writeHead(200, { 'content-encoding': 'zstd' });
        res.end('raw bytes');
        return;
      }
      res.writeHead(200, { 'content-encoding': 'gzip, br' });
      res.end(brotliCompressSync(gzipSync(Buffer.from(text))));
    });
    expect((await get(`${url}/both`)).text).toBe(text);
    expect((await get(`${url}/unknown`)).text).toBe('raw bytes');
  });

  it('gives status, status text, repeated headers and the body without a byte-order mark', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(201, 'Made', [
        ['set-cookie', 'a=1'],
        ['set-cookie', 'b=2'],
        ['x-one', 'v'],
      ]);
      res.end('\uFEFF{"ok":true}');
    });
    const answer = await get(url);
    expect(answer).toMatchObject({ status: 201, statusText: 'Made', text: '{"ok":true}' });
    expect(answer.headers.filter(([name]) => name.toLowerCase() === 'set-cookie')).toEqual([
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ]);
  });

  it('fails with ECONNRESET when the connection closes before the announced length arrived', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"partial":', () => res.socket?.destroy());
    });
    await expect(get(url)).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it("rejects with the signal's reason when aborted while the body is still arriving", async () => {
    let started: () => void = () => undefined;
    const bodyStarted = new Promise<void>((resolve) => (started = resolve));
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"stalls":', () => started());
    });
    const controller = new AbortController();
    const answer = get(url, controller.signal);
    await bodyStarted;
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(answer).rejects.toBe(reason);
  });

  it('sends a POST body with its Content-Length and reuses one connection for requests in sequence', async () => {
    const seen: { length: string | undefined; body: string; port: number | undefined }[] = [];
    const url = await serve((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        seen.push({ length: req.headers['content-length'], body, port: req.socket.remotePort });
        res.end('{}');
      });
    });
    transport = new NodeTransport(4);
    const body = '{"note":"é"}';
    for (let i = 0; i < 3; i += 1) {
      const headers: [string, string][] = [['content-type', 'application/json']];
      await transport.send({ method: 'POST', url, headers, body, signal: new AbortController().signal });
    }
    expect(seen.map(({ length, body: sent }) => ({ length, sent }))).toEqual(
      Array(3).fill({ length: '13', sent: body }),
    );
    expect(new Set(seen.map(({ port }) => port)).size).toBe(1);
  });

  it('closes its idle connections on close()', async () => {
    const url = await serve((_req, res) => res.end('{}'));
    // Neither side closes an idle connection on its own within the test: only close() can.
    if (server !== undefined) server.keepAliveTimeout = 600_000;
    transport = new NodeTransport(4, undefined, 600_000);
    await get(url);
    const open = (): Promise<number> =>
      new Promise((resolve, reject) =>
        server?.getConnections((error, count) => (error ? reject(error) : resolve(count))),
      );
    expect(await open()).toBe(1);
    transport?.close();
    await vi.waitFor(async () => expect(await open()).toBe(0), { timeout: patient(5_000), interval: 5 });
  });

  it("fails with the connect-timeout code Node's fetch gave when a TLS handshake does not finish within the limit", async () => {
    // A TCP server that accepts and never says anything: the connection is made, the handshake never completes.
    const accepted: Socket[] = [];
    const silent = createTcpServer((socket) => accepted.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      transport = new NodeTransport(4, 100);
      const signal = new AbortController().signal;
      const attempt = transport.send({
        method: 'GET',
        url: `https://127.0.0.1:${port}/`,
        headers: [],
        body: undefined,
        signal,
      });
      await expect(attempt).rejects.toMatchObject({
        code: 'UND_ERR_CONNECT_TIMEOUT',
        message: `could not connect to 127.0.0.1:${port} within 100 ms`,
      });
    } finally {
      for (const socket of accepted) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
