// `incydr sessions bulk-update-state` against the emulator (cli.md §2): command lines in-process through the real
// parser, the built binary for stdin; plus a seeded property test that feeds malformed files to the read step.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readRows } from '../src/bulk/read.js';
import { run as bulkUpdateState, type BulkUpdateStateArgs } from '../src/commands/sessions/bulk-update-state.js';
import type { BulkFormat } from '../src/bulk/types.js';
import { SESSION_STATES } from '@x/sessions-sdk/model';
import { exitOf, inProcess } from './helpers/in-process.js';
import { closedPort } from './helpers/receivers.js';
import { BUILD_TIMEOUT_MS, lines, runShell, startFixture, type Fixture } from './helpers/run.js';
import { currentState, dumpOf } from './helpers/sessions.js';
import { patient } from '@x/vitest-config/patience';

let fx: Fixture;
let ids: string[];

beforeAll(async () => {
  fx = await startFixture({ sessions: 5000 });
  ids = fx.emu.state().sessions.map((dump) => dump.session.sessionId);
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await fx?.close();
});

beforeEach(() => {
  fx.emu.clearRequests();
});

/** API calls (the token request left out), as `METHOD path`. */
function apiCalls(): string[] {
  return fx.emu
    .requests()
    .filter((request) => request.path !== '/v1/oauth')
    .map((request) => `${request.method} ${request.path}`);
}

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(fx.home, name);
  await writeFile(path, content);
  return path;
}

function stateOf(id: string): string {
  return currentState(dumpOf(fx.emu, id).session);
}

const csvOf = (rows: ReadonlyArray<readonly string[]>): string => rows.map((row) => row.join(',')).join('\n') + '\n';

