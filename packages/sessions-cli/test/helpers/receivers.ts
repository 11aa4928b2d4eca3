// Tiny in-process syslog receivers on 127.0.0.1 (TCP, TLS, UDP) that keep every record they get.
import { createSocket } from 'node:dgram';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { waitFor } from './run.js';

/** A stream receiver: records without their framing, and the raw bytes of each connection. */
export interface StreamReceiver {
  readonly port: number;
  readonly records: string[];
  /** Everything received, connections concatenated in the order they closed. */
  raw(): Buffer;
  waitForRecords(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link startStreamReceiver}. */
export interface StreamReceiverOptions {
  /** @default 'lf' */
  framing?: 'lf' | 'octet-counting';
  /** PEM certificate and key: a TLS receiver. */
  tls?: { cert: string; key: string };
  /** Drop each connection as soon as bytes arrive (syslog-ng's syslog() source fed LF-framed records). */
  closeOnFirstBytes?: boolean;
}

/** Split a connection's bytes into records (LF-terminated, or octet-counted in UTF-8 bytes). */
function parseRecords(bytes: Buffer, framing: 'lf' | 'octet-counting'): string[] {
  const records: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    if (framing === 'lf') {
      const end = bytes.indexOf(0x0a, start);
      if (end === -1) throw new Error(`unterminated record at byte ${start}`);
      records.push(bytes.toString('utf8', start, end));
      start = end + 1;
    } else {
      const space = bytes.indexOf(0x20, start);
      const digits = bytes.toString('latin1', start, space);
      if (space === -1 || !/^[1-9]\d*$/.test(digits)) throw new Error(`bad octet count at byte ${start}`);
      const end = space + 1 + Number(digits);
      if (end > bytes.length) throw new Error(`truncated frame at byte ${start}`);
      records.push(bytes.toString('utf8', space + 1, end));
      start = end;
    }
  }
  return records;
}

/**
 * A TCP (or TLS) receiver that reads each connection to its end, then closes its side (what a sender's delivery
 * confirmation waits for) and parses the records.
 */
export async function startStreamReceiver(options: StreamReceiverOptions = {}): Promise<StreamReceiver> {
  const framing = options.framing ?? 'lf';
  const records: string[] = [];
  const received: Buffer[] = [];
  const sockets = new Set<Socket>();
  const onConnection = (socket: Socket): void => {
    sockets.add(socket);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => {
      if (options.closeOnFirstBytes === true) {
        socket.destroy();
        return;
      }
      chunks.push(chunk);
    });
    socket.on('error', () => undefined);
    socket.on('end', () => {
      const bytes = Buffer.concat(chunks);
      received.push(bytes);
      records.push(...parseRecords(bytes, framing));
      socket.end();
    });
    socket.on('close', () => sockets.delete(socket));
  };
  const server: Server =
    options.tls === undefined
      ? createServer({ allowHalfOpen: true }, onConnection)
      : createTlsServer({ allowHalfOpen: true, cert: options.tls.cert, key: options.tls.key }, onConnection);
  server.on('tlsClientError', () => undefined);
  // Raw connections too: a TLS handshake that failed never becomes a secure connection, yet holds close() open.
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    records,
    raw: () => Buffer.concat(received),
    waitForRecords: (count, timeoutMs = 5_000) =>
      waitFor(() => records.length >= count, `${count} records (have ${records.length})`, timeoutMs),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A UDP receiver: one record per datagram. */
export interface DatagramReceiver {
  readonly port: number;
  readonly datagrams: string[];
  waitForDatagrams(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Start a UDP receiver on 127.0.0.1. */
export async function startDatagramReceiver(): Promise<DatagramReceiver> {
  const socket = createSocket('udp4');
  const datagrams: string[] = [];
  socket.on('message', (message) => datagrams.push(message.toString('utf8')));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    // Room for a burst of sessions (capped by the kernel's rmem_max).
    socket.setRecvBufferSize(8 * 1024 * 1024);
  } catch {
    // A smaller buffer only matters for much larger bursts than these tests send.
  }
  return {
    port: socket.address().port,
    datagrams,
    waitForDatagrams: (count, timeoutMs = 5_000) =>
      waitFor(() => datagrams.length >= count, `${count} datagrams (have ${datagrams.length})`, timeoutMs),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** A TCP port on 127.0.0.1 that was free a moment ago: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP receiver that counts LF-framed records as they arrive and can crash and come back on the same port. */
export interface LiveReceiver {
  readonly port: number;
  /** Every complete record received so far, in arrival order (a record cut by a dropped connection is not). */
  readonly records: string[];
  /** The records of connections it closed after the sender's end of stream: what a sender saw confirmed. */
  readonly confirmed: string[];
  /** Connections it closed because they stayed idle (`closeIdleAfterMs`). */
  readonly idleCloses: number;
  /** Stop reading every connection, new ones too (a stalled receiver: it accepts, and never reads or closes). */
  pauseReading(): void;
  /** Drop every connection at once and stop listening (a receiver crash). */
  crash(): Promise<void>;
  /** Listen again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link startLiveReceiver}. */
export interface LiveReceiverOptions {
  /** Close a connection on which nothing arrived for this long (an idle timeout, as rsyslog and syslog-ng have). */
  closeIdleAfterMs?: number;
  /** Read everything but never close its side after the sender's end of stream (some SIEM collectors, balancers). */
  neverClose?: boolean;
}

/** Start a {@link LiveReceiver} on 127.0.0.1; it closes its side after a sender's end of stream (the confirm). */
export async function startLiveReceiver(options: LiveReceiverOptions = {}): Promise<LiveReceiver> {
  const records: string[] = [];
  const confirmed: string[] = [];
  const sockets = new Set<Socket>();
  let paused = false;
  let idleCloses = 0;
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    if (paused) socket.pause();
    const own: string[] = [];
    let rest = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      let bytes = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
      let start = 0;
      for (let end = bytes.indexOf(0x0a, start); end !== -1; end = bytes.indexOf(0x0a, start)) {
        const record = bytes.toString('utf8', start, end);
        records.push(record);
        own.push(record);
        start = end + 1;
      }
      bytes = bytes.subarray(start);
      rest = Buffer.from(bytes);
    });
    if (options.closeIdleAfterMs !== undefined) {
      socket.setTimeout(options.closeIdleAfterMs, () => {
        idleCloses += 1;
        socket.destroy();
      });
    }
    socket.on('error', () => undefined);
    socket.on('end', () => {
      if (options.neverClose === true) return;
      confirmed.push(...own);
      socket.end();
    });
    socket.on('close', () => sockets.delete(socket));
  });
  const listen = (port: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const stop = (): Promise<void> =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
  return {
    port,
    records,
    confirmed,
    get idleCloses() {
      return idleCloses;
    },
    pauseReading() {
      paused = true;
      for (const socket of sockets) socket.pause();
    },
    crash: stop,
    restart: () => listen(port),
    close: stop,
  };
}
