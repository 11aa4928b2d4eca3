// How the sender fails, and recovers, when the receiver is down, drops connections, speaks TLS differently, frames
// differently, or is aborted; records too large; UDP; socket errors. Slow and stalled receivers: failures-slow.test.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  SyslogAbortError,
  SyslogConfigError,
  SyslogConnectionError,
  SyslogDeliveryError,
  SyslogError,
  SyslogMessageError,
  SyslogTimeoutError,
  SyslogTlsError,
} from '../src/index.js';
import {
  BATCH,
  causes,
  cleanups,
  N,
  pki,
  receiver,
  sender,
  sendSeq,
  serverPair,
  tcp,
  tls,
  uncaught,
  useFailureKit,
} from './helpers/failure-kit.js';
import { analyse, seqRecord, startBlackHole, startTcpReceiver, startUdpReceiver } from './helpers/receivers.js';
import { outcome, waitFor, waitForSteady, within } from './helpers/wait.js';
import { patient } from '@x/vitest-config/patience';

useFailureKit();

describe('delivery', () => {
  it('delivers 20,000 records over TCP with none missing and none duplicated', async () => {
    const rx = await receiver();
    const s = sender(tcp(rx));
    const confirmed: number[] = [];
    s.on('confirm', (event: { records: number }) => confirmed.push(event.records));
    await sendSeq(s, 0, N);
    expect(analyse(rx.records, N)).toEqual({ missing: [], duplicates: 0, unexpected: 0 });
    // 1,024 bytes and a line feed per record.
    const stats = { sent: N, bytes: N * 1_025, confirmedBatches: N / BATCH, retries: 0, resent: 0, skippedOversize: 0 };
    expect(s.stats).toEqual(stats);
    expect(confirmed).toEqual([BATCH, BATCH, BATCH, BATCH]);
    expect(rx.counts.cleanCloses).toBe(N / BATCH);
    // Nothing new since the last checkpoint: confirm has nothing to do.
    await s.confirm();
    expect(s.stats.confirmedBatches).toBe(N / BATCH);
  });

  it('delivers 20,000 records over TLS with none missing and none duplicated', async () => {
    const rx = await receiver({ tls: serverPair(pki.server) });
    const s = sender(tls(rx, { ca: pki.ca.cert }));
    await sendSeq(s, 0, N);
    expect(analyse(rx.records, N)).toEqual({ missing: [], duplicates: 0, unexpected: 0 });
    expect(s.stats.confirmedBatches).toBe(N / BATCH);
  });

  it('counts octet-counting frames in UTF-8 bytes, line breaks included', async () => {
    const rx = await receiver({ framing: 'octet-counting' });
    const s = sender({ ...tcp(rx), framing: 'octet-counting' });
    const texts = Array.from(
      { length: 2_000 },
      (_, seq) => `{"seq":${seq},"text":"é😀\\n${'ü'.repeat(seq % 300)}"}\nline 2`,
    );
    for (const text of texts) await s.send(text);
    await s.confirm();
    expect(rx.counts.badFrames).toBe(0);
    expect(rx.records).toEqual(texts);
  });

  it('sends RFC 5424 headers with per-record severity', async () => {
    const rx = await receiver({ framing: 'octet-counting' });
    const s = sender({
      ...tcp(rx),
      framing: 'octet-counting',
      header: 'rfc5424',
      facility: 'local0',
      hostname: 'host one',
      appName: 'app',
      procId: 42,
      msgId: 'ID47',
    });
    await s.send({ seq: 0 });
    await s.send({ seq: 1 }, { severity: 'err' });
    await s.send({ seq: 2 }, { severity: 2 });
    await s.confirm();
    const pattern = (pri: number, seq: number): RegExp =>
      new RegExp(
        `^<${pri}>1 \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z host_one app 42 ID47 - \\{"seq":${seq}\\}$`,
      );
    expect(rx.records).toHaveLength(3);
    expect(rx.records[0]).toMatch(pattern(134, 0));
    expect(rx.records[1]).toMatch(pattern(131, 1));
    expect(rx.records[2]).toMatch(pattern(130, 2));
  });

  it('rejects a line break under LF framing or an unknown severity and stays usable', async () => {
    const rx = await receiver();
    const s = sender(tcp(rx));
    await expect(s.send('a\nb')).rejects.toBeInstanceOf(SyslogMessageError);
    await expect(s.send('x', { severity: 'loud' })).rejects.toBeInstanceOf(SyslogConfigError);
    await expect(s.send('x', { severity: 8 })).rejects.toBeInstanceOf(SyslogConfigError);
    await s.send(seqRecord(0));
    await s.confirm();
    expect(analyse(rx.records, 1)).toEqual({ missing: [], duplicates: 0, unexpected: 0 });
  });
});

