// The contract between a checkpointed run and its sink, in process: a session is recorded only once the sink
// confirmed its delivery (sync.md §2). The API side is the real emulator over loopback HTTP.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Client } from '@x/sessions-sdk';
import type { Emulator } from '@x/sessions-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheckpoint } from '../src/checkpoint/run.js';
import type { Context } from '../src/context.js';
import type { RecordSink } from '../src/delivery/sink.js';
import { BUILD_TIMEOUT_MS, ensureBuilt, waitFor } from './helpers/run.js';
import { createProgress } from '../src/progress.js';

let emu: Emulator;
let root: string;

beforeAll(async () => {
  await ensureBuilt();
  const { startEmulator } = await import('@x/sessions-emulator');
  emu = await startEmulator({ port: 0, sessions: 300, seed: 7, now: Date.now() });
  root = await mkdtemp(join(tmpdir(), 'incydr-checkpoint-run-'));
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await emu?.close();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

function contextFor(client: Client, notes: string[]): Context {
  return {
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    env: {},
    signal: new AbortController().signal,
    useRich: false,
    color: false,
    width: Number.POSITIVE_INFINITY,
    note: (text) => notes.push(text),
    progress: createProgress({ stream: new PassThrough(), env: {} }),
    client: () => Promise.resolve(client),
    setting: () => undefined,
  };
}

/** A sink that holds every confirm() until the test releases it (or fails it). */
function gatedSink() {
  const sent: string[] = [];
  const gates: Array<{ open: () => void; fail: (error: Error) => void }> = [];
  const sink: RecordSink = {
    send(record: Readonly<Record<string, unknown>>) {
      sent.push(String(record['sessionId']));
      return Promise.resolve(true);
    },
    confirm: () => new Promise<void>((resolve, reject) => gates.push({ open: resolve, fail: reject })),
    close: () => Promise.resolve(sent.length),
    abort: () => Promise.resolve(),
    resent: 0,
    delivery: 'confirmed',
  };
  return { sink, sent, gates };
}

async function storedIds(name: string): Promise<string[]> {
  try {
    const file = JSON.parse(await readFile(join(root, 'emulator-client', 'sessions', `${name}.json`), 'utf8')) as {
      sessions: Record<string, unknown>;
    };
    return Object.keys(file.sessions);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

const options = (name: string) => ({
  name,
  filters: { hasAlerts: null },
  lookbackMs: 40 * 24 * 60 * 60 * 1000,
  emit: 'changed' as const,
  confirmEvery: 25,
  root,
});

describe('runCheckpoint', () => {
  it('records a batch only after the sink confirmed it', async () => {
    const client = new Client({ url: emu.url, apiClientId: emu.clientId, apiClientSecret: emu.clientSecret, env: {} });
    const { sink, sent, gates } = gatedSink();
    const run = runCheckpoint(client, () => Promise.resolve(sink), options('gated'), contextFor(client, []));
    await waitFor(() => gates.length === 1, 'the first confirm');
    expect(sent).toHaveLength(25);
    expect(await storedIds('gated')).toEqual([]);
    gates[0]?.open();
    await waitFor(() => gates.length === 2, 'the second confirm');
    expect(sent).toHaveLength(50);
    // Exactly the first batch is on disk, the second is not yet.
    expect((await storedIds('gated')).sort()).toEqual(sent.slice(0, 25).sort());
    for (let index = 1; ; index += 1) {
      gates[index]?.open();
      const done = await Promise.race([
        run.then(() => true),
        waitFor(() => gates.length > index + 1, 'a confirm').then(() => false),
      ]);
      if (done) break;
    }
    expect((await storedIds('gated')).sort()).toEqual([...sent].sort());
    await client.close();
  });

  it('does not record a batch whose confirmation failed, and fails the run', async () => {
    const client = new Client({ url: emu.url, apiClientId: emu.clientId, apiClientSecret: emu.clientSecret, env: {} });
    const { sink, sent, gates } = gatedSink();
    const notes: string[] = [];
    const run = runCheckpoint(client, () => Promise.resolve(sink), options('refused'), contextFor(client, notes));
    const outcome = run.then(
      () => undefined,
      (error: unknown) => error,
    );
    await waitFor(() => gates.length === 1, 'the first confirm');
    gates[0]?.open();
    await waitFor(() => gates.length === 2, 'the second confirm');
    gates[1]?.fail(new Error('receiver went away'));
    expect(((await outcome) as Error).message).toBe('receiver went away');
    expect((await storedIds('refused')).sort()).toEqual(sent.slice(0, 25).sort());
    expect(notes.at(-1)).toMatch(
      /checkpoint "refused" \(failed\): .* delivered 25, 25 unconfirmed \(the next run sends them again\);/,
    );
    await client.close();
  });
});
