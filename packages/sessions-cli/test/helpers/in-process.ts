// A command's `run(args, ctx)` called in this process: a context whose streams are collected and whose client
// talks to a real emulator over loopback, and the exit code and message errors.ts would give. `testRun` also hands
// the test its client, so that a test can act between the client's first request and the command's (warm the token,
// then set the emulator's faults for the changes alone).
import { Writable } from 'node:stream';
import { Client } from '@x/sessions-sdk';
import type { Emulator } from '@x/sessions-emulator';
import type { Context } from '../../src/context.js';
import { describeError } from '../../src/errors.js';
import { createProgress } from '../../src/progress.js';

/** A context for one in-process run, and what the run wrote. */
export interface InProcess {
  ctx: Context;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr (notes included) so far. */
  stderr(): string;
}

/** An in-process run with the client it hands to the command. */
export interface TestRun extends InProcess {
  client: Client;
}

/** Settings of the test client: quick waits, room for the retries a test's faults cause, another URL or secret. */
export interface TestClientOptions {
  url?: string;
  apiClientSecret?: string;
  maxRetries?: number;
  maxRetryDelayMs?: number;
  timeoutMs?: number;
}

/** A context with collected stdout/stderr; its client is one for `emu` (a run without `emu` must not ask for one). */
export function inProcess(emu?: Emulator): InProcess {
  const client = (): Promise<Client> =>
    emu === undefined
      ? Promise.reject(new Error('this run must not need a client'))
      : Promise.resolve(
          new Client({ url: emu.url, apiClientId: emu.clientId, apiClientSecret: emu.clientSecret, env: {} }),
        );
  return contextWith(client, new AbortController().signal);
}

/** A client for the emulator with nothing read from the environment, and a context that hands it out. */
export function testRun(
  emu: Emulator,
  options: TestClientOptions = {},
  signal: AbortSignal = new AbortController().signal,
): TestRun {
  const client = new Client({
    url: options.url ?? emu.url,
    apiClientId: emu.clientId,
    apiClientSecret: options.apiClientSecret ?? emu.clientSecret,
    env: {},
    envFile: null,
    logStderr: false,
    maxRetries: options.maxRetries ?? 4,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 20,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  return { ...contextWith(() => Promise.resolve(client), signal), client };
}

/** How a run ended: exit code 0, or the code and one-line message errors.ts gives its error. */
export async function exitOf(run: Promise<void>): Promise<{ code: number; message: string }> {
  try {
    await run;
    return { code: 0, message: '' };
  } catch (error) {
    const { exitCode, message } = describeError(error);
    return { code: exitCode, message };
  }
}

function contextWith(client: () => Promise<Client>, signal: AbortSignal): InProcess {
  const stdout = collector();
  const stderr = collector();
  const ctx: Context = {
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: {},
    signal,
    useRich: false,
    color: false,
    width: Number.POSITIVE_INFINITY,
    note: (text) => stderr.stream.write(`${text}\n`),
    progress: createProgress({ stream: stderr.stream, env: {} }),
    client,
    setting: () => undefined,
  };
  return { ctx, stdout: stdout.text, stderr: stderr.text };
}

/** A stream that keeps what is written to it; a Writable's write() reaches _write at once, so it is there on return. */
export function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}
