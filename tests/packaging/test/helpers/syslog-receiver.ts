// A loopback TCP syslog receiver for octet-counted frames (RFC 6587): it keeps every frame and, like a real
// receiver, closes its side when the sender ends the connection (which is what `confirm()` waits for).
import { createServer, type Server, type Socket } from 'node:net';

/** A listening receiver: its port, the frames read so far, and `close()`. */
export interface SyslogReceiver {
  port: number;
  frames: string[];
  close(): Promise<void>;
}

/** Split octet-counted frames (`LEN SP MSG`) off the front of `buffer`; returns the frames and what is left. */
export function splitFrames(buffer: Buffer): { frames: string[]; rest: Buffer } {
  const frames: string[] = [];
  let rest = buffer;
  for (;;) {
    const space = rest.indexOf(0x20);
    if (space <= 0) break;
    const length = Number(rest.subarray(0, space).toString('latin1'));
    if (!Number.isInteger(length) || length <= 0)
      throw new Error(`not an octet count: ${rest.subarray(0, space).toString()}`);
    if (rest.length < space + 1 + length) break;
    frames.push(rest.subarray(space + 1, space + 1 + length).toString('utf8'));
    rest = rest.subarray(space + 1 + length);
  }
  return { frames, rest };
}

/** Start a receiver on 127.0.0.1 and a free port. */
export async function startSyslogReceiver(): Promise<SyslogReceiver> {
  const frames: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      const split = splitFrames(Buffer.concat([pending, chunk]));
      frames.push(...split.frames);
      pending = split.rest;
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the receiver has no TCP address');
  return {
    port: address.port,
    frames,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
