import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Client } from '@x/sessions-sdk';
import { ConnectionError, RateLimitedError } from '@x/sessions-sdk';
import { clientFor } from './helpers/client.js';
import { startEmulator, type Emulator } from '../src/index.js';
import { patient } from '@x/vitest-config/patience';

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ sessions: 200, seed: 3, control: true });
});

afterAll(async () => {
  await emu.close();
});

beforeEach(() => {
  emu.reset();
});

function client(extra: { maxRetries?: number; maxRetryDelayMs?: number } = {}): Client {
  return clientFor(emu, { maxRetryDelayMs: 50, ...extra });
}

async function setFaults(faults: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${emu.url}/_emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  expect(res.status).toBe(200);
}

const statuses = (): number[] => emu.requests().map((r) => r.status);

describe('faults', () => {
  it('delays every answer by the configured latency', async () => {
    await setFaults({ latencyMs: 150 });
    await using c = client();
    const started = performance.now();
    await c.sessions.v1.getPage({ pageSize: 1 });
    // Two requests: the token call and the search.
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('releases answers held by a long latency as soon as the latency is lowered', async () => {
    await setFaults({ latencyMs: 600_000 });
    // No retry: a request that timed out and went again after the release would hide a hold that never ended.
    await using c = client({ maxRetries: 0 });
    let answered = false;
    const page = c.sessions.v1.getPage({ pageSize: 1 }).finally(() => (answered = true));
    await vi.waitFor(() => expect(emu.requests().length).toBeGreaterThan(0), { timeout: patient(10_000), interval: 5 });
    expect(answered).toBe(false);
    await setFaults({ latencyMs: 0 });
    // Held for ten minutes otherwise: the test's own time limit is far shorter.
    expect((await page).items).toHaveLength(1);
  });

  it('answers every Nth request with 429 and Retry-After, which the SDK waits out', async () => {
    await setFaults({ throttleEvery: 2, throttleRetryAfterSec: 1 });
    await using c = client({ maxRetryDelayMs: 2000 });
    await c.sessions.v1.getPage({ pageSize: 1 });
    expect(statuses()).toEqual([200, 429, 200]);
  });

  it('enforces a real per-minute limit per client', async () => {
    await setFaults({ rateLimitPerMinute: 3 });
    await using c = client({ maxRetries: 0 });
    await c.sessions.v1.getPage({ pageSize: 1 });
    await c.sessions.v1.getPage({ pageSize: 1 });
    const error = await c.sessions.v1.getPage({ pageSize: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect((error as RateLimitedError).retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('fails the next requests or a share of them with 5xx', async () => {
    await setFaults({ failNext: 2, failStatus: 502 });
    await using c = client();
    await c.sessions.v1.getPage({ pageSize: 1 });
    expect(statuses()).toEqual([502, 502, 200, 200]);
    emu.clearRequests();
    await setFaults({ failRate: 1, failStatus: 500 });
    await expect(c.sessions.v1.getPage({ pageSize: 1 })).rejects.toMatchObject({ status: 500 });
    await setFaults({ failRate: 0.5, failStatus: 503 });
    emu.clearRequests();
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, () => fetch(`${emu.url}/v1/sessions`).then((r) => r.status)),
    );
    const failed = results.filter((r) => r.status === 'fulfilled' && r.value === 503).length;
    expect(failed).toBeGreaterThan(5);
    expect(failed).toBeLessThan(35);
  });

  it('drops connections without an answer', async () => {
    await setFaults({ dropNext: 1 });
    await expect(fetch(`${emu.url}/v1/sessions`)).rejects.toThrow();
    await setFaults({ dropRate: 1 });
    await using c = client({ maxRetries: 1 });
    await expect(c.sessions.v1.getPage()).rejects.toBeInstanceOf(ConnectionError);
    await setFaults({ dropRate: 0 });
    await c.sessions.v1.getPage({ pageSize: 1 });
  });

  it('applies a change and then drops its connection without an answer (dropAfterApplyNext)', async () => {
    const [first, second] = emu.state().sessions.map((dump) => dump.session.sessionId);
    const notesOf = (id: string | undefined): string[] =>
      emu
        .state()
        .sessions.find((dump) => dump.session.sessionId === id)
        ?.session.notes.map((note) => note.content) ?? [];
    await using c = client({ maxRetries: 0 });
    await c.sessions.v1.getPage({ pageSize: 1 });
    await setFaults({ dropAfterApplyNext: 1 });
    // The search (not a change) is answered; the note is added, and its answer lost.
    await c.sessions.v1.getPage({ pageSize: 1 });
    await expect(c.sessions.v1.addNote(first ?? '', 'kept though unanswered')).rejects.toBeInstanceOf(ConnectionError);
    expect(notesOf(first).at(-1)).toBe('kept though unanswered');
    await c.sessions.v1.addNote(second ?? '', 'answered');
    expect(notesOf(second).at(-1)).toBe('answered');
    expect(statuses()).toEqual([200, 200, 200, 0, 204]);
  });

  it('applies a share of changes and drops their answers (dropAfterApplyRate)', async () => {
    const ids = emu
      .state()
      .sessions.slice(0, 40)
      .map((dump) => dump.session.sessionId);
    await setFaults({ dropAfterApplyRate: 0.5 });
    await using c = client({ maxRetries: 0 });
    const results = await Promise.allSettled(ids.map((id) => c.sessions.v1.addNote(id, 'half unanswered')));
    const lost = results.filter((result) => result.status === 'rejected').length;
    expect(lost).toBeGreaterThan(5);
    expect(lost).toBeLessThan(35);
    const byId = new Map(emu.state().sessions.map((dump) => [dump.session.sessionId, dump.session]));
    for (const id of ids) expect(byId.get(id)?.notes.at(-1)?.content).toBe('half unanswered');
  });

  it('expires tokens early, and the SDK re-authenticates once', async () => {
    await using c = client();
    await c.sessions.v1.getPage({ pageSize: 1 });
    const res = await fetch(`${emu.url}/_emulator/expire-tokens`, { method: 'POST' });
    expect(res.status).toBe(204);
    await c.sessions.v1.getPage({ pageSize: 1 });
    expect(emu.requests().map((r) => `${r.path} ${r.status}`)).toEqual([
      '/v1/oauth 200',
      '/v1/sessions 200',
      '/v1/sessions 401',
      '/v1/oauth 200',
      '/v1/sessions 200',
    ]);
  });

  it('rejects unknown faults and out-of-range values', async () => {
    for (const body of [
      { latency: 5 },
      { failRate: 2 },
      { failStatus: 200 },
      { dropNext: -1 },
      { dropAfterApplyRate: 1.5 },
    ]) {
      const res = await fetch(`${emu.url}/_emulator/faults`, { method: 'POST', body: JSON.stringify(body) });
      expect(res.status).toBe(400);
    }
  });
});