describe('receiver down or unreachable', () => {
  it('retries while the receiver is down at start and delivers everything once it is up', async () => {
    const probe = await startTcpReceiver();
    const port = probe.port;
    await probe.close();
    const s = sender({ target: { protocol: 'tcp', host: '127.0.0.1', port }, maxRetries: 50, retryMaxDelayMs: 50 });
    const done = outcome(sendSeq(s, 0, 2_000, 1_000));
    await waitFor(() => s.retryEvents.length >= 2, 'two retries', 5_000);
    const first = s.retryEvents[0] as { attempt: number; error: SyslogError };
    expect(first.attempt).toBe(1);
    expect(first.error).toBeInstanceOf(SyslogConnectionError);
    expect(first.error.retryable).toBe(true);
    const rx = await receiver({ port });
    const result = await done;
    expect(result.error).toBeUndefined();
    expect(analyse(rx.records, 2_000)).toEqual({ missing: [], duplicates: 0, unexpected: 0 });
    expect(s.stats.retries).toBe(s.retryEvents.length);
    for (const event of s.retryEvents as Array<{ delayMs: number }>) expect(event.delayMs).toBeLessThanOrEqual(50);
  });

  it('gives up on a black-holed connect after its retries, in bounded time', async () => {
    const hole = await startBlackHole();
    cleanups.push(() => hole.close());
    const s = sender({ ...tcp(hole), connectTimeoutMs: 100, maxRetries: 2 });
    await s.send(seqRecord(0));
    const result = await outcome(s.confirm());
    expect(result.ok).toBe(false);
    expect(result.error).toBeInstanceOf(SyslogDeliveryError);
    expect((result.error as SyslogDeliveryError).unconfirmed).toBe(1);
    expect(causes(result.error).some((e) => e instanceof SyslogTimeoutError)).toBe(true);
    expect(s.retryEvents).toHaveLength(2);
    // Three connect attempts of 100 ms each, plus short backoff.
    expect(result.ms).toBeGreaterThanOrEqual(300);
    expect(result.ms).toBeLessThan(patient(5_000));
    // A failed sender says so on the next call instead of hanging.
    await expect(s.send(seqRecord(1))).rejects.toBeInstanceOf(SyslogError);
  });

  it.each([
    ['TCP, closing', false, false],
    ['TCP, resetting', false, true],
    ['TLS, closing', true, false],
    ['TLS, resetting', true, true],
  ])(
    'loses nothing when the receiver crashes twice mid-stream and restarts (%s)',
    async (_name, useTls, reset) => {
      const rx = await receiver({
        ...(useTls ? { tls: serverPair(pki.server) } : {}),
        mode: { crashAfter: [7_000, 13_000], restartAfterMs: 50, reset },
      });
      const s = sender(useTls ? tls(rx, { ca: pki.ca.cert }) : tcp(rx));
      await sendSeq(s, 0, N);
      const result = analyse(rx.records, N);
      expect(rx.counts.crashes).toBe(2);
      expect(result.missing).toEqual([]);
      expect(result.unexpected).toBe(0);
      // At most the unconfirmed batch again per crash.
      expect(result.duplicates).toBeLessThanOrEqual(2 * BATCH);
      expect(s.stats.retries).toBeGreaterThanOrEqual(2);
      expect(s.stats.confirmedBatches).toBe(N / BATCH);
    },
    patient(30_000),
  );
});

