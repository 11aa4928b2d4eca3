// `incydr sessions update` against the emulator (cli.md §2; api.md E4, E6), command lines run in-process through the
// real parser.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run as update } from '../src/commands/sessions/update.js';
import { exitOf, inProcess } from './helpers/in-process.js';
import { BUILD_TIMEOUT_MS, errorLines, startFixture, type Fixture } from './helpers/run.js';
import { currentState, dumpOf } from './helpers/sessions.js';

let fx: Fixture;
/** Sessions no other test touches, one per test that changes something. */
let free: string[];

beforeAll(async () => {
  fx = await startFixture({ sessions: 60 });
  free = fx.emu
    .state()
    .sessions.filter((dump) => currentState(dump.session) !== 'CLOSED_FP' && currentState(dump.session) !== 'CLOSED')
    .map((dump) => dump.session.sessionId);
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await fx?.close();
});

beforeEach(() => {
  fx.emu.clearRequests();
});

function takeSession(): string {
  const id = free.shift();
  if (id === undefined) throw new Error('out of sessions for update tests');
  return id;
}

function apiCalls(): Array<{ call: string; body: unknown }> {
  return fx.emu
    .requests()
    .filter((request) => request.path !== '/v1/oauth')
    .map((request) => ({ call: `${request.method} ${request.path}`, body: request.body }));
}

describe('sessions update', () => {
  it('changes the state (case-insensitive input) and says so', async () => {
    const id = takeSession();
    const result = await fx.run(['sessions', 'update', id, '--state', 'closed_fp']);
    expect(result).toMatchObject({ code: 0, stderr: '', stdout: `Successfully updated session ${id} to CLOSED_FP!\n` });
    expect(apiCalls()).toEqual([
      { call: 'POST /v1/sessions/change-state', body: { ids: [id], newState: 'CLOSED_FP' } },
    ]);
    expect(currentState(dumpOf(fx.emu, id).session)).toBe('CLOSED_FP');
  });

  it('adds a note and says so', async () => {
    const id = takeSession();
    const before = dumpOf(fx.emu, id).session.notes.length;
    const note = 'Checked with the manager: approved transfer ✅';
    const result = await fx.run(['sessions', 'update', id, '--note', note]);
    expect(result).toMatchObject({ code: 0, stderr: '', stdout: `Successfully added note to session ${id}!\n` });
    expect(apiCalls()).toEqual([{ call: `POST /v1/sessions/${id}/add-note`, body: { noteContent: note } }]);
    const notes = dumpOf(fx.emu, id).session.notes;
    expect(notes).toHaveLength(before + 1);
    expect(notes.at(-1)?.content).toBe(note);
  });

  it('changes the state and adds a note in one run', async () => {
    const id = takeSession();
    const result = await fx.run(['sessions', 'update', id, '-s', 'In_Progress', '--note', 'Looking into it']);
    expect(result).toMatchObject({
      code: 0,
      stderr: '',
      stdout: `Successfully updated session ${id} to IN_PROGRESS!\nSuccessfully added note to session ${id}!\n`,
    });
    const session = dumpOf(fx.emu, id).session;
    expect(currentState(session)).toBe('IN_PROGRESS');
    expect(session.notes.at(-1)?.content).toBe('Looking into it');
  });

  it('accepts a note of exactly 2000 code points (emoji count once)', async () => {
    const id = takeSession();
    const note = '🦊'.repeat(2000);
    const result = await fx.run(['sessions', 'update', id, '--note', note]);
    expect(result.code).toBe(0);
    expect(dumpOf(fx.emu, id).session.notes.at(-1)?.content).toBe(note);
  });

  it('is a usage error without --state and --note, and sends nothing', async () => {
    const result = await fx.run(['sessions', 'update', takeSession()]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(errorLines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/--state/);
    expect(result.stderr).toMatch(/--note/);
    expect(fx.emu.requests()).toEqual([]);
  });

  it('rejects an unknown state before any request, listing the states', async () => {
    const result = await fx.run(['sessions', 'update', takeSession(), '--state', 'RESOLVED']);
    expect(result.code).toBe(2);
    const [message = '', ...more] = errorLines(result.stderr);
    expect(more).toEqual([]);
    expect(message).toContain('RESOLVED');
    expect(message).toContain('CLOSED_TP_BENIGN');
    expect(fx.emu.requests()).toEqual([]);
  });

  it('rejects a note of 2001 code points before any request', async () => {
    const result = await fx.run(['sessions', 'update', takeSession(), '--note', '🦊'.repeat(2001)]);
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain('2000');
    expect(fx.emu.requests()).toEqual([]);
  });

  it('applies nothing when the note is too long, even with a valid state', async () => {
    const id = takeSession();
    const before = dumpOf(fx.emu, id).session;
    const result = await fx.run(['sessions', 'update', id, '--state', 'CLOSED', '--note', 'x'.repeat(2001)]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(fx.emu.requests()).toEqual([]);
    expect(dumpOf(fx.emu, id).session).toEqual(before);
    expect(currentState(dumpOf(fx.emu, id).session)).not.toBe('CLOSED');
  });

  it('refuses the ids . and .., C1 controls and bidi controls before any request (in process)', async () => {
    for (const id of ['.', '..', 'a\u009bb', 'a\u202eb', 'a\u2067b', 'a\u0007']) {
      const io = inProcess(fx.emu);
      const result = await exitOf(update({ sessionId: id, state: 'OPEN', note: 'checked' }, io.ctx));
      expect(result, JSON.stringify(id)).toEqual({
        code: 2,
        message: expect.stringMatching(/^invalid SESSION_ID ".+": (a URL path reads|it holds)/),
      });
      expect(io.stdout()).toBe('');
    }
    expect(fx.emu.requests()).toEqual([]);
  });

  it('exits 1 with the server message for an unknown session', async () => {
    const result = await fx.run(['sessions', 'update', 'no-such-session', '--state', 'OPEN']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(errorLines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain('no-such-session');
    expect(result.stderr).toContain('404');
  });
});
