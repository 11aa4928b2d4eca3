// Interop with the real rsyslog (syslog.md §4): a private rsyslogd per test, records compared as rsyslog wrote them.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSyslogSender, SyslogTlsError, type SyslogSender, type SyslogSenderOptions } from '../src/index.js';
import { createTestPki, type TestPki } from './helpers/certs.js';
import { rsyslogMissing, startRsyslog, type RsyslogReceiver } from './helpers/rsyslog.js';
import { patient } from '@x/vitest-config/patience';

if (rsyslogMissing !== undefined) console.warn(`rsyslog interop tests skipped: ${rsyslogMissing}`);

/** A sequence-numbered JSON record with non-ASCII text, so byte comparisons cover UTF-8. */
function record(seq: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { seq, type: 'file-event', user: 'zoë@example.com', path: '/Users/zoë/日本/report.pdf', ...extra };
}

/** Sequence numbers of JSON lines: which of 0..n-1 are missing and which arrived more than once. */
function tally(lines: string[], n: number): { missing: number[]; duplicates: number[] } {
  const seen = new Map<number, number>();
  for (const line of lines) {
    const { seq } = JSON.parse(line) as { seq: number };
    seen.set(seq, (seen.get(seq) ?? 0) + 1);
  }
  const missing = Array.from({ length: n }, (_, seq) => seq).filter((seq) => !seen.has(seq));
  const duplicates = [...seen].filter(([, count]) => count > 1).map(([seq]) => seq);
  return { missing, duplicates };
}