describe('sessions bulk-update-state', () => {
  it(
    'applies 5,000 rows in 3 states with at most 50 change-state calls, then the notes',
    async () => {
      // 2,000 + 2,000 + 1,000 rows: 20 + 20 + 10 requests (an even three-way split would need 17 per state).
      const targets = ['CLOSED_TP', 'IN_PROGRESS', 'CLOSED_TP', 'IN_PROGRESS', 'CLOSED_FP'];
      const rows = ids
        .slice(0, 5000)
        .map((id, i) => [id, targets[i % 5] ?? 'OPEN', i < 200 ? `note ${i}` : ''] as const);
      // Notes on the first 200 rows only (JSON Lines leaves the key out on the others).
      const text = rows
        .map(([id, state, note]) =>
          JSON.stringify({ session_id: id, state: state.toLowerCase(), ...(note ? { note } : {}) }),
        )
        .join('\n');
      const result = await fx.run(
        ['sessions', 'bulk-update-state', await file('big.jsonl', text), '-f', 'json-lines'],
        { timeoutMs: 60_000 },
      );
      expect(result.stderr).toBe('5000 updated, 200 notes added, 0 failed\n');
      expect(result.code).toBe(0);
      const calls = apiCalls();
      expect(calls.filter((call) => call === 'POST /v1/sessions/change-state')).toHaveLength(50);
      expect(calls.filter((call) => call.endsWith('/add-note'))).toHaveLength(200);
      expect(calls).toHaveLength(calls.filter((call) => call === 'POST /v1/sessions/change-state').length + 200);
      const byId = new Map(fx.emu.state().sessions.map((dump) => [dump.session.sessionId, dump.session]));
      for (const [id, state] of rows) expect(currentState(byId.get(id) as never)).toBe(state);
      expect(byId.get(rows[7]?.[0] ?? '')?.notes.at(-1)?.content).toBe('note 7');
    },
    patient(90_000),
  );

  it('blames one unknown id in a batch on its row and applies the other 99', async () => {
    const batch = ids.slice(100, 199);
    const rows = [
      ['session_id', 'state'],
      ...batch.slice(0, 50).map((id) => [id, 'OPEN']),
      ['no-such-session', 'OPEN'],
      ...batch.slice(50).map((id) => [id, 'OPEN']),
    ];
    const results = await file('out.jsonl', '');
    const result = await fx.run([
      'sessions',
      'bulk-update-state',
      await file('one-bad.csv', csvOf(rows)),
      '--results',
      results,
    ]);
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(/^line 52: no-such-session: not found \(HTTP 404\)/),
      '99 updated, 0 notes added, 1 failed',
    ]);
    for (const id of batch) expect(stateOf(id)).toBe('OPEN');
    const records = lines(await readFile(results, 'utf8')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toHaveLength(100);
    expect(records.filter((record) => record.status !== 'ok')).toEqual([
      {
        row: 52,
        session_id: 'no-such-session',
        state: 'OPEN',
        note: '',
        outcome: 'failed',
        status: expect.stringContaining('not found'),
      },
    ]);
    expect(records[0]).toEqual({ row: 2, session_id: batch[0], state: 'OPEN', note: '', outcome: 'ok', status: 'ok' });
  });

  it('writes a CSV results file and reads quoted commas and newlines, a BOM, --note and stdin', async () => {
    const [a, b] = [ids[300] ?? '', ids[301] ?? ''];
    const input = `\uFEFF session_id , extra ,state\n${a},"x, y",closed\n\n${b},"multi\nline",In_Progress\n`;
    const results = join(fx.home, 'out.csv');
    const result = await fx.runBinary(
      ['sessions', 'bulk-update-state', '-', '--note', 'bulk "note", checked', '--results', results],
      { input },
    );
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '2 updated, 2 notes added, 0 failed\n' });
    expect([stateOf(a), stateOf(b)]).toEqual(['CLOSED', 'IN_PROGRESS']);
    expect(dumpOf(fx.emu, b).session.notes.at(-1)?.content).toBe('bulk "note", checked');
    expect(await readFile(results, 'utf8')).toBe(
      `row,session_id,state,note,outcome,status\r\n2,${a},CLOSED,"bulk ""note"", checked",ok,ok\r\n4,${b},IN_PROGRESS,"bulk ""note"", checked",ok,ok\r\n`,
    );
  });

  it('reads UTF-16 LE and BE files with a BOM (PowerShell)', async () => {
    const [a, b] = [ids[310] ?? '', ids[311] ?? ''];
    const le = Buffer.from(`\uFEFFsession_id,state,note\r\n${a},closed_tp,Überprüft ✅\r\n`, 'utf16le');
    const be = Buffer.from(`\uFEFFsessionId,state\r\n${b},closed_fp\r\n`, 'utf16le').swap16();
    expect((await fx.run(['sessions', 'bulk-update-state', await file('le.csv', le)])).code).toBe(0);
    expect((await fx.run(['sessions', 'bulk-update-state', await file('be.csv', be)])).code).toBe(0);
    expect([stateOf(a), stateOf(b)]).toEqual(['CLOSED_TP', 'CLOSED_FP']);
    expect(dumpOf(fx.emu, a).session.notes.at(-1)?.content).toBe('Überprüft ✅');
  });

  it('sends nothing and lists every bad row when any row is invalid', async () => {
    const id = ids[320] ?? '';
    const cases: Array<[string, string, BulkFormat, string[]]> = [
      [
        'missing-column.csv',
        `session_id,note\n${id},x\n`,
        'csv',
        ['line 1: the header lacks the required column state (or give --state)'],
      ],
      [
        'bad-state.csv',
        `session_id,state\n${id},open\n${id},opened\n`,
        'csv',
        [expect.stringMatching(/^line 3: unknown state "opened"/) as unknown as string],
      ],
      [
        'long-note.csv',
        `session_id,state,note\n${id},open,${'ß'.repeat(2001)}\n`,
        'csv',
        ['line 2: the note is 2001 characters long; the limit is 2000'],
      ],
      [
        'broken.jsonl',
        `{"session_id":"${id}","state":"open"}\n{"session_id":\n[]\n`,
        'json-lines',
        [
          expect.stringMatching(/^line 2: broken JSON/) as unknown as string,
          'line 3: expected a JSON object, got an array',
        ],
      ],
      [
        'quotes.csv',
        `session_id,state\n"${id},open\n`,
        'csv',
        [expect.stringMatching(/^line 2: broken CSV quoting/) as unknown as string],
      ],
      [
        'utf8.csv',
        `session_id,state\n${id},open\xff\n`,
        'csv',
        [expect.stringMatching(/^line 2: the input is not valid UTF-8/) as unknown as string],
      ],
    ];
    for (const [name, content, format, expected] of cases) {
      const bytes = name === 'utf8.csv' ? Buffer.from(content, 'latin1') : content;
      const result = await fx.run(['sessions', 'bulk-update-state', await file(name, bytes), '-f', format]);
      expect({ name, code: result.code, errors: lines(result.stderr).slice(0, -1) }).toEqual({
        name,
        code: 1,
        errors: expected,
      });
      expect(lines(result.stderr).at(-1)).toMatch(/^incydr: \d+ problems? in the input; nothing was sent$/);
      expect(fx.emu.requests()).toEqual([]);
    }
  });

  it('prints the plan on --dry-run and sends nothing, not even a token request', async () => {
    const rows = ids.slice(400, 650).map((id, i) => `${id},${i < 150 ? 'open' : 'closed'},n${i}`);
    const result = await fx.run([
      'sessions',
      'bulk-update-state',
      await file('dry.csv', `session_id,state,note\n${rows.join('\n')}\n`),
      '--dry-run',
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(lines(result.stdout)).toEqual([
      'Dry run, nothing sent:',
      '  150 sessions to OPEN',
      '  100 sessions to CLOSED',
      '  250 notes to add',
      '  253 requests: 3 change-state, 250 add-note',
    ]);
    expect(fx.emu.requests()).toEqual([]);
  });

  it('stops at the first failure with --fail-fast', async () => {
    const rows = ['no-such-session', ...ids.slice(700, 750)]
      .map((id) => `{"sessionId":"${id}","state":"CLOSED"}`)
      .join('\n');
    const results = join(fx.home, 'ff.jsonl');
    const result = await fx.run([
      'sessions',
      'bulk-update-state',
      await file('ff.jsonl', rows),
      '-f',
      'json-lines',
      '--fail-fast',
      '--results',
      results,
    ]);
    expect(result.code).toBe(1);
    expect(lines(result.stderr).at(-1)).toBe('0 updated, 0 notes added, 1 failed, 50 skipped');
    // The batch, then the first id alone: it fails and nothing else is sent.
    expect(apiCalls()).toEqual(['POST /v1/sessions/change-state', 'POST /v1/sessions/change-state']);
    const statuses = lines(await readFile(results, 'utf8')).map(
      (line) => (JSON.parse(line) as { status: string }).status,
    );
    expect(statuses[0]).toMatch(/not found/);
    expect(new Set(statuses.slice(1))).toEqual(new Set(['not sent: an earlier row failed (--fail-fast)']));
  });

  it('stops with one line and exit 1 when the API cannot be reached, instead of retrying 1,000 rows one by one', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const rows = ids.slice(0, 1000).map((id) => `${id},closed,unsent`);
    const results = join(fx.home, 'down.csv');
    const result = await fx.run(
      [
        'sessions',
        'bulk-update-state',
        await file('down-in.csv', `session_id,state,note\n${rows.join('\n')}\n`),
        '--results',
        results,
      ],
      {
        extraEnv: { INCYDR_URL: url, INCYDR_MAX_RETRY_DELAY_MS: '50' },
        timeoutMs: 20_000,
      },
    );
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([
      '0 updated, 0 notes added, 0 failed, 1000 skipped',
      expect.stringMatching(
        /^incydr: stopped: POST http:\/\/127\.0\.0\.1:\d+\/v1\/oauth failed: .*ECONNREFUSED.* \(after 4 retries\); 1000 rows not sent or not applied \(listed in .*down\.csv\)$/,
      ),
    ]);
    expect(lines(await readFile(results, 'utf8'))).toHaveLength(1001);
  });

  it('rejects bad options before reading anything (exit 2)', async () => {
    for (const args of [
      ['--state', 'nope'],
      ['--note', ''],
      ['--results', 'out.txt'],
      ['-f', 'xml'],
    ]) {
      const result = await fx.run(['sessions', 'bulk-update-state', '-', ...args]);
      expect(result.code).toBe(2);
    }
    expect(fx.emu.requests()).toEqual([]);
  });
});

