import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, Client, IncydrError, InvalidArgumentError, type Session } from '../src/index.js';
import { clientOptions, startTestServer, type Recorded, type Reply, type TestServer } from './helpers/server.js';
import { patient } from '@x/vitest-config/patience';

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
    // Pages 1 and 2 are requested together once page 0 gave the total, so they may arrive in either order.
    expect(server.requests.map(pageOf).sort()).toEqual([0, 1, 2]);
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
    expect(await collect(client.sessions.v1.iterAll({ pageSize: 10 }, { concurrency: 1 }))).toEqual(ids(0, 23));
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
    for await (const session of client.sessions.v1.iterAll({}, { concurrency: 1 })) {
      got.push(session.sessionId ?? '');
      if (got.length === 60) break;
    }
    expect(server.requests).toHaveLength(2);
  });

  it('checks the page size before any request', async () => {
    await expect(collect(client.sessions.v1.iterAll({ pageSize: 0 }))).rejects.toThrow(/pageSize/);
    await expect(collect(client.sessions.v1.iterAll({ pageSize: 1001 }))).rejects.toThrow(/from 1 to 1000/);
    expect(server.requests).toHaveLength(0);
  });

  it('pages by 1000, the largest documented page size, with the same stop rules', async () => {
    servePages(1000, 2500);
    expect(await collect(client.sessions.v1.iterAll({ pageSize: 1000 }))).toEqual(ids(0, 2500));
    expect(server.requests.map(pageOf).sort()).toEqual([0, 1, 2]);
    expect(server.requests.every((r) => new URLSearchParams(r.query).get('page_size') === '1000')).toBe(true);
  });

  it('fails instead of stopping early when the server serves fewer than asked on page 0', async () => {
    // A server whose limit is 50 (the vendor's text says "Max of '50'") serving 50 where 1000 were asked: the
    // short-page rule alone would end the listing after 50 of 120 sessions.
    server.on('GET /v1/sessions', (request) => {
      const pageNum = pageOf(request);
      const size = Math.min(50, Number(new URLSearchParams(request.query).get('page_size')));
      const items = ids(pageNum * size, Math.max(0, Math.min(size, 120 - pageNum * size)));
      return { json: { items: items.map((sessionId) => ({ sessionId })), totalCount: 120 } };
    });
    const error = await collect(client.sessions.v1.iterAll({ pageSize: 1000 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IncydrError);
    expect(error).not.toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toBe(
      'the server answered page 0 with 50 items where 1000 were asked and its total is 120: it serves fewer per page ' +
        'than asked, so paging would miss items; use a page size of 50 or less',
    );
    expect(server.requests).toHaveLength(1);
    expect(await collect(client.sessions.v1.iterAll({ pageSize: 50 }))).toEqual(ids(0, 120));
  });

  it('still ends at a short page 0 that holds the whole total', async () => {
    serve([ids(0, 7)], 7);
    expect(await collect(client.sessions.v1.iterAll({ pageSize: 1000 }))).toEqual(ids(0, 7));
    expect(server.requests).toHaveLength(1);
  });
});

/** Serve pages of `ids(pageNum * size, size)` up to `totalCount`, each answer shaped by `reply` (delays, faults). */
function servePages(
  size: number,
  totalCount: number,
  reply: (pageNum: number) => Partial<Reply> | Promise<Partial<Reply>> = () => ({}),
): void {
  server.on('GET /v1/sessions', async (request) => {
    const pageNum = pageOf(request);
    const count = Math.max(0, Math.min(size, totalCount - pageNum * size));
    const items = ids(pageNum * size, count).map((sessionId) => ({ sessionId }));
    return { json: { items, totalCount }, ...(await reply(pageNum)) };
  });
}

const pageRequests = (): Recorded[] => server.requests.filter((r) => r.path === '/v1/sessions');
/** Resolves once `n` requests are in flight, or after a bounded wait when they never are (never rejects). */
const inFlightAtLeast = (n: number): Promise<void> =>
  vi
    .waitFor(() => expect(server.inFlight).toBeGreaterThanOrEqual(n), { timeout: patient(5_000), interval: 2 })
    .catch(() => undefined);
const waitFor = (check: () => void): Promise<void> => vi.waitFor(check, { timeout: patient(10_000), interval: 5 });

