// README command 1: the story of the toolkit in under a minute, no account needed. It starts the emulator and a
// syslog receiver on 127.0.0.1, runs the real `incydr` binary against them, and stops everything it started.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '@x/sessions-emulator';

const BIN = fileURLToPath(new URL('../packages/sessions-cli/dist/bin.js', import.meta.url));
const STEP_TIMEOUT_MS = 30_000;
const tty = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
const bold = (text) => (tty ? `\x1b[1m${text}\x1b[0m` : text);
const dim = (text) => (tty ? `\x1b[2m${text}\x1b[0m` : text);

// A scratch HOME: the demo's checkpoint and CSV never touch the user's own files.
const home = mkdtempSync(join(tmpdir(), 'incydr-demo-'));
// The emulator's clock starts at the top of the hour, as the incydr-emulator command starts it, and is said below.
const clockStart = Math.floor(Date.now() / 3_600_000) * 3_600_000;
const emu = await startEmulator({ sessions: 2000, seed: 42, control: true, now: clockStart });
const receiver = await startReceiver();
const env = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: home,
  INCYDR_URL: emu.url,
  INCYDR_API_CLIENT_ID: emu.clientId,
  INCYDR_API_CLIENT_SECRET: emu.clientSecret,
};

try {
  story(
    `An Incydr Sessions API emulator runs on ${emu.url} (2,000 sessions), a syslog receiver on 127.0.0.1:${receiver.port}.`,
  );
  story(
    `The emulator's clock starts at ${new Date(clockStart).toISOString()}, the top of the hour, and moves 1 ms per change ` +
      '(and when time passes below), not with the wall clock: the times it shows count from there.',
  );

  step('Triage: open high and critical sessions of the last 3 days, as a table');
  const found = await incydr(
    [
      'sessions',
      'search',
      '--start',
      '3d',
      '--state',
      'OPEN',
      '--severity',
      'HIGH',
      '--severity',
      'CRITICAL',
      '--columns',
      'session_id,begin_time,actor_name,high_events,states',
    ],
    { maxLines: 9 },
  );
  const firstId = found.stdout.split('\n')[1]?.split(/\s+/)[0];
  if (firstId === undefined || firstId === '') throw new Error('the search found no session to show');

  step('One session in full');
  await incydr(['sessions', 'show', firstId], { maxLines: 22 });

  step('The same session as a SIEM-ready record: an OCSF 1.8.0 Detection Finding');
  await incydr(['sessions', 'show', firstId, '--record', 'ocsf', '-f', 'json-pretty'], { maxLines: 24 });

  step('Forward to the SIEM: every session of the last 7 days, with a checkpoint');
  const target = `TCP:127.0.0.1:${receiver.port}`;
  await incydr(['sessions', 'search', '--any-alerts', '--checkpoint', 'siem', '--output', target], { stderr: true });
  story(`The receiver holds ${receiver.records} records, one compact JSON session per line:`);
  console.log(dim(`  ${receiver.firstRecord.slice(0, 110)}…`));

  step('Time passes: sessions grow, escalate, reopen and arrive late; an analyst takes one');
  const delivered = new Set(receiver.sessionIds);
  const report = emu.advance(2 * 60 * 60 * 1000);
  await incydr(['sessions', 'update', firstId, '--state', 'IN_PROGRESS', '--note', 'Looking into it (demo)'], {
    stderr: true,
  });
  // Told in the checkpoint's terms: a session it never delivered is new, one it delivered and that moved is changed.
  const touched = new Set([...report.arrived, ...report.late, ...report.grown, firstId]);
  const fresh = [...touched].filter((id) => !delivered.has(id));
  const changed = [...touched].filter((id) => delivered.has(id));
  const among = (ids) => ids.filter((id) => delivered.has(id)).length;
  const grownSent = report.grown.filter((id) => delivered.has(id));
  const analyst = grownSent.includes(firstId)
    ? "; the analyst's session is one of them"
    : ", and the analyst's session";
  story(
    `Two hours later, as the checkpoint will count them: ${fresh.length} new (${report.arrived.length} began in those ` +
      `hours, ${report.late.length} arrived late, begun hours or days ago) and ${changed.length} changed since it forwarded ` +
      `them (${grownSent.length} grew, ${among(report.escalated)} of them escalated and ${among(report.reopened)} reopened${analyst}).`,
  );

  step('Forward again: only what is new or changed goes out');
  const before = receiver.records;
  await incydr(['sessions', 'search', '--any-alerts', '--checkpoint', 'siem', '--output', target], { stderr: true });
  const received = receiver.sessionIds.slice(before);
  story(
    `The receiver got ${received.length} more records (${received.filter((id) => !delivered.has(id)).length} new, ` +
      `${received.filter((id) => delivered.has(id)).length} changed), not ${before} again.`,
  );

  step('Bulk-close five sessions from a CSV after the investigation');
  const ids = found.stdout
    .split('\n')
    .slice(2, 7)
    .map((line) => line.split(/\s+/)[0])
    .filter((id) => id !== '');
  const csv = join(home, 'closed.csv');
  writeFileSync(
    csv,
    `session_id,state,note\n${ids.map((id) => `${id},CLOSED_FP,"Benign: approved transfer, ticket 4711"`).join('\n')}\n`,
  );
  console.log(dim(ids.length === 0 ? '' : `  closed.csv: ${ids.length} rows, state CLOSED_FP, one note each`));
  await incydr(['sessions', 'bulk-update-state', csv], { stderr: true });

  step('The next scheduled forward carries exactly those state changes, as OCSF records this time');
  const beforeClose = receiver.records;
  await incydr(['sessions', 'search', '--any-alerts', '--checkpoint', 'siem', '--record', 'ocsf', '--output', target], {
    stderr: true,
  });
  const kinds = new Map();
  for (const record of receiver.received.slice(beforeClose)) {
    const kind = `${record.type_name} (status ${record.status})`;
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  const told = [...kinds].map(([kind, count]) => `${count} × ${kind}`).join(', ');
  story(`${receiver.records - beforeClose} more records at the receiver: ${told}.`);

  story('Done: the emulator, the receiver and the scratch folder are gone. Next: `npx --yes pnpm@10.34.9 test`.');
} finally {
  await receiver.close();
  await emu.close();
  rmSync(home, { recursive: true, force: true });
}

function step(text) {
  console.log(`\n${bold(`▸ ${text}`)}`);
}

function story(text) {
  console.log(`  ${text}`);
}

/** Run the built `incydr`, print the command line and its output (cut to `maxLines`); throw when it fails. */
function incydr(args, { maxLines = Infinity, stderr = false } = {}) {
  const shown = args.map((arg) => (/^[\w./:,@=-]+$/.test(arg) ? arg : `'${arg}'`)).join(' ');
  console.log(dim(`  $ incydr ${shown.replaceAll(home, '~')}`));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const lines = out.split('\n').filter((line, index, all) => line !== '' || index < all.length - 1);
      for (const line of lines.slice(0, maxLines)) console.log(`  ${line}`);
      if (lines.length > maxLines) console.log(dim(`  … ${lines.length - maxLines} more lines`));
      if (stderr || code !== 0) for (const line of err.trim().split('\n').filter(Boolean)) console.log(`  ${line}`);
      if (code === 0) resolve({ stdout: out, stderr: err });
      else
        reject(new Error(`incydr ${args.join(' ')} ${signal === null ? `exited ${code}` : `was killed (${signal})`}`));
    });
  });
}

/** A TCP syslog receiver that counts LF-framed records and closes its side when a sender ends (the confirm). */
async function startReceiver() {
  let firstRecord = '';
  const received = [];
  const sockets = new Set();
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    let partial = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      if (received.length === 0) firstRecord += chunk.slice(0, 200);
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) received.push(JSON.parse(line));
    });
    socket.on('end', () => socket.end());
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    get records() {
      return received.length;
    },
    /** Every record received, parsed, in order. */
    get received() {
      return received;
    },
    /** The session id of every record received, in order (raw sessions). */
    get sessionIds() {
      return received.map((record) => record.sessionId);
    },
    get firstRecord() {
      return firstRecord.split('\n')[0];
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