describe('sessions bulk-update-state: what is refused before the first request (in process)', () => {
  /** Run the command in this process against the emulator; stdin is `stdin` when FILE is `-`. */
  async function runInProcess(
    args: BulkUpdateStateArgs,
    stdin: () => AsyncIterable<Uint8Array> = () => Readable.from([]),
  ) {
    const io = inProcess(fx.emu);
    const exit = await exitOf(bulkUpdateState(args, io.ctx, { stdin }));
    return { ...exit, stdout: io.stdout(), stderr: io.stderr() };
  }

  it('refuses a row with more cells than the header (an unquoted comma in a note), on --dry-run too, sending nothing', async () => {
    const [a, b] = [ids[900] ?? '', ids[901] ?? ''];
    const before = [stateOf(a), stateOf(b)];
    const path = await file(
      'comma.csv',
      `session_id,state,note\n${a},CLOSED_FP,"quoted, fine"\n${b},CLOSED_FP,Approved by HR, ticket 4711\n`,
    );
    for (const dryRun of [true, false]) {
      const result = await runInProcess({ file: path, dryRun });
      expect(result).toEqual({
        code: 1,
        message: '1 problem in the input; nothing was sent',
        stdout: '',
        stderr: 'line 3: 4 cells but the header has 3: put a cell that holds a comma in double quotes ("a, b")\n',
      });
    }
    expect(fx.emu.requests()).toEqual([]);
    expect([stateOf(a), stateOf(b)]).toEqual(before);
  });

  it('refuses the ids . and .. and ids with control or bidi characters, on --dry-run too, sending nothing', async () => {
    const valid = ids[910] ?? '';
    const before = stateOf(valid);
    const bad = ['.', '..', 'x\u001b]0;owned\u0007', 'x\u0000y', 'x\u009b31m', 'x\u202egnp.exe', 'x\u2066y\u2069'];
    const text = [
      JSON.stringify({ session_id: valid, state: 'CLOSED' }),
      ...bad.map((id) => JSON.stringify({ session_id: id, state: 'CLOSED' })),
    ].join('\n');
    const path = await file('ids.jsonl', text);
    for (const dryRun of [true, false]) {
      const result = await runInProcess({ file: path, format: 'json-lines', dryRun });
      expect(result.code).toBe(1);
      expect(result.message).toBe('7 problems in the input; nothing was sent');
      expect(lines(result.stderr)).toEqual([
        'line 2: invalid session_id ".": a URL path reads it as the current directory',
        'line 3: invalid session_id "..": a URL path reads it as the parent directory',
        'line 4: invalid session_id "x\\u001b]0;owned\\u0007": it holds the control or invisible character U+001B',
        'line 5: invalid session_id "x\\u0000y": it holds the control or invisible character U+0000',
        'line 6: invalid session_id "x\\u009b31m": it holds the control or invisible character U+009B',
        'line 7: invalid session_id "x\\u202egnp.exe": it holds the control or invisible character U+202E',
        'line 8: invalid session_id "x\\u2066y\\u2069": it holds the control or invisible character U+2066',
      ]);
    }
    expect(fx.emu.requests()).toEqual([]);
    expect(stateOf(valid)).toBe(before);
  });

  it('stops reading /dev/zero at 100 MB: exit 2, nothing sent', async () => {
    const zero = await runInProcess({ file: '/dev/zero' });
    expect(zero).toMatchObject({
      code: 2,
      message:
        'cannot read /dev/zero: it is larger than 100 MB, the most bulk-update-state reads: split it into smaller files',
    });
    expect(fx.emu.requests()).toEqual([]);
  });

  it('stops reading an endless stdin at 100 MB and lets go of it: exit 2, nothing sent', async () => {
    let released = false;
    async function* endless() {
      try {
        for (;;) yield Buffer.from('session_id,state\n'.repeat(4096));
      } finally {
        released = true;
      }
    }
    const stdin = await runInProcess({ file: '-' }, endless);
    expect(stdin).toMatchObject({
      code: 2,
      message: expect.stringMatching(/^cannot read stdin: it is larger than 100 MB/),
    });
    expect(released).toBe(true);
    expect(fx.emu.requests()).toEqual([]);
  });
});

