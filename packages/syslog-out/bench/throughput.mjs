// Throughput of the built sender: 1 KiB JSON records over TCP and TLS into a loopback sink in another process,
// without and with confirm() every 5,000 records. Prints a table; asserts nothing. Run `pnpm build` first.
// Env: BENCH_RECORDS (default 1000000), BENCH_RUNS (default 3, the median is shown). A million records make it a
// measure of sustained throughput: a sender's one-time costs (connecting, and the 100 ms a new receiver is watched
// before its first confirmation counts) weigh about a tenth of a 200,000-record run, under 3 % of this one.
import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { positiveInt } from './env.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const RECORDS = positiveInt('BENCH_RECORDS', 1_000_000);
const RUNS = positiveInt('BENCH_RUNS', 3);
const CONFIRM_EVERY = 5_000;
const RECORD_BYTES = 1_024;
const TARGETS = { tcp: 300_000, tls: 200_000, confirmCost: 0.25 };

let createSyslogSender;
try {
  ({ createSyslogSender } = await import('../dist/index.js'));
} catch (error) {
  console.error(`cannot load the built package (../dist/index.js): run \`pnpm build\` first\n${error.message}`);
  process.exit(1);
}

/** A record of about 1 KiB of compact JSON: RECORD_BYTES bytes at a 9-digit sequence number, 8 fewer at 0. */
function makeRecord() {
  const record = {
    seq: 0,
    eventId: '0_147e9445-2f30-4a91-8b05-5037a5d46a42_1012345678901234567_1098765432109876543_0',
    eventType: 'MODIFIED',
    eventTimestamp: '2024-05-01T12:34:56.789Z',
    user: { email: 'someone@example.com', deviceUid: '1012345678901234567' },
    file: { path: 'C:/Users/someone/Documents/', name: 'quarterly-report.xlsx', sizeInBytes: 123456 },
    padding: '',
  };
  record.seq = 100_000_000;
  const base = Buffer.byteLength(JSON.stringify(record));
  record.padding = 'x'.repeat(RECORD_BYTES - base);
  return record;
}

function opensslCert(dir) {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  writeFileSync(join(dir, 'openssl.cnf'), '[req]\ndistinguished_name=dn\n[dn]\n');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-config',
      join(dir, 'openssl.cnf'),
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return { cert, key };
}

