import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, IncydrError, InvalidArgumentError } from '../src/index.js';
import { CONTENT_INSPECTION_STATUSES, MAX_PAGE_SIZE, SORT_DIRECTIONS } from '../src/model.js';
import { clientOptions, startTestServer, type TestServer } from './helpers/server.js';

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

const session = (id: string): Record<string, unknown> => ({ sessionId: id, actorId: 'a@example.com' });

describe('getPage', () => {
  it('sends the Python CLI minimal query by default', async () => {
    server.on('GET /v1/sessions', () => ({ json: { items: [], totalCount: 0 } }));
    await client.sessions.v1.getPage();
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.query).toBe('has_alerts=true&page_number=0&page_size=50');
  });

  it('sends every filter in the API order with lists as repeated keys', async () => {
    server.on('GET /v1/sessions', () => ({ json: { items: [], totalCount: 0 } }));
    await client.sessions.v1.getPage({
      pageSize: 25,
      pageNum: 3,
      sortDir: 'asc',
      sortKey: 'score',
      contentInspectionStatus: 'FOUND',
      watchlistIds: ['w1', 'w2'],
      ruleIds: 'r1',
      severities: ['HIGH', 4, 'no_risk'],
      states: ['OPEN', 'IN_PROGRESS'],
      riskIndicators: ['Cloud storage', 'USB'],
      hasAlerts: false,
      type: 'ACCOUNT_TAKE_OVER',
      endTime: '2024-05-02',
      startTime: '2024-05-01T12:00:00+02:00',
      actorId: 'ann@example.com',
    });
    expect(server.requests[0]?.query).toBe(
      [
        'actor_id=ann%40example.com',
        `on_or_after=${Date.UTC(2024, 4, 1, 10)}`,
        `before=${Date.UTC(2024, 4, 2)}`,
        'type=ACCOUNT_TAKE_OVER',
        'has_alerts=false',
        'risk_indicators=Cloud+storage',
        'risk_indicators=USB',
        'state=OPEN',
        'state=IN_PROGRESS',
        'severity=3',
        'severity=4',
        'severity=0',
        'rule_id=r1',
        'watchlist_id=w1',
        'watchlist_id=w2',
        'content_inspection_status=FOUND',
        'order_by=score',
        'sort_direction=asc',
        'page_number=3',
        'page_size=25',
      ].join('&'),
    );
  });

  it("sends page sizes up to 1000, the maximum of the vendor's API description", async () => {
    server.on('GET /v1/sessions', () => ({ json: { items: [], totalCount: 0 } }));
    await client.sessions.v1.getPage({ pageSize: 1000 });
    await client.sessions.v1.getPage({ pageSize: 51 });
    expect(server.requests.map((r) => new URLSearchParams(r.query).get('page_size'))).toEqual(['1000', '51']);
    expect(MAX_PAGE_SIZE).toBe(1000);
  });

  it('knows both vocabularies of sort_direction and content_inspection_status and sends each as given', async () => {
    // asc/desc and FOUND/NOT_FOUND are what the Python SDK sends; ASC/DESC and PENDING, PII_FOUND, PII_NOT_FOUND,
    // UNPROCESSED are what the vendor's API description documents.
    expect(SORT_DIRECTIONS).toEqual(['asc', 'desc', 'ASC', 'DESC']);
    expect(CONTENT_INSPECTION_STATUSES).toEqual([
      'PENDING',
      'FOUND',
      'NOT_FOUND',
      'PII_FOUND',
      'PII_NOT_FOUND',
      'UNPROCESSED',
    ]);
    server.on('GET /v1/sessions', () => ({ json: { items: [], totalCount: 0 } }));
    for (const sortDir of SORT_DIRECTIONS) await client.sessions.v1.getPage({ sortDir });
    for (const contentInspectionStatus of CONTENT_INSPECTION_STATUSES)
      await client.sessions.v1.getPage({ contentInspectionStatus });
    const sent = server.requests.map((r) => new URLSearchParams(r.query));
    expect(sent.slice(0, 4).map((q) => q.get('sort_direction'))).toEqual([...SORT_DIRECTIONS]);
    expect(sent.slice(4).map((q) => q.get('content_inspection_status'))).toEqual([...CONTENT_INSPECTION_STATUSES]);
  });

  it('omits has_alerts for null and every empty filter', async () => {
    server.on('GET /v1/sessions', () => ({ json: { items: [], totalCount: 0 } }));
    await client.sessions.v1.getPage({ hasAlerts: null, actorId: '', states: [], ruleIds: null, startTime: null });
    expect(server.requests[0]?.query).toBe('page_number=0&page_size=50');
  });

  it('rejects bad arguments before sending anything', async () => {
    await expect(client.sessions.v1.getPage({ pageSize: 1001 })).rejects.toThrow(
      'pageSize must be an integer from 1 to 1000, got 1001',
    );
    await expect(client.sessions.v1.getPage({ pageNum: -1 })).rejects.toThrow(/pageNum/);
    await expect(client.sessions.v1.getPage({ severities: ['SEVERE'] })).rejects.toThrow(/unknown severity "SEVERE"/);
    await expect(client.sessions.v1.getPage({ startTime: 'yesterday' })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(server.requests).toHaveLength(0);
    expect(server.tokenRequests).toHaveLength(0);
  });
});

