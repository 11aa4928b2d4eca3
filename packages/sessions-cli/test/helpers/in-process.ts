// A command's `run(args, ctx)` called in this process: a context whose streams are collected and whose client
// talks to a real emulator over loopback, and the exit code and message errors.ts would give.
import { Writable } from 'node:stream';
import { Client } from '@x/sessions-sdk';
import type { Emulator } from '@x/sessions-emulator';
import type { Context } from '../../src/context.js';
import { describeError } from '../../src/errors.js';

/** A context for one in-process run, and what the run wrote. */
export interface InProcess {
  ctx: Context;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr (notes included) so far. */
  stderr(): string;
}

/** A context with collected stdout/stderr; its client is one for `emu` (a run without `emu` must not ask for one). */
export function inProcess(emu?: Emulator): InProcess {
  // A Writable's write() reaches _write at once: what a run wrote is there as soon as it returns.
  const collector = (): { stream: Writable; text: () => string } => {
    const chunks: Buffer[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(Buffer.from(chunk));
        done();
      },
    });
    return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
  };
  const stdout = collector();
  const stderr = collector();
  const ctx: Context = {
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: {},
    signal: new AbortController().signal,
    useRich: false,
    color: false,
    width: Number.POSITIVE_INFINITY,
    note: (text) => stderr.stream.write(`${text}\n`),
    client: () =>
      emu === undefined
        ? Promise.reject(new Error('this run must not need a client'))
        : Promise.resolve(new Client({ url: emu.url, apiClientId: emu.clientId, apiClientSecret: emu.clientSecret, env: {} })),
  };
  return { ctx, stdout: stdout.text, stderr: stderr.text };
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