describe('TLS', () => {
  const cases: Array<[string, () => { cert: string; key: string }, () => string | undefined, RegExp]> = [
    [
      'a CA that did not sign the certificate',
      () => pki.server,
      () => pki.selfSigned.cert,
      /UNABLE_TO_(VERIFY_LEAF_SIGNATURE|GET_ISSUER_CERT)/,
    ],
    [
      'no CA for a private certificate',
      () => pki.server,
      () => undefined,
      /UNABLE_TO_(VERIFY_LEAF_SIGNATURE|GET_ISSUER_CERT)/,
    ],
    ['a certificate for the wrong host', () => pki.wrongHost, () => pki.ca.cert, /ERR_TLS_CERT_ALTNAME_INVALID/],
    ['an expired certificate', () => pki.expired, () => pki.ca.cert, /CERT_HAS_EXPIRED/],
    ['a self-signed certificate', () => pki.selfSigned, () => pki.ca.cert, /DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED/],
  ];

  it.each(cases)('refuses %s without retrying, with a hint about certificates', async (_name, serverCert, ca, code) => {
    const rx = await receiver({ tls: serverPair(serverCert()) });
    const caPem = ca();
    const s = sender(tls(rx, caPem === undefined ? {} : { ca: caPem }));
    await s.send(seqRecord(0));
    const result = await outcome(s.confirm());
    expect(result.error).toBeInstanceOf(SyslogTlsError);
    const error = result.error as SyslogTlsError;
    expect(error.retryable).toBe(false);
    expect(error.reason).toBe('certificate');
    expect(error.hint).toMatch(/\bca\b/);
    expect(error.hint).toMatch(/rejectUnauthorized: false/);
    expect(error.message).toMatch(code);
    expect(s.retryEvents).toHaveLength(0);
    expect(rx.records).toHaveLength(0);
    expect(result.ms).toBeLessThan(patient(3_000));
  });

  it('connects to a self-signed receiver with rejectUnauthorized: false', async () => {
    const rx = await receiver({ tls: serverPair(pki.selfSigned) });
    const s = sender(tls(rx, { rejectUnauthorized: false }));
    await sendSeq(s, 0, 1_000);
    expect(analyse(rx.records, 1_000)).toEqual({ missing: [], duplicates: 0, unexpected: 0 });
  });

  it('verifies a certificate for localhost when connecting to 127.0.0.1 with servername', async () => {
    const rx = await receiver({ tls: serverPair(pki.localhostOnly) });
    const s = sender(tls(rx, { ca: pki.ca.cert, servername: 'localhost' }));
    await sendSeq(s, 0, 1_000);
    expect(analyse(rx.records, 1_000)).toEqual({ missing: [], duplicates: 0, unexpected: 0 });
    expect(rx.peers[0]?.servername).toBe('localhost');
    expect(new Set(rx.sniNames)).toEqual(new Set(['localhost']));
  });

  it('checks an IP target against the certificate without sending the IP as SNI', async () => {
    const rx = await receiver({ tls: serverPair(pki.localhostOnly) });
    const s = sender(tls(rx, { ca: pki.ca.cert }));
    await s.send(seqRecord(0));
    const result = await outcome(s.confirm());
    expect(result.error).toBeInstanceOf(SyslogTlsError);
    expect((result.error as Error).message).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID/);
    expect(rx.counts.accepted).toBe(1);
    expect(rx.sniNames).toEqual([]);

    const good = await receiver({ tls: serverPair(pki.server) });
    const s2 = sender(tls(good, { ca: pki.ca.cert }));
    await sendSeq(s2, 0, 10);
    expect(good.peers[0]?.servername).toBe(false);
    expect(good.sniNames).toEqual([]);
  });

  it('authenticates with a client certificate (mutual TLS, files given by path)', async () => {
    const rx = await receiver({ tls: { ...serverPair(pki.server), ca: pki.ca.cert, requestCert: true } });
    const s = sender(tls(rx, { ca: pki.ca.certPath, cert: pki.client.certPath, key: pki.client.keyPath }));
    await sendSeq(s, 0, 1_000);
    expect(analyse(rx.records, 1_000)).toEqual({ missing: [], duplicates: 0, unexpected: 0 });
    expect(rx.peers[0]).toMatchObject({ authorized: true, clientCn: 'syslog-out test client' });
  });

  it('takes PEM buffers for mutual TLS', async () => {
    const rx = await receiver({ tls: { ...serverPair(pki.server), ca: pki.ca.cert, requestCert: true } });
    const s = sender(
      tls(rx, {
        ca: readFileSync(pki.ca.certPath),
        cert: Buffer.from(pki.client.cert),
        key: Buffer.from(pki.client.key),
      }),
    );
    await sendSeq(s, 0, 10);
    expect(analyse(rx.records, 10).missing).toEqual([]);
  });

  it('fails without retrying when the receiver requires a client certificate and none is given', async () => {
    const rx = await receiver({ tls: { ...serverPair(pki.server), ca: pki.ca.cert, requestCert: true } });
    const s = sender(tls(rx, { ca: pki.ca.cert }));
    await s.send(seqRecord(0));
    const result = await outcome(s.confirm());
    expect(result.error).toBeInstanceOf(SyslogError);
    expect((result.error as SyslogError).retryable).toBe(false);
    expect(s.retryEvents).toHaveLength(0);
    expect(rx.records).toHaveLength(0);
    expect(result.ms).toBeLessThan(patient(5_000));
  });

  it('gives up on a TLS handshake that never completes after its retries, naming a hung receiver or a plain port', async () => {
    const rx = await receiver();
    const s = sender({ ...tls(rx, { ca: pki.ca.cert }), handshakeTimeoutMs: 300, maxRetries: 1 });
    await s.send(seqRecord(0));
    const result = await outcome(s.confirm());
    expect(result.error).toBeInstanceOf(SyslogDeliveryError);
    expect(causes(result.error).some((e) => e instanceof SyslogTimeoutError)).toBe(true);
    expect((result.error as SyslogError).message).toMatch(/TLS handshake with .* timed out after 300 ms/);
    const hint = /never completed the TLS handshake: it may be hung.*\(TCP:HOST:PORT\)/;
    expect((result.error as SyslogError).hint).toMatch(hint);
    expect(s.retryEvents).toHaveLength(1);
  });

  it(
    'retries a TLS receiver that hangs in the handshake, and delivers once it answers',
    async () => {
      // A listener that accepts and never answers (a hung TLS receiver), then a working TLS receiver on that port.
      const hung = await startTcpReceiver({ mode: 'stall' });
      const port = hung.port;
      const s = sender({
        target: { protocol: 'tls', host: hung.host, port },
        ca: pki.ca.cert,
        handshakeTimeoutMs: 300,
        maxRetries: 50,
        retryMaxDelayMs: 50,
      });
      const done = outcome(sendSeq(s, 0, 1_000));
      await waitFor(() => s.retryEvents.length >= 1, 'a retry after the handshake timeout', 10_000);
      const first = (s.retryEvents[0] as { error: SyslogError }).error;
      expect(first).toBeInstanceOf(SyslogTimeoutError);
      expect(first.retryable).toBe(true);
      expect(first.message).toMatch(/TLS handshake with .* timed out/);
      await hung.close();
      const rx = await receiver({ tls: serverPair(pki.server), port });
      const result = await done;
      expect(result.error).toBeUndefined();
      expect(analyse(rx.records, 1_000)).toEqual({ missing: [], duplicates: 0, unexpected: 0 });
    },
    patient(30_000),
  );

  it.each([
    ['one record', 1],
    ['a stream of 20,000 records', N],
  ])('reports plain TCP to a TLS port as fatal with a hint about TLS (%s)', async (_name, count) => {
    const rx = await receiver({ tls: serverPair(pki.server) });
    const s = sender(tcp(rx));
    const result = await outcome(sendSeq(s, 0, count));
    expect(result.error).toBeInstanceOf(SyslogError);
    expect((result.error as SyslogError).retryable).toBe(false);
    expect((result.error as SyslogError).hint).toMatch(/TLS-TCP/);
    expect(s.retryEvents.length).toBeLessThanOrEqual(1);
    expect(result.ms).toBeLessThan(patient(3_000));
  });
});

