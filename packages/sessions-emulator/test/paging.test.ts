// Paging of `GET /v1/sessions` and the 400 answers to malformed search queries, over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@x/sessions-sdk';
import { clientFor } from './helpers/client.js';
import { startEmulator, type Emulator, type SessionDump } from '../src/index.js';
import { documentedParameter } from './helpers/vendor.js';
import { patient } from '@x/vitest-config/patience';

const NOW = Date.UTC(2026, 0, 15);

interface Running {
  emu: Emulator;
  client: Client;
  dumps: SessionDump[];
}

const running: Running[] = [];

async function start(sessions: number, seed: number): Promise<Running> {
  const emu = await startEmulator({ port: 0, sessions, seed, now: NOW, control: true });
  const client = clientFor(emu);
  const entry: Running = { emu, client, dumps: [] };
  running.push(entry);
  const res = await fetch(`${emu.url}/_emulator/state`);
  entry.dumps = ((await res.json()) as { sessions: SessionDump[] }).sessions;
  return entry;
}

let small: Running;
let large: Running;

beforeAll(async () => {
  small = await start(120, 3);
  large = await start(1_000, 4);
}, patient(60_000));

afterAll(async () => {
  for (const { emu, client } of running) {
    await client.close();
    await emu.close();
  }
});

/** Every session in the API's default order (end time descending, ties by id), computed from the dump. */
function defaultOrder(dumps: SessionDump[]): string[] {
  return dumps
    .map((d) => d.session)
    .sort((a, b) => b.endTime - a.endTime || (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0))
    .map((s) => s.sessionId);
}

describe('paging', () => {
  it.each([
    [1, 'small'],
    [7, 'large'],
    [50, 'large'],
  ] as const)('serves every session exactly once over pages of %i', async (pageSize, which) => {
    const { client, dumps } = which === 'small' ? small : large;
    const expected = defaultOrder(dumps);
    expect(expected.length).toBeGreaterThan(pageSize);
    const pages = Math.ceil(expected.length / pageSize);
    const seen: string[] = [];
    for (let pageNum = 0; pageNum < pages; pageNum += 1) {
      const page = await client.sessions.v1.getPage({ hasAlerts: null, pageNum, pageSize });
      expect(page.totalCount).toBe(expected.length);
      const items = page.items ?? [];
      // Every page is full but the last.
      expect(items.length).toBe(Math.min(pageSize, expected.length - pageNum * pageSize));
      seen.push(...items.map((s) => s.sessionId ?? '<no id>'));
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expected);
  });

  it('answers an empty page with the full totalCount past the end', async () => {
    const { client, dumps } = large;
    for (const [pageNum, pageSize] of [
      [Math.ceil(dumps.length / 50), 50],
      [Math.ceil(dumps.length / 7), 7],
      [1_000_000, 50],
    ] as const) {
      const page = await client.sessions.v1.getPage({ hasAlerts: null, pageNum, pageSize });
      expect(page.items).toEqual([]);
      expect(page.totalCount).toBe(dumps.length);
    }
  });

  it('counts the filtered sessions in totalCount, not the whole dataset', async () => {
    const { client, dumps } = large;
    const withAlerts = dumps.filter((d) => d.session.triggeredAlerts.length > 0).length;
    expect(withAlerts).toBeGreaterThan(0);
    expect(withAlerts).toBeLessThan(dumps.length);
    const page = await client.sessions.v1.getPage({ hasAlerts: true, pageNum: 0, pageSize: 5 });
    expect(page.items).toHaveLength(5);
    expect(page.totalCount).toBe(withAlerts);
  });
});

