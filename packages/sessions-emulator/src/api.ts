import { randomBytes } from 'node:crypto';
import { generateFileEvents } from './data/file-events.js';
import { HttpError, badRequest } from './http-error.js';
import { SESSION_STATES, coarseState, type SessionRecord } from './model.js';
import { parseFilters, parseSearch } from './query.js';
import type { Store } from './store.js';
import type { TokenOwner, Tokens } from './tokens.js';

/** An answer: status, optional JSON body and headers. */
export interface Answer {
  status: number;
  json?: unknown;
  headers?: Record<string, string>;
}

/** What the API handlers work on. */
export interface ApiContext {
  store: Store;
  tokens: Tokens;
  seed: number;
  clientId: string;
  clientSecret: string;
  tokenTtlSec: number;
  maxNotesPerSession: number;
  /** The largest `page_size` a search may ask for. */
  maxPageSize: number;
  /** The emulator's current time in epoch ms. */
  now(): number;
  /** Continuation tokens of change-states: the ids still to process. */
  continuations: Map<string, { ids: string[]; newState: string }>;
}

/** A parsed API request. */
interface ApiRequest {
  method: string;
  /** Raw path segments after the leading slash. */
  segments: string[];
  params: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or undefined when the body was empty. */
  body: unknown;
}

/** Ids per change-state call and sessions per change-states call. */
const MAX_IDS_PER_CHANGE = 100;
const SESSIONS_PER_CONTINUATION = 500;
/** Longest note, in code points. */
const MAX_NOTE_LENGTH = 2000;

/** Route an API request (`/v1/…`); throws HttpError for every failure. */
export function handleApi(ctx: ApiContext, req: ApiRequest): Answer {
  const [version, resource, id, action, ...rest] = req.segments;
  if (version !== 'v1' || rest.length > 0) throw notFound(req);
  if (resource === 'oauth' && id === undefined) return only(req, 'POST', () => oauth(ctx, req));
  if (resource === 'refresh' && id === undefined) return only(req, 'POST', () => refresh(ctx, req));
  if (resource !== 'sessions') throw notFound(req);
  const owner = authenticate(ctx, req);
  if (id === undefined) return only(req, 'GET', () => search(ctx, req));
  if (id === 'change-state' && action === undefined) return only(req, 'POST', () => changeState(ctx, req, owner));
  if (id === 'change-states' && action === undefined) return only(req, 'POST', () => changeStates(ctx, req, owner));
  const sessionId = decodeSegment(id);
  if (action === undefined) return only(req, 'GET', () => ({ status: 200, json: find(ctx, sessionId).session }));
  if (action === 'events') return only(req, 'GET', () => events(ctx, sessionId));
  if (action === 'add-note') return only(req, 'POST', () => addNote(ctx, req, sessionId, owner));
  throw notFound(req);
}

function only(req: ApiRequest, method: string, handler: () => Answer): Answer {
  if (req.method !== method) throw new HttpError(405, `Method ${req.method} not allowed here`, { allow: method });
  return handler();
}

function notFound(req: ApiRequest): HttpError {
  return new HttpError(404, `No such endpoint: ${req.method} /${req.segments.join('/')}`);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`Malformed session id in path: '${segment}'`);
  }
}

function header(req: ApiRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function oauth(ctx: ApiContext, req: ApiRequest): Answer {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header(req, 'authorization') ?? '');
  const decoded = match?.[1] === undefined ? '' : Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const [id, secret] = colon === -1 ? ['', ''] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
  if (id !== ctx.clientId || secret !== ctx.clientSecret) {
    throw new HttpError(401, 'Invalid API client credentials');
  }
  if (req.body !== undefined) throw badRequest('The token request takes no body');
  const { token } = ctx.tokens.issueAccess({ clientId: id }, ctx.tokenTtlSec);
  return { status: 200, json: { token_type: 'bearer', expires_in: ctx.tokenTtlSec, access_token: token } };
}

function refresh(ctx: ApiContext, req: ApiRequest): Answer {
  const body = req.body as { refreshToken?: unknown } | undefined;
  if (typeof body?.refreshToken !== 'string') throw badRequest('Body must be {"refreshToken": "<token>"}');
  const owner = ctx.tokens.spendRefresh(body.refreshToken);
  if (owner === undefined) throw new HttpError(401, 'Invalid or already used refresh token');
  const access = ctx.tokens.issueAccess(owner, ctx.tokenTtlSec);
  const rotated = ctx.tokens.issueRefresh(owner);
  return {
    status: 200,
    json: {
      accessToken: { tokenValue: access.token, expiresAt: new Date(access.expiresAt).toISOString() },
      refreshToken: { tokenValue: rotated, expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString() },
    },
  };
}

function authenticate(ctx: ApiContext, req: ApiRequest): TokenOwner {
  const token = /^Bearer (\S+)$/.exec(header(req, 'authorization') ?? '')?.[1];
  if (token === undefined) throw new HttpError(401, 'Missing bearer token');
  const owner = ctx.tokens.check(token);
  if (owner === undefined) throw new HttpError(401, 'Invalid or expired token');
  return owner;
}

function find(ctx: ApiContext, sessionId: string): SessionRecord {
  const record = ctx.store.get(sessionId);
  if (record === undefined) throw new HttpError(404, `Session not found: ${sessionId}`);
  return record;
}