describe('framing mismatch', () => {
  it.each([
    ['a few records', 10],
    ['a stream of 20,000 records', N],
  ])(
    'stops with a framing hint when the receiver drops the connection on the first bytes (%s)',
    async (_name, count) => {
      const rx = await receiver({ mode: 'closeOnFirstBytes' });
      const s = sender(tcp(rx));
      const result = await outcome(sendSeq(s, 0, count));
      expect(result.error).toBeInstanceOf(SyslogError);
      expect((result.error as SyslogError).retryable).toBe(false);
      expect((result.error as SyslogError).hint).toMatch(/octet-counting/);
      expect(s.retryEvents.length).toBeLessThanOrEqual(2);
      expect(rx.counts.firstByteCloses).toBeLessThanOrEqual(3);
      expect(result.ms).toBeLessThan(patient(5_000));
    },
  );
});

describe('receivers that drop connections whatever is sent', () => {
  it('retries a receiver that resets every connection for a while, and delivers once it accepts again', async () => {
    // Resets on the first bytes, and an idle connection after 50 ms: not the records, the connections are refused.
    const rx = await receiver({ mode: { resetConnections: 6, idleMs: 50 } });
    const s = sender(tcp(rx));
    const result = await outcome(sendSeq(s, 0, 1_000));
    expect(result.error).toBeUndefined();
    expect(analyse(rx.records, 1_000).missing).toEqual([]);
    expect(rx.counts.connections).toBeGreaterThan(6);
    const retried = s.retryEvents.map((event) => (event as { error: SyslogError }).error);
    expect(retried.some((error) => /drops connections whatever is sent/.test(error.message))).toBe(true);
  });

  it('gives up on a receiver that resets every connection with a hint about refused connections, not formats', async () => {
    const rx = await receiver({ mode: { resetConnections: Number.POSITIVE_INFINITY, idleMs: 50 } });
    const s = sender({ ...tcp(rx), maxRetries: 4 });
    const result = await outcome(sendSeq(s, 0, 10));
    expect(result.error).toBeInstanceOf(SyslogDeliveryError);
    const hint = (result.error as SyslogError).hint ?? '';
    expect(hint).toMatch(/drops connections whatever is sent: it may be restarting, at its connection limit/);
    expect(hint).not.toMatch(/octet-counting|TLS/);
    expect(s.retryEvents).toHaveLength(4);
  });
});

