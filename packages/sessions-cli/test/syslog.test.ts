// `--output` end to end (cli.md §4): sessions and file events from the emulator into syslog receivers on loopback.
import { hostname } from 'node:os';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestPki, loadRsyslogHelpers, type RsyslogReceiver, type TestPki } from './helpers/interop.js';
import {
  closedPort,
  startDatagramReceiver,
  startLiveReceiver,
  startStreamReceiver,
  type DatagramReceiver,
  type StreamReceiver,
} from './helpers/receivers.js';
import { BUILD_TIMEOUT_MS, errorLines, lines, startFixture, type Fixture } from './helpers/run.js';
import { expectedSearch, fileEventsOf } from './helpers/sessions.js';
import { patient } from '@x/vitest-config/patience';

const rsyslog = await loadRsyslogHelpers();
if (rsyslog.rsyslogMissing !== undefined) console.warn(`rsyslog interop tests skipped: ${rsyslog.rsyslogMissing}`);

let fx: Fixture;
let pki: TestPki;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  [fx, pki] = await Promise.all([startFixture({ sessions: 200 }), createTestPki()]);
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all([fx?.close(), pki?.cleanup()]);
});

beforeEach(() => {
  fx.emu.clearRequests();
});

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function tcpReceiver(options: Parameters<typeof startStreamReceiver>[0] = {}): Promise<StreamReceiver> {
  const receiver = await startStreamReceiver(options);
  closers.push(() => receiver.close());
  return receiver;
}

async function udpReceiver(): Promise<DatagramReceiver> {
  const receiver = await startDatagramReceiver();
  closers.push(() => receiver.close());
  return receiver;
}

/** The sessions `search --any-alerts` returns, as the compact JSON each syslog record must be. */
function allSessionsJson(): string[] {
  return expectedSearch(fx.emu, { hasAlerts: null }).map((session) => JSON.stringify(session));
}

