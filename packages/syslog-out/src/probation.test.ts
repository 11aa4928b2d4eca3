import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EarlyCloseError, PROBE_MIN_MS, Probation, type ProbedConnection } from './probation.js';

/** Advance the fake clock by `ms`, then let the event loop run its poll phases (real immediates). */
async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  for (let turn = 0; turn < 4; turn += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** A connection whose first bytes left now; `close()` makes it unusable, as a receiver's close does. */
function connection(connectMs = 0.2): ProbedConnection & { close(): void; destroy(): void } {
  const conn = {
    firstWriteAt: Date.now() as number | undefined,
    connectMs,
    usable: true,
    close() {
      conn.usable = false;
    },
    destroy() {
      conn.usable = false;
    },
    async probe(ms: number) {
      await new Promise((resolve) => setTimeout(resolve, ms));
      if (!conn.usable) throw new Error('closed');
    },
  };
  return conn;
}

describe('Probation', () => {
  beforeEach(() => {
    // Immediates stay real: the probe passes only after the event loop's poll phases that follow its time.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('passes a new receiver once it kept a connection open 100 ms after the first bytes, not before', async () => {
    const probation = new Probation();
    const conn = connection();
    probation.watch(conn);
    await advance(PROBE_MIN_MS - 1);
    expect(probation.proven).toBe(false);
    await advance(1);
    expect(probation.proven).toBe(true);
  });

  it('waits four connect times on a slow network', async () => {
    const probation = new Probation();
    const conn = connection(80);
    expect(probation.probeMs(conn)).toBe(320);
    probation.watch(conn);
    await advance(319);
    expect(probation.proven).toBe(false);
    await advance(1);
    expect(probation.proven).toBe(true);
  });

  it('does not pass a receiver that closed within the probe time, and counts its close as early', async () => {
    const probation = new Probation();
    const conn = connection();
    probation.watch(conn);
    await advance(50);
    conn.close();
    await advance(1_000);
    expect(probation.proven).toBe(false);
    const early = probation.early(new Error('ECONNRESET'), conn);
    expect(early).toBeInstanceOf(EarlyCloseError);
    expect(probation.failed(early, true)).toBe(false);
  });

  it('asks for a verdict at the second early close in a row, and not after a failure that was not early', async () => {
    const probation = new Probation();
    const early = (): unknown => probation.early(new Error('closed'), connection());
    expect(probation.failed(early(), true)).toBe(false);
    expect(probation.failed(new Error('refused'), true)).toBe(false);
    expect(probation.failed(early(), true)).toBe(false);
    expect(probation.failed(early(), true)).toBe(true);
  });

  it('counts no failure as early once the receiver passed', async () => {
    const probation = new Probation();
    const conn = connection();
    probation.watch(conn);
    await advance(PROBE_MIN_MS);
    const error = new Error('closed');
    expect(probation.early(error, connection())).toBe(error);
  });

  it('tells a receiver rejecting our bytes (it keeps an idle connection) from one dropping all', async () => {
    const probation = new Probation();
    const kept = probation.judge(async () => connection());
    await advance(PROBE_MIN_MS);
    await expect(kept).resolves.toBe('kept');
    expect(probation.dropsConnections).toBe(false);

    const dropped = probation.judge(async () => {
      const conn = connection();
      setTimeout(() => conn.close(), 10);
      return conn;
    });
    await advance(PROBE_MIN_MS);
    await expect(dropped).resolves.toBe('dropped');
    // Early closes say nothing about our records then.
    expect(probation.dropsConnections).toBe(true);
    expect(probation.failed(probation.early(new Error('closed'), connection()), true)).toBe(false);
    expect(probation.failed(probation.early(new Error('closed'), connection()), true)).toBe(false);

    await expect(probation.judge(async () => Promise.reject(new Error('refused')))).resolves.toBe('unknown');
  });
});
