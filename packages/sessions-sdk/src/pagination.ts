import { IncydrError } from './errors.js';
import { CompactStringSet } from './string-set.js';

/** One page of a page-number listing. */
export interface NumberedPage<T> {
  items: readonly T[];
  /** The server's total, when it gave one. */
  totalCount: number | undefined;
}

/** What the pager hands each page request. */
export interface PageRequestContext {
  /** Aborts when the listing ends early (the consumer stopped, or an earlier page failed) or the caller aborts. */
  signal: AbortSignal;
  /** To be called when the server throttled this request (HTTP 429), even if a retry then succeeded. */
  onThrottled(): void;
}

/** How `paginatePages` (and `paginateByNumber` over it) fetch pages. */
export interface PaginateOptions {
  /** Most pages requested, fetched or being yielded at any time (1: one page after another). @default 1 */
  concurrency?: number | undefined;
  /** The caller's signal; every page request gets a signal that follows it. */
  signal?: AbortSignal | undefined;
}

/**
 * The number of pages a listing may have outstanding: halved (at least 1) when the server throttles, raised by one
 * after as many successes as the current limit (AIMD). Only requests started after the last cut count, so one
 * burst of 429s cuts once and the successes of requests started before the cut do not undo it.
 */
export class AdaptiveConcurrency {
  readonly #max: number;
  #limit: number;
  #epoch = 0;
  #successes = 0;

  constructor(max: number) {
    this.#max = max;
    this.#limit = max;
  }

  /** How many pages may be outstanding now. */
  get limit(): number {
    return this.#limit;
  }

  /** Stamp for a request about to start; pass it back to `throttled`/`succeeded`. */
  get epoch(): number {
    return this.#epoch;
  }

  /** A request started at `epoch` was throttled. */
  throttled(epoch: number): void {
    if (epoch !== this.#epoch) return;
    this.#limit = Math.max(1, Math.floor(this.#limit / 2));
    this.#epoch += 1;
    this.#successes = 0;
  }

  /** A request started at `epoch` succeeded. */
  succeeded(epoch: number): void {
    if (epoch !== this.#epoch || this.#limit >= this.#max) return;
    this.#successes += 1;
    if (this.#successes >= this.#limit) {
      this.#limit += 1;
      this.#successes = 0;
    }
  }
}

type Settled<T> = { ok: true; page: NumberedPage<T> } | { ok: false; error: unknown };

/**
 * Yield pages 0, 1, 2, … lazily, in page order, as arrays of their items deduplicated by key (so a page may hold
 * fewer items than the server sent, none being yielded for a page that holds only repeats). Stops on an empty page, a short page,
 * once `totalCount` items arrived, or when a page repeats the previous one (a server that ignores the page number);
 * fails when page 0 is short of both the page size and the total (a server with a lower page size limit).
 *
 * Once a page gives `totalCount`, later pages up to that total are requested ahead: at most `concurrency` pages
 * are running, waiting or being yielded at any time, so a slow consumer holds back the requests. Without a total,
 * pages are requested one after another. An error is thrown where its page comes in the order; when the listing
 * ends for any reason, requests still running are aborted.
 */
export async function* paginatePages<T>(
  fetchPage: (pageNum: number, context: PageRequestContext) => Promise<NumberedPage<T>>,
  pageSize: number,
  keyOf: (item: T) => string | undefined,
  options: PaginateOptions = {},
): AsyncGenerator<T[], void, undefined> {
  const concurrency = new AdaptiveConcurrency(options.concurrency ?? 1);
  const stop = new AbortController();
  const signal = options.signal === undefined ? stop.signal : AbortSignal.any([options.signal, stop.signal]);
  // Started pages not yet taken for yielding, by page number; each promise never rejects.
  const outstanding = new Map<number, Promise<Settled<T>>>();
  let nextToStart = 0;
  // Highest page number worth requesting ahead; nothing is requested ahead until a page gives a total.
  let lastPage = 0;

  const start = (pageNum: number): void => {
    const epoch = concurrency.epoch;
    const context: PageRequestContext = { signal, onThrottled: () => concurrency.throttled(epoch) };
    const settled = (async (): Promise<NumberedPage<T>> => fetchPage(pageNum, context))().then(
      (page): Settled<T> => {
        concurrency.succeeded(epoch);
        return { ok: true, page };
      },
      (error: unknown): Settled<T> => ({ ok: false, error }),
    );
    outstanding.set(pageNum, settled);
  };
  // `held` pages count against the limit besides the outstanding ones: the page being yielded is not yet consumed.
  const fill = (held: number): void => {
    while (nextToStart <= lastPage && outstanding.size + held < concurrency.limit) start(nextToStart++);
  };

  const seen = new CompactStringSet();
  let received = 0;
  let previousKeys: string | undefined;
  try {
    for (let pageNum = 0; ; pageNum += 1) {
      fill(0);
      // Pages start in order, so this one is already running unless it is the next to start.
      if (nextToStart === pageNum) start(nextToStart++);
      const result = await outstanding.get(pageNum);
      outstanding.delete(pageNum);
      if (result === undefined) return;
      if (!result.ok) throw result.error;
      const page = result.page;
      if (page.items.length === 0) return;
      if (pageNum === 0) checkFirstPage(page, pageSize);
      const keyList = page.items.map(keyOf);
      const keys = keyList.includes(undefined) ? undefined : keyList.join('\n');
      if (keys !== undefined && keys === previousKeys) return;
      previousKeys = keys;
      received += page.items.length;
      const isLast = page.items.length < pageSize || (page.totalCount !== undefined && received >= page.totalCount);
      if (!isLast && page.totalCount !== undefined) {
        // Pages are full until the last one, so the total says which page ends the listing. Requesting ahead
        // before yielding lets the server work while the consumer handles this page.
        lastPage = Math.max(pageNum + 1, Math.ceil(page.totalCount / pageSize) - 1);
        fill(1);
      }
      // Page-number paging shifts while sessions change: an item may show up on two pages of one listing.
      const fresh = page.items.filter((item) => {
        const key = keyOf(item);
        return key === undefined || seen.add(key);
      });
      if (fresh.length > 0) yield fresh;
      if (isLast) return;
    }
  } finally {
    stop.abort();
  }
}

/** The items of {@link paginatePages}, one at a time: each item once, in page order, under the same rules. */
export async function* paginateByNumber<T>(
  fetchPage: (pageNum: number, context: PageRequestContext) => Promise<NumberedPage<T>>,
  pageSize: number,
  keyOf: (item: T) => string | undefined,
  options: PaginateOptions = {},
): AsyncGenerator<T, void, undefined> {
  for await (const page of paginatePages(fetchPage, pageSize, keyOf, options)) yield* page;
}

/**
 * A server fills page 0 up to its total. A shorter page 0 with a larger total means it serves fewer items per page
 * than asked (its limit is below the page size): the short-page stop rule would then end the listing early and
 * silently drop the rest, so this fails instead.
 */
function checkFirstPage(page: NumberedPage<unknown>, pageSize: number): void {
  const served = page.items.length;
  if (served >= pageSize || page.totalCount === undefined || page.totalCount <= served) return;
  throw new IncydrError(
    `the server answered page 0 with ${served} items where ${pageSize} were asked and its total is ` +
      `${page.totalCount}: it serves fewer per page than asked, so paging would miss items; use a page size of ` +
      `${served} or less`,
  );
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
      throw new IncydrError(
        `the server returned continuation token "${next}" a second time; stopped after ${calls} calls`,
      );
    }
    seen.add(next);
    token = next;
  }
}