// The vendor's API description gives page_size a maximum of 1000 (and, in its text, "Max of '50'"); the Python SDK
// keeps to 50. The same checks run against the default limit and against a server that keeps to 50.
describe.each([
  ['the default limit, the documented maximum', undefined, documentedParameter('page_size').maximum ?? Number.NaN],
  ['a limit of 50', 50, 50],
])('page_size with %s', (_, maxPageSize, max) => {
  let emu: Emulator;
  let token: string;

  beforeAll(async () => {
    emu = await startEmulator({
      sessions: max + 7,
      seed: 5,
      now: NOW,
      ...(maxPageSize === undefined ? {} : { maxPageSize }),
    });
    const res = await fetch(`${emu.url}/v1/oauth`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${emu.clientId}:${emu.clientSecret}`).toString('base64')}` },
    });
    token = ((await res.json()) as { access_token: string }).access_token;
  }, patient(60_000));

  afterAll(async () => {
    await emu?.close();
  });

  async function page(
    query: string,
  ): Promise<{ status: number; body: { items?: unknown[]; totalCount?: number; msg?: string } }> {
    const res = await fetch(`${emu.url}/v1/sessions?${query}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as { items?: unknown[]; totalCount?: number; msg?: string } };
  }

  it('serves full pages of the largest size, then the rest', async () => {
    const first = await page(`page_number=0&page_size=${max}`);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(max);
    expect(first.body.totalCount).toBe(max + 7);
    expect((await page(`page_number=1&page_size=${max}`)).body.items).toHaveLength(7);
  });

  it('answers 400 naming page_size and the limit one above it', async () => {
    const { status, body } = await page(`page_number=0&page_size=${max + 1}`);
    expect(status).toBe(400);
    expect(body.msg).toBe(`Invalid page_size '${max + 1}': expected an integer from 1 to ${max}`);
  });

  it('serves 50 sessions when page_size is left out', async () => {
    expect((await page('page_number=0')).body.items).toHaveLength(50);
  });
});

describe('malformed search queries', () => {
  let token: string;

  beforeAll(async () => {
    const res = await fetch(`${large.emu.url}/v1/oauth`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${large.emu.clientId}:${large.emu.clientSecret}`).toString('base64')}`,
      },
    });
    expect(res.status).toBe(200);
    token = ((await res.json()) as { access_token: string }).access_token;
  });

  async function search(query: string): Promise<{ status: number; contentType: string | null; body: unknown }> {
    const res = await fetch(`${large.emu.url}/v1/sessions?${query}`, { headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    return { status: res.status, contentType: res.headers.get('content-type'), body: JSON.parse(text) as unknown };
  }

  it('accepts the minimal query of the Python CLI', async () => {
    const { status, body } = await search('has_alerts=true&page_number=0&page_size=50');
    expect(status).toBe(200);
    expect(body).toMatchObject({ items: expect.any(Array), totalCount: expect.any(Number) });
  });

  it.each(['1001', '0', 'abc', '-1', '1.5', ''])('answers 400 naming page_size for page_size=%s', async (value) => {
    const { status, contentType, body } = await search(`page_number=0&page_size=${value}`);
    expect(status).toBe(400);
    expect(contentType).toMatch(/^application\/json/);
    expect(body).toEqual({ msg: expect.stringContaining('page_size'), status: 400, error: 'Bad Request' });
  });

  it.each([
    ['an unknown parameter', 'page_size=10&colour=blue', 'colour'],
    ['a date where epoch milliseconds belong', 'on_or_after=2024-01-01', 'on_or_after'],
    ['a repeated single-valued parameter', 'actor_id=a&actor_id=b', 'actor_id'],
    ['an unknown state', 'state=OPEN&state=BOGUS', 'BOGUS'],
    ['a severity out of range', 'severity=5', 'severity'],
    ['a page number below zero', 'page_number=-1', 'page_number'],
    ['an unknown sort key', 'order_by=begin_time', 'order_by'],
    ['a boolean other than true or false', 'has_alerts=yes', 'has_alerts'],
  ])('answers 400 for %s', async (_, query, named) => {
    const { status, body } = await search(query);
    expect(status).toBe(400);
    expect(body).toEqual({ msg: expect.stringContaining(named), status: 400, error: 'Bad Request' });
  });
});
