import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyStore, parseStore, readStore, serializeStore, writeStore } from './store.js';

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'incydr-store-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const query = { url: 'https://x.example', client: 'key-1', filters: { has_alerts: true } };

describe('checkpoint store', () => {
  it('round-trips through its file, atomically replaced, leaving no temporary file', async () => {
    const file = join(folder, 'a.json');
    const store = emptyStore('a', query, 0);
    store.sessions.set('s1', { digest: 'd1', beginTime: 5, lastUpdated: null, deliveredAt: 9 });
    store.sessions.set('s2', { digest: null, beginTime: 6, lastUpdated: 7, deliveredAt: 9 });
    await writeStore(file, store);
    store.sessions.delete('s2');
    await writeStore(file, store);
    const read = await readStore(file, 'a');
    expect(read?.query).toEqual(query);
    expect([...(read?.sessions ?? [])]).toEqual([
      ['s1', { digest: 'd1', beginTime: 5, lastUpdated: null, deliveredAt: 9 }],
    ]);
    expect(await readdir(folder)).toEqual(['a.json']);
  });

  it('keeps the backfill it owes, and reads a file written before backfills existed as owing none', () => {
    const store = emptyStore('a', query, 0);
    store.backfill = { onOrAfter: 1_700_000_000_000, reason: '--start' };
    expect(parseStore(serializeStore(store), 'a').backfill).toEqual({
      onOrAfter: 1_700_000_000_000,
      reason: '--start',
    });
    const older = JSON.parse(serializeStore(emptyStore('a', query, 0))) as Record<string, unknown>;
    delete older['backfill'];
    expect(parseStore(JSON.stringify(older), 'a').backfill).toBeNull();
  });

  it('reads a missing file as no store', async () => {
    expect(await readStore(join(folder, 'missing.json'), 'missing')).toBeUndefined();
  });

  const valid = JSON.parse(serializeStore(emptyStore('b', query, 0))) as Record<string, unknown>;
  const damaged: Array<[string, string, RegExp]> = [
    ['truncated JSON', serializeStore(emptyStore('b', query, 0)).slice(0, 40), /not valid JSON/],
    ['another file', '{"hello":1}', /not a checkpoint file/],
    ['a newer version', JSON.stringify({ ...valid, version: 2 }), /format version 2 is not supported/],
    ['a bad query', JSON.stringify({ ...valid, query: 'x' }), /"query" is not a query/],
    ['sessions as a list', JSON.stringify({ ...valid, sessions: [] }), /"sessions" is not an object/],
    [
      'a malformed backfill',
      JSON.stringify({ ...valid, backfill: { onOrAfter: 'yesterday', reason: '--start' } }),
      /"backfill" is malformed/,
    ],
    [
      'a bad entry',
      JSON.stringify({ ...valid, sessions: { s1: { digest: 1, beginTime: 1, lastUpdated: null, deliveredAt: 1 } } }),
      /session "s1" is malformed/,
    ],
    [
      'an entry without beginTime',
      JSON.stringify({ ...valid, sessions: { s1: { digest: 'd', lastUpdated: null, deliveredAt: 1 } } }),
      /session "s1"/,
    ],
  ];
  for (const [what, text, message] of damaged) {
    it(`rejects ${what} with a reason`, async () => {
      expect(() => parseStore(text, 'b')).toThrow(message);
      const file = join(folder, 'damaged.json');
      await writeFile(file, text);
      await expect(readStore(file, 'b')).rejects.toThrow(/checkpoint "b" is damaged .*checkpoint reset b/);
      expect(await readFile(file, 'utf8')).toBe(text);
    });
  }
});