describe('abort', () => {
  // Without the abort each wait below lasts a minute; a bound of a quarter of that proves the abort on a busy machine.
  const PROMPT_MS = patient(15_000);
  it(
    'ends a confirm stalled on a receiver that stopped reading at once, leaving the batch unconfirmed',
    async () => {
      const rx = await receiver({ mode: 'stall' });
      const controller = new AbortController();
      const s = sender({
        ...tcp(rx),
        signal: controller.signal,
        writeStallTimeoutMs: 60_000,
        confirmTimeoutMs: 60_000,
      });
      let accepted = 0;
      const run = outcome(
        (async () => {
          for (let seq = 0; seq < 200_000; seq += 1) {
            await s.send(seqRecord(seq));
            accepted = seq + 1;
          }
          await s.confirm();
        })(),
      );
      // Stalled: the socket buffers are full and nothing more is accepted.
      await waitForSteady(() => accepted, 'accepted records', 300, 20_000);
      const aborted = Date.now();
      controller.abort(new Error('stop'));
      const result = await within(run, 2 * PROMPT_MS, 'the aborted run');
      expect(Date.now() - aborted).toBeLessThan(PROMPT_MS);
      expect(result.error).toBeInstanceOf(SyslogAbortError);
      expect((result.error as SyslogAbortError).unconfirmed).toBe(accepted);
      expect((result.error as SyslogAbortError).cause).toEqual(new Error('stop'));
      expect(s.stats.confirmedBatches).toBe(0);
      await expect(s.send(seqRecord(0))).rejects.toBeInstanceOf(SyslogAbortError);
      const closing = await outcome(s.close());
      expect(closing.ms).toBeLessThan(PROMPT_MS);
    },
    patient(90_000),
  );

  it.each([
    ['a retry backoff', 'backoff'],
    ['a connect that hangs', 'connect'],
  ])(
    'ends %s at once',
    async (_name, where) => {
      const controller = new AbortController();
      let target: { host: string; port: number };
      if (where === 'connect') {
        const hole = await startBlackHole();
        cleanups.push(() => hole.close());
        target = hole;
      } else {
        const probe = await startTcpReceiver();
        target = { host: probe.host, port: probe.port };
        await probe.close();
      }
      const s = sender({
        ...tcp(target),
        signal: controller.signal,
        connectTimeoutMs: 60_000,
        retryBaseDelayMs: 60_000,
        retryMaxDelayMs: 60_000,
      });
      await s.send(seqRecord(0));
      const confirming = outcome(s.confirm());
      if (where === 'backoff') await waitFor(() => s.retryEvents.length === 1, 'the first retry', 5_000);
      const aborted = Date.now();
      controller.abort();
      const result = await within(confirming, 2 * PROMPT_MS, 'the aborted confirm');
      expect(Date.now() - aborted).toBeLessThan(PROMPT_MS);
      expect(result.error).toBeInstanceOf(SyslogAbortError);
      expect((result.error as SyslogAbortError).unconfirmed).toBe(1);
    },
    patient(60_000),
  );

  it('rejects every call of a sender whose signal was aborted before it started', async () => {
    const rx = await receiver();
    const s = sender({ ...tcp(rx), signal: AbortSignal.abort() });
    await expect(s.send(seqRecord(0))).rejects.toBeInstanceOf(SyslogAbortError);
    expect(rx.counts.connections).toBe(0);
  });
});

