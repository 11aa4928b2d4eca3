// A private rsyslogd for interop tests, started in the foreground as syslog.md §4 describes (never the system service).
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { patient } from '@x/vitest-config/patience';

const run = promisify(execFile);

/** What to run to get the tools these tests need. */
export const RSYSLOG_INSTALL_HINT = 'apt-get install -y rsyslog rsyslog-openssl';

function findExecutable(name: string, extraDirs: string[]): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), ...extraDirs].filter((dir) => dir !== '');
  return dirs.map((dir) => join(dir, name)).find((file) => existsSync(file));
}

/** rsyslog-openssl ships `lmnsd_ossl.so` into rsyslog's module directory, which depends on the architecture. */
function hasOpensslDriver(): boolean {
  const candidates = ['/usr/lib/rsyslog', '/usr/lib64/rsyslog', '/usr/local/lib/rsyslog'];
  try {
    for (const entry of readdirSync('/usr/lib')) candidates.push(join('/usr/lib', entry, 'rsyslog'));
  } catch {
    // no /usr/lib: nothing more to look at
  }
  return candidates.some((dir) => existsSync(join(dir, 'lmnsd_ossl.so')));
}

/** Path of rsyslogd, or undefined. */
export const rsyslogdPath = findExecutable('rsyslogd', ['/usr/sbin', '/sbin', '/usr/local/sbin']);
const opensslPath = findExecutable('openssl', ['/usr/bin']);

/** Why the rsyslog interop tests cannot run on this machine, or undefined when they can. */
export const rsyslogMissing: string | undefined =
  rsyslogdPath === undefined
    ? `rsyslogd is not installed (${RSYSLOG_INSTALL_HINT})`
    : !hasOpensslDriver()
      ? `rsyslog's TLS driver lmnsd_ossl.so is not installed (${RSYSLOG_INSTALL_HINT})`
      : opensslPath === undefined
        ? 'openssl is not installed (apt-get install -y openssl)'
        : undefined;

/** PEM files rsyslog's TLS input uses: the CA, and the server certificate (for 127.0.0.1) and its key. */
export interface RsyslogTlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** What rsyslog parsed out of one record (the `props` template). */
export interface RsyslogProps {
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  facility: string;
  severity: string;
  protocolVersion: string;
  msg: string;
}

/** A running private rsyslogd. */
export interface RsyslogReceiver extends AsyncDisposable {
  readonly tcpPort: number;
  readonly tlsPort: number;
  readonly udpPort: number;
  readonly dir: string;
  /** Wait until the raw output (`%rawmsg%\n`, one line per record) has at least `n` lines and return them. */
  waitForLines(n: number, timeoutMs?: number): Promise<string[]>;
  /** Wait until the parsed-properties output has at least `n` records and return them. */
  waitForProps(n: number, timeoutMs?: number): Promise<RsyslogProps[]>;
  /** The raw output as bytes, as written so far. */
  rawBytes(): Promise<Buffer>;
  /** SIGTERM (rsyslog flushes and exits), SIGKILL after 5 s; removes the temporary directory. */
  stop(): Promise<void>;
}

/** A UDP port that was free a moment ago (imudp cannot bind port 0 and report it). */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** Poll `check` every `intervalMs` until it returns a value or `quietMs` (scaled to this machine) passes. */
async function poll<T>(
  what: string,
  quietMs: number,
  check: () => Promise<T | undefined>,
  intervalMs = 20,
): Promise<T> {
  const timeoutMs = patient(quietMs);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

async function readOrEmpty(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw error;
  }
}

/** Complete lines only: a record rsyslog is still writing has no trailing LF yet. */
function completeLines(bytes: Buffer): string[] {
  const text = bytes.toString('utf8');
  const end = text.lastIndexOf('\n');
  return end < 0 ? [] : text.slice(0, end).split('\n');
}

function config(dir: string, udpPort: number, tls: RsyslogTlsFiles): string {
  const q = (text: string): string => JSON.stringify(text);
  // Inputs feed a ruleset of their own so that rsyslog's internal messages never reach the output files;
  // imudp is loaded first so that it is bound before imtcp writes the port files we wait for.
  return `global(
  workDirectory=${q(join(dir, 'work'))}
  maxMessageSize="256k"
  net.enableDNS="off"
  defaultNetstreamDriverCAFile=${q(tls.caFile)}
  defaultNetstreamDriverCertFile=${q(tls.certFile)}
  defaultNetstreamDriverKeyFile=${q(tls.keyFile)}
)
module(load="imudp")
module(load="imtcp")
template(name="raw" type="string" string="%rawmsg%\\n")
template(name="props" type="list" option.jsonf="on") {
  property(outname="hostname" name="hostname" format="jsonf")
  property(outname="appName" name="app-name" format="jsonf")
  property(outname="procId" name="procid" format="jsonf")
  property(outname="msgId" name="msgid" format="jsonf")
  property(outname="facility" name="syslogfacility" format="jsonf")
  property(outname="severity" name="syslogseverity" format="jsonf")
  property(outname="protocolVersion" name="protocol-version" format="jsonf")
  property(outname="msg" name="msg" format="jsonf")
}
ruleset(name="rx") {
  action(type="omfile" file=${q(join(dir, 'raw.log'))} template="raw")
  action(type="omfile" file=${q(join(dir, 'props.log'))} template="props")
}
input(type="imudp" address="127.0.0.1" port="${udpPort}" ruleset="rx")
input(type="imtcp" address="127.0.0.1" port="0" listenPortFileName=${q(join(dir, 'tcp.port'))} ruleset="rx")
input(type="imtcp" address="127.0.0.1" port="0" listenPortFileName=${q(join(dir, 'tls.port'))} ruleset="rx"
  streamDriver.name="ossl" streamDriver.mode="1" streamDriver.authMode="anon")
`;
}

