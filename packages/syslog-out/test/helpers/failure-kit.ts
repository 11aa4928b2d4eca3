// What the failure tests share: short scaled timeouts, senders and receivers closed after each test, a test PKI, and
// a check that nothing escaped as an uncaught exception. A test file calls useFailureKit() once at its top.
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createSyslogSender, type SyslogSender, type SyslogSenderOptions } from '../../src/index.js';
import { createTestPki, type TestPki } from './certs.js';
import { seqRecord, startTcpReceiver, type TcpReceiver, type TcpReceiverOptions } from './receivers.js';
import { within } from './wait.js';
import { patient } from '@x/vitest-config/patience';

/**
 * Short timeouts and retry delays so every failure resolves in well under a test's time limit; scaled to the machine
 * so that a loaded one does not fail a healthy connection.
 */
export const FAST = {
  connectTimeoutMs: patient(2_000),
  handshakeTimeoutMs: patient(2_000),
  writeStallTimeoutMs: patient(3_000),
  confirmTimeoutMs: patient(3_000),
  maxRetries: 20,
  retryBaseDelayMs: 10,
  retryMaxDelayMs: 100,
} satisfies SyslogSenderOptions;

/** Records of the large deliveries. */
export const N = 20_000;
/** Records between confirmations. */
export const BATCH = 5_000;

/** The test PKI, created before the file's first test (a live binding: read it inside tests). */
export let pki: TestPki;
/** Uncaught exceptions and unhandled rejections seen during the current test. */
export const uncaught: unknown[] = [];
/** What to close after the current test, in reverse order (senders and receivers push themselves). */
export const cleanups: Array<() => Promise<unknown>> = [];
const onUncaught = (error: unknown): void => {
  uncaught.push(error);
};

/** Register the hooks: the PKI, the uncaught-error watch, and closing what each test opened. */
export function useFailureKit(): void {
  beforeAll(async () => {
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
    pki = await createTestPki();
  });

  afterEach(async () => {
    // Senders first, then receivers: everything closes, each step bounded.
    for (const cleanup of cleanups.splice(0).reverse()) {
      await within(cleanup(), 10_000, 'cleanup').catch(() => undefined);
    }
    expect(uncaught.splice(0), 'uncaught exceptions or unhandled rejections').toEqual([]);
  });

  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
    await pki?.cleanup();
  });
}

/** A TCP receiver closed after the test. */
export async function receiver(options: TcpReceiverOptions = {}): Promise<TcpReceiver> {
  const rx = await startTcpReceiver(options);
  cleanups.push(() => rx.close());
  return rx;
}

/** A sender whose events are recorded and that is closed after the test. */
export function sender(options: SyslogSenderOptions): SyslogSender & { retryEvents: unknown[]; warnings: string[] } {
  const s = createSyslogSender({ ...FAST, ...options });
  const retryEvents: unknown[] = [];
  const warnings: string[] = [];
  s.on('retry', (event: unknown) => retryEvents.push(event));
  s.on('warning', (text: string) => warnings.push(text));
  cleanups.push(() => s.close());
  return Object.assign(s, { retryEvents, warnings });
}

/** TCP options for a receiver. */
export function tcp(rx: { host: string; port: number }): SyslogSenderOptions {
  return { target: { protocol: 'tcp', host: rx.host, port: rx.port } };
}

/** TLS options for a receiver. */
export function tls(rx: { host: string; port: number }, options: SyslogSenderOptions = {}): SyslogSenderOptions {
  return { target: { protocol: 'tls', host: rx.host, port: rx.port }, ...options };
}

/** Send records `from … to-1` (awaiting each), confirming every `batch` records and at the end. */
export async function sendSeq(s: SyslogSender, from: number, to: number, batch = BATCH, bytes = 1024): Promise<void> {
  for (let seq = from; seq < to; seq += 1) {
    await s.send(seqRecord(seq, bytes));
    if ((seq + 1) % batch === 0) await s.confirm();
  }
  await s.confirm();
}

/** The error and its causes, outermost first. */
export function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e !== undefined && e !== null && chain.length < 10; e = (e as { cause?: unknown }).cause) {
    chain.push(e);
  }
  return chain;
}

/** A receiver's certificate and key from a PKI pair. */
export function serverPair(pair: { cert: string; key: string }): { cert: string; key: string } {
  return { cert: pair.cert, key: pair.key };
}

/** Largest receive plus send buffer the kernel allows a TCP connection, from /proc when available. */
export function maxSocketBuffers(): number {
  const max = (file: string, fallback: number): number => {
    try {
      return Number(readFileSync(file, 'utf8').trim().split(/\s+/)[2]) || fallback;
    } catch {
      return fallback;
    }
  };
  return max('/proc/sys/net/ipv4/tcp_rmem', 6 * 1024 * 1024) + max('/proc/sys/net/ipv4/tcp_wmem', 4 * 1024 * 1024);
}