describe('sessions bulk-update-state: an endless pipe (the binary)', () => {
  it(
    'ends `yes | incydr sessions bulk-update-state -` at the input limit with exit 2',
    async () => {
      const result = await runShell('yes | incydr sessions bulk-update-state -', { env: fx.env, timeoutMs: 60_000 });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'incydr: cannot read stdin: it is larger than 100 MB, the most bulk-update-state reads: split it into smaller files\n',
      );
      expect(fx.emu.requests()).toEqual([]);
    },
    patient(90_000),
  );
});

/** mulberry32: a small seeded generator, so that every run tries the same files. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A malformed input and the line its (first) problem is on, when the mutation fixes it. */
interface Malformed {
  kind: string;
  bytes: Uint8Array;
  format: BulkFormat;
  line?: number;
}

function malformed(random: () => number): Malformed {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const word = (length: number): string =>
    Array.from({ length }, () => pick('abcdefghij0123456789-_'.split(''))).join('');
  const count = 1 + Math.floor(random() * 8);
  const rows = Array.from({ length: count }, () => ({
    id: word(12),
    state: pick(SESSION_STATES).toLowerCase(),
    note: word(1 + Math.floor(random() * 20)),
  }));
  const bad = Math.floor(random() * count);
  const badLine = bad + 2;
  const kind = pick([
    'drop-column',
    'garble-state',
    'long-note',
    'missing-id',
    'note-not-text',
    'broken-quote',
    'broken-json',
    'not-object',
    'random-bytes',
  ]);
  const csv = (table: string[][]): Uint8Array =>
    Buffer.from(table.map((cells) => cells.join(',')).join(random() < 0.5 ? '\n' : '\r\n'));
  const table = [['session_id', 'state', 'note'], ...rows.map((row) => [row.id, row.state, row.note])];
  const json = (objects: unknown[]): Uint8Array =>
    Buffer.from(objects.map((object) => JSON.stringify(object)).join('\n'));
  const asJson = (): Array<Record<string, string>> =>
    rows.map((row) => ({ session_id: row.id, state: row.state, note: row.note }));
  switch (kind) {
    case 'drop-column': {
      const column = random() < 0.5 ? 0 : 1;
      return { kind, format: 'csv', line: 1, bytes: csv(table.map((cells) => cells.filter((_, i) => i !== column))) };
    }
    case 'garble-state': {
      const cells = table[bad + 1] as string[];
      cells[1] = `${cells[1] ?? ''}${word(1 + Math.floor(random() * 3))}`;
      return { kind, format: 'csv', line: badLine, bytes: csv(table) };
    }
    case 'long-note': {
      const objects = asJson();
      (objects[bad] as Record<string, string>).note = pick(['x', 'é', '🦊', '中']).repeat(
        2001 + Math.floor(random() * 50),
      );
      return { kind, format: 'json-lines', line: bad + 1, bytes: json(objects) };
    }
    case 'missing-id': {
      (table[bad + 1] as string[])[0] = random() < 0.5 ? '' : '   ';
      return { kind, format: 'csv', line: badLine, bytes: csv(table) };
    }
    case 'note-not-text': {
      const objects: Array<Record<string, unknown>> = asJson();
      (objects[bad] as Record<string, unknown>).note = pick([42, true, ['a'], { text: 'x' }]);
      return { kind, format: 'json-lines', line: bad + 1, bytes: json(objects) };
    }
    case 'broken-quote': {
      // An opening quote that never closes (the generated cells hold no quotes).
      const cells = table[bad + 1] as string[];
      const at = Math.floor(random() * 3);
      cells[at] = `"${cells[at] ?? ''}`;
      return { kind, format: 'csv', line: badLine, bytes: csv(table) };
    }
    case 'broken-json': {
      const objects = json(asJson()).toString().split('\n');
      const text = objects[bad] ?? '';
      objects[bad] = text.slice(0, Math.floor(random() * (text.length - 1)));
      if (objects[bad]?.trim() === '') objects[bad] = '{';
      return { kind, format: 'json-lines', line: bad + 1, bytes: Buffer.from(objects.join('\n')) };
    }
    case 'not-object': {
      const objects: unknown[] = asJson();
      objects[bad] = pick([[], 'text', 42, null, true]);
      return { kind, format: 'json-lines', line: bad + 1, bytes: json(objects) };
    }
    default: {
      // Random bytes with at least one byte that is never valid UTF-8, and no BOM at the start.
      const bytes = Buffer.from(
        Array.from({ length: 1 + Math.floor(random() * 200) }, () => Math.floor(random() * 256)),
      );
      bytes[0] = 0x41;
      bytes[Math.floor(random() * bytes.length)] = pick([0xc0, 0xc1, 0xf5, 0xff]);
      return { kind, format: pick(['csv', 'json-lines'] as const), bytes };
    }
  }
}

