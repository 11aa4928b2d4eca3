// Over 300 lines: one socket's whole life (open, write with backpressure, probe, end, release) is one state machine.
import { connect as netConnect, isIP, type Socket } from 'node:net';
import {
  checkServerIdentity,
  connect as tlsConnect,
  type PeerCertificate,
  type SecureContext,
  type TLSSocket,
} from 'node:tls';
import { SyslogConnectionError, SyslogTimeoutError, SyslogTlsError, type SyslogError } from './errors.js';
import { classify } from './classify.js';
import { HUNG_TLS, NOT_CONFIRMED, NOT_TLS, STALLED, TLS_PORT } from './hints.js';
import { afterTwoPollPhases, settle } from './socket-wait.js';

/** Where and how to open one TCP or TLS connection. */
export interface ConnectionOptions {
  host: string;
  port: number;
  tls:
    | {
        /** Built once per sender: parsing certificates for every connection would dominate the confirm cost. */
        context: SecureContext;
        rejectUnauthorized: boolean;
        servername: string | undefined;
        /** The last TLS session, shared by the connections of one sender so reconnects resume it. */
        session: { value: Buffer | undefined };
      }
    | undefined;
  connectTimeoutMs: number;
  handshakeTimeoutMs: number;
  writeStallTimeoutMs: number;
  /** Aborts a connect or handshake under way. */
  signal: AbortSignal | undefined;
}

/** One TCP or TLS connection: write with backpressure, and end it gracefully to prove delivery. */
export class StreamConnection {
  readonly #socket: Socket;
  /** The TCP socket (under TLS, the one the TLS socket wraps): what keeps the process alive. */
  readonly #raw: Socket;
  readonly #target: string;
  readonly #stallMs: number;
  #failure: SyslogError | undefined;
  #peerEnded = false;
  #closed = false;
  readonly #waiters = new Set<() => void>();
  /** Writes whose callback has not run yet: bytes the kernel has not taken. */
  #unaccepted = 0;
  readonly #onWritten = (): void => {
    this.#unaccepted -= 1;
    if (this.#unaccepted === 0) this.#wake();
  };
  /** The receiver kept the connection open without closing its side within the timeout of `end()`. */
  unclosed = false;
  /** When the first bytes were handed to this connection. */
  firstWriteAt: number | undefined;
  /** How long the TCP connect took, in fractions of a millisecond: a round trip, roughly. */
  connectMs = 0;