describe.skipIf(rsyslogMissing !== undefined)(
  `interop with rsyslog${rsyslogMissing === undefined ? '' : ` (skipped: ${rsyslogMissing})`}`,
  () => {
    let pki: TestPki;
    const receivers: RsyslogReceiver[] = [];
    const senders: SyslogSender[] = [];

    beforeAll(async () => {
      pki = await createTestPki();
    });
    afterAll(async () => {
      await pki.cleanup();
    });
    afterEach(async () => {
      // Senders are normally closed by the test; a failed test must not leave sockets or rsyslogd behind.
      await Promise.allSettled(senders.splice(0).map((sender) => sender.close()));
      await Promise.all(receivers.splice(0).map((receiver) => receiver.stop()));
    });

    async function receiver(): Promise<RsyslogReceiver> {
      const rx = await startRsyslog({
        tls: { caFile: pki.ca.certPath, certFile: pki.server.certPath, keyFile: pki.server.keyPath },
      });
      receivers.push(rx);
      return rx;
    }

    function sender(options: SyslogSenderOptions): SyslogSender {
      const created = createSyslogSender({
        host: '127.0.0.1',
        connectTimeoutMs: patient(5_000),
        confirmTimeoutMs: patient(5_000),
        ...options,
      });
      senders.push(created);
      return created;
    }

    it('delivers bare JSON lines byte-identical over TCP with LF framing and no header', async () => {
      const rx = await receiver();
      const out = sender({ protocol: 'tcp', port: rx.tcpPort, framing: 'lf', header: 'none' });
      const records = Array.from({ length: 1_000 }, (_, seq) => record(seq));
      for (const r of records) await out.send(r);
      await out.confirm();

      await rx.waitForLines(records.length);
      const expected = records.map((r) => `${JSON.stringify(r)}\n`).join('');
      expect((await rx.rawBytes()).equals(Buffer.from(expected, 'utf8'))).toBe(true);
      await out.close();
    });

    it('frames records with octet counting, so a record with line breaks arrives as one record', async () => {
      const rx = await receiver();
      const out = sender({ protocol: 'tcp', port: rx.tcpPort, framing: 'octet-counting' });
      for (let seq = 0; seq < 500; seq += 1) await out.send(record(seq));
      // Pretty-printed JSON: under LF framing rsyslog would see several broken records.
      const pretty = JSON.stringify(record(500), null, 2);
      await out.send(pretty);
      await out.confirm();

      const lines = await rx.waitForLines(501);
      expect(lines).toHaveLength(501);
      expect(lines.slice(0, 500)).toEqual(Array.from({ length: 500 }, (_, seq) => JSON.stringify(record(seq))));
      // rsyslog escapes control characters it receives: each LF of the record shows as #012.
      expect(lines[500]).toBe(pretty.replaceAll('\n', '#012'));
      await out.close();
    });

    it('sends an RFC 5424 header whose host name, app name, ids, facility and severity rsyslog parses', async () => {
      const rx = await receiver();
      const out = sender({
        protocol: 'tcp',
        port: rx.tcpPort,
        framing: 'octet-counting',
        header: 'rfc5424',
        hostname: 'qradar source',
        appName: 'incydr-test',
        procId: 4242,
        msgId: 'FILEEVENT',
        facility: 'local4',
        severity: 'notice',
      });
      await out.send(record(0));
      await out.send(record(1), { severity: 'err' });
      await out.send(record(2), { severity: 7 });
      await out.confirm();

      const props = await rx.waitForProps(3);
      expect(props).toEqual(
        [5, 3, 7].map((severity, seq) => ({
          hostname: 'qradar_source',
          appName: 'incydr-test',
          procId: '4242',
          msgId: 'FILEEVENT',
          facility: '20',
          severity: String(severity),
          protocolVersion: '1',
          msg: JSON.stringify(record(seq)),
        })),
      );
      const raw = await rx.waitForLines(3);
      expect(raw[0]).toMatch(
        /^<165>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z qradar_source incydr-test 4242 FILEEVENT - \{"seq":0,/,
      );
      await out.close();
    });

    it('sends an RFC 3164 header whose host name, tag, pid, facility and severity rsyslog parses', async () => {
      const rx = await receiver();
      const out = sender({
        protocol: 'tcp',
        port: rx.tcpPort,
        framing: 'lf',
        header: 'rfc3164',
        hostname: 'bsd-host',
        appName: 'incydr',
        procId: 77,
        facility: 'local0',
        severity: 'info',
      });
      await out.send(record(0));
      await out.send(record(1), { severity: 'warning' });
      await out.confirm();

      const props = await rx.waitForProps(2);
      expect(props.map((p) => ({ ...p, msg: p.msg.trimStart() }))).toEqual(
        [6, 4].map((severity, seq) => ({
          hostname: 'bsd-host',
          appName: 'incydr',
          procId: '77',
          msgId: '-',
          facility: '16',
          severity: String(severity),
          protocolVersion: '0',
          msg: JSON.stringify(record(seq)),
        })),
      );
      const raw = await rx.waitForLines(2);
      expect(raw[0]).toMatch(/^<134>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d bsd-host incydr\[77\]: \{"seq":0,/);
      await out.close();
    });

    it('delivers over TLS to rsyslog-openssl, verifying its certificate against the CA by IP and by name', async () => {
      const rx = await receiver();
      // By IP: checked against the certificate's IP SAN, no SNI. By name: SNI and host name check for localhost.
      const byIp = sender({ protocol: 'tls', port: rx.tlsPort, ca: pki.ca.certPath });
      const byName = sender({ protocol: 'tls', port: rx.tlsPort, ca: pki.ca.certPath, servername: 'localhost' });
      for (let seq = 0; seq < 1_000; seq += 1) await (seq % 2 === 0 ? byIp : byName).send(record(seq));
      await Promise.all([byIp.confirm(), byName.confirm()]);

      const lines = await rx.waitForLines(1_000);
      expect(tally(lines, 1_000)).toEqual({ missing: [], duplicates: [] });
      expect([byIp.stats.confirmedBatches, byName.stats.confirmedBatches]).toEqual([1, 1]);
      expect([byIp.stats.retries, byName.stats.retries]).toEqual([0, 0]);
      await Promise.all([byIp.close(), byName.close()]);
    });

    it('refuses rsyslog over TLS when the CA given does not trust its certificate, without retrying', async () => {
      const rx = await receiver();
      const untrusting = sender({ protocol: 'tls', port: rx.tlsPort, ca: pki.selfSigned.certPath });
      await untrusting.send(record(0));
      await expect(untrusting.confirm()).rejects.toBeInstanceOf(SyslogTlsError);
      expect(untrusting.stats.retries).toBe(0);
      expect(await rx.rawBytes()).toHaveLength(0);
    });

    it('sends one record per UDP datagram', async () => {
      const rx = await receiver();
      const out = sender({ protocol: 'udp', port: rx.udpPort });
      for (let seq = 0; seq < 200; seq += 1) await out.send(record(seq));
      await out.flush();

      const lines = await rx.waitForLines(200);
      expect(lines).toHaveLength(200);
      // Each line is exactly one record: two records in one datagram would not parse as one JSON value.
      expect(tally(lines, 200)).toEqual({ missing: [], duplicates: [] });
      await out.close();
    });

    it('delivers a 100 KiB record whole over TCP with octet counting', async () => {
      const rx = await receiver();
      const out = sender({ protocol: 'tcp', port: rx.tcpPort, framing: 'octet-counting' });
      const big = record(1, { padding: 'x'.repeat(100 * 1024) });
      await out.send(record(0));
      await out.send(big);
      await out.send(record(2));
      await out.confirm();

      const lines = await rx.waitForLines(3);
      expect(lines).toHaveLength(3);
      expect(Buffer.byteLength(lines[1] ?? '')).toBeGreaterThan(100 * 1024);
      expect(lines[1]).toBe(JSON.stringify(big));
      expect(lines[2]).toBe(JSON.stringify(record(2)));
      await out.close();
    });

    it(
      'confirms 20,000 records in batches of 5,000: rsyslog closes after end of stream and has every record',
      async () => {
        const rx = await receiver();
        const out = sender({ protocol: 'tcp', port: rx.tcpPort });
        const confirmed: number[] = [];
        out.on('confirm', ({ records }: { records: number }) => confirmed.push(records));
        for (let seq = 0; seq < 20_000; seq += 1) {
          await out.send(record(seq));
          if ((seq + 1) % 5_000 === 0) await out.confirm();
        }

        expect(confirmed).toEqual([5_000, 5_000, 5_000, 5_000]);
        expect(out.stats).toMatchObject({ sent: 20_000, confirmedBatches: 4, retries: 0 });
        const lines = await rx.waitForLines(20_000, 15_000);
        expect(lines).toHaveLength(20_000);
        expect(tally(lines, 20_000)).toEqual({ missing: [], duplicates: [] });
        await out.close();
      },
      patient(30_000),
    );
  },
);
