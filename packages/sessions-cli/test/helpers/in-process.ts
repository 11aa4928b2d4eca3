// Runs a command's `run(args, ctx)` in this process with a real SDK client, so that a test can act between the
// client's first request and the command's (warm the token, then set the emulator's faults for the changes alone).
import { Writable } from 'node:stream';
import { Client } from '@x/sessions-sdk';
import type { Emulator } from '@x/sessions-emulator';
import type { Context } from '../../src/context.js';

/** A context whose output is kept, and the client it hands to the command. */
export interface TestRun {
  ctx: Context;
  client: Client;
  stdout(): string;
  stderr(): string;
}

/** Settings of the test client: quick waits, room for the retries a test's faults cause, another URL or secret. */
export interface TestClientOptions {
  url?: string;
  apiClientSecret?: string;
  maxRetries?: number;
  maxRetryDelayMs?: number;
  timeoutMs?: number;
}

/** A client for the emulator with nothing read from the environment, and a context that hands it out once. */
export function testRun(emu: Emulator, options: TestClientOptions = {}, signal: AbortSignal = new AbortController().signal): TestRun {
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
  const out = collector();
  const err = collector();
  const ctx: Context = {
    stdout: out.stream,
    stderr: err.stream,
    env: {},
    signal,
    useRich: false,
    color: false,
    width: Number.POSITIVE_INFINITY,
    note: (text) => err.stream.write(`${text}\n`),
    client: () => Promise.resolve(client),
  };
  return { ctx, client, stdout: out.text, stderr: err.text };
}

function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
}
