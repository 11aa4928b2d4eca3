import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { waitFor } from './wait.js';
import { patient } from '@x/vitest-config/patience';

/** The only address the test receivers use. */
export const LOOPBACK = '127.0.0.1';

/** How a stream receiver behaves once a connection is open. */
export type ReceiverMode =
  /** Reads to EOF, then closes its side: what `confirm()` relies on. */
  | 'normal'
  /** Reads in small doses (about 25 MB/s) with pauses in between. */
  | 'slow'
  /** Never reads. */
  | 'stall'
  /** Reads everything but never closes its side after EOF (so a confirm cannot complete). */
  | 'noClose'
  /** Drops the connection as soon as bytes arrive (syslog-ng's syslog() source on LF framing). */
  | 'closeOnFirstBytes'
  /** Drops every connection abruptly once `records` (cumulative counts) have arrived; optionally listens again. */
  | { crashAfter: number[]; restartAfterMs?: number; reset?: boolean }
  /** Resets the listed connections (1 for the first) after the client's end of stream instead of closing cleanly. */
  | { resetAtEnd: number[] }
  /**
   * Resets each of the first `resetConnections` connections (Infinity: every one) as soon as bytes arrive, or after
   * `idleMs` without any: a receiver that drops connections whatever is sent (a connection limit, an access rule).
   */
  | { resetConnections: number; idleMs: number }
  /**
   * Closes connection `closeMidStream` (1 for the first) as soon as it has read whole records, before the client's
   * end of stream, with nothing unread (a FIN, not a reset); then calls `then` in the same turn of the event loop.
   */
  | { closeMidStream: number; then: () => void };

/** TLS settings of a receiver. */
export interface ReceiverTls {
  key: string;
  cert: string;
  ca?: string;
  /** Require a client certificate signed by `ca`. */
  requestCert?: boolean;
}

/** Options of `startTcpReceiver`. */
export interface TcpReceiverOptions {
  tls?: ReceiverTls;
  /** @default 'lf' */
  framing?: 'lf' | 'octet-counting';
  /** @default 'normal' */
  mode?: ReceiverMode;
  /** Listen on this port (e.g. one a sender already targets); 0 picks a free one. @default 0 */
  port?: number;
}

/** What a receiver saw of one connection. */
export interface PeerInfo {
  /** SNI the client sent (TLS), false when none. */
  servername: string | false | undefined;
  /** Whether the client certificate was verified (mutual TLS). */
  authorized: boolean | undefined;
  /** Common name of the client certificate. */
  clientCn: string | undefined;
  /** Whether the client ended its side and we then closed ours. */
  cleanClose: boolean;
}