describe('close', () => {
  it('stops the retries of a confirm under way once it times out: the confirm ends with its error', async () => {
    const probe = await startTcpReceiver();
    const target = { host: probe.host, port: probe.port };
    await probe.close();
    // Without the stop, a thousand retries 20 ms apart would go on for half a minute after close() returned.
    const s = sender({
      ...tcp(target),
      maxRetries: 1_000,
      retryBaseDelayMs: 20,
      retryMaxDelayMs: 20,
      closeTimeoutMs: 50,
    });
    await s.send(seqRecord(0));
    const confirming = outcome(s.confirm());
    await waitFor(() => s.retryEvents.length >= 1, 'the first retry', 5_000);
    const closing = await outcome(s.close());
    expect(closing.error).toBeInstanceOf(SyslogTimeoutError);
    const retries = s.stats.retries;
    const confirmed = await within(confirming, patient(2_000), 'the confirm under way');
    expect(confirmed.error).toBe(closing.error);
    expect(s.stats.retries).toBe(retries);
    expect(s.retryEvents).toHaveLength(retries);
  });
});

describe('framing mismatch on a starved event loop', () => {
  it('still stops with the framing hint when the process could not look for 150 ms after the first bytes', async () => {
    // The receiver (in this process) only reads the first bytes, and drops the connection, once the loop runs again,
    // long after the 100 ms watch of a new receiver ran out: the sender must see that close before the receiver
    // counts as reading, or every reconnect becomes an ordinary failure and the hint is lost.
    const rx = await receiver({ mode: 'closeOnFirstBytes' });
    const s = sender(tcp(rx));
    for (let seq = 0; seq < 10; seq += 1) await s.send(seqRecord(seq));
    await s.flush();
    const until = Date.now() + 150;
    while (Date.now() < until) {
      // A busy process: no event-loop turn.
    }
    const result = await outcome(sendSeq(s, 10, 20));
    expect(result.error).toBeInstanceOf(SyslogError);
    expect((result.error as SyslogError).hint).toMatch(/octet-counting/);
    expect(s.retryEvents.length).toBeLessThanOrEqual(2);
    // Above all, no batch passed for confirmed: the receiver read records only to drop them.
    expect(s.stats.confirmedBatches).toBe(0);
  });
});

