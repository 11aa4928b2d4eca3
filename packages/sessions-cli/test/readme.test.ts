// Runs the README's shell examples as users run them: each ```sh block is run by bash (errexit, pipefail) with the
// real `incydr` binary on PATH, the emulator's INCYDR_ settings, a scratch HOME and working folder, and SIEM pointing at
// an in-process TCP receiver on 127.0.0.1. The blocks run in README order and share that folder and HOME.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type Emulator } from '@x/sessions-emulator';
import { TIME_FORMS } from '@x/sessions-sdk/time';
import {
  codeBlocks,
  octetFrames,
  startByteReceiver,
  type ByteReceiver as Receiver,
  expectPaired,
  listAfter,
  runIn,
  type ExampleRun as Run,
} from '@x/vitest-config/readme';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patient } from '@x/vitest-config/patience';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(packageDir, 'dist', 'bin.js');

/** The ```sh blocks of the README, in order. */
const blocks = codeBlocks(join(packageDir, 'README.md'), 'sh').map((block) => block.code);

const lines = (text: string): string[] => text.split(/\r?\n/).filter((line) => line !== '');

/** What each block must print and do, matched on a distinctive part of its code. */
const expectations: Array<{
  match: RegExp;
  check: (run: Run, ctx: { emu: Emulator; receiver: Receiver; dir: string }) => void;
}> = [
  {
    match: /--columns session_id,actor_name,high_events/,
    check: (run) => {
      const [header, ...rows] = lines(run.stdout);
      expect(header).toBe('session_id,actor_name,high_events');
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row).toMatch(/^\d+_\d+,[^,]+@example\.com,\d+$/);
    },
  },
  {
    match: /bulk-update-state close\.csv/,
    check: (run, { emu, dir }) => {
      const id = /Successfully updated session (\S+) to IN_PROGRESS!/.exec(run.stdout)?.[1];
      expect(id).toBeDefined();
      expect(run.stdout).toContain(`Successfully added note to session ${id}!`);
      expect(run.stderr).toContain('1 updated, 1 note added, 0 failed');
      expect(lines(readFileSync(join(dir, 'results.csv'), 'utf8'))[1]).toBe(
        `2,${id},CLOSED_FP,Approved backup to a company drive,ok,ok`,
      );
      const changes = emu
        .requests()
        .filter((r) => r.path === '/v1/sessions/change-state')
        .map((r) => r.body);
      expect(changes).toEqual([
        { ids: [id], newState: 'IN_PROGRESS' },
        { ids: [id], newState: 'CLOSED_FP' },
      ]);
    },
  },
  {
    match: /--record ocsf --console-url https:\/\/console\.example\.com/,
    check: (run) => {
      const [line, ...rest] = lines(run.stdout);
      expect(rest).toEqual([]);
      const record = JSON.parse(line ?? '') as {
        class_uid: number;
        activity_id: number;
        metadata: { version: string };
        finding_info: { uid: string; src_url: string };
      };
      expect(record).toMatchObject({ class_uid: 2004, activity_id: 1, metadata: { version: '1.8.0' } });
      expect(record.finding_info.src_url).toMatch(/^https:\/\/console\.example\.com\//);
      expect(record.finding_info.src_url).toContain(encodeURIComponent(record.finding_info.uid));
    },
  },
  {
    match: /--checkpoint siem --output "\$SIEM"/,
    check: (run, { receiver }) => {
      const delivered = [...run.stderr.matchAll(/checkpoint "siem": .*delivered (\d+);/g)].map((m) => Number(m[1]));
      expect(delivered).toHaveLength(2);
      expect(delivered[0]).toBeGreaterThan(0);
      expect(delivered[1]).toBe(0);
      const frames = receiver.streams.flatMap(octetFrames);
      expect(frames).toHaveLength(delivered[0] ?? -1);
      for (const frame of frames) expect(frame).toMatch(/^<14>1 \S+ \S+ incydr \S+ - - \{"actorId":.*"sessionId":/);
      expect(run.stdout).toContain('siem');
    },
  },
];

describe('README shell examples', () => {
  let dir: string;
  let emu: Emulator;
  let receiver: Receiver;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cli-readme-'));
    const binDir = join(dir, 'bin');
    mkdirSync(binDir);
    writeFileSync(
      join(binDir, 'incydr'),
      `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`,
    );
    chmodSync(join(binDir, 'incydr'), 0o755);
    mkdirSync(join(dir, 'work'));
    emu = await startEmulator({ sessions: 300, seed: 7 });
    receiver = await startByteReceiver();
    env = {
      PATH: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      HOME: dir,
      INCYDR_URL: emu.url,
      INCYDR_API_CLIENT_ID: emu.clientId,
      INCYDR_API_CLIENT_SECRET: emu.clientSecret,
      SIEM: `TCP:127.0.0.1:${receiver.port}`,
    };
  });

  afterAll(async () => {
    await receiver?.close();
    await emu?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has an expectation for every block and a block for every expectation', () => {
    expectPaired(
      blocks.map((code) => ({ source: 'README.md', code })),
      expectations,
    );
  });

  it.each(blocks.map((block, index) => [index + 1, block] as const))(
    'runs block %i and does what it says',
    async (_n, block) => {
      const expectation = expectations.find((e) => e.match.test(block));
      expect(expectation).toBeDefined();
      const run = await runIn(join(dir, 'work'), 'bash', ['-e', '-o', 'pipefail', '-c', block], env, 30_000);
      expect(run.code, run.stderr).toBe(0);
      expectation?.check(run, { emu, receiver, dir: join(dir, 'work') });
    },
    patient(60_000),
  );
});

describe('README times', () => {
  it('lists the forms of --start and --end exactly as the SDK does (TIME_FORMS)', () => {
    expect(listAfter(join(packageDir, 'README.md'), '## Times')).toEqual([...TIME_FORMS]);
  });
});