/** An in-process TCP or TLS syslog receiver on 127.0.0.1. */
export interface TcpReceiver {
  readonly host: string;
  readonly port: number;
  /** Records in arrival order, without framing. */
  readonly records: string[];
  readonly peers: PeerInfo[];
  readonly counts: {
    connections: number;
    cleanCloses: number;
    idleCloses: number;
    firstByteCloses: number;
    crashes: number;
    /** TCP connections accepted, TLS handshakes included whether or not they completed. */
    accepted: number;
    bytes: number;
    /** Octet-counting frames that did not parse. */
    badFrames: number;
  };
  /** Errors of accepted sockets (e.g. ECONNRESET) and TLS handshake failures seen by the server. */
  readonly socketErrors: Error[];
  /** Server names the clients sent as SNI (TLS). */
  readonly sniNames: string[];
  readonly tlsErrors: Error[];
  /** Stop reading on every connection (new ones too) until `resumeReading()`. */
  pauseReading(): void;
  resumeReading(): void;
  /** Reset (RST) every open connection now. */
  resetAll(): void;
  /**
   * Close every open connection now, as a receiver's idle timeout does (counted in `idleCloses`): on command rather
   * than by a timer, so that a slow machine cannot make it close mid-stream.
   */
  closeIdle(): void;
  /** Connections currently open. */
  openConnections(): number;
  /** Whether the server currently accepts connections (false while "crashed"). */
  listening(): boolean;
  waitForRecords(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Splits a byte stream into records, LF-terminated or octet-counted (counts are UTF-8 bytes). */
export class RecordParser {
  readonly #framing: 'lf' | 'octet-counting';
  #buffer: Buffer = Buffer.alloc(0);

  constructor(framing: 'lf' | 'octet-counting') {
    this.#framing = framing;
  }

  /** Bytes received but not yet a whole record. */
  get pendingBytes(): number {
    return this.#buffer.length;
  }

  /** Feed bytes; returns the records they completed. Throws on a malformed octet count. */
  push(chunk: Buffer): string[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const records: string[] = [];
    let start = 0;
    if (this.#framing === 'lf') {
      for (let end = this.#buffer.indexOf(0x0a, start); end !== -1; end = this.#buffer.indexOf(0x0a, start)) {
        records.push(this.#buffer.toString('utf8', start, end));
        start = end + 1;
      }
    } else {
      for (;;) {
        const space = this.#buffer.indexOf(0x20, start);
        if (space === -1) {
          const partial = this.#buffer.toString('latin1', start, Math.min(this.#buffer.length, start + 11));
          if (!/^\d{0,10}$/.test(partial)) throw new Error(`bad octet count ${JSON.stringify(partial)}`);
          break;
        }
        const digits = this.#buffer.toString('latin1', start, space);
        if (!/^[1-9]\d{0,9}$/.test(digits)) throw new Error(`bad octet count ${JSON.stringify(digits.slice(0, 20))}`);
        const end = space + 1 + Number(digits);
        if (end > this.#buffer.length) break;
        records.push(this.#buffer.toString('utf8', space + 1, end));
        start = end;
      }
    }
    this.#buffer = this.#buffer.subarray(start);
    return records;
  }
}

const SLOW_TICK_MS = 10;
const SLOW_BYTES_PER_TICK = 256 * 1024;

/** Start a TCP (or, with `tls`, TLS) receiver on 127.0.0.1 that collects records. */
export async function startTcpReceiver(options: TcpReceiverOptions = {}): Promise<TcpReceiver> {
  const framing = options.framing ?? 'lf';
  const mode = options.mode ?? 'normal';
  const crash = typeof mode === 'object' && 'crashAfter' in mode ? mode : undefined;
  const records: string[] = [];
  const peers: PeerInfo[] = [];
  const counts = {
    connections: 0,
    cleanCloses: 0,
    idleCloses: 0,
    firstByteCloses: 0,
    crashes: 0,
    accepted: 0,
    bytes: 0,
    badFrames: 0,
  };
  const sniNames: string[] = [];
  const socketErrors: Error[] = [];
  const tlsErrors: Error[] = [];
  const sockets = new Set<Socket>();
  const slowBudget = new Map<Socket, number>();
  const timers = new Set<NodeJS.Timeout>();
  let paused = false;
  let closed = false;
  let isListening = false;
  let crashIndex = 0;

  const resetAtEnd = typeof mode === 'object' && 'resetAtEnd' in mode ? mode.resetAtEnd : [];
  const closeMidStream = typeof mode === 'object' && 'closeMidStream' in mode ? mode : undefined;
  const resetting = typeof mode === 'object' && 'resetConnections' in mode ? mode : undefined;
  const onConnection = (socket: Socket): void => {
    counts.connections += 1;
    const connection = counts.connections;
    sockets.add(socket);
    const tlsSocket = options.tls === undefined ? undefined : (socket as TLSSocket);
    const clientCn = tlsSocket?.getPeerCertificate()?.subject?.CN;
    const peer: PeerInfo = {
      servername: tlsSocket === undefined ? undefined : tlsSocket.servername || false,
      authorized: tlsSocket?.authorized,
      clientCn: typeof clientCn === 'string' ? clientCn : undefined,
      cleanClose: false,
    };
    peers.push(peer);
    const parser = new RecordParser(framing);
    socket.on('error', (error) => socketErrors.push(error));
    socket.on('close', () => {
      sockets.delete(socket);
      slowBudget.delete(socket);
    });
    if (mode === 'stall' || paused) socket.pause();
    if (mode === 'slow') slowBudget.set(socket, SLOW_BYTES_PER_TICK);
    const resetsThis = resetting !== undefined && connection <= resetting.resetConnections;
    if (resetsThis) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        reset(socket);
      }, resetting.idleMs);
      timers.add(timer);
      socket.on('close', () => {
        clearTimeout(timer);
        timers.delete(timer);
      });
    }

    socket.on('data', (chunk: Buffer) => {
      counts.bytes += chunk.length;
      if (resetsThis) {
        reset(socket);
        return;
      }
      if (mode === 'closeOnFirstBytes') {
        counts.firstByteCloses += 1;
        socket.destroy();
        return;
      }
      let parsed: string[];
      try {
        parsed = parser.push(chunk);
      } catch {
        counts.badFrames += 1;
        socket.destroy();
        return;
      }
      for (const record of parsed) records.push(record);
      if (closeMidStream?.closeMidStream === connection && parsed.length > 0 && parser.pendingBytes === 0) {
        socket.destroy();
        closeMidStream.then();
        return;
      }
      if (mode === 'slow') {
        const left = (slowBudget.get(socket) ?? 0) - chunk.length;
        slowBudget.set(socket, left);
        if (left <= 0) socket.pause();
      }
      const threshold = crash?.crashAfter[crashIndex];
      if (crash !== undefined && threshold !== undefined && records.length >= threshold) {
        crashIndex += 1;
        crashNow(crash.reset === true, crash.restartAfterMs);
      }
    });
    socket.on('end', () => {
      if (mode === 'noClose') return;
      if (resetAtEnd.includes(connection)) {
        socket.resetAndDestroy();
        return;
      }
      // The client ended its side and every byte before its FIN was read: close ours (TLS: close_notify + FIN).
      peer.cleanClose = true;
      counts.cleanCloses += 1;
      socket.end();
    });
  };

  const server: Server =
    options.tls === undefined
      ? createServer({ allowHalfOpen: true }, onConnection)
      : createTlsServer(
          {
            allowHalfOpen: true,
            key: options.tls.key,
            cert: options.tls.cert,
            ...(options.tls.ca === undefined ? {} : { ca: options.tls.ca }),
            requestCert: options.tls.requestCert ?? false,
            rejectUnauthorized: options.tls.requestCert ?? false,
            // A client that drops a handshake (e.g. after refusing our certificate) leaves a half-open socket.
            handshakeTimeout: patient(5_000),
            SNICallback: (name, done) => {
              sniNames.push(name);
              done(null, undefined);
            },
          },
          onConnection,
        );
  server.on('tlsClientError', (error: Error) => tlsErrors.push(error));
  server.on('connection', () => {
    counts.accepted += 1;
  });
  server.on('error', (error) => socketErrors.push(error));
  // TLS handshakes happen on raw sockets before 'secureConnection': they need error listeners too. A reset must go
  // to the raw socket (a TLSSocket cannot reset), found by the client's port.
  const rawByPort = new Map<number, Socket>();
  if (options.tls !== undefined) {
    server.on('connection', (raw: Socket) => {
      const remotePort = raw.remotePort ?? -1;
      rawByPort.set(remotePort, raw);
      raw.on('error', (e) => socketErrors.push(e));
      raw.on('close', () => {
        if (rawByPort.get(remotePort) === raw) rawByPort.delete(remotePort);
      });
    });
  }
  const reset = (socket: Socket): void => {
    const raw = options.tls === undefined ? socket : rawByPort.get(socket.remotePort ?? -1);
    if (raw !== undefined && !raw.destroyed) raw.resetAndDestroy();
    socket.destroy();
  };

  const listen = async (port: number): Promise<void> => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: LOOPBACK, port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    isListening = true;
  };

  function crashNow(useReset: boolean, restartAfterMs: number | undefined): void {
    counts.crashes += 1;
    isListening = false;
    server.close();
    for (const socket of sockets) {
      if (useReset) reset(socket);
      else socket.destroy();
    }
    for (const raw of rawByPort.values()) raw.destroy();
    if (restartAfterMs !== undefined) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!closed) listen(port).catch((error: unknown) => socketErrors.push(error as Error));
      }, restartAfterMs);
      timers.add(timer);
    }
  }

  await listen(options.port ?? 0);
  const port = (server.address() as AddressInfo).port;

  if (mode === 'slow') {
    const tick = setInterval(() => {
      for (const socket of sockets) {
        slowBudget.set(socket, SLOW_BYTES_PER_TICK);
        if (!paused) socket.resume();
      }
    }, SLOW_TICK_MS);
    timers.add(tick);
  }

  return {
    host: LOOPBACK,
    port,
    records,
    peers,
    counts,
    socketErrors,
    tlsErrors,
    sniNames,
    pauseReading() {
      paused = true;
      for (const socket of sockets) socket.pause();
    },
    resumeReading() {
      paused = false;
      if (mode === 'stall') return;
      for (const socket of sockets) socket.resume();
    },
    resetAll() {
      for (const socket of sockets) reset(socket);
    },
    closeIdle() {
      for (const socket of sockets) {
        counts.idleCloses += 1;
        socket.destroy();
      }
    },
    openConnections: () => sockets.size,
    listening: () => isListening,
    waitForRecords: (count, timeoutMs = 10_000) =>
      waitFor(() => records.length >= count, `${count} records (have ${records.length})`, timeoutMs),
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      for (const raw of rawByPort.values()) raw.destroy();
      await new Promise<void>((resolve) => {
        if (!server.listening) resolve();
        else server.close(() => resolve());
      });
    },
  };
}

