import { InvalidArgumentError } from '../errors.js';
import { SessionEventsResponseSchema, type FileEvent, type FileEventsPage } from '../file-events/schemas.js';
import type { HttpClient, RequestOptions } from '../http.js';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY, MAX_IDS_PER_CHANGE, MAX_NOTE_LENGTH } from '../limits.js';
import { drainContinuation, paginateByNumber, paginatePages } from '../pagination.js';
import type { OpenEnum, SessionState } from './enums.js';
import {
  filterQuery,
  pageSize,
  searchQuery,
  type SessionFilters,
  type SessionPageQuery,
  type SessionSearch,
} from './query.js';
import {
  ChangeStatesResponseSchema,
  SessionSchema,
  SessionsPageSchema,
  type Session,
  type SessionsPage,
} from './schemas.js';

/** Per-call controls of `iterAll`. */
export interface IterAllOptions extends RequestOptions {
  /**
   * Most pages in flight, waiting or being yielded once the first page gave a total, 1 to 16 (1: one page after
   * another); halved for the rest of the listing when the server answers 429, then raised slowly again.
   * @default the client's `concurrency` setting (4)
   */
  concurrency?: number;
}

/** The events page of a session, with `fileEvents` always an array. */
export type SessionEvents = FileEventsPage & { fileEvents: FileEvent[] };

/** `client.sessions.v1`: the Sessions API, version 1. */
export class SessionsV1 {
  readonly #http: HttpClient;
  readonly #concurrency: number;

  /** Built by `Client`; `defaults.concurrency` is the client's resolved `concurrency` setting. */
  constructor(http: HttpClient, defaults: { concurrency: number } = { concurrency: DEFAULT_CONCURRENCY }) {
    this.#http = http;
    this.#concurrency = defaults.concurrency;
  }

