import { IncydrError } from './errors.js';

/** One page of a page-number listing. */
export interface NumberedPage<T> {
  items: readonly T[];
  /** The server's total, when it gave one. */
  totalCount: number | undefined;
}

/**
 * Yield items of pages 0, 1, 2, … lazily, deduplicated by key. Stops on an empty page, a short page, once
 * `totalCount` items arrived, or when a page repeats the previous one (a server that ignores the page number).
 */
export async function* paginateByNumber<T>(
  fetchPage: (pageNum: number) => Promise<NumberedPage<T>>,
  pageSize: number,
  keyOf: (item: T) => string | undefined,
): AsyncGenerator<T, void, undefined> {
  const seen = new Set<string>();
  let received = 0;
  let previousKeys: string | undefined;
  for (let pageNum = 0; ; pageNum += 1) {
    const page = await fetchPage(pageNum);
    if (page.items.length === 0) return;
    const keyList = page.items.map(keyOf);
    const keys = keyList.includes(undefined) ? undefined : keyList.join('\n');
    if (keys !== undefined && keys === previousKeys) return;
    previousKeys = keys;
    received += page.items.length;
    for (const item of page.items) {
      const key = keyOf(item);
      // Page-number paging shifts while sessions change: an item may show up on two pages of one listing.
      if (key !== undefined) {
        if (seen.has(key)) continue;
        seen.add(key);
      }
      yield item;
    }
    if (page.items.length < pageSize) return;
    if (page.totalCount !== undefined && received >= page.totalCount) return;
  }
}

/**
 * Call `step` with `null`, then with each continuation token it returns, until the token is null, missing or
 * empty. Returns the number of calls. A token seen before is an error, never an endless loop.
 */
export async function drainContinuation(
  step: (token: string | null) => Promise<string | null | undefined>,
): Promise<number> {
  const seen = new Set<string>();
  let token: string | null = null;
  for (let calls = 1; ; calls += 1) {
    const next = await step(token);
    if (next === null || next === undefined || next === '') return calls;
    if (seen.has(next)) {
      throw new IncydrError(`the server returned continuation token "${next}" a second time; stopped after ${calls} calls`);
    }
    seen.add(next);
    token = next;
  }
}
