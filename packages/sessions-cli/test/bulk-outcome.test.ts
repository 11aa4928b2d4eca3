// `sessions bulk-update-state` when the API throttles, loses answers or cannot be reached (issue 14, items 3, 4 and
// 11): run in-process against the emulator, whose faults play the API's rate limit, a proxy that drops answers, and
// an API that is down. Every row must say what is true, and a rerun of the rows that failed must be safe.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '@x/sessions-emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run, type BulkUpdateStateArgs } from '../src/commands/sessions/bulk-update-state.js';
import { ExitError } from '../src/failures.js';
import { testRun, type TestClientOptions } from './helpers/in-process.js';
import { closedPort } from './helpers/receivers.js';
import { EMULATOR_NOW, lines } from './helpers/run.js';
import { currentState } from './helpers/sessions.js';
import { patient } from '@x/vitest-config/patience';

let emu: Emulator;
let dir: string;
let ids: string[];

beforeAll(async () => {
  emu = await startEmulator({ host: '127.0.0.1', port: 0, sessions: 1200, seed: 14, now: EMULATOR_NOW, control: true });
  dir = await mkdtemp(join(tmpdir(), 'incydr-bulk-outcome-'));
});

afterAll(async () => {
  await emu?.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  emu.reset();
  ids = emu.state().sessions.map((dump) => dump.session.sessionId);
});

/** A results record as `--results x.jsonl` writes it. */
interface Result {
  row: number;
  session_id: string;
  state: string;
  note: string;
  outcome: string;
  status: string;
}

interface BulkRun {
  /** The ExitError the run ended with, if any. */
  error: ExitError | undefined;
  stderr: string[];
  results: Result[];
}

/** Run `bulk-update-state` on JSON Lines rows in this process; `warm` gets the token before the faults are set. */
async function bulk(
  rows: ReadonlyArray<{ id: string; state: string; note?: string }>,
  options: {
    client?: TestClientOptions;
    faults?: Parameters<Emulator['setFaults']>[0];
    args?: Partial<BulkUpdateStateArgs>;
  } = {},
): Promise<BulkRun> {
  const input = join(dir, `in-${Math.random().toString(36).slice(2)}.jsonl`);
  const results = `${input}.results.jsonl`;
  await writeFile(
    input,
    rows
      .map((row) =>
        JSON.stringify({ session_id: row.id, state: row.state, ...(row.note === undefined ? {} : { note: row.note }) }),
      )
      .join('\n'),
  );
  const test = testRun(emu, options.client);
  if (options.faults !== undefined) {
    // The token first, so that the faults meet the run's own requests.
    await test.client.sessions.v1.getPage({ pageSize: 1 }).catch(() => undefined);
    emu.clearRequests();
    emu.setFaults(options.faults);
  }
  let error: ExitError | undefined;
  try {
    await run({ file: input, format: 'json-lines', results, ...options.args }, test.ctx);
  } catch (thrown) {
    if (!(thrown instanceof ExitError)) throw thrown;
    error = thrown;
  } finally {
    emu.setFaults({ dropRate: 0, dropAfterApplyRate: 0, failRate: 0, throttleEvery: null });
  }
  const text = await readFile(results, 'utf8').catch(() => '');
  return { error, stderr: lines(test.stderr()), results: lines(text).map((line) => JSON.parse(line) as Result) };
}

function sessionOf(id: string) {
  const dump = emu.state().sessions.find((item) => item.session.sessionId === id);
  if (dump === undefined) throw new Error(`no session ${id}`);
  return dump.session;
}

/** How many notes with exactly this text the session has. */
function copies(id: string, text: string): number {
  return sessionOf(id).notes.filter((note) => note.content === text).length;
}

const addNoteStatuses = (): number[] =>
  emu
    .requests()
    .filter((request) => request.path.endsWith('/add-note'))
    .map((request) => request.status);

describe('notes under throttling (item 3)', () => {
  it(
    'retries notes answered 429 or 503, which mean not processed, and adds each of 250 notes once',
    async () => {
      // Every other request throttled (the attack saw 134 of 250 notes fail under the API's ~120/min limit) and one in
      // five refused with 503 without Retry-After.
      const rows = ids.slice(0, 250).map((id, i) => ({ id, state: 'IN_PROGRESS', note: `throttled note ${i}` }));
      const result = await bulk(rows, {
        // Each attempt fails with a chance of about 0.6, and concurrent notes can meet the 429s in lockstep: 30
        // retries make a note that never gets through vanishingly rare (12 failed about once in three runs under load).
        client: { maxRetries: 30 },
        faults: { throttleEvery: 2, throttleRetryAfterSec: 0, failRate: 0.2, failStatus: 503 },
      });
      expect(result.error).toBeUndefined();
      expect(result.stderr).toEqual(['250 updated, 250 notes added, 0 failed']);
      const statuses = addNoteStatuses();
      expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(50);
      expect(statuses.filter((status) => status === 503).length).toBeGreaterThan(10);
      for (const [i, row] of rows.entries()) expect(copies(row.id, `throttled note ${i}`)).toBe(1);
      expect(new Set(result.results.map((record) => record.status))).toEqual(new Set(['ok']));
    },
    patient(60_000),
  );
});

