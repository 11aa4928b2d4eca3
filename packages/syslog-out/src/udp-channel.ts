import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { SyslogConnectionError, SyslogMessageError } from './errors.js';

/** One record per datagram; tracks send callbacks so a caller can wait for them. */
export class UdpChannel {
  readonly #socket: Socket;
  readonly #host: string;
  readonly #port: number;
  #inFlight = 0;
  #failure: Error | undefined;
  #idle: Array<() => void> = [];

  constructor(host: string, port: number) {
    this.#host = host;
    this.#port = port;
    this.#socket = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    // An unhandled 'error' on a dgram socket would crash the host process.
    this.#socket.on('error', (error) => {
      this.#failure ??= error;
    });
  }

  /** Send one datagram; resolves when handed to the socket (more than a few thousand in flight wait). */
  async send(text: string): Promise<void> {
    if (this.#failure !== undefined) throw this.#wrap(this.#failure);
    // Bound memory: a sender faster than the kernel waits for earlier datagrams' callbacks.
    if (this.#inFlight >= 1024) await this.settled();
    this.#inFlight += 1;
    this.#socket.send(Buffer.from(text, 'utf8'), this.#port, this.#host, (error) => {
      this.#inFlight -= 1;
      if (error) this.#failure ??= error;
      if (this.#inFlight === 0) {
        const waiters = this.#idle;
        this.#idle = [];
        for (const wake of waiters) wake();
      }
    });
  }

  /** Resolve when every datagram's send callback ran; reject if any failed (best effort: UDP has no receipt). */
  async settled(): Promise<void> {
    if (this.#inFlight > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
    if (this.#failure !== undefined) throw this.#wrap(this.#failure);
  }

  async close(): Promise<void> {
    await this.settled().catch(() => undefined);
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }

  #wrap(error: Error): Error {
    const code = (error as { code?: string }).code;
    if (code === 'EMSGSIZE')
      return new SyslogMessageError(`datagram too large for ${this.#host}: ${error.message}`, { cause: error });
    return new SyslogConnectionError(`sending UDP to ${this.#host}:${this.#port} failed: ${error.message}`, {
      cause: error,
    });
  }
}
