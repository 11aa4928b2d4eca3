// How the sender behaves with slow, stalled and idle receivers: backpressure, stall timeouts, confirmations that
// never come, idle connections closed by the receiver.
import { describe, expect, it } from 'vitest';
import { SyslogConfigError, SyslogDeliveryError, SyslogError, SyslogTimeoutError } from '../src/index.js';
import {
  causes,
  maxSocketBuffers,
  N,
  pki,
  receiver,
  sender,
  sendSeq,
  serverPair,
  tcp,
  tls,
  useFailureKit,
} from './helpers/failure-kit.js';
import { analyse, seqRecord } from './helpers/receivers.js';
import { outcome, waitFor, waitForSteady } from './helpers/wait.js';
import { patient } from '@x/vitest-config/patience';

useFailureKit();

describe('slow, stalled and idle receivers', () => {
  it('delivers everything to a slow reader', async () => {
    const rx = await receiver({ mode: 'slow' });
    const s = sender(tcp(rx));
    await sendSeq(s, 0, N);
    expect(analyse(rx.records, N)).toEqual({ missing: [], duplicates: 0, unexpected: 0 });
    expect(s.stats.retries).toBe(0);
  });

  it(
    'stops accepting records while the receiver does not read (send awaits backpressure)',
    async () => {
      // What the kernel may buffer between the two ends is the most a sender without a backlog of its own can accept,
      // give or take a few chunks (256 KiB each by default).
      const kernelBytes = maxSocketBuffers();
      const bound = Math.ceil((kernelBytes + 4 * 262_144) / 1024);
      const total = Math.max(2 * bound, 20_000);
      const rx = await receiver();
      rx.pauseReading();
      const s = sender({ ...tcp(rx), writeStallTimeoutMs: 20_000 });
      let accepted = 0;
      const producer = outcome(
        (async () => {
          for (let seq = 0; seq < total; seq += 1) {
            await s.send(seqRecord(seq));
            accepted = seq + 1;
          }
          await s.confirm();
        })(),
      );
      const steady = await waitForSteady(() => accepted, 'accepted records', 500, 15_000);
      expect(steady).toBeGreaterThan(0);
      expect(steady).toBeLessThan(bound);
      rx.resumeReading();
      const result = await producer;
      expect(result.error).toBeUndefined();
      expect(analyse(rx.records, total)).toEqual({ missing: [], duplicates: 0, unexpected: 0 });
    },
    patient(40_000),
  );

  it('fails with a timeout when the receiver stops reading, in bounded time', async () => {
    const rx = await receiver({ mode: 'stall' });
    const s = sender({ ...tcp(rx), writeStallTimeoutMs: 300, maxRetries: 1 });
    let accepted = 0;
    const result = await outcome(
      (async () => {
        for (let seq = 0; seq < 200_000; seq += 1) {
          await s.send(seqRecord(seq));
          accepted = seq + 1;
        }
        await s.confirm();
      })(),
    );
    expect(result.ok).toBe(false);
    expect(accepted).toBeLessThan(200_000);
    expect(causes(result.error).some((e) => e instanceof SyslogTimeoutError)).toBe(true);
    expect(result.error).toBeInstanceOf(SyslogDeliveryError);
    // The hint names the option to raise for a receiver that is only slow.
    expect((result.error as SyslogError).hint).toMatch(/stopped reading.*writeStallTimeoutMs/);
    expect(s.retryEvents).toHaveLength(1);
    expect(result.ms).toBeLessThan(patient(10_000));
    const closing = await outcome(s.close());
    expect(closing.ms).toBeLessThan(patient(3_000));
  });

  it('takes a receiver that never reads the first write for a stalled one, not for one that closed early', async () => {
    // One 32 MB record: more than the kernel takes while nobody reads, so the very first write never completes.
    const rx = await receiver({ mode: 'stall' });
    const s = sender({ ...tcp(rx), writeStallTimeoutMs: 300, maxRetries: 1 });
    const result = await outcome(
      (async () => {
        await s.send(seqRecord(0, 32_000_000));
        await s.confirm();
      })(),
    );
    expect(result.error).toBeInstanceOf(SyslogDeliveryError);
    expect(causes(result.error).some((e) => e instanceof SyslogTimeoutError)).toBe(true);
    expect((result.error as SyslogError).hint ?? '').not.toMatch(/octet-counting/);
    expect(s.retryEvents).toHaveLength(1);
  });

  it('loses nothing when the receiver closed an idle connection before the next send', async () => {
    const rx = await receiver();
    const s = sender(tcp(rx));
    for (let seq = 0; seq < 100; seq += 1) await s.send(seqRecord(seq));
    await s.flush();
    await rx.waitForRecords(100);
    rx.closeIdle();
    await waitFor(() => rx.openConnections() === 0, 'the idle close');
    expect(rx.records).toHaveLength(100);
    for (let seq = 100; seq < 200; seq += 1) await s.send(seqRecord(seq));
    await s.confirm();
    const result = analyse(rx.records, 200);
    expect(result.missing).toEqual([]);
    expect(result.duplicates).toBeLessThanOrEqual(100);
    expect(rx.counts.idleCloses).toBe(1);
    expect(rx.counts.connections).toBe(2);
  });

  it('says how many records it sends again after an idle close, and why', async () => {
    const rx = await receiver();
    const s = sender(tcp(rx));
    const resends: Array<{ records: number; error: SyslogError }> = [];
    s.on('resend', (event: { records: number; error: SyslogError }) => resends.push(event));
    for (let seq = 0; seq < 100; seq += 1) await s.send(seqRecord(seq));
    await s.flush();
    await rx.waitForRecords(100);
    rx.closeIdle();
    await waitFor(() => rx.openConnections() === 0, 'the idle close');
    for (let seq = 100; seq < 200; seq += 1) await s.send(seqRecord(seq));
    await s.confirm();
    const result = analyse(rx.records, 200);
    expect(result.missing).toEqual([]);
    // The 100 records of the closed connection were unconfirmed: all of them went out again, and were counted.
    expect(result.duplicates).toBe(100);
    expect(s.stats.resent).toBe(100);
    expect(resends).toHaveLength(1);
    expect(resends[0]?.records).toBe(100);
    expect(resends[0]?.error.message).toMatch(/closed the connection/);
  });

  it('counts the records it sends again after a receiver crash, never fewer than arrived twice', async () => {
    const rx = await receiver({ mode: { crashAfter: [3_000], restartAfterMs: 50 } });
    const s = sender(tcp(rx));
    const resends: Array<{ records: number }> = [];
    s.on('resend', (event: { records: number }) => resends.push(event));
    await sendSeq(s, 0, N);
    const result = analyse(rx.records, N);
    expect(result.missing).toEqual([]);
    expect(s.stats.resent).toBeGreaterThan(0);
    // Records the crashed receiver had not read yet were lost there: sent again, but not duplicates.
    expect(result.duplicates).toBeLessThanOrEqual(s.stats.resent);
    expect(resends.reduce((sum, event) => sum + event.records, 0)).toBeGreaterThanOrEqual(s.stats.resent);
  });

  it.each([
    ['TCP', false],
    ['TLS', true],
  ])('closes in bounded time when the receiver never closes after end of stream (%s)', async (_name, useTls) => {
    const rx = await receiver({ mode: 'noClose', ...(useTls ? { tls: serverPair(pki.server) } : {}) });
    const s = sender({ ...(useTls ? tls(rx, { ca: pki.ca.cert }) : tcp(rx)), confirmTimeoutMs: 100, maxRetries: 1 });
    for (let seq = 0; seq < 10; seq += 1) await s.send(seqRecord(seq));
    const result = await outcome(s.close());
    expect(result.ms).toBeLessThan(patient(3_000));
    expect(result.ok).toBe(false);
    expect(causes(result.error).some((e) => e instanceof SyslogTimeoutError)).toBe(true);
    // The receiver got the records (twice: the first try and the one retry) but never confirmed them.
    expect(analyse(rx.records, 10).missing).toEqual([]);
    await expect(s.send(seqRecord(10))).rejects.toBeInstanceOf(SyslogError);
  });

  it.each([
    ['TCP', false],
    ['TLS', true],
  ])(
    'sends a batch twice at most to a receiver that reads it but never closes, then fails naming the cause (%s)',
    async (_name, useTls) => {
      const rx = await receiver({ mode: 'noClose', ...(useTls ? { tls: serverPair(pki.server) } : {}) });
      // Plenty of retries left: only the receiver's behaviour may stop the resending.
      const s = sender({ ...(useTls ? tls(rx, { ca: pki.ca.cert }) : tcp(rx)), confirmTimeoutMs: 100, maxRetries: 20 });
      for (let seq = 0; seq < 10; seq += 1) await s.send(seqRecord(seq));
      const result = await outcome(s.confirm());
      expect(result.ok).toBe(false);
      const error = result.error as SyslogDeliveryError;
      expect(error).toBeInstanceOf(SyslogDeliveryError);
      expect(error.detail).toBe(
        `${rx.host}:${rx.port} took the batch of 10 record(s) on two connections but closed neither within 100 ms ` +
          'after end of stream, so delivery cannot be confirmed',
      );
      expect(error.hint).toContain("delivery: 'written'");
      expect(error.unconfirmed).toBe(10);
      expect(error.message).not.toContain('\n');
      expect(causes(error).some((e) => e instanceof SyslogTimeoutError)).toBe(true);
      // One send and one resend: every record arrived exactly twice.
      expect(rx.counts.connections).toBe(2);
      expect(rx.records).toHaveLength(20);
      expect(analyse(rx.records, 10)).toEqual({ missing: [], duplicates: 10, unexpected: 0 });
      expect(s.stats).toMatchObject({ retries: 1, resent: 10, confirmedBatches: 0 });
      await expect(s.send(seqRecord(10))).rejects.toBe(error);
    },
  );

  it('disposes of a sender in bounded time with Symbol.asyncDispose and drops its connection', async () => {
    const rx = await receiver();
    rx.pauseReading();
    const s = sender({ ...tcp(rx), writeStallTimeoutMs: 100, confirmTimeoutMs: 100, maxRetries: 0 });
    for (let seq = 0; seq < 10; seq += 1) await s.send(seqRecord(seq));
    const result = await outcome(s[Symbol.asyncDispose]());
    expect(result.ms).toBeLessThan(patient(3_000));
    expect(causes(result.error).some((e) => e instanceof SyslogTimeoutError)).toBe(true);
    // A paused receiver notices the closed connection once it reads again.
    rx.resumeReading();
    await waitFor(() => rx.openConnections() === 0, 'the connection to close', 2_000);
    await expect(s.send(seqRecord(10))).rejects.toBeInstanceOf(SyslogError);
  });

  it('disposes of a sender that has nothing unconfirmed at once', async () => {
    const rx = await receiver();
    const s = sender(tcp(rx));
    await sendSeq(s, 0, 10);
    const result = await outcome(s[Symbol.asyncDispose]());
    expect(result.error).toBeUndefined();
    expect(result.ms).toBeLessThan(patient(500));
    expect(analyse(rx.records, 10)).toEqual({ missing: [], duplicates: 0, unexpected: 0 });
    await expect(s.send(seqRecord(10))).rejects.toBeInstanceOf(SyslogConfigError);
  });
});
