import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Client } from '@x/sessions-sdk';
import { clientFor } from './helpers/client.js';
import { startEmulator, type Emulator, type SessionDump } from '../src/index.js';
import { currentState } from '../src/model.js';
import { documentedErrorFields } from './helpers/vendor.js';

let emu: Emulator;
let client: Client;
let token: string;

const NOW = Date.UTC(2026, 10, 1, 12);

beforeAll(async () => {
  emu = await startEmulator({ sessions: 1500, seed: 7, now: NOW, control: true, maxNotesPerSession: 5 });
  client = clientFor(emu);
  token = await fetchToken();
});

afterAll(async () => {
  await client.close();
  await emu.close();
});

beforeEach(() => {
  emu.reset();
});

async function fetchToken(id = emu.clientId, secret = emu.clientSecret): Promise<string> {
  const res = await fetch(`${emu.url}/v1/oauth`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
  });
  const body = (await res.json()) as { access_token?: string; expires_in?: number; token_type?: string };
  return body.access_token ?? `status ${res.status}`;
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  bearer = token,
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

async function dump(): Promise<SessionDump[]> {
  const res = await fetch(`${emu.url}/_emulator/state`);
  return ((await res.json()) as { sessions: SessionDump[] }).sessions;
}

describe('authentication', () => {
  it('issues a bearer token for the right Basic credentials only', async () => {
    const res = await fetch(`${emu.url}/v1/oauth`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${emu.clientId}:${emu.clientSecret}`).toString('base64')}` },
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 900 });
    const claims = JSON.parse(
      Buffer.from(String(body.access_token).split('.')[1] ?? '', 'base64url').toString(),
    ) as Record<string, unknown>;
    expect(typeof claims.tenantUid).toBe('string');
    expect(await fetchToken(emu.clientId, 'wrong')).toBe('status 401');
  });

  it('answers 401 with a JSON body for a missing, unknown or expired token', async () => {
    for (const bearer of ['', 'not-a-token']) {
      const { status, json } = await call('GET', '/v1/sessions', undefined, bearer);
      expect(status).toBe(401);
      expect(json).toMatchObject({ msg: expect.any(String), status: 401 });
    }
    const fresh = await fetchToken();
    expect((await call('GET', '/v1/sessions', undefined, fresh)).status).toBe(200);
    emu.expireTokens();
    expect((await call('GET', '/v1/sessions', undefined, fresh)).status).toBe(401);
    token = await fetchToken();
  });

  it('rotates refresh tokens and refuses a used one', async () => {
    const refresh = async (refreshToken: string) =>
      fetch(`${emu.url}/v1/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken }),
      });
    const first = await refresh(emu.refreshToken);
    expect(first.status).toBe(200);
    const body = (await first.json()) as {
      accessToken: { tokenValue: string; expiresAt: string };
      refreshToken: { tokenValue: string };
    };
    expect(Date.parse(body.accessToken.expiresAt)).toBeGreaterThan(Date.now());
    expect((await call('GET', '/v1/sessions', undefined, body.accessToken.tokenValue)).status).toBe(200);
    expect((await refresh(emu.refreshToken)).status).toBe(401);
    expect((await refresh(body.refreshToken.tokenValue)).status).toBe(200);
  });
});

describe('sessions', () => {
  it('serves details and a JSON 404 for an unknown id', async () => {
    const [first] = await dump();
    const id = first?.session.sessionId ?? '';
    const details = await client.sessions.v1.getSessionDetails(id);
    expect(details).toEqual(first?.session);
    const { status, json } = await call('GET', `/v1/sessions/${encodeURIComponent('no/such id')}`);
    expect(status).toBe(404);
    expect(json).toEqual({ msg: 'Session not found: no/such id', status: 404, error: 'Not Found' });
  });

  it('serves file events for sessions with alerts and 404 for sessions without', async () => {
    const sessions = await dump();
    const withAlerts = sessions.find((s) => s.session.triggeredAlerts.length > 0);
    const without = sessions.find((s) => s.session.triggeredAlerts.length === 0);
    const page = await client.sessions.v1.getSessionEvents(withAlerts?.session.sessionId ?? '');
    expect(page.fileEvents.length).toBeGreaterThan(0);
    expect(page.totalCount).toBe(page.fileEvents.length);
    for (const event of page.fileEvents) {
      const at = Date.parse(event['@timestamp'] ?? '');
      expect(at).toBeGreaterThanOrEqual(withAlerts?.session.beginTime ?? 0);
      expect(at).toBeLessThanOrEqual(withAlerts?.session.endTime ?? 0);
    }
    await expect(client.sessions.v1.getSessionEvents(without?.session.sessionId ?? '')).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe('change-state', () => {
  it('appends a state entry, moves lastUpdated and changes what the state filter finds', async () => {
    const sessions = (await dump()).filter((s) => currentState(s.session) === 'OPEN').slice(0, 3);
    expect(sessions).toHaveLength(3);
    const ids = sessions.map((s) => s.session.sessionId);
    await client.sessions.v1.updateStateById(ids, 'CLOSED_FP');
    const after = new Map((await dump()).map((s) => [s.session.sessionId, s.session]));
    for (const before of sessions) {
      const now = after.get(before.session.sessionId);
      expect(now?.states).toHaveLength(before.session.states.length + 1);
      expect(now?.states.at(-1)).toMatchObject({ state: 'CLOSED', stateV2: 'CLOSED_FP', userId: emu.clientId });
      expect(now?.lastUpdated).toBeGreaterThan(before.session.lastUpdated);
    }
    const found = new Set<string>();
    for await (const s of client.sessions.v1.iterAll({ states: 'CLOSED_FP', hasAlerts: null }))
      found.add(s.sessionId ?? '');
    for (const id of ids) expect(found.has(id)).toBe(true);
  });

  it('rejects more than 100 ids, unknown or null states, and applies nothing when an id is unknown', async () => {
    const ids = (await dump()).slice(0, 101).map((s) => s.session.sessionId);
    expect((await call('POST', '/v1/sessions/change-state', { ids, newState: 'CLOSED' })).status).toBe(400);
    expect((await call('POST', '/v1/sessions/change-state', { ids: ids.slice(0, 2), newState: 'DONE' })).status).toBe(
      400,
    );
    expect((await call('POST', '/v1/sessions/change-state', { ids: ids.slice(0, 2), newState: null })).status).toBe(
      400,
    );
    expect((await call('POST', '/v1/sessions/change-state', { ids: [], newState: 'OPEN' })).status).toBe(400);
    const mixed = await call('POST', '/v1/sessions/change-state', { ids: [ids[0], 'ghost-1'], newState: 'CLOSED' });
    expect(mixed).toMatchObject({ status: 404, json: { msg: 'Sessions not found: ghost-1' } });
    const first = (await dump()).find((s) => s.session.sessionId === ids[0]);
    expect(first?.session.states.some((s) => s.userId === emu.clientId)).toBe(false);
    expect(
      (await call('POST', '/v1/sessions/change-state', { ids: ids.slice(0, 100), newState: 'IN_PROGRESS' })).status,
    ).toBe(204);
  });
});

describe('error bodies', () => {
  // The vendor's API description documents error bodies as ErrorResponse: {"msg": "…"}.
  it('answers every kind of error with the documented {msg} body and no message field', async () => {
    const raw = async (method: string, path: string, init: RequestInit = {}): Promise<Response> =>
      fetch(`${emu.url}${path}`, { method, ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
    const answers: Array<[number, Response]> = [
      [401, await fetch(`${emu.url}/v1/sessions`)],
      [401, await fetch(`${emu.url}/v1/oauth`, { method: 'POST' })],
      [400, await raw('GET', '/v1/sessions?sort_direction=sideways')],
      [
        400,
        await raw('POST', '/v1/sessions/change-state', {
          body: '{not json',
          headers: { 'content-type': 'application/json' },
        }),
      ],
      [404, await raw('GET', '/v1/sessions/no-such-session')],
      [404, await raw('GET', '/v1/nothing-here')],
      [405, await raw('DELETE', '/v1/sessions')],
    ];
    emu.setFaults({ failNext: 1, failStatus: 503 });
    answers.push([503, await raw('GET', '/v1/sessions')]);
    emu.setFaults({ throttleEvery: 1 });
    answers.push([429, await raw('GET', '/v1/sessions')]);
    emu.setFaults({ throttleEvery: null });
    for (const [status, res] of answers) {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await res.json()) as Record<string, unknown>;
      for (const field of documentedErrorFields()) expect(body[field], `${field} of HTTP ${status}`).toMatch(/\S/);
      expect(body, `HTTP ${status}`).toEqual({ msg: expect.stringMatching(/\S/), status, error: expect.any(String) });
    }
  });
});

describe('change-states', () => {
  it('processes 500 sessions per call and hands out continuation tokens until done', async () => {
    const matching = (await dump()).filter((s) => s.session.triggeredAlerts.length > 0);
    expect(matching.length).toBeGreaterThan(500);
    emu.clearRequests();
    const calls = await client.sessions.v1.updateStateByCriteria('IN_PROGRESS');
    expect(calls).toBe(Math.ceil(matching.length / 500));
    const after = await dump();
    const changed = after.filter((s) => s.session.states.at(-1)?.userId === emu.clientId);
    expect(changed).toHaveLength(matching.length);
    const bodies = emu
      .requests()
      .filter((r) => r.path === '/v1/sessions/change-states')
      .map((r) => r.body);
    expect(bodies[0]).toEqual({ continuationToken: null, newState: 'IN_PROGRESS' });
  });

  it('rejects a reused or unknown continuation token and paging parameters', async () => {
    const first = await call('POST', '/v1/sessions/change-states?has_alerts=true', {
      continuationToken: null,
      newState: 'OPEN',
    });
    const next = (first.json as { continuationToken: string }).continuationToken;
    expect(typeof next).toBe('string');
    expect(
      (await call('POST', '/v1/sessions/change-states', { continuationToken: next, newState: 'OPEN' })).status,
    ).toBe(200);
    expect(
      (await call('POST', '/v1/sessions/change-states', { continuationToken: next, newState: 'OPEN' })).status,
    ).toBe(400);
    expect(
      (await call('POST', '/v1/sessions/change-states?page_size=5', { continuationToken: null, newState: 'OPEN' }))
        .status,
    ).toBe(400);
  });
});

describe('add-note', () => {
  it('adds a note, counts the limit in code points and caps notes per session', async () => {
    const target = (await dump()).find((s) => s.session.notes.length === 0);
    const id = target?.session.sessionId ?? '';
    await client.sessions.v1.addNote(id, '😀'.repeat(2000));
    const tooLong = await call('POST', `/v1/sessions/${encodeURIComponent(id)}/add-note`, {
      noteContent: '😀'.repeat(2001),
    });
    expect(tooLong).toMatchObject({ status: 400, json: { msg: expect.stringContaining('2001') } });
    for (let i = 1; i < 5; i += 1) await client.sessions.v1.addNote(id, `note ${i}`);
    const capped = await call('POST', `/v1/sessions/${encodeURIComponent(id)}/add-note`, {
      noteContent: 'one too many',
    });
    expect(capped.status).toBe(400);
    const notes = (await client.sessions.v1.getSessionDetails(id)).notes ?? [];
    expect(notes.map((n) => n.content)).toEqual(['😀'.repeat(2000), 'note 1', 'note 2', 'note 3', 'note 4']);
  });
});

describe('control routes', () => {
  it('are off unless enabled', async () => {
    const plain = await startEmulator({ sessions: 5 });
    try {
      const res = await fetch(`${plain.url}/_emulator/state`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { msg: string }).msg).toMatch(/control/i);
    } finally {
      await plain.close();
    }
  });

  it('log API requests with method, path, query and body', async () => {
    emu.clearRequests();
    await call('POST', '/v1/sessions/change-state', { ids: ['x'], newState: 'OPEN' });
    await call('GET', '/v1/sessions?has_alerts=false&page_size=2');
    const log = await (await fetch(`${emu.url}/_emulator/requests`)).json();
    expect(log).toMatchObject([
      {
        method: 'POST',
        path: '/v1/sessions/change-state',
        query: '',
        body: { ids: ['x'], newState: 'OPEN' },
        status: 404,
      },
      { method: 'GET', path: '/v1/sessions', query: 'has_alerts=false&page_size=2', body: null, status: 200 },
    ]);
  });
});