describe('lost answers (item 4)', () => {
  it(
    'reads back notes whose answers were lost, so that a rerun of the failed rows adds each note exactly once',
    async () => {
      // A proxy that loses one answer in four after the API applied the change, and drops one request in eight before.
      const rows = ids.slice(0, 250).map((id, i) => ({ id, state: 'CLOSED_TP', note: `lost answer ${i}` }));
      const first = await bulk(rows, {
        client: { maxRetries: 12 },
        faults: { dropAfterApplyRate: 0.25, dropRate: 0.125 },
      });
      const confirmed = first.results.filter((record) =>
        record.status.startsWith('ok: the answer to add-note was lost'),
      );
      const failed = first.results.filter((record) => record.outcome === 'failed');
      expect(confirmed.length).toBeGreaterThan(20);
      expect(failed.length).toBeGreaterThan(5);
      expect(first.results.filter((record) => record.outcome === 'unknown')).toEqual([]);
      for (const record of first.results) {
        // What a row says is what the session shows.
        expect({ row: record.row, copies: copies(record.session_id, record.note) }).toEqual({
          row: record.row,
          copies: record.outcome === 'ok' ? 1 : 0,
        });
      }
      for (const record of failed)
        expect(record.status).toMatch(/^note not added: .*; the session read back has no such note$/);
      expect(first.stderr.at(-1)).toBe(`250 updated, ${250 - failed.length} notes added, ${failed.length} failed`);
      expect(first.error?.exitCode).toBe(1);

      const again = await bulk(
        failed.map((record) => ({ id: record.session_id, state: record.state, note: record.note })),
      );
      expect(again.error).toBeUndefined();
      for (const [i, row] of rows.entries()) expect(copies(row.id, `lost answer ${i}`)).toBe(1);
      for (const row of rows) expect(currentState(sessionOf(row.id))).toBe('CLOSED_TP');
    },
    patient(60_000),
  );

  it(
    'calls a note unknown when the server may still add it (504) and says to look before resending',
    async () => {
      const rows = ids.slice(300, 340).map((id, i) => ({ id, state: 'OPEN', note: `gateway ${i}` }));
      const result = await bulk(rows, { client: { maxRetries: 12 }, faults: { failRate: 0.3, failStatus: 504 } });
      const unknown = result.results.filter((record) => record.outcome === 'unknown');
      expect(unknown.length).toBeGreaterThan(3);
      expect(result.results.filter((record) => record.outcome === 'failed')).toEqual([]);
      for (const record of unknown) {
        expect(record.status).toMatch(
          /^note outcome unknown: API error \(HTTP 504\) .*; the session read back has no such note yet, but the server may still add it$/,
        );
      }
      expect(result.stderr.at(-1)).toBe(
        `40 updated, ${40 - unknown.length} notes added, 0 failed, ${unknown.length} unknown`,
      );
      expect(result.error?.message).toBe(
        `${unknown.length} rows with an unknown outcome: look at those sessions before sending them again`,
      );
    },
    patient(60_000),
  );
});

describe('an API no row can succeed against (item 11)', () => {
  it(
    'stops at once when the API cannot be reached, marking all 1,000 rows in --results',
    async () => {
      const url = `http://127.0.0.1:${await closedPort()}`;
      const rows = ids.slice(0, 1000).map((id) => ({ id, state: 'CLOSED', note: 'never sent' }));
      // Stopping at once shows in the counts, not the clock: one token call (and its retries), the first batch not
      // applied, the other 900 rows never sent.
      const result = await bulk(rows, { client: { url } });
      expect(result.stderr).toEqual(['0 updated, 0 notes added, 0 failed, 1000 skipped']);
      expect(result.error?.message).toMatch(
        /^stopped: POST http:\/\/127\.0\.0\.1:\d+\/v1\/oauth failed: .*ECONNREFUSED.* \(after 4 retries\); 1000 rows not sent or not applied \(listed in .*\.results\.jsonl\)$/,
      );
      expect(result.results).toHaveLength(1000);
      expect(new Set(result.results.map((record) => record.outcome))).toEqual(new Set(['skipped']));
      expect(result.results.filter((record) => record.status.startsWith('not applied: '))).toHaveLength(100);
      expect(result.results.filter((record) => record.status.startsWith('not sent: '))).toHaveLength(900);
    },
    patient(30_000),
  );

  it('stops at the first refusal of the credentials, with one token request', async () => {
    const rows = ids.slice(0, 300).map((id) => ({ id, state: 'CLOSED' }));
    const result = await bulk(rows, { client: { apiClientSecret: 'wrong-secret' } });
    expect(emu.requests().map((request) => `${request.path} ${request.status}`)).toEqual(['/v1/oauth 401']);
    expect(result.error?.message).toMatch(
      /^stopped: authentication failed \(HTTP 401 .*; 300 rows not sent or not applied/,
    );
    expect(result.stderr).toEqual(['0 updated, 0 notes added, 0 failed, 300 skipped']);
  });

  it('stops after the retries of one change-state when the API keeps answering 503, instead of retrying row by row', async () => {
    const rows = ids.slice(0, 300).map((id) => ({ id, state: 'CLOSED' }));
    const result = await bulk(rows, { client: { maxRetries: 3 }, faults: { failRate: 1, failStatus: 503 } });
    expect(emu.requests().map((request) => `${request.path} ${request.status}`)).toEqual(
      Array(4).fill('/v1/sessions/change-state 503'),
    );
    expect(result.error?.message).toMatch(
      /^stopped: API error \(HTTP 503\) on POST .*: injected failure \(after 3 retries\); 300 rows not sent/,
    );
  });
});
