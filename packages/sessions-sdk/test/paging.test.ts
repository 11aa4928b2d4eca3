import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, type Session } from '../src/index.js';
import { clientOptions, startTestServer, type Recorded, type TestServer } from './helpers/server.js';

let server: TestServer;
let client: Client;

beforeEach(async () => {
  server = await startTestServer();
  client = new Client(clientOptions(server));
});

afterEach(async () => {
  await client.close();
  await server.close();
});

const ids = (from: number, count: number): string[] => Array.from({ length: count }, (_, i) => `s${from + i}`);
const pageOf = (request: Recorded): number => Number(new URLSearchParams(request.query).get('page_number'));

async function collect(iterable: AsyncIterable<Session>): Promise<string[]> {
  const out: string[] = [];
  for await (const session of iterable) out.push(session.sessionId ?? '');
  return out;
}

/** Serve `pages[n]` as page n (ids only), with the given total. */
function serve(pages: string[][], totalCount: number | undefined): void {
  server.on('GET /v1/sessions', (request) => ({
    json: { items: (pages[pageOf(request)] ?? []).map((sessionId) => ({ sessionId })), totalCount },
  }));
}

describe('iterAll', () => {
  it('requests 0-based pages with the same filters and stops once totalCount items arrived', async () => {
    serve([ids(0, 50), ids(50, 50), ids(100, 20)], 120);
    const got = await collect(client.sessions.v1.iterAll({ actorId: 'ann', startTime: '30d' }));
    expect(got).toEqual(ids(0, 120));
    expect(server.requests.map(pageOf)).toEqual([0, 1, 2]);
    const windows = server.requests.map((r) => new URLSearchParams(r.query).get('on_or_after'));
    expect(new Set(windows).size).toBe(1);
    expect(server.requests.every((r) => r.query.startsWith('actor_id=ann&on_or_after='))).toBe(true);
  });

  it('stops at a full last page when the total is reached, without asking for an empty page', async () => {
    serve([ids(0, 50), ids(50, 50)], 100);
    expect(await collect(client.sessions.v1.iterAll())).toHaveLength(100);
    expect(server.requests).toHaveLength(2);
  });

  it('stops at a page shorter than the page size even when the total says more', async () => {
    serve([ids(0, 10), ids(10, 10), ids(20, 3)], 1000);
    expect(await collect(client.sessions.v1.iterAll({ pageSize: 10 }))).toEqual(ids(0, 23));
    expect(server.requests).toHaveLength(3);
  });

  it('stops at an empty page when the server gives no total', async () => {
    serve([ids(0, 50), ids(50, 50)], undefined);
    expect(await collect(client.sessions.v1.iterAll())).toHaveLength(100);
    expect(server.requests.map(pageOf)).toEqual([0, 1, 2]);
  });

  it('stops when a server ignores page_number and repeats the same page', async () => {
    server.on('GET /v1/sessions', () => ({ json: { items: ids(0, 50).map((sessionId) => ({ sessionId })) } }));
    expect(await collect(client.sessions.v1.iterAll())).toEqual(ids(0, 50));
    expect(server.requests).toHaveLength(2);
  });

  it('yields a session that moved to the next page only once', async () => {
    // s49 shifts from page 0 to page 1 between the two requests, as happens when sessions change mid-listing.
    serve([ids(0, 50), [...ids(49, 1), ...ids(50, 10)]], 61);
    const got = await collect(client.sessions.v1.iterAll());
    expect(got).toEqual(ids(0, 60));
  });

  it('makes no further request when the caller stops early', async () => {
    serve([ids(0, 50), ids(50, 50), ids(100, 50)], 150);
    const got: string[] = [];
    for await (const session of client.sessions.v1.iterAll()) {
      got.push(session.sessionId ?? '');
      if (got.length === 60) break;
    }
    expect(server.requests).toHaveLength(2);
  });

  it('checks the page size before any request', async () => {
    await expect(collect(client.sessions.v1.iterAll({ pageSize: 0 }))).rejects.toThrow(/pageSize/);
    expect(server.requests).toHaveLength(0);
  });
});