function startSink(cert, key) {
  const child = fork(join(here, 'sink.mjs'), [cert, key], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let nextId = 0;
  child.on('message', (message) => {
    const key = message.type === 'reached' ? message.id : message.type;
    pending.get(key)?.(message);
    pending.delete(key);
  });
  const request = (key, message) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sink did not answer ${message.type} within 60 s`)), 60_000);
      pending.set(key, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      if (message.type !== 'ready') child.send(message);
    });
  const ready = request('ready', { type: 'ready' });
  return {
    ready,
    reset: () => request('reset-done', { type: 'reset' }),
    waitFor: (bytes) => {
      const id = nextId++;
      return request(id, { type: 'wait', id, bytes });
    },
    stop: () => {
      child.disconnect();
      child.kill();
    },
  };
}

async function run(sink, ports, caFile, protocol, withConfirm, records) {
  await sink.reset();
  const sender = createSyslogSender({
    protocol,
    host: '127.0.0.1',
    port: protocol === 'tls' ? ports.tlsPort : ports.tcpPort,
    ...(protocol === 'tls' ? { ca: caFile } : {}),
  });
  const record = makeRecord();
  const started = process.hrtime.bigint();
  for (let seq = 0; seq < records; seq += 1) {
    record.seq = seq;
    // send() turns the object into JSON at once, so reusing the object is safe.
    await sender.send(record);
    if (withConfirm && (seq + 1) % CONFIRM_EVERY === 0) await sender.confirm();
  }
  if (withConfirm) await sender.confirm();
  else await sender.flush();
  // Without confirm(), the run ends when the sink has read every byte, not when our kernel accepted it.
  await sink.waitFor(sender.stats.bytes);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { bytes, sent } = sender.stats;
  await sender.close();
  if (sent !== records) throw new Error(`sent ${sent} of ${records} records`);
  return { seconds, recordsPerSecond: records / seconds, mbPerSecond: bytes / seconds / 1e6 };
}

/** The same records written by hand (JSON, LF, 64 KiB drain-aware writes, no library): this machine's ceiling. */
async function runReference(sink, ports, records) {
  await sink.reset();
  const socket = connect(ports.tcpPort, '127.0.0.1');
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const record = makeRecord();
  let chunk = Buffer.allocUnsafe(64 * 1024);
  let offset = 0;
  let total = 0;
  const started = process.hrtime.bigint();
  for (let seq = 0; seq < records; seq += 1) {
    record.seq = seq;
    const text = JSON.stringify(record);
    const bytes = Buffer.byteLength(text);
    if (offset + bytes + 1 > chunk.length) {
      if (!socket.write(chunk.subarray(0, offset))) await new Promise((resolve) => socket.once('drain', resolve));
      chunk = Buffer.allocUnsafe(64 * 1024);
      offset = 0;
    }
    offset += chunk.write(text, offset, 'utf8');
    chunk[offset++] = 0x0a;
    total += bytes + 1;
  }
  socket.end(chunk.subarray(0, offset));
  await sink.waitFor(total);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  socket.destroy();
  return { seconds, recordsPerSecond: records / seconds, mbPerSecond: total / seconds / 1e6 };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const fmt = (n, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pad = (text, width) => String(text).padEnd(width);
const padStart = (text, width) => String(text).padStart(width);

const dir = mkdtempSync(join(tmpdir(), 'syslog-out-bench-'));
let sink;
try {
  const { cert, key } = opensslCert(dir);
  sink = startSink(cert, key);
  const ports = await sink.ready;
  const cpu = cpus();
  console.log('@x/syslog-out throughput');
  console.log(
    `node ${process.version} on ${process.platform}/${process.arch}; CPU: ${cpu[0]?.model.trim() ?? 'unknown'} (${cpu.length} logical cores)`,
  );
  console.log(
    `${fmt(RECORDS)} JSON records of about ${fmt(RECORD_BYTES)} bytes (LF framing, no header); sink in a separate process;`,
  );
  console.log(`median of ${RUNS} run(s); "confirm" = confirm() every ${fmt(CONFIRM_EVERY)} records; MB = 10^6 bytes\n`);

  // A short unmeasured run per protocol lets the JIT and the TLS stack warm up.
  const warmUp = Math.min(RECORDS, 50_000);
  await runReference(sink, ports, warmUp);
  for (const protocol of ['tcp', 'tls']) await run(sink, ports, cert, protocol, false, warmUp);

  const results = {};
  const reference = [];
  for (let i = 0; i < RUNS; i += 1) reference.push(await runReference(sink, ports, RECORDS));
  for (const protocol of ['tcp', 'tls']) {
    for (const withConfirm of [false, true]) {
      const runs = [];
      for (let i = 0; i < RUNS; i += 1) runs.push(await run(sink, ports, cert, protocol, withConfirm, RECORDS));
      results[`${protocol}-${withConfirm}`] = {
        recordsPerSecond: median(runs.map((r) => r.recordsPerSecond)),
        mbPerSecond: median(runs.map((r) => r.mbPerSecond)),
        all: runs.map((r) => r.recordsPerSecond),
      };
    }
  }

  const header = [
    pad('protocol', 9),
    pad('confirm', 12),
    padStart('records/s', 11),
    padStart('MB/s', 8),
    padStart('runs (k rec/s)', 22),
    '  target',
  ].join(' ');
  console.log(header);
  console.log('-'.repeat(header.length + 24));
  for (const protocol of ['tcp', 'tls']) {
    const target = TARGETS[protocol];
    for (const withConfirm of [false, true]) {
      const r = results[`${protocol}-${withConfirm}`];
      const verdict = r.recordsPerSecond >= target ? 'met' : 'NOT met';
      console.log(
        [
          pad(protocol.toUpperCase(), 9),
          pad(withConfirm ? `every ${fmt(CONFIRM_EVERY)}` : 'none', 12),
          padStart(fmt(r.recordsPerSecond), 11),
          padStart(fmt(r.mbPerSecond, 1), 8),
          padStart(r.all.map((v) => fmt(v / 1e3)).join(' / '), 22),
          `  >= ${fmt(target / 1e3)}k rec/s: ${verdict}`,
        ].join(' '),
      );
    }
  }
  const ref = reference.map((r) => r.recordsPerSecond);
  console.log(
    [
      pad('TCP', 9),
      pad('reference', 12),
      padStart(fmt(median(ref)), 11),
      padStart(fmt(median(reference.map((r) => r.mbPerSecond)), 1), 8),
      padStart(ref.map((v) => fmt(v / 1e3)).join(' / '), 22),
      '  hand-written loop, no library: the ceiling here',
    ].join(' '),
  );
  console.log('\nconfirm cost = 1 - rate(confirm every 5,000) / rate(none); target <= 25 %');
  for (const protocol of ['tcp', 'tls']) {
    const cost = 1 - results[`${protocol}-true`].recordsPerSecond / results[`${protocol}-false`].recordsPerSecond;
    const verdict = cost <= TARGETS.confirmCost ? 'met' : 'NOT met';
    console.log(`${pad(protocol.toUpperCase(), 9)} ${padStart(fmt(cost * 100, 1), 6)} %   ${verdict}`);
  }
} finally {
  sink?.stop();
  rmSync(dir, { recursive: true, force: true });
}