describe('oversize records', () => {
  it('rejects a 70,000-byte UDP record and sends nothing of it', async () => {
    const rx = await startUdpReceiver();
    cleanups.push(() => rx.close());
    const s = sender({ target: { protocol: 'udp', host: rx.host, port: rx.port } });
    await expect(s.send('x'.repeat(70_000))).rejects.toBeInstanceOf(SyslogMessageError);
    await s.send('after');
    await s.confirm();
    await rx.waitForDatagrams(1);
    expect(rx.datagrams.map(String)).toEqual(['after']);
    expect(s.stats).toMatchObject({ sent: 1, skippedOversize: 0 });
  });

  it("skips and counts a 70,000-byte UDP record with oversize: 'skip'", async () => {
    const rx = await startUdpReceiver();
    cleanups.push(() => rx.close());
    const s = sender({ target: { protocol: 'udp', host: rx.host, port: rx.port }, oversize: 'skip' });
    await s.send('x'.repeat(70_000));
    await s.send('after');
    await s.confirm();
    await rx.waitForDatagrams(1);
    expect(rx.datagrams.map(String)).toEqual(['after']);
    expect(s.stats).toMatchObject({ sent: 1, skippedOversize: 1 });
    expect(s.warnings.some((text) => /70000|70,000/.test(text))).toBe(true);
  });

  it('warns about UDP datagrams over 1,472 bytes and still sends them whole', async () => {
    const rx = await startUdpReceiver();
    cleanups.push(() => rx.close());
    const s = sender({ target: { protocol: 'udp', host: rx.host, port: rx.port } });
    await s.send('a'.repeat(1_472));
    await s.confirm();
    await rx.waitForDatagrams(1);
    expect(s.warnings).toEqual([]);
    await s.send('b'.repeat(1_473));
    await s.confirm();
    await rx.waitForDatagrams(2);
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toMatch(/1472|1,472/);
    expect(rx.datagrams.map((d) => d.length)).toEqual([1_472, 1_473]);
  });

  it('applies maxMessageBytes to TCP records, header included', async () => {
    const rx = await receiver();
    const s = sender({ ...tcp(rx), maxMessageBytes: 1_000, header: 'rfc5424', hostname: 'h', appName: 'a', procId: 1 });
    await expect(s.send('x'.repeat(990))).rejects.toBeInstanceOf(SyslogMessageError);
    await s.send('y'.repeat(900));
    await s.confirm();
    expect(rx.records).toHaveLength(1);
    expect(rx.records[0]).toMatch(/ y{900}$/);

    const skipping = sender({ ...tcp(rx), maxMessageBytes: 1_000, oversize: 'skip' });
    await skipping.send('x'.repeat(1_001));
    await skipping.send('z'.repeat(1_000));
    await skipping.confirm();
    expect(skipping.stats.skippedOversize).toBe(1);
    expect(rx.records.slice(1)).toEqual(['z'.repeat(1_000)]);
  });
});

describe('UDP', () => {
  it('sends one record per datagram and never splits one', async () => {
    const rx = await startUdpReceiver();
    cleanups.push(() => rx.close());
    const s = sender({ target: { protocol: 'udp', host: rx.host, port: rx.port } });
    const sizes = [20, 100, 1_472, 1_473, 8_192, 9_000, 30_000, 65_000, 65_507];
    const texts = sizes.map((size, i) => `${i}:${'é'.repeat(4)}${'x'.repeat(size - 10)}`);
    for (const [i, text] of texts.entries()) {
      await s.send(text);
      await s.confirm();
      // One at a time: loopback drops datagrams when a receive buffer overflows, which is not what is tested here.
      await rx.waitForDatagrams(i + 1);
    }
    expect(rx.datagrams.map((d) => d.length)).toEqual(texts.map((t) => Buffer.byteLength(t)));
    expect(rx.datagrams.map(String)).toEqual(texts);
    expect(s.stats.sent).toBe(texts.length);
  });
});

describe('socket errors never escape', () => {
  it.each([
    ['TCP', false],
    ['TLS', true],
  ])('survives a reset of an idle connection and sends on (%s)', async (_name, useTls) => {
    const rx = await receiver(useTls ? { tls: serverPair(pki.server) } : {});
    const s = sender(useTls ? tls(rx, { ca: pki.ca.cert }) : tcp(rx));
    for (let seq = 0; seq < 100; seq += 1) await s.send(seqRecord(seq));
    await s.flush();
    await rx.waitForRecords(100);
    rx.resetAll();
    await waitFor(() => rx.openConnections() === 0, 'the reset', 2_000);
    // Nothing of the sender is awaited here: the reset reaches a socket nobody waits on.
    for (let seq = 100; seq < 200; seq += 1) await s.send(seqRecord(seq));
    await s.confirm();
    expect(analyse(rx.records, 200).missing).toEqual([]);
    expect(uncaught).toEqual([]);
  });

  it('survives a receiver that resets every connection while records are in flight', async () => {
    const rx = await receiver({ mode: { crashAfter: [1, 2, 3, 4, 5, 6, 7, 8], restartAfterMs: 0, reset: true } });
    const s = sender({ ...tcp(rx), maxRetries: 2 });
    const result = await outcome(sendSeq(s, 0, 2_000, 500));
    // Either outcome is fine; what matters is that every failure arrived as a rejection, not a crash.
    if (!result.ok) expect(result.error).toBeInstanceOf(SyslogError);
    expect(uncaught).toEqual([]);
  });
});