  private constructor(socket: Socket, raw: Socket, target: string, stallMs: number, tls: boolean) {
    this.#socket = socket;
    this.#raw = raw;
    this.#target = target;
    this.#stallMs = stallMs;
    // Syslog receivers never answer. Bytes coming back on a plain connection are most likely a TLS alert from a
    // TLS port, which would otherwise close "gracefully" after discarding our records.
    socket.on('data', () => {
      if (!tls) {
        this.#fail(
          new SyslogConnectionError(`${target} answered with data, which syslog receivers never do`, {
            ...TLS_PORT,
          }),
        );
      }
    });
    // Listeners for every event that can end a socket: an unhandled 'error' would crash the host process.
    socket.on('error', (error) => this.#fail(classify(error, 'connection to', target)));
    socket.on('end', () => {
      this.#peerEnded = true;
      this.#wake();
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#wake();
    });
    socket.on('drain', () => this.#wake());
    socket.on('finish', () => this.#wake());
  }

  /**
   * Connect (and for TLS, complete the handshake) within the configured timeouts. `ahead`: opened before it is
   * needed, so it does not keep the process alive until `ref()`.
   */
  static async open(options: ConnectionOptions, ahead = false): Promise<StreamConnection> {
    const target = `${options.host}:${options.port}`;
    const started = performance.now();
    const raw = netConnect({ host: options.host, port: options.port });
    if (ahead) raw.unref();
    await settle(
      raw,
      'connect',
      ahead,
      options.connectTimeoutMs,
      options.signal,
      () =>
        new SyslogTimeoutError(`connecting to ${target} timed out after ${options.connectTimeoutMs} ms`, {
          retryable: true,
        }),
    ).catch((error: unknown) => {
      raw.destroy();
      throw classify(error, 'connecting to', target);
    });
    const connectMs = performance.now() - started;
    if (options.tls === undefined) {
      const plain = new StreamConnection(raw, raw, target, options.writeStallTimeoutMs, false);
      plain.connectMs = connectMs;
      return plain;
    }

    const { servername, context, rejectUnauthorized, session } = options.tls;
    const name = servername ?? options.host;
    // SNI carries host names only; an IP literal is checked against the certificate without being sent as SNI.
    const secure: TLSSocket = tlsConnect({
      socket: raw,
      secureContext: context,
      rejectUnauthorized,
      ...(session.value === undefined ? {} : { session: session.value }),
      ...(isIP(name) === 0 ? { servername: name } : {}),
      checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(name, cert),
    });
    secure.on('session', (ticket: Buffer) => {
      session.value = ticket;
    });
    // A TCP connection whose handshake never completes is as likely a hung TLS receiver as a plain port: retried.
    await settle(
      secure,
      'secureConnect',
      ahead,
      options.handshakeTimeoutMs,
      options.signal,
      () =>
        new SyslogTimeoutError(`TLS handshake with ${target} timed out after ${options.handshakeTimeoutMs} ms`, {
          retryable: true,
          ...HUNG_TLS,
        }),
    ).catch((error: unknown) => {
      secure.destroy();
      raw.destroy();
      const classified = classify(error, 'TLS handshake with', target);
      // A plain receiver often just drops a ClientHello: retry, but say what it may mean.
      if (classified instanceof SyslogConnectionError && !(classified instanceof SyslogTlsError)) {
        throw new SyslogConnectionError(classified.message, {
          retryable: classified.retryable,
          ...NOT_TLS,
          cause: error,
        });
      }
      throw classified;
    });
    const connection = new StreamConnection(secure, raw, target, options.writeStallTimeoutMs, true);
    connection.connectMs = connectMs;
    return connection;
  }

  /** Whether new bytes may go on this connection (the peer has not closed it, nothing failed). */
  get usable(): boolean {
    return this.lost === undefined;
  }

  /** Why this connection can take no more bytes; undefined while it can. */
  get lost(): SyslogError | undefined {
    if (this.#failure !== undefined) return this.#failure;
    // A failed write (EPIPE, ECONNRESET) marks the socket errored at once but reports it only on a later tick.
    if (this.#peerEnded || this.#closed || this.#socket.destroyed || this.#socket.errored !== null) {
      return new SyslogConnectionError(`${this.#target} closed the connection`, { retryable: true });
    }
    return undefined;
  }

  /** Hand bytes to the socket; resolves at once, or when it drained, failing on errors or a stalled peer. */
  async write(bytes: Buffer): Promise<void> {
    this.#check();
    this.firstWriteAt ??= Date.now();
    this.#unaccepted += 1;
    if (this.#socket.write(bytes, this.#onWritten)) return;
    await this.#progressWhile(() => this.#socket.writableNeedDrain);
  }

  /**
   * Resolve once the kernel took every byte handed over (every write callback ran) and, a round trip later, the
   * receiver has not closed: what delivery 'written' counts as delivered. Fails like `write()` on a stalled peer.
   */
  async accepted(): Promise<void> {
    await this.#progressWhile(() => this.#unaccepted > 0);
    // A receiver that closed (idle, restarting) while these bytes were on their way refuses them: see end().
    await this.#awaitInFlightClose();
    this.#check();
  }

  /** Wait while `busy()` holds, failing once the socket's queue made no progress for the stall timeout. */
  async #progressWhile(busy: () => boolean): Promise<void> {
    let lastPending = this.#socket.writableLength;
    let lastProgress = Date.now();
    while (busy()) {
      this.#check();
      await this.#wait(Math.min(this.#stallMs, 250));
      const pending = this.#socket.writableLength;
      if (pending < lastPending) lastProgress = Date.now();
      lastPending = pending;
      // A slow reader is fine as long as it keeps reading; only a reader that stopped is an error.
      if (busy() && Date.now() - lastProgress >= this.#stallMs) {
        throw this.#fail(
          new SyslogTimeoutError(`writing to ${this.#target} stalled: no progress for ${this.#stallMs} ms`, {
            retryable: true,
            ...STALLED,
          }),
        );
      }
    }
    this.#check();
  }

  /**
   * Wait `ms` after the first write; reject (retryable) if the peer closes meanwhile. A receiver that rejects what
   * it reads (a TLS port, or the wrong framing) closes at once; after end of stream that close would look clean.
   */
  async probe(ms: number): Promise<void> {
    const until = (this.firstWriteAt ?? Date.now()) + ms;
    for (let left = until - Date.now(); left > 0; left = until - Date.now()) {
      this.#check();
      await this.#wait(left);
    }
    await new Promise<void>((resolve) => afterTwoPollPhases(resolve));
    this.#check();
  }

  /** End our side, wait until the peer read everything and closed; rejects if it did not within `timeoutMs`. */
  async end(timeoutMs: number): Promise<void> {
    // A receiver that closed on its own (a crash with nothing unread, an idle timeout) while our last bytes were on
    // their way sends a FIN, and answers those bytes with a reset that Node never reports once it has read the FIN:
    // after our end of stream, that close would pass for a confirmation. Its FIN reaches us within a round trip of
    // our last write, so wait that long, and two poll phases, and look before ending.
    await this.#awaitInFlightClose();
    this.#check();
    this.#socket.end();
    const deadline = Date.now() + timeoutMs;
    while (!this.#closed) {
      if (this.#failure !== undefined) throw this.#failure;
      const left = deadline - Date.now();
      if (left <= 0) {
        this.unclosed = true;
        this.destroy();
        throw new SyslogTimeoutError(
          `${this.#target} did not close the connection within ${timeoutMs} ms after end of stream, so delivery is unconfirmed`,
          { retryable: true, ...NOT_CONFIRMED },
        );
      }
      await this.#wait(left);
    }
    if (this.#failure !== undefined) throw this.#failure;
  }

  /**
   * End our side without waiting for the receiver's close (delivery 'written'): resolves once the end of stream was
   * handed to the kernel, or after `timeoutMs`; the caller destroys the connection then.
   */
  async release(timeoutMs: number): Promise<void> {
    if (!this.usable) return;
    this.#socket.end();
    const deadline = Date.now() + timeoutMs;
    while (!this.#socket.writableFinished && this.usable && Date.now() < deadline)
      await this.#wait(deadline - Date.now());
  }

  /** Resolve after a round trip (the connect time) and the event-loop poll phases that follow it. */
  async #awaitInFlightClose(): Promise<void> {
    // Timers wait at least 1 ms, which a loopback or LAN round trip does not need (on loopback a write reaches the
    // peer before it returns).
    await new Promise<void>((resolve) => {
      if (this.connectMs < 1) afterTwoPollPhases(resolve);
      else setTimeout(() => afterTwoPollPhases(resolve), Math.ceil(this.connectMs));
    });
  }

  /** Let the connection keep the process alive (after `open(options, true)` or `unref()`). */
  ref(): void {
    this.#raw.ref();
  }

  /** Let the process exit while this connection waits, idle, for the next batch (delivery 'written'). */
  unref(): void {
    this.#raw.unref();
  }

  /**
   * Drop the connection now; a write or `end()` under way fails with `reason`: a close we caused must never pass
   * for the receiver's confirmation.
   */
  destroy(reason?: SyslogError): void {
    this.#fail(reason ?? new SyslogConnectionError(`the connection to ${this.#target} was dropped by the sender`));
  }

  #check(): void {
    // A producer that never yields to the event loop would otherwise keep handing chunks to a dead socket.
    const lost = this.lost;
    if (lost !== undefined) throw lost;
  }

  #fail(error: SyslogError): SyslogError {
    this.#failure ??= error;
    this.#socket.destroy();
    this.#wake();
    return this.#failure;
  }

  #wake(): void {
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  async #wait(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#waiters.add(done);
    });
  }
}
