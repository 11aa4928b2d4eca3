import { describe, expect, it } from 'vitest';
import { AdaptiveConcurrency, paginateByNumber, type NumberedPage, type PageRequestContext } from './pagination.js';

/** A page request the test answers by hand. */
interface Call {
  pageNum: number;
  context: PageRequestContext;
  resolve(page: NumberedPage<string>): void;
  reject(error: unknown): void;
}

/** A fetchPage whose calls wait until the test resolves them. */
function manualPages(): {
  calls: Call[];
  fetchPage: (pageNum: number, context: PageRequestContext) => Promise<NumberedPage<string>>;
} {
  const calls: Call[] = [];
  const fetchPage = (pageNum: number, context: PageRequestContext): Promise<NumberedPage<string>> =>
    new Promise((resolve, reject) => {
      calls.push({ pageNum, context, resolve, reject });
      // A real request rejects when its signal aborts; an aborted call the pager no longer waits for must not
      // surface as an unhandled rejection.
      context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true });
    });
  return { calls, fetchPage };
}

/** Let every pending promise callback and I/O callback run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const page = (pageNum: number, size: number, totalCount: number | undefined): NumberedPage<string> => ({
  items: Array.from({ length: size }, (_, i) => `k${pageNum * size + i}`),
  totalCount,
});

const call = (calls: Call[], pageNum: number): Call => {
  const found = calls.find((c) => c.pageNum === pageNum);
  if (found === undefined) throw new Error(`page ${pageNum} was not requested`);
  return found;
};

describe('paginateByNumber with concurrency', () => {
  it('requests ahead once the first page gives a total, and holds at most `concurrency` pages while the consumer waits', async () => {
    const { calls, fetchPage } = manualPages();
    const items = paginateByNumber(fetchPage, 2, (key) => key, { concurrency: 4 })[Symbol.asyncIterator]();
    const first = items.next();
    await settle();
    expect(calls.map((c) => c.pageNum)).toEqual([0]);
    call(calls, 0).resolve(page(0, 2, 20));
    expect(await first).toEqual({ done: false, value: 'k0' });
    await settle();
    // Page 0 is being yielded, so three pages go ahead.
    expect(calls.map((c) => c.pageNum)).toEqual([0, 1, 2, 3]);
    for (const pageNum of [1, 2, 3]) call(calls, pageNum).resolve(page(pageNum, 2, 20));
    await settle();
    expect(calls).toHaveLength(4);
    expect(await items.next()).toEqual({ done: false, value: 'k1' });
    await settle();
    expect(calls).toHaveLength(4);
    // Page 0 consumed: its slot goes to page 4, and still no more.
    expect(await items.next()).toEqual({ done: false, value: 'k2' });
    await settle();
    expect(calls.map((c) => c.pageNum)).toEqual([0, 1, 2, 3, 4]);
    await items.return(undefined);
  });

  it('yields in page order whatever order the pages arrive in, each key once', async () => {
    const { calls, fetchPage } = manualPages();
    const got: string[] = [];
    const done = (async () => {
      for await (const key of paginateByNumber(fetchPage, 3, (k) => k, { concurrency: 3 })) got.push(key);
    })();
    await settle();
    call(calls, 0).resolve({ items: ['a', 'b', 'c'], totalCount: 9 });
    await settle();
    expect(calls.map((c) => c.pageNum)).toEqual([0, 1, 2]);
    // Page 2 answers first, and `c` shifted from page 0 to page 1 meanwhile.
    call(calls, 2).resolve({ items: ['f', 'g', 'h'], totalCount: 9 });
    await settle();
    expect(got).toEqual(['a', 'b', 'c']);
    call(calls, 1).resolve({ items: ['c', 'd', 'e'], totalCount: 9 });
    await done;
    expect(got).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect(calls).toHaveLength(3);
  });

  it('throws the error of a page after yielding the pages before it, and aborts the requests still running', async () => {
    const { calls, fetchPage } = manualPages();
    const got: string[] = [];
    const done = (async () => {
      for await (const key of paginateByNumber(fetchPage, 2, (k) => k, { concurrency: 4 })) got.push(key);
    })();
    await settle();
    call(calls, 0).resolve(page(0, 2, 12));
    await settle();
    call(calls, 2).reject(new Error('page 2 failed'));
    await settle();
    expect(got).toEqual(['k0', 'k1']);
    call(calls, 1).resolve(page(1, 2, 12));
    await expect(done).rejects.toThrow('page 2 failed');
    expect(got).toEqual(['k0', 'k1', 'k2', 'k3']);
    const running = calls.filter((c) => c.pageNum > 2);
    expect(running.length).toBeGreaterThan(0);
    expect(running.every((c) => c.context.signal.aborted)).toBe(true);
  });

  it('aborts the requests running ahead when the consumer stops', async () => {
    const { calls, fetchPage } = manualPages();
    const done = (async () => {
      for await (const key of paginateByNumber(fetchPage, 2, (k) => k, { concurrency: 4 })) {
        if (key === 'k0') break;
      }
    })();
    await settle();
    call(calls, 0).resolve(page(0, 2, 100));
    await done;
    expect(calls.map((c) => c.pageNum)).toEqual([0, 1, 2, 3]);
    expect(calls.slice(1).every((c) => c.context.signal.aborted)).toBe(true);
  });

  it('follows the caller signal', async () => {
    const { calls, fetchPage } = manualPages();
    const caller = new AbortController();
    const done = (async () => {
      for await (const key of paginateByNumber(fetchPage, 2, (k) => k, { concurrency: 2, signal: caller.signal })) {
        expect(key).toBeDefined();
      }
    })();
    await settle();
    caller.abort(new Error('cancelled by the caller'));
    await expect(done).rejects.toThrow('cancelled by the caller');
    expect(call(calls, 0).context.signal.aborted).toBe(true);
  });

  it('requests one page after another when the server gives no total', async () => {
    const { calls, fetchPage } = manualPages();
    const got: string[] = [];
    const done = (async () => {
      for await (const key of paginateByNumber(fetchPage, 2, (k) => k, { concurrency: 4 })) got.push(key);
    })();
    for (let pageNum = 0; pageNum < 3; pageNum += 1) {
      await settle();
      expect(calls.map((c) => c.pageNum)).toEqual(Array.from({ length: pageNum + 1 }, (_, i) => i));
      call(calls, pageNum).resolve(pageNum < 2 ? page(pageNum, 2, undefined) : { items: [], totalCount: undefined });
    }
    await done;
    expect(got).toEqual(['k0', 'k1', 'k2', 'k3']);
  });

  it('stops at the first empty page in order when the total promised more than the pages hold', async () => {
    const { calls, fetchPage } = manualPages();
    const got: string[] = [];
    const done = (async () => {
      for await (const key of paginateByNumber(fetchPage, 2, (k) => k, { concurrency: 3 })) got.push(key);
    })();
    await settle();
    call(calls, 0).resolve(page(0, 2, 40));
    await settle();
    call(calls, 2).resolve({ items: [], totalCount: 2 });
    call(calls, 1).resolve({ items: [], totalCount: 2 });
    await done;
    expect(got).toEqual(['k0', 'k1']);
    expect(calls.every((c) => c.pageNum <= 3)).toBe(true);
    expect(calls.filter((c) => c.pageNum === 3).every((c) => c.context.signal.aborted)).toBe(true);
  });

  it('keeps fewer pages ahead after a request was throttled', async () => {
    const { calls, fetchPage } = manualPages();
    const items = paginateByNumber(fetchPage, 1, (k) => k, { concurrency: 4 })[Symbol.asyncIterator]();
    const first = items.next();
    await settle();
    call(calls, 0).resolve(page(0, 1, 50));
    await first;
    await settle();
    expect(calls).toHaveLength(4);
    call(calls, 1).context.onThrottled();
    call(calls, 2).context.onThrottled();
    for (const pageNum of [1, 2, 3]) call(calls, pageNum).resolve(page(pageNum, 1, 50));
    // Limit halved once (4 → 2) for the burst: pages 1–3 are held already, so consuming 1 and 2 starts nothing.
    expect((await items.next()).value).toBe('k1');
    expect((await items.next()).value).toBe('k2');
    await settle();
    expect(calls).toHaveLength(4);
    expect((await items.next()).value).toBe('k3');
    await settle();
    expect(calls.map((c) => c.pageNum)).toEqual([0, 1, 2, 3, 4]);
    await items.return(undefined);
  });
});

describe('AdaptiveConcurrency', () => {
  it('halves on throttling, once per burst, never below 1', () => {
    const limit = new AdaptiveConcurrency(8);
    const before = limit.epoch;
    limit.throttled(before);
    expect(limit.limit).toBe(4);
    limit.throttled(before);
    expect(limit.limit).toBe(4);
    limit.throttled(limit.epoch);
    limit.throttled(limit.epoch);
    limit.throttled(limit.epoch);
    limit.throttled(limit.epoch);
    expect(limit.limit).toBe(1);
  });

  it('grows by one after as many successes as the limit, up to the maximum, counting only requests started since the cut', () => {
    const limit = new AdaptiveConcurrency(4);
    const old = limit.epoch;
    limit.throttled(old);
    expect(limit.limit).toBe(2);
    limit.succeeded(old);
    limit.succeeded(old);
    expect(limit.limit).toBe(2);
    limit.succeeded(limit.epoch);
    expect(limit.limit).toBe(2);
    limit.succeeded(limit.epoch);
    expect(limit.limit).toBe(3);
    for (let i = 0; i < 20; i += 1) limit.succeeded(limit.epoch);
    expect(limit.limit).toBe(4);
  });
});