/**
 * Start a private rsyslogd in the foreground (`-n`, private config and pid file in a temp dir) with a plain TCP,
 * a TLS input (with the given certificate files) and a UDP input on 127.0.0.1; resolves once its port files exist.
 */
export async function startRsyslog(options: {
  tls: RsyslogTlsFiles;
  startTimeoutMs?: number;
}): Promise<RsyslogReceiver> {
  if (rsyslogdPath === undefined || rsyslogMissing !== undefined) throw new Error(rsyslogMissing);
  const rsyslogd = rsyslogdPath;
  const dir = await mkdtemp(join(tmpdir(), 'syslog-out-rsyslog-'));
  let child: ChildProcess | undefined;
  // Should the test process end without stop() (a crash, a killed worker), rsyslogd must not outlive it.
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
  };
  try {
    await mkdir(join(dir, 'work'));
    const udpPort = await freeUdpPort();
    const confFile = join(dir, 'rx.conf');
    await writeFile(confFile, config(dir, udpPort, options.tls));
    try {
      await run(rsyslogd, ['-N1', '-f', confFile], { timeout: patient(10_000) });
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(`rsyslogd -N1 rejects the test config:\n${stdout}${stderr}`, { cause: error });
    }

    let output = '';
    let exited: string | undefined;
    const proc = spawn(rsyslogd, ['-n', '-f', confFile, '-i', join(dir, 'rsyslogd.pid')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    const collect = (chunk: Buffer): void => {
      if (output.length < 64 * 1024) output += chunk.toString('utf8');
    };
    proc.stdout.on('data', collect);
    proc.stderr.on('data', collect);
    proc.on('error', (error) => {
      exited = `cannot run ${rsyslogd}: ${error.message}`;
    });
    proc.on('exit', (codeValue, signal) => {
      exited = `rsyslogd exited (${signal ?? codeValue})`;
    });
    process.once('exit', killOnExit);
    const exitedPromise = new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) resolve();
      else proc.once('exit', () => resolve());
    });

    const readPort = async (name: string): Promise<number | undefined> => {
      if (exited !== undefined) throw new Error(`${exited} before it was ready:\n${output}`);
      const text = (await readOrEmpty(join(dir, name))).toString('ascii').trim();
      const port = Number(text);
      return text !== '' && Number.isInteger(port) && port > 0 ? port : undefined;
    };
    const timeoutMs = options.startTimeoutMs ?? 10_000;
    const tcpPort = await poll('rsyslog tcp.port', timeoutMs, () => readPort('tcp.port'));
    const tlsPort = await poll('rsyslog tls.port', timeoutMs, () => readPort('tls.port'));

    let stopped: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopped ??= (async () => {
        if (exited === undefined) {
          proc.kill('SIGTERM');
          let timer: NodeJS.Timeout | undefined;
          const killed = new Promise<void>((resolve) => {
            timer = setTimeout(() => {
              proc.kill('SIGKILL');
              resolve();
            }, patient(5_000));
          });
          await Promise.race([exitedPromise, killed]);
          clearTimeout(timer);
          await exitedPromise;
        }
        process.off('exit', killOnExit);
        await rm(dir, { recursive: true, force: true });
      })();
      return stopped;
    };

    const rawFile = join(dir, 'raw.log');
    const propsFile = join(dir, 'props.log');
    const waitFor = async (file: string, n: number, timeoutMs = 10_000): Promise<string[]> => {
      let last = 0;
      try {
        return await poll(`${n} records from rsyslog`, timeoutMs, async () => {
          const lines = completeLines(await readOrEmpty(file));
          last = lines.length;
          return lines.length >= n ? lines : undefined;
        });
      } catch (error) {
        throw new Error(
          `rsyslog wrote ${last} of ${n} records within ${patient(timeoutMs)} ms${exited === undefined ? '' : `; ${exited}:\n${output}`}`,
          { cause: error },
        );
      }
    };

    return {
      tcpPort,
      tlsPort,
      udpPort,
      dir,
      waitForLines: (n, timeoutMs) => waitFor(rawFile, n, timeoutMs),
      waitForProps: async (n, timeoutMs) =>
        (await waitFor(propsFile, n, timeoutMs)).map((line) => JSON.parse(line) as RsyslogProps),
      rawBytes: () => readOrEmpty(rawFile),
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    process.off('exit', killOnExit);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