  /** One page of sessions (`GET /v1/sessions`); pages are 0-based, `pageSize` sessions each (50, at most 1000). */
  async getPage(query: SessionPageQuery = {}, options?: RequestOptions): Promise<SessionsPage> {
    return this.#http.json(
      { method: 'GET', path: '/v1/sessions', query: searchQuery(query), auth: 'bearer', retrySafe: true, options },
      SessionsPageSchema,
    );
  }

  /**
   * Every matching session in page order, each session once. Once the first page gives a total, up to
   * `concurrency` pages are fetched ahead while the loop runs; breaking out of the loop aborts them.
   */
  async *iterAll(query: SessionSearch = {}, options: IterAllOptions = {}): AsyncGenerator<Session, void, undefined> {
    yield* paginateByNumber(...this.#listing(query, options));
  }

  /**
   * The sessions of {@link iterAll} a page at a time, for callers that handle a page as a whole: each session once,
   * so a page may hold fewer than `pageSize` (and a page of repeats is skipped).
   */
  async *iterPages(
    query: SessionSearch = {},
    options: IterAllOptions = {},
  ): AsyncGenerator<Session[], void, undefined> {
    yield* paginatePages(...this.#listing(query, options));
  }

  /** The pager's arguments for a search: every page asks the same window, relative times resolved once, here. */
  #listing(query: SessionSearch, options: IterAllOptions): Parameters<typeof paginatePages<Session>> {
    const size = pageSize(query.pageSize);
    const { concurrency = this.#concurrency, ...requestOptions } = options;
    checkConcurrency(concurrency);
    const now = Date.now();
    return [
      async (pageNum, { signal, onThrottled }) => {
        const page = await this.#http.json(
          {
            method: 'GET',
            path: '/v1/sessions',
            query: searchQuery({ ...query, pageNum }, now),
            auth: 'bearer',
            retrySafe: true,
            options: { ...requestOptions, signal },
            onThrottled,
          },
          SessionsPageSchema,
        );
        return { items: page.items ?? [], totalCount: page.totalCount ?? undefined };
      },
      size,
      (session) => session.sessionId ?? undefined,
      { concurrency, signal: requestOptions.signal },
    ];
  }

  /** One session (`GET /v1/sessions/{id}`); NotFoundError for an unknown id. */
  async getSessionDetails(sessionId: string, options?: RequestOptions): Promise<Session> {
    return this.#http.json(
      { method: 'GET', path: sessionPath(sessionId), auth: 'bearer', retrySafe: true, options },
      SessionSchema,
    );
  }

  /** The file events behind a session's alerts; the API answers 404 for a session without alerts. */
  async getSessionEvents(sessionId: string, options?: RequestOptions): Promise<SessionEvents> {
    const body = await this.#http.json(
      { method: 'GET', path: `${sessionPath(sessionId)}/events`, auth: 'bearer', retrySafe: true, options },
      SessionEventsResponseSchema,
    );
    const page = (body.queryResult ?? {}) as FileEventsPage;
    if (!Array.isArray(page.fileEvents)) page.fileEvents = [];
    return page as SessionEvents;
  }

  /**
   * Set the state of sessions by id, 100 ids per request, each slice sent once, in order. On failure the error of
   * the failing slice is thrown; earlier slices stay applied.
   */
  async updateStateById(
    sessionIds: string | readonly string[],
    newState: OpenEnum<SessionState>,
    options?: RequestOptions,
  ): Promise<void> {
    const ids = typeof sessionIds === 'string' ? [sessionIds] : [...sessionIds];
    checkState(newState);
    for (const id of ids) checkId(id);
    for (let start = 0; start < ids.length; start += MAX_IDS_PER_CHANGE) {
      await this.#http.send({
        method: 'POST',
        path: '/v1/sessions/change-state',
        json: { ids: ids.slice(start, start + MAX_IDS_PER_CHANGE), newState },
        auth: 'bearer',
        retrySafe: true,
        options,
      });
    }
  }

  /**
   * Set the state of every session matching the filters (`POST /v1/sessions/change-states`), following the
   * continuation tokens until the server is done (it handles up to 500 sessions per call). Returns the calls made;
   * `onCall` is told the count after each completed call (for progress displays).
   */
  async updateStateByCriteria(
    newState: OpenEnum<SessionState>,
    criteria: SessionFilters = {},
    options?: RequestOptions & { onCall?: (calls: number) => void },
  ): Promise<number> {
    checkState(newState);
    const query = filterQuery(criteria);
    let calls = 0;
    return drainContinuation(async (continuationToken) => {
      const body = await this.#http.json(
        {
          method: 'POST',
          path: '/v1/sessions/change-states',
          query,
          json: { continuationToken, newState },
          auth: 'bearer',
          retrySafe: true,
          options,
        },
        ChangeStatesResponseSchema,
      );
      calls += 1;
      options?.onCall?.(calls);
      return body.continuationToken;
    });
  }

  /**
   * Add a note of at most 2000 code points to a session. Retried only when the failure proves it was not applied
   * (429, 503, a connection never made), never after a lost answer, so a note is never added twice.
   */
  async addNote(sessionId: string, noteContent: string, options?: RequestOptions): Promise<void> {
    const length = [...noteContent].length;
    if (length === 0) throw new InvalidArgumentError('note is empty');
    if (length > MAX_NOTE_LENGTH) {
      throw new InvalidArgumentError(`note is ${length} characters long; the limit is ${MAX_NOTE_LENGTH}`);
    }
    await this.#http.send({
      method: 'POST',
      path: `${sessionPath(sessionId)}/add-note`,
      json: { noteContent },
      auth: 'bearer',
      retrySafe: false,
      options,
    });
  }
}

function sessionPath(sessionId: string): string {
  checkId(sessionId);
  return `/v1/sessions/${encodeURIComponent(sessionId)}`;
}

function checkId(sessionId: string): void {
  // URL parsers collapse `.` and `..` segments, which would send the call to another path.
  if (typeof sessionId !== 'string' || sessionId === '' || /^\.{1,2}$/.test(sessionId)) {
    throw new InvalidArgumentError(`invalid session id ${JSON.stringify(sessionId)}`);
  }
}

function checkConcurrency(concurrency: number): void {
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new InvalidArgumentError(
      `concurrency must be an integer from 1 to ${MAX_CONCURRENCY}, got ${String(concurrency)}`,
    );
  }
}

function checkState(newState: string): void {
  if (typeof newState !== 'string' || newState.trim() === '') {
    throw new InvalidArgumentError('newState must be a session state such as OPEN, IN_PROGRESS or CLOSED');
  }
}
