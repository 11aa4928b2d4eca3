// A command's `run(args, ctx)` in this process as on a terminal of a given width (rich output, no colour): what the
// table-width tests print their tables through.
import { PassThrough } from 'node:stream';
import type { Client } from '@x/sessions-sdk';
import type { Context } from '../../src/context.js';
import { createProgress } from '../../src/progress.js';

/** Run `command` as on a terminal `width` columns wide with `client`; its stdout as text and its stderr notes. */
export async function onTerminal(
  width: number,
  client: () => Client,
  command: (ctx: Context) => Promise<void>,
): Promise<{ stdout: string; notes: string[] }> {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const notes: string[] = [];
  await command({
    stdout,
    stderr: new PassThrough(),
    env: {},
    signal: new AbortController().signal,
    useRich: true,
    color: false,
    width,
    note: (text) => notes.push(text),
    progress: createProgress({ stream: new PassThrough(), env: {} }),
    client: () => Promise.resolve(client()),
    setting: () => undefined,
  });
  return { stdout: Buffer.concat(chunks).toString('utf8'), notes };
}