function search(ctx: ApiContext, req: ApiRequest): Answer {
  const { pageNumber, pageSize, ...query } = parseSearch(req.params, ctx.maxPageSize);
  const all = ctx.store.search(query);
  const start = pageNumber * pageSize;
  const items = all.slice(start, start + pageSize).map((record) => record.session);
  return { status: 200, json: { items, totalCount: all.length } };
}

function events(ctx: ApiContext, sessionId: string): Answer {
  const record = find(ctx, sessionId);
  if (record.session.triggeredAlerts.length === 0) {
    throw new HttpError(404, `Session ${sessionId} has no alerts, so it has no file events`);
  }
  const fileEvents = generateFileEvents(record, ctx.seed);
  return {
    status: 200,
    json: { queryResult: { fileEvents, nextPgToken: null, problems: [], totalCount: fileEvents.length } },
  };
}

function jsonObject(req: ApiRequest): Record<string, unknown> {
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
    throw badRequest('Body must be a JSON object');
  }
  return req.body as Record<string, unknown>;
}

function checkState(value: unknown): string {
  if (typeof value !== 'string' || !(SESSION_STATES as readonly string[]).includes(value)) {
    throw badRequest(
      `Invalid newState ${JSON.stringify(value) ?? 'undefined'}: expected one of ${SESSION_STATES.join(', ')}`,
    );
  }
  return value;
}

function changeState(ctx: ApiContext, req: ApiRequest, owner: TokenOwner): Answer {
  if ([...req.params.keys()].length > 0) throw badRequest('change-state takes no query parameters');
  const body = jsonObject(req);
  const newState = checkState(body.newState);
  const ids = body.ids;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string' && id !== '')) {
    throw badRequest('ids must be a non-empty list of session ids');
  }
  if (ids.length > MAX_IDS_PER_CHANGE) {
    throw badRequest(`At most ${MAX_IDS_PER_CHANGE} ids per request, got ${ids.length}`);
  }
  const missing = (ids as string[]).filter((id) => ctx.store.get(id) === undefined);
  // All or nothing: an unknown id leaves every session of the request unchanged.
  if (missing.length > 0) throw new HttpError(404, `Sessions not found: ${missing.join(', ')}`);
  const now = ctx.now();
  for (const id of new Set(ids as string[])) setState(find(ctx, id), newState, owner, now);
  ctx.store.changed();
  return { status: 204 };
}

function changeStates(ctx: ApiContext, req: ApiRequest, owner: TokenOwner): Answer {
  const body = jsonObject(req);
  const newState = checkState(body.newState);
  const token = body.continuationToken;
  let pending: { ids: string[]; newState: string };
  if (token === null || token === undefined) {
    const ids = ctx.store.filter(parseFilters(req.params)).map((record) => record.session.sessionId);
    pending = { ids, newState };
  } else {
    if (typeof token !== 'string') throw badRequest('continuationToken must be a string or null');
    const found = ctx.continuations.get(token);
    if (found === undefined) throw badRequest(`Unknown or already used continuationToken '${token}'`);
    if (found.newState !== newState) throw badRequest('newState differs from the first call of this continuation');
    ctx.continuations.delete(token);
    pending = found;
  }
  const now = ctx.now();
  for (const id of pending.ids.slice(0, SESSIONS_PER_CONTINUATION)) {
    const record = ctx.store.get(id);
    if (record !== undefined) setState(record, newState, owner, now);
  }
  ctx.store.changed();
  const rest = pending.ids.slice(SESSIONS_PER_CONTINUATION);
  if (rest.length === 0) return { status: 200, json: { continuationToken: null } };
  const next = `ct-${randomBytes(12).toString('base64url')}`;
  ctx.continuations.set(next, { ids: rest, newState });
  return { status: 200, json: { continuationToken: next } };
}

function addNote(ctx: ApiContext, req: ApiRequest, sessionId: string, owner: TokenOwner): Answer {
  const record = find(ctx, sessionId);
  const content = jsonObject(req).noteContent;
  if (typeof content !== 'string' || content.trim() === '') throw badRequest('noteContent must be a non-empty string');
  const length = [...content].length;
  if (length > MAX_NOTE_LENGTH) {
    throw badRequest(`noteContent is ${length} characters long; the limit is ${MAX_NOTE_LENGTH}`);
  }
  if (record.session.notes.length >= ctx.maxNotesPerSession) {
    throw badRequest(`Session ${sessionId} already has ${record.session.notes.length} notes, the maximum`);
  }
  const now = ctx.now();
  record.session.notes.push({
    content,
    id: `note-${randomBytes(8).toString('hex')}`,
    sourceTimestamp: now,
    userId: owner.clientId,
  });
  record.session.lastUpdated = Math.max(record.session.lastUpdated, now);
  ctx.store.changed();
  return { status: 204 };
}

/** Append a state entry as the API does: `stateV2` exact, the deprecated `state` coarse. */
function setState(record: SessionRecord, newState: string, owner: TokenOwner, now: number): void {
  record.session.states.push({
    sourceTimestamp: now,
    state: coarseState(newState),
    stateV2: newState,
    userId: owner.clientId,
  });
  record.session.lastUpdated = Math.max(record.session.lastUpdated, now);
}
