import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSyslogSender, SyslogConfigError, type SyslogSender, type SyslogSenderOptions } from '../src/index.js';
import { createTestPki, type TestPki } from './helpers/certs.js';
import {
  LOOPBACK,
  analyse,
  seqRecord,
  startTcpReceiver,
  startUdpReceiver,
  type TcpReceiver,
  type TcpReceiverOptions,
  type UdpReceiver,
} from './helpers/receivers.js';
import { outcome, waitFor } from './helpers/wait.js';
import { patient } from '@x/vitest-config/patience';

const open: Array<SyslogSender | TcpReceiver | UdpReceiver> = [];

afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close().catch(() => undefined);
});

async function setup(
  options: Omit<SyslogSenderOptions, 'host' | 'port'> = {},
  receiver: TcpReceiverOptions = {},
): Promise<{ rx: TcpReceiver; s: SyslogSender }> {
  const rx = await startTcpReceiver(receiver);
  const s = createSyslogSender({ host: '127.0.0.1', port: rx.port, ...options });
  open.push(rx, s);
  return { rx, s };
}

describe('delivery without explicit flushes', () => {
  it('writes a lone record once the caller yields, without waiting for the chunk to fill', async () => {
    const { rx, s } = await setup();
    await s.send(seqRecord(0, 200));
    await waitFor(() => rx.records.length === 1, 'the lone record', 5_000);
    expect(analyse(rx.records, 1).missing).toEqual([]);
  });

  it('confirms by itself once the unconfirmed batch passes autoConfirmBytes, so memory stays bounded', async () => {
    const { rx, s } = await setup({ autoConfirmBytes: 200_000 });
    const confirmed: number[] = [];
    s.on('confirm', (event: { records: number }) => confirmed.push(event.records));
    for (let seq = 0; seq < 2_000; seq += 1) await s.send(seqRecord(seq));
    expect(s.stats.confirmedBatches).toBeGreaterThanOrEqual(5);
    expect(confirmed.reduce((a, b) => a + b, 0)).toBeGreaterThan(1_500);
    await s.confirm();
    expect(confirmed.reduce((a, b) => a + b, 0)).toBe(2_000);
    const result = analyse(rx.records, 2_000);
    expect(result.missing).toEqual([]);
    expect(result.duplicates).toBe(0);
  });
});

describe("delivery: 'written'", () => {
  // Short waits and no retries: the default delivery would fail these tests at once instead of passing slowly.
  const written = { delivery: 'written', confirmTimeoutMs: patient(300), maxRetries: 0 } satisfies SyslogSenderOptions;

  it('counts a batch once the kernel took it, without waiting for a receiver that never closes its side', async () => {
    const { rx, s } = await setup(written, { mode: 'noClose' });
    const confirmed: number[] = [];
    s.on('confirm', (event: { records: number }) => confirmed.push(event.records));
    for (let seq = 0; seq < 3_000; seq += 1) {
      await s.send(seqRecord(seq));
      if (seq % 1_000 === 999) await s.confirm();
    }
    expect(confirmed).toEqual([1_000, 1_000, 1_000]);
    expect(s.stats).toMatchObject({ confirmedBatches: 3, retries: 0, resent: 0 });
    const closing = await outcome(s.close());
    expect(closing.error).toBeUndefined();
    await waitFor(() => rx.records.length === 3_000, 'every record', 5_000);
    expect(analyse(rx.records, 3_000)).toEqual({ missing: [], duplicates: 0, unexpected: 0 });
    // One connection for every batch: no end of stream between them.
    expect(rx.counts.connections).toBe(1);
  });

  it('keeps one connection across batches and ends it on close, so a receiver that closes sees a clean end', async () => {
    const { rx, s } = await setup(written);
    for (let seq = 0; seq < 100; seq += 1) {
      await s.send(seqRecord(seq, 200));
      if (seq % 10 === 9) await s.confirm();
    }
    await s.close();
    await waitFor(() => rx.counts.cleanCloses === 1, 'the clean close', 5_000);
    expect(rx.counts.connections).toBe(1);
    expect(analyse(rx.records, 100)).toEqual({ missing: [], duplicates: 0, unexpected: 0 });
  });

  it('resends the batch not yet taken when the receiver crashes mid-batch, and loses nothing', async () => {
    const { rx, s } = await setup(
      { delivery: 'written', retryBaseDelayMs: 1, retryMaxDelayMs: 10 },
      { mode: { crashAfter: [3_000], restartAfterMs: 0 } },
    );
    // No confirm before the crash: a batch counted as written before it would be lost with the receiver's buffers.
    for (let seq = 0; seq < 6_000; seq += 1) await s.send(seqRecord(seq));
    await s.flush();
    await waitFor(() => rx.counts.crashes === 1, 'the crash', 10_000);
    await s.confirm();
    // Whether the crash failed a write (a retry) or was found before the next one (a reconnect), the batch went again.
    expect(s.stats.resent).toBeGreaterThan(0);
    for (let seq = 6_000; seq < 7_000; seq += 1) await s.send(seqRecord(seq));
    await s.confirm();
    await s.close();
    // Written is not read: the receiver may still be reading the last batch.
    await waitFor(() => analyse(rx.records, 7_000).missing.length === 0, 'every record', 10_000);
    // The crashed connection and the one after it: the next batch does not open its own.
    expect(rx.counts.connections).toBe(2);
  });

  it('refuses an unknown delivery, and confirmed delivery over UDP, which has no confirmation; says what applies', () => {
    expect(() => createSyslogSender({ target: 'TCP:127.0.0.1:601', delivery: 'acked' as 'written' })).toThrow(
      new SyslogConfigError('invalid delivery "acked": use confirmed or written', { option: 'delivery' }),
    );
    expect(() => createSyslogSender({ target: 'UDP:127.0.0.1:514', delivery: 'confirmed' })).toThrow(
      expect.objectContaining({ name: 'SyslogConfigError', reason: 'not-for-udp', option: 'delivery' }),
    );
    expect(createSyslogSender({ target: 'UDP:127.0.0.1:514' }).delivery).toBe('written');
    expect(createSyslogSender({ target: 'TCP:127.0.0.1:601' }).delivery).toBe('confirmed');
  });
});