/** An in-process UDP receiver on 127.0.0.1 that keeps every datagram. */
export interface UdpReceiver {
  readonly host: string;
  readonly port: number;
  readonly datagrams: Buffer[];
  waitForDatagrams(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Start a UDP receiver on 127.0.0.1. */
export async function startUdpReceiver(): Promise<UdpReceiver> {
  const socket: UdpSocket = createSocket('udp4');
  const datagrams: Buffer[] = [];
  socket.on('message', (message) => datagrams.push(message));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, () => resolve()));
  try {
    // Large datagrams: room for a few at once (capped by net.core.rmem_max).
    socket.setRecvBufferSize(4 * 1024 * 1024);
  } catch {
    // Only a smaller buffer: the tests wait for each large datagram anyway.
  }
  return {
    host: LOOPBACK,
    port: socket.address().port,
    datagrams,
    waitForDatagrams: (count, timeoutMs = 5_000) =>
      waitFor(() => datagrams.length >= count, `${count} datagrams (have ${datagrams.length})`, timeoutMs),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** A port on 127.0.0.1 where connecting never completes. */
export interface BlackHole {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

// A child whose event loop is blocked never accepts: once its accept queue (backlog 1; 0 would mean Node's default 511) is full, the kernel drops
// further SYNs and a connect hangs. It exits by itself after a minute in case nobody stops it.
const BLACK_HOLE_SCRIPT = `
const server = require('node:net').createServer();
server.listen({ host: '127.0.0.1', port: 0, backlog: 1 }, () => {
  process.stdout.write(server.address().port + '\\n', () => {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);
    process.exit(0);
  });
});
`;

/** Start a listener that never completes a connect (full accept queue), on loopback. */
export async function startBlackHole(): Promise<BlackHole> {
  const child: ChildProcess = spawn(process.execPath, ['-e', BLACK_HOLE_SCRIPT], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const fillers: Socket[] = [];
  const stop = async (): Promise<void> => {
    for (const socket of fillers) socket.destroy();
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let text = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\n')) resolve(Number(text.trim()));
      });
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`black hole exited early (${code})`)));
    });
    // Fill the accept queue: connect until one attempt hangs.
    for (let attempt = 0; attempt < 16; attempt += 1) {
      const socket = connect({ host: LOOPBACK, port });
      socket.on('error', () => undefined);
      fillers.push(socket);
      const connected = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 300);
        socket.once('connect', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      if (!connected) return { host: LOOPBACK, port, close: stop };
    }
    throw new Error('could not fill the accept queue of the black hole');
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A sequence-numbered JSON record of about `bytes` bytes: `{"seq":N,"pad":"xxx…"}`. */
export function seqRecord(seq: number, bytes = 1024): string {
  const head = `{"seq":${seq},"pad":"`;
  return `${head}${'x'.repeat(Math.max(0, bytes - head.length - 2))}"}`;
}

/** Sequence numbers of records `0 … n-1` that never arrived, and how many arrived more than once. */
export function analyse(
  records: readonly string[],
  n: number,
): { missing: number[]; duplicates: number; unexpected: number } {
  const seen = new Uint32Array(n);
  let unexpected = 0;
  for (const record of records) {
    const match = /"seq":(\d+)/.exec(record);
    const seq = match === null ? -1 : Number(match[1]);
    if (seq >= 0 && seq < n) seen[seq] = (seen[seq] ?? 0) + 1;
    else unexpected += 1;
  }
  const missing: number[] = [];
  let duplicates = 0;
  for (let seq = 0; seq < n; seq += 1) {
    const times = seen[seq] ?? 0;
    if (times === 0) missing.push(seq);
    else duplicates += times - 1;
  }
  return { missing, duplicates, unexpected };
}