describe('session paths', () => {
  it('encodes an id as one path segment', async () => {
    const id = 'a/b?c#d %e';
    server.on('GET /v1/sessions/a%2Fb%3Fc%23d%20%25e', () => ({ json: session(id) }));
    const result = await client.sessions.v1.getSessionDetails(id);
    expect(result.sessionId).toBe(id);
    expect(server.requests[0]?.path).toBe('/v1/sessions/a%2Fb%3Fc%23d%20%25e');
    expect(server.requests[0]?.query).toBe('');
  });

  it('refuses ids that a URL parser would turn into another path', async () => {
    for (const id of ['', '.', '..']) {
      await expect(client.sessions.v1.getSessionDetails(id)).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(client.sessions.v1.addNote(id, 'x')).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    expect(server.requests).toHaveLength(0);
  });

  it('keeps the path prefix of the base URL', async () => {
    server.on('GET /gateway/incydr/v1/sessions/s1', () => ({ json: session('s1') }));
    const prefixed = new Client(clientOptions(server, { url: `${server.url}/gateway/incydr/` }));
    await prefixed.sessions.v1.getSessionDetails('s1');
    await prefixed.close();
    expect(server.tokenRequests.map((r) => r.path)).toEqual(['/gateway/incydr/v1/oauth']);
    expect(server.requests.map((r) => r.path)).toEqual(['/gateway/incydr/v1/sessions/s1']);
  });
});

describe('getSessionEvents', () => {
  it('returns the inner file events page', async () => {
    const events = [{ '@timestamp': '2024-05-01T10:00:00.000Z', file: { name: 'a.txt' } }];
    server.on('GET /v1/sessions/s1/events', () => ({
      json: { queryResult: { fileEvents: events, nextPgToken: 'n1', problems: [], totalCount: 1 } },
    }));
    const page = await client.sessions.v1.getSessionEvents('s1');
    expect(page.fileEvents).toEqual(events);
    expect(page.nextPgToken).toBe('n1');
    expect(page.totalCount).toBe(1);
  });

  it('treats a missing or null queryResult or fileEvents as an empty page', async () => {
    const bodies = [{}, { queryResult: null }, { queryResult: { fileEvents: null, totalCount: 0 } }];
    let next = 0;
    server.on('GET /v1/sessions/s2/events', () => ({ json: bodies[next++] }));
    for (let i = 0; i < bodies.length; i += 1) {
      const page = await client.sessions.v1.getSessionEvents('s2');
      expect(page.fileEvents).toEqual([]);
    }
  });
});

describe('updateStateById', () => {
  it('sends 150 ids as two calls of 100 and 50, each slice once', async () => {
    server.on('POST /v1/sessions/change-state', () => ({ status: 204 }));
    const ids = Array.from({ length: 150 }, (_, i) => `s${i}`);
    await client.sessions.v1.updateStateById(ids, 'CLOSED');
    expect(server.requests).toHaveLength(2);
    const bodies = server.requests.map((r) => JSON.parse(r.body) as { ids: string[]; newState: string });
    expect(bodies[0]).toEqual({ ids: ids.slice(0, 100), newState: 'CLOSED' });
    expect(bodies[1]).toEqual({ ids: ids.slice(100), newState: 'CLOSED' });
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it('accepts a single id as a string', async () => {
    server.on('POST /v1/sessions/change-state', () => ({ status: 200 }));
    await client.sessions.v1.updateStateById('only-one', 'IN_PROGRESS');
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({ ids: ['only-one'], newState: 'IN_PROGRESS' });
  });

  it('sends nothing for an empty list or an empty state', async () => {
    await client.sessions.v1.updateStateById([], 'CLOSED');
    await expect(client.sessions.v1.updateStateById(['s1'], '')).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(server.requests).toHaveLength(0);
  });
});

describe('updateStateByCriteria', () => {
  it('sends the filters without paging and follows continuation tokens until null', async () => {
    const tokens = ['t1', 't2', null];
    let call = 0;
    server.on('POST /v1/sessions/change-states', () => ({ json: { continuationToken: tokens[call++] } }));
    const calls = await client.sessions.v1.updateStateByCriteria('CLOSED_FP', { actorId: 'x', states: 'OPEN' });
    expect(calls).toBe(3);
    expect(server.requests.map((r) => r.query)).toEqual(Array(3).fill('actor_id=x&has_alerts=true&state=OPEN'));
    expect(server.requests.map((r) => JSON.parse(r.body))).toEqual([
      { continuationToken: null, newState: 'CLOSED_FP' },
      { continuationToken: 't1', newState: 'CLOSED_FP' },
      { continuationToken: 't2', newState: 'CLOSED_FP' },
    ]);
  });

  it('tells onCall the number of calls after each one completes', async () => {
    const tokens = ['t1', 't2', null];
    let call = 0;
    server.on('POST /v1/sessions/change-states', () => ({ json: { continuationToken: tokens[call++] } }));
    const told: Array<[number, number]> = [];
    await client.sessions.v1.updateStateByCriteria(
      'OPEN',
      {},
      { onCall: (calls) => told.push([calls, server.requests.length]) },
    );
    expect(told).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
  });

  it('stops on a missing or empty token', async () => {
    const bodies = [{ continuationToken: 'a' }, {}, { continuationToken: '' }];
    let call = 0;
    server.on('POST /v1/sessions/change-states', () => ({ json: bodies[call++] }));
    expect(await client.sessions.v1.updateStateByCriteria('OPEN')).toBe(2);
    expect(await client.sessions.v1.updateStateByCriteria('OPEN')).toBe(1);
  });

  it('fails instead of looping when the server repeats a token', async () => {
    server.on('POST /v1/sessions/change-states', () => ({ json: { continuationToken: 'same' } }));
    await expect(client.sessions.v1.updateStateByCriteria('OPEN')).rejects.toThrow(IncydrError);
    expect(server.requests).toHaveLength(2);
  });
});

describe('addNote', () => {
  it('posts the note content', async () => {
    server.on('POST /v1/sessions/s%201/add-note', () => ({ status: 204 }));
    await client.sessions.v1.addNote('s 1', 'Reviewed: benign 👍');
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({ noteContent: 'Reviewed: benign 👍' });
  });

  it('counts the limit in code points and checks it before sending', async () => {
    server.on('POST /v1/sessions/s1/add-note', () => ({ status: 204 }));
    await client.sessions.v1.addNote('s1', '😀'.repeat(2000));
    await expect(client.sessions.v1.addNote('s1', '😀'.repeat(2001))).rejects.toThrow(/2001 characters/);
    await expect(client.sessions.v1.addNote('s1', '')).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(server.requests).toHaveLength(1);
  });
});

describe('headers', () => {
  it('sends a User-Agent naming the package, Node.js and the OS, after the configured prefix', async () => {
    server.on('GET /v1/sessions/s1', () => ({ json: session('s1') }));
    const prefixed = new Client(clientOptions(server, { userAgentPrefix: 'soc-forwarder/2.1' }));
    await prefixed.sessions.v1.getSessionDetails('s1');
    await prefixed.close();
    const agent = server.requests[0]?.headers['user-agent'] ?? '';
    expect(agent).toMatch(/^soc-forwarder\/2\.1 x\/sessions-sdk\/\d+\.\d+\.\d+ /);
    expect(agent).toContain(`node/${process.versions.node}`);
    expect(agent).toContain(process.platform);
    expect(server.requests[0]?.headers.authorization).toMatch(/^Bearer .+\..+\..+$/);
  });
});