describe('resending the unconfirmed batch', () => {
  it('resends byte-identical records after crashes while it reuses the buffers of confirmed batches', async () => {
    // Crashes make the sender resend its unconfirmed batch from its buffers: one reused too early would resend
    // later records in place of earlier ones.
    const { rx, s } = await setup(
      { autoConfirmBytes: 300_000, retryBaseDelayMs: 1, retryMaxDelayMs: 10 },
      { mode: { crashAfter: [700, 1_600, 2_500], restartAfterMs: 0 } },
    );
    const sent: string[] = [];
    // Sizes from a few bytes to several chunks, non-ASCII text, partial chunks written on flush, and confirms
    // (explicit and automatic) in between.
    for (let seq = 0; seq < 3_000; seq += 1) {
      const size = seq % 97 === 0 ? 150_000 : ((seq * 7_919) % 3_000) + 1;
      const record = { seq, text: (seq % 5 === 0 ? 'é✓' : 'x').repeat(size) };
      sent.push(JSON.stringify(record));
      await s.send(record);
      if (seq % 400 === 399) await s.confirm();
      else if (seq % 150 === 149) await s.flush();
    }
    await s.confirm();
    expect(s.stats.retries).toBeGreaterThanOrEqual(3);
    expect(analyse(rx.records, sent.length).missing).toEqual([]);
    const wrong = rx.records.filter((record) => record !== sent[(JSON.parse(record) as { seq: number }).seq]);
    expect(wrong).toEqual([]);
  });

  it('resends an automatically confirmed batch when the receiver resets instead of confirming it', async () => {
    const { rx, s } = await setup(
      { autoConfirmBytes: 200_000, retryBaseDelayMs: 1, retryMaxDelayMs: 10 },
      { mode: { resetAtEnd: [3] } },
    );
    for (let seq = 0; seq < 2_000; seq += 1) await s.send(seqRecord(seq));
    await s.confirm();
    expect(s.stats.retries).toBe(1);
    const result = analyse(rx.records, 2_000);
    expect(result.missing).toEqual([]);
    // The reset batch arrived twice: no more than autoConfirmBytes and the (256 KiB) chunk that passed it.
    expect(result.duplicates).toBeGreaterThan(0);
    expect(result.duplicates).toBeLessThanOrEqual(Math.ceil((200_000 + 262_144) / 1_025));
  });
});

describe('a receiver that closes while the rest of the batch is on its way', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await createTestPki();
  });
  afterAll(async () => {
    await pki.cleanup();
  });

  it.each([
    ['TCP', false],
    ['TLS', true],
  ])('does not take a close that came before our end of stream for a confirm (%s)', async (_name, useTls) => {
    // The receiver reads the first part of a batch and closes (nothing unread, so a FIN, not a reset); before the
    // sender's event loop has read that FIN, the sender writes the rest and ends the stream. The rest reached a
    // closed socket, so the receiver's close must not pass for its confirmation.
    let confirmed: Promise<void> | undefined;
    const then = (): void => {
      // The same turn of the event loop as the close: the sender cannot have read the FIN yet.
      for (let seq = 20; seq < 30; seq += 1) void s.send(seqRecord(seq, 200));
      confirmed = s.confirm();
    };
    const rx = await startTcpReceiver({
      mode: { closeMidStream: 2, then },
      ...(useTls ? { tls: { key: pki.server.key, cert: pki.server.cert } } : {}),
    });
    const s = createSyslogSender({
      host: LOOPBACK,
      port: rx.port,
      retryBaseDelayMs: 1,
      ...(useTls ? { protocol: 'tls' as const, ca: pki.ca.cert } : {}),
    });
    open.push(rx, s);

    // A first batch, confirmed: the receiver is proven, so no probe holds up the next confirm.
    for (let seq = 0; seq < 10; seq += 1) await s.send(seqRecord(seq, 200));
    await s.confirm();
    // The first part of the next batch goes out on its own; the receiver closes once it has read it.
    for (let seq = 10; seq < 20; seq += 1) await s.send(seqRecord(seq, 200));
    await s.flush();
    await waitFor(() => confirmed !== undefined, 'the receiver to close', 5_000);
    await confirmed;
    expect(analyse(rx.records, 30).missing).toEqual([]);
    expect(s.stats.retries).toBe(1);
    expect(rx.counts.connections).toBe(3);
  });
});

describe('delivery over UDP', () => {
  it('counts a confirmed batch only when records were sent since the last confirm', async () => {
    const rx = await startUdpReceiver();
    const s = createSyslogSender({ target: { protocol: 'udp', host: rx.host, port: rx.port } });
    open.push(rx, s);
    await s.confirm();
    expect(s.stats.confirmedBatches).toBe(0);
    await s.send('one');
    await s.confirm();
    await s.confirm();
    await s.confirm();
    expect(s.stats.confirmedBatches).toBe(1);
    await s.send('two');
    await s.send('three');
    await s.confirm();
    await s.confirm();
    expect(s.stats).toMatchObject({ sent: 3, confirmedBatches: 2 });
    await rx.waitForDatagrams(3);
  });
});
