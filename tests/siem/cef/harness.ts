// syslog-ng as a CEF extension formatter: a daemon on a free loopback port that reads one JSON object per line
// (`tcp()` with `flags(no-parse)`, `json-parser()`) and writes, per object, the line `$(format-cef-extension)` makes of
// its key/value pairs to a file. Started with a temporary config and state folder, stopped and removed by close().
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { patient } from '@x/vitest-config/patience';
import type { SyslogNg } from './syslog-ng.mjs';

/** A running syslog-ng that formats CEF extensions. */
export interface CefFormatter {
  /** syslog-ng's `format-cef-extension` line for each object's key/value pairs, in the order given. */
  formatExtensions(records: readonly Readonly<Record<string, string>>[]): Promise<string[]>;
  close(): Promise<void>;
}

// The values' prefix in syslog-ng's name-value store; `--subkeys` strips it again from the keys it writes.
const PREFIX = '.cef.';
const POLL_MS = 20;

/** Poll `check` until it gives a value, for at most `timeoutMs` (already scaled); rejects naming `what`. */
async function until<T>(what: string, timeoutMs: number, check: () => T | undefined | Promise<T | undefined>) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`syslog-ng: ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** A loopback port free at the time of asking (bound, then released for syslog-ng to bind). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

/** Whether something accepts a TCP connection on the loopback port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Write the lines to the loopback port over one connection and close it. */
function send(port: number, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    socket.once('error', reject);
    socket.once('close', (hadError) => {
      if (!hadError) resolve();
    });
  });
}

/** Start the unpacked syslog-ng as a CEF extension formatter; resolves once it accepts connections. */
export async function startCefFormatter(syslogNg: SyslogNg): Promise<CefFormatter> {
  const dir = mkdtempSync(join(tmpdir(), 'siem-cef-syslog-ng-'));
  const output = join(dir, 'extensions.txt');
  const port = await freePort();
  const [major, minor] = syslogNg.version.split('.');
  const maxBytes = 4 << 20;
  writeFileSync(
    join(dir, 'syslog-ng.conf'),
    [
      `@version: ${major}.${minor}`,
      `options { log-msg-size(${maxBytes}); };`,
      `source s_json { tcp(ip("127.0.0.1") port(${port}) flags(no-parse) log-msg-size(${maxBytes})); };`,
      `parser p_json { json-parser(prefix("${PREFIX}")); };`,
      `destination d_cef { file("${output}" template("$(format-cef-extension --subkeys ${PREFIX})\\n")); };`,
      'log { source(s_json); parser(p_json); destination(d_cef); };',
      '',
    ].join('\n'),
  );
  const daemon = spawn(
    syslogNg.binary,
    [
      '-F',
      '--no-caps',
      '-f',
      join(dir, 'syslog-ng.conf'),
      `--module-path=${syslogNg.moduleDir}`,
      '-R',
      join(dir, 'persist'),
      '-c',
      join(dir, 'ctl'),
      '-p',
      join(dir, 'pid'),
    ],
    { env: { ...process.env, LD_LIBRARY_PATH: syslogNg.libDir }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let said = '';
  daemon.stderr.setEncoding('utf8').on('data', (chunk: string) => (said += chunk));
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    daemon.once('exit', () => {
      exited = true;
      resolve();
    });
    daemon.once('error', (error) => {
      said += error.message;
      exited = true;
      resolve();
    });
  });

  const close = async (): Promise<void> => {
    if (!exited) {
      daemon.kill('SIGTERM');
      const killed = setTimeout(() => daemon.kill('SIGKILL'), patient(10_000));
      await exit;
      clearTimeout(killed);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await until(`accepts connections on 127.0.0.1:${port}`, patient(15_000), async () => {
      if (exited) throw new Error(`syslog-ng ended before it listened: ${said.trim()}`);
      return (await accepts(port)) ? true : undefined;
    });
  } catch (error) {
    await close();
    throw error;
  }

  let linesRead = 0;
  const formatExtensions = async (records: readonly Readonly<Record<string, string>>[]): Promise<string[]> => {
    if (records.length === 0) return [];
    await send(port, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
    const wanted = linesRead + records.length;
    const lines = await until(`writes ${records.length} lines`, patient(10_000 + records.length * 10), () => {
      if (exited) throw new Error(`syslog-ng ended: ${said.trim()}`);
      if (!existsSync(output)) return undefined;
      const all = readFileSync(output, 'utf8').split('\n').slice(0, -1);
      return all.length >= wanted ? all : undefined;
    });
    linesRead = wanted;
    return lines.slice(wanted - records.length, wanted);
  };

  return { formatExtensions, close };
}