describe('search --output', () => {
  it('delivers every session once over TCP as compact JSON equal to the API object', async () => {
    const rx = await tcpReceiver();
    const target = `TCP:127.0.0.1:${rx.port}`;
    const result = await fx.run(['sessions', 'search', '--any-alerts', '--page-size', '50', '--output', target]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const expected = allSessionsJson();
    expect(expected).toHaveLength(200);
    await rx.waitForRecords(expected.length);
    expect(rx.records).toEqual(expected);
    expect(rx.raw().toString('utf8')).toBe(expected.map((json) => `${json}\n`).join(''));
    expect(lines(result.stderr)).toEqual([`Sent ${expected.length} sessions to ${target}.`]);
  });

  it('ignores --columns and says so in one line on stderr', async () => {
    const rx = await tcpReceiver();
    const target = `TCP:127.0.0.1:${rx.port}`;
    const args = ['sessions', 'search', '--any-alerts', '--output', target, '--columns', 'session_id'];
    const result = await fx.run(args);
    expect(result).toMatchObject({ code: 0, stdout: '' });
    const expected = allSessionsJson();
    await rx.waitForRecords(expected.length);
    expect(rx.records).toEqual(expected);
    expect(lines(result.stderr)).toEqual([
      'incydr: warning: --columns is ignored with --output: it applies to the table and csv formats',
      `Sent ${expected.length} sessions to ${target}.`,
    ]);
  });

  it('frames with octet counting and writes the RFC 5424 header asked for', async () => {
    const rx = await tcpReceiver({ framing: 'octet-counting' });
    const expected = expectedSearch(fx.emu).map((session) => JSON.stringify(session));
    const result = await fx.run([
      'sessions',
      'search',
      '--output',
      `tcp:127.0.0.1:${rx.port}`,
      '--framing',
      'octet-counting',
      '--syslog-header',
      'rfc5424',
      '--facility',
      'local4',
      '--app-name',
      'incydr-test',
    ]);
    expect(result.code).toBe(0);
    await rx.waitForRecords(expected.length);
    // local4 (20) * 8 + info (6) = 166; HOSTNAME is this host, PROCID the process that sent, no MSGID or SD.
    const host = hostname().replace(/[^\x21-\x7e]/g, '_') || '-';
    const header = new RegExp(
      `^<166>1 (\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z) ${escape(host)} incydr-test ${result.pid} - - `,
    );
    const raw = rx.raw();
    let offset = 0;
    rx.records.forEach((record, index) => {
      const match = header.exec(record);
      expect(match, record.slice(0, 120)).not.toBeNull();
      expect(Math.abs(Date.parse(match?.[1] ?? '') - Date.now())).toBeLessThan(patient(60_000));
      expect(record.slice(match?.[0].length)).toBe(expected[index]);
      // The count is the frame's length in UTF-8 bytes, followed by one space.
      const frame = `${Buffer.byteLength(record)} ${record}`;
      expect(raw.subarray(offset, offset + Buffer.byteLength(frame)).toString('utf8')).toBe(frame);
      offset += Buffer.byteLength(frame);
    });
    expect(offset).toBe(raw.length);
  });

  it('sends one datagram per session over UDP', async () => {
    const rx = await udpReceiver();
    const expected = allSessionsJson();
    const result = await fx.run(['sessions', 'search', '--any-alerts', '--output', `UDP:127.0.0.1:${rx.port}`]);
    expect(result.code).toBe(0);
    await rx.waitForDatagrams(expected.length);
    expect([...rx.datagrams].sort()).toEqual([...expected].sort());
  });

  it('delivers over TLS-TCP with --certs, without a warning', async () => {
    const rx = await tcpReceiver({ tls: { cert: pki.server.cert, key: pki.server.key } });
    const expected = expectedSearch(fx.emu).map((session) => JSON.stringify(session));
    const result = await fx.run([
      'sessions',
      'search',
      '--output',
      `TLS-TCP:127.0.0.1:${rx.port}`,
      '--certs',
      pki.ca.certPath,
    ]);
    expect(result.stderr).not.toMatch(/warning/i);
    expect(result.code).toBe(0);
    await rx.waitForRecords(expected.length);
    expect(rx.records).toEqual(expected);
  });

  it('warns on stderr with --ignore-cert-validation and still delivers to an untrusted certificate', async () => {
    const rx = await tcpReceiver({ tls: { cert: pki.selfSigned.cert, key: pki.selfSigned.key } });
    const expected = expectedSearch(fx.emu).map((session) => JSON.stringify(session));
    const result = await fx.run([
      'sessions',
      'search',
      '--output',
      `TLS-TCP:127.0.0.1:${rx.port}`,
      '--ignore-cert-validation',
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning.*--ignore-cert-validation/);
    await rx.waitForRecords(expected.length);
    expect(rx.records).toEqual(expected);
  });

  it(
    'refuses an untrusted certificate without --ignore-cert-validation, in one line',
    async () => {
      const rx = await tcpReceiver({ tls: { cert: pki.selfSigned.cert, key: pki.selfSigned.key } });
      const result = await fx.run(['sessions', 'search', '--output', `TLS-TCP:127.0.0.1:${rx.port}`], {
        timeoutMs: 30_000,
      });
      expect(result.code).toBe(1);
      expect(result.stderr).not.toContain('    at ');
      const failures = errorLines(result.stderr).filter((line) => !/syslog retry/.test(line));
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatch(/certificate/i);
      expect(rx.records).toEqual([]);
    },
    patient(40_000),
  );

  it(
    'exits 1 with a one-line reason when the receiver is down',
    async () => {
      const port = await closedPort();
      const result = await fx.run(['sessions', 'search', '--output', `TCP:127.0.0.1:${port}`], { timeoutMs: 45_000 });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).not.toContain('    at ');
      // Retry notices are progress for people; the failure itself is one line at the end.
      const failures = errorLines(result.stderr).filter((line) => !/syslog retry/.test(line));
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatch(/^incydr: /);
      expect(failures[0]).toMatch(/refused|ECONNREFUSED/i);
      expect(failures[0]).toContain(String(port));
    },
    patient(60_000),
  );

  it(
    'hints at the framing when the receiver drops what it is sent',
    async () => {
      const rx = await tcpReceiver({ closeOnFirstBytes: true });
      const result = await fx.run(['sessions', 'search', '--output', `TCP:127.0.0.1:${rx.port}`], {
        timeoutMs: 45_000,
      });
      expect(result.code).toBe(1);
      const failures = errorLines(result.stderr).filter((line) => !/syslog retry|syslog: sending/.test(line));
      expect(failures).toHaveLength(1);
      // Closed, or reset when records it had not read yet were left in its socket.
      expect(failures[0]).toMatch(/^incydr: .*(closed|reset) the connection right after the first bytes/);
      expect(failures[0]).toContain('--framing octet-counting');
    },
    patient(60_000),
  );

  it(
    'gives up on a receiver that stopped reading after --stall-timeout and its retries (two attempts when the batch fits in the socket buffers), naming the option',
    async () => {
      const rx = await startLiveReceiver();
      closers.push(() => rx.close());
      rx.pauseReading();
      const started = Date.now();
      const result = await fx.run(
        ['sessions', 'search', '--any-alerts', '--output', `TCP:127.0.0.1:${rx.port}`, '--stall-timeout', '1s'],
        { timeoutMs: 90_000 },
      );
      expect(result.code).toBe(1);
      const failures = errorLines(result.stderr).filter((line) => !/syslog retry|syslog: sending/.test(line));
      expect(failures).toHaveLength(1);
      // A batch that fits in the socket buffers is all written: the sender cannot tell this receiver from one that read
      // it and never closes, and sends it only twice.
      expect(failures[0]).toMatch(
        /^incydr: syslog output failed: (giving up after 5 retries: .*1000 ms.*raise --stall-timeout|.* on two connections but closed neither within 1000 ms .*needs --delivery written; one that is only slow, a longer --stall-timeout)$/,
      );
      // Hints speak the CLI's language, never the library's option names.
      expect(result.stderr).not.toMatch(/TimeoutMs/);
      // Six attempts of one second each, and the backoff between them (at most 0.2 + 0.4 + 0.8 + 1.6 + 3.2 s).
      expect(Date.now() - started).toBeLessThan(patient(60_000));
      expect(rx.confirmed).toEqual([]);
    },
    patient(120_000),
  );

  it('names the incydr options that fix a session over --max-message-bytes, never the library options', async () => {
    const rx = await tcpReceiver();
    const target = `TCP:127.0.0.1:${rx.port}`;
    const result = await fx.run([
      'sessions',
      'search',
      '--any-alerts',
      '--output',
      target,
      '--max-message-bytes',
      '200',
    ]);
    expect(result.code).toBe(1);
    const failures = errorLines(result.stderr);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/raise --max-message-bytes, or --oversize skip to skip such records$/);
    expect(result.stderr).not.toMatch(/maxMessageBytes|oversize: 'skip'/);
  });

  it('rejects a --stall-timeout that is not a duration of 1s to 1d, before any request', async () => {
    for (const value of ['0s', '500ms', 'soon', '2d']) {
      const result = await fx.run(['sessions', 'search', '--output', 'TCP:127.0.0.1:9', '--stall-timeout', value]);
      expect(result.code, value).toBe(2);
      expect(errorLines(result.stderr)[0], value).toMatch(/^incydr: --stall-timeout/);
    }
    const stray = await fx.run(['sessions', 'search', '--stall-timeout', '30s']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('--stall-timeout needs --output');
    expect(fx.emu.requests()).toEqual([]);
  });
});

describe('--output targets and header options checked before any request', () => {
  it('refuses a bad target or facility on search and show-events with exit 2 and no request', async () => {
    for (const command of [
      ['sessions', 'search'],
      ['sessions', 'show-events', 'some-session'],
    ]) {
      const port = await fx.run([...command, '--output', 'TCP:127.0.0.1:99999']);
      expect(port.code).toBe(2);
      expect(errorLines(port.stderr)).toEqual([
        expect.stringMatching(/^incydr: invalid syslog target "TCP:127\.0\.0\.1:99999": port "99999" is not a number/),
      ]);
      const facility = await fx.run([...command, '--output', 'TCP:127.0.0.1:9', '--facility', 'nope']);
      expect(facility.code).toBe(2);
      expect(errorLines(facility.stderr)).toEqual([
        expect.stringMatching(/^incydr: invalid facility "nope": use 0–23/),
      ]);
    }
    expect(fx.emu.requests()).toEqual([]);
  });
});

describe('search --output --delivery', () => {
  it('rejects an unknown --delivery, confirmed delivery over UDP and --delivery without --output, before any request', async () => {
    const bad = await fx.run(['sessions', 'search', '--output', 'TCP:127.0.0.1:9', '--delivery', 'acked']);
    expect(bad.code).toBe(2);
    expect(errorLines(bad.stderr)).toEqual([
      'incydr: invalid value "acked" for --delivery: choose from confirmed, written',
    ]);
    const udp = await fx.run(['sessions', 'search', '--output', 'UDP:127.0.0.1:9', '--delivery', 'confirmed']);
    expect(udp.code).toBe(2);
    expect(errorLines(udp.stderr)).toEqual([
      'incydr: --delivery confirmed needs a TCP or TLS-TCP output: UDP has no confirmation',
    ]);
    const stray = await fx.run(['sessions', 'search', '--delivery', 'written']);
    expect(stray.code).toBe(2);
    expect(errorLines(stray.stderr)).toEqual(['incydr: --delivery needs --output']);
    expect(fx.emu.requests()).toEqual([]);
  });

  it('sends over UDP with --delivery written, as without it', async () => {
    const rx = await udpReceiver();
    const result = await fx.run([
      'sessions',
      'search',
      '--any-alerts',
      '--output',
      `UDP:127.0.0.1:${rx.port}`,
      '--delivery',
      'written',
    ]);
    expect(result.code, result.stderr).toBe(0);
    await rx.waitForDatagrams(allSessionsJson().length);
    expect(rx.datagrams.map(String).sort()).toEqual(allSessionsJson().sort());
  });
});

describe('show-events --output', () => {
  it('delivers every file event once over TCP as compact JSON equal to the API object', async () => {
    const session = expectedSearch(fx.emu)[0];
    if (session === undefined) throw new Error('no session with alerts');
    const events = (await fileEventsOf(fx.emu, session.sessionId)).map((event) => JSON.stringify(event));
    expect(events.length).toBeGreaterThan(0);
    const rx = await tcpReceiver();
    const target = `TCP:127.0.0.1:${rx.port}`;
    const result = await fx.run(['sessions', 'show-events', session.sessionId, '--output', target]);
    expect(result).toMatchObject({ code: 0, stdout: '' });
    await rx.waitForRecords(events.length);
    expect(rx.records).toEqual(events);
    expect(lines(result.stderr)).toEqual([`Sent ${events.length} file events to ${target}.`]);
  });

  it('ignores --columns and says so in one line on stderr', async () => {
    const session = expectedSearch(fx.emu)[0];
    if (session === undefined) throw new Error('no session with alerts');
    const events = (await fileEventsOf(fx.emu, session.sessionId)).map((event) => JSON.stringify(event));
    const rx = await tcpReceiver();
    const target = `TCP:127.0.0.1:${rx.port}`;
    const args = ['sessions', 'show-events', session.sessionId, '--output', target, '--columns', 'file.name'];
    const result = await fx.run(args);
    expect(result).toMatchObject({ code: 0, stdout: '' });
    await rx.waitForRecords(events.length);
    expect(rx.records).toEqual(events);
    expect(lines(result.stderr)).toEqual([
      'incydr: warning: --columns is ignored with --output: it applies to the table and csv formats',
      `Sent ${events.length} file events to ${target}.`,
    ]);
  });

  it('sends file events over UDP', async () => {
    const session = expectedSearch(fx.emu)[1];
    if (session === undefined) throw new Error('no session with alerts');
    const events = (await fileEventsOf(fx.emu, session.sessionId)).map((event) => JSON.stringify(event));
    const rx = await udpReceiver();
    const result = await fx.run(['sessions', 'show-events', session.sessionId, '--output', `UDP:127.0.0.1:${rx.port}`]);
    expect(result.code).toBe(0);
    await rx.waitForDatagrams(events.length);
    expect([...rx.datagrams].sort()).toEqual([...events].sort());
  });
});

describe.skipIf(rsyslog.rsyslogMissing !== undefined)(
  `into a real rsyslog${rsyslog.rsyslogMissing === undefined ? '' : ` (skipped: ${rsyslog.rsyslogMissing})`}`,
  () => {
    let rx: RsyslogReceiver;

    beforeEach(async () => {
      rx = await rsyslog.startRsyslog({
        tls: { caFile: pki.ca.certPath, certFile: pki.server.certPath, keyFile: pki.server.keyPath },
      });
      closers.push(() => rx.stop());
    }, patient(30_000));

    it('writes every session as the API JSON over TCP with LF framing', async () => {
      const expected = allSessionsJson();
      const result = await fx.run(['sessions', 'search', '--any-alerts', '--output', `TCP:127.0.0.1:${rx.tcpPort}`]);
      expect(result.code).toBe(0);
      expect(await rx.waitForLines(expected.length)).toEqual(expected);
    });

    it('writes every session over TLS-TCP with --certs', async () => {
      const expected = expectedSearch(fx.emu).map((session) => JSON.stringify(session));
      const result = await fx.run([
        'sessions',
        'search',
        '--output',
        `TLS-TCP:127.0.0.1:${rx.tlsPort}`,
        '--certs',
        pki.ca.certPath,
      ]);
      expect(result.code).toBe(0);
      expect(await rx.waitForLines(expected.length)).toEqual(expected);
    });

    it('sends an RFC 5424 header with octet counting that rsyslog parses', async () => {
      const session = expectedSearch(fx.emu)[0];
      if (session === undefined) throw new Error('no session with alerts');
      const events = (await fileEventsOf(fx.emu, session.sessionId)).map((event) => JSON.stringify(event));
      const result = await fx.run([
        'sessions',
        'show-events',
        session.sessionId,
        '--output',
        `TCP:127.0.0.1:${rx.tcpPort}`,
        '--framing',
        'octet-counting',
        '--syslog-header',
        'rfc5424',
        '--facility',
        'local4',
        '--app-name',
        'incydr-test',
        '--syslog-hostname',
        'soc-collector',
      ]);
      expect(result.code).toBe(0);
      expect(await rx.waitForProps(events.length)).toEqual(
        events.map((msg) => ({
          hostname: 'soc-collector',
          appName: 'incydr-test',
          procId: String(result.pid),
          msgId: '-',
          facility: '20',
          severity: '6',
          protocolVersion: '1',
          msg,
        })),
      );
    });
  },
);

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