describe('malformed input (seeded property test)', () => {
  const random = seeded(20240515);
  const inputs = Array.from({ length: 1200 }, () => malformed(random));

  it('rejects each of 1,200 malformed files with errors that name a line, so nothing is applied', () => {
    const kinds = new Set<string>();
    for (const input of inputs) {
      kinds.add(input.kind);
      const result = readRows(input.bytes, input.format, SESSION_STATES);
      const context = { kind: input.kind, text: Buffer.from(input.bytes).toString('utf8').slice(0, 300) };
      expect(result.ok, JSON.stringify(context)).toBe(false);
      if (result.ok) continue;
      const lineCount = Buffer.from(input.bytes).toString('latin1').split('\n').length;
      expect(result.errors.length).toBeGreaterThan(0);
      for (const error of result.errors) {
        expect(error.line, JSON.stringify(context)).toBeGreaterThanOrEqual(1);
        expect(error.line).toBeLessThanOrEqual(lineCount);
        expect(error.message.length).toBeGreaterThan(5);
      }
      if (input.line !== undefined)
        expect(
          result.errors.map((error) => error.line),
          JSON.stringify(context),
        ).toContain(input.line);
    }
    expect(kinds.size).toBe(9);
  });

  it('exits 1 with zero requests for a sample of them through the command line', async () => {
    const sample = [...new Map(inputs.map((input) => [input.kind, input])).values()].slice(0, 6);
    for (const [index, input] of sample.entries()) {
      const path = join(fx.home, `fuzz-${index}.${input.format === 'csv' ? 'csv' : 'jsonl'}`);
      await writeFile(path, input.bytes);
      const result = await fx.run(['sessions', 'bulk-update-state', path, '-f', input.format]);
      expect({ kind: input.kind, code: result.code }).toEqual({ kind: input.kind, code: 1 });
      expect(result.stderr).toMatch(/^line \d+: /);
      expect(fx.emu.requests()).toEqual([]);
    }
  });
});