describe('iterAll with concurrency', () => {
  it('yields sessions in page order, each once, when pages answer out of order', async () => {
    // Every page starts one session earlier than the one before ends, as when sessions arrive mid-listing.
    server.on('GET /v1/sessions', (request) => {
      const pageNum = pageOf(request);
      return {
        json: { items: ids(pageNum * 9, 10).map((sessionId) => ({ sessionId })), totalCount: 120 },
        delayMs: Math.floor(Math.random() * 30),
      };
    });
    const got = await collect(client.sessions.v1.iterAll({ pageSize: 10 }, { concurrency: 4 }));
    expect(got).toEqual(ids(0, 11 * 9 + 10));
    expect(
      pageRequests()
        .map(pageOf)
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(server.maxInFlight).toBeGreaterThan(1);
  });

  it('never has more than `concurrency` requests in flight, and uses them all', async () => {
    servePages(5, 100, () => ({ delayMs: 30 }));
    expect(await collect(client.sessions.v1.iterAll({ pageSize: 5 }, { concurrency: 3 }))).toEqual(ids(0, 100));
    expect(server.maxInFlight).toBe(3);
    expect(pageRequests()).toHaveLength(20);
  });

  it('takes its default concurrency from the client setting', async () => {
    await client.close();
    client = new Client(clientOptions(server, { concurrency: 2 }));
    servePages(5, 50, () => ({ delayMs: 30 }));
    expect(await collect(client.sessions.v1.iterAll({ pageSize: 5 }))).toEqual(ids(0, 50));
    expect(server.maxInFlight).toBe(2);
  });

  it('requests no more pages while the consumer pauses, and resumes when it continues', async () => {
    await client.close();
    client = new Client(clientOptions(server, { maxResponseHistory: 100 }));
    servePages(5, 100);
    const received = (): number => client.responseHistory.filter((r) => r.url.includes('/v1/sessions?')).length;
    const got: string[] = [];
    let requestedWhilePaused = -1;
    for await (const session of client.sessions.v1.iterAll({ pageSize: 5 }, { concurrency: 4 })) {
      got.push(session.sessionId ?? '');
      if (got.length === 1) {
        // Page 0 and the three pages ahead have arrived; anything the pager started on their arrival would reach
        // the server before a request sent after it.
        await waitFor(() => expect(received()).toBe(4));
        await fetch(`${server.url}/fence`);
        requestedWhilePaused = pageRequests().length;
      }
    }
    expect(requestedWhilePaused).toBe(4);
    expect(got).toEqual(ids(0, 100));
    expect(pageRequests()).toHaveLength(20);
  });

  it('aborts the pages running ahead when the consumer breaks, leaving nothing pending', async () => {
    servePages(10, 100, (pageNum) => (pageNum === 0 ? {} : { hang: true }));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      const got: string[] = [];
      for await (const session of client.sessions.v1.iterAll({ pageSize: 10 }, { concurrency: 4 })) {
        got.push(session.sessionId ?? '');
        await waitFor(() => expect(server.inFlight).toBe(3));
        break;
      }
      expect(got).toEqual(['s0']);
      await waitFor(() => expect(server.inFlight).toBe(0));
      expect(pageRequests().map(pageOf).sort()).toEqual([0, 1, 2, 3]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('throws the error of page 3 of 6 after yielding pages 0 to 2, and aborts the pages after it', async () => {
    servePages(10, 60, (pageNum) => {
      if (pageNum === 3) return { status: 400, json: { message: 'page 3 broke' } };
      if (pageNum >= 4) return { hang: true };
      return { delayMs: pageNum === 0 ? 0 : 40 };
    });
    const got: string[] = [];
    const error = await (async () => {
      for await (const session of client.sessions.v1.iterAll({ pageSize: 10 }, { concurrency: 4 })) {
        got.push(session.sessionId ?? '');
        // By the first session of page 2, pages 4 and 5 have been requested and hang.
        if (got.length === 21) await waitFor(() => expect(server.inFlight).toBe(2));
      }
    })().catch((e: unknown) => e);
    expect(got).toEqual(ids(0, 30));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, serverMessage: 'page 3 broke' });
    expect(pageRequests().map(pageOf).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    await waitFor(() => expect(server.inFlight).toBe(0));
  });

  it('lowers its concurrency for the rest of the listing when the server answers 429', async () => {
    const attempts = new Map<number, number>();
    servePages(5, 80, (pageNum) => {
      const attempt = (attempts.get(pageNum) ?? 0) + 1;
      attempts.set(pageNum, attempt);
      // From page 2 on, every first attempt is throttled, as under a server's per-minute limit.
      const answer: Partial<Reply> =
        pageNum >= 2 && attempt === 1 ? { status: 429, headers: { 'retry-after': '0' }, delayMs: 10 } : { delayMs: 40 };
      // Pages 1-4 answer once all four are in flight (or a while later): what is measured is how many requests the
      // client sends at once, not whether a loaded machine sent the fourth before the second was answered.
      return pageNum >= 1 && pageNum <= 4 && attempt === 1 ? inFlightAtLeast(4).then(() => answer) : answer;
    });
    expect(await collect(client.sessions.v1.iterAll({ pageSize: 5 }, { concurrency: 4 }))).toEqual(ids(0, 80));
    const firstAttempts = (from: number, to: number): Recorded[] => {
      const seen = new Set<number>();
      return pageRequests().filter((r) => {
        const pageNum = pageOf(r);
        if (seen.has(pageNum) || pageNum < from || pageNum > to) return false;
        seen.add(pageNum);
        return true;
      });
    };
    const peak = (requests: Recorded[]): number => Math.max(...requests.map((r) => r.concurrent));
    expect(peak(firstAttempts(1, 4))).toBe(4);
    expect(peak(firstAttempts(8, 15))).toBeLessThanOrEqual(2);
  });

  it('checks the concurrency of a call before any request', async () => {
    for (const concurrency of [0, 17, 2.5]) {
      await expect(collect(client.sessions.v1.iterAll({}, { concurrency }))).rejects.toThrow(InvalidArgumentError);
    }
    await expect(collect(client.sessions.v1.iterAll({}, { concurrency: 0 }))).rejects.toThrow(
      /concurrency must be an integer from 1 to 16/,
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe('iterPages', () => {
  it('yields the sessions a page at a time, in page order, each once and a page of repeats not at all', async () => {
    // Page 1 repeats s9 (it moved between requests); page 2 holds only sessions already seen.
    serve([ids(0, 10), [...ids(9, 1), ...ids(10, 9)], ids(5, 10), ids(19, 3)], 1000);
    const pages: string[][] = [];
    for await (const page of client.sessions.v1.iterPages({ pageSize: 10 }, { concurrency: 1 })) {
      pages.push(page.map((session) => session.sessionId ?? ''));
    }
    expect(pages).toEqual([ids(0, 10), ids(10, 9), ids(19, 3)]);
  });
});
