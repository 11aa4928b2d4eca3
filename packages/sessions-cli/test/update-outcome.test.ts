// `sessions update` when the answer to its change is lost (issue 14, item 4): run in-process against the emulator,
// whose faults are set once the token is fetched, so that they meet the change itself. Exit 0 only when the change is
// known to be applied; a change not applied and one whose outcome is unknown each say so.
import { startEmulator, type Emulator } from '@x/sessions-emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../src/commands/sessions/update.js';
import { ExitError } from '../src/failures.js';
import { testRun, type TestClientOptions } from './helpers/in-process.js';
import { EMULATOR_NOW, lines } from './helpers/run.js';
import { currentState } from './helpers/sessions.js';

let emu: Emulator;
let id: string;

beforeAll(async () => {
  emu = await startEmulator({ host: '127.0.0.1', port: 0, sessions: 40, seed: 4, now: EMULATOR_NOW, control: true });
});

afterAll(async () => {
  await emu?.close();
});

beforeEach(() => {
  emu.reset();
  const open = emu.state().sessions.find((dump) => currentState(dump.session) === 'OPEN');
  if (open === undefined) throw new Error('no open session');
  id = open.session.sessionId;
});

function session() {
  const dump = emu.state().sessions.find((item) => item.session.sessionId === id);
  if (dump === undefined) throw new Error(`no session ${id}`);
  return dump.session;
}

/** Run `update` with the token fetched first, then the faults set; the error it ends with, if any. */
async function update(
  args: { state?: string; note?: string },
  faults: Parameters<Emulator['setFaults']>[0],
  client: TestClientOptions = {},
): Promise<{ error: unknown; stdout: string; stderr: string[] }> {
  const test = testRun(emu, client);
  await test.client.sessions.v1.getPage({ pageSize: 1 });
  emu.setFaults(faults);
  let error: unknown;
  try {
    await run({ sessionId: id, ...args }, test.ctx);
  } catch (thrown) {
    error = thrown;
  } finally {
    emu.setFaults({ dropNext: 0, dropAfterApplyNext: 0, dropAfterApplyRate: 0, failNext: 0, failStatus: 503 });
  }
  return { error, stdout: test.stdout(), stderr: lines(test.stderr()) };
}

describe('sessions update when the answer is lost', () => {
  it('counts a note as added, once, when the API added it and the answer was lost', async () => {
    const result = await update({ note: 'added behind a proxy' }, { dropAfterApplyNext: 1 });
    expect(result.error).toBeUndefined();
    expect(result.stdout).toBe(`Successfully added note to session ${id}!\n`);
    expect(result.stderr).toEqual([
      expect.stringMatching(new RegExp(`^incydr: the answer was lost \\(.*\\); session ${id} read back has the note$`)),
    ]);
    expect(session().notes.filter((note) => note.content === 'added behind a proxy')).toHaveLength(1);
  });

  it('exits 1 saying the note was not added when the session read back has no such note', async () => {
    const result = await update({ note: 'dropped before the API' }, { dropNext: 1 });
    expect(result.error).toBeInstanceOf(ExitError);
    expect((result.error as ExitError).message).toMatch(
      new RegExp(`^note not added: POST .*/add-note failed: .*; session ${id} read back has no such note$`),
    );
    expect(session().notes.filter((note) => note.content === 'dropped before the API')).toHaveLength(0);
  });

  it('exits 1 with its own message when the note may still be added (504)', async () => {
    const result = await update({ note: 'behind a slow gateway' }, { failNext: 1, failStatus: 504 });
    expect(result.error).toBeInstanceOf(ExitError);
    expect((result.error as ExitError).message).toMatch(
      /^outcome of the note unknown: API error \(HTTP 504\) .*; session .* read back has no such note yet, but the server may still apply it: look at the session before running this again$/,
    );
    expect(result.stdout).toBe('');
  });

  it('counts a state change as applied when every answer to it was lost after the API applied it', async () => {
    const result = await update({ state: 'CLOSED_TP' }, { dropAfterApplyRate: 1 }, { maxRetries: 1 });
    expect(result.error).toBeUndefined();
    expect(result.stdout).toBe(`Successfully updated session ${id} to CLOSED_TP!\n`);
    expect(result.stderr).toEqual([
      expect.stringMatching(/^incydr: the answer was lost \(.*\(after 1 retry\)\); session .* read back is CLOSED_TP$/),
    ]);
    expect(currentState(session())).toBe('CLOSED_TP');
  });

  it('exits 1 saying the state was not changed, and the note not sent, after a storm of 502', async () => {
    const result = await update(
      { state: 'CLOSED', note: 'never sent' },
      { failNext: 3, failStatus: 502 },
      { maxRetries: 2 },
    );
    expect(result.error).toBeInstanceOf(ExitError);
    expect((result.error as ExitError).message).toMatch(
      /^state not changed: API error \(HTTP 502\) on POST .*change-state: injected failure \(after 2 retries\); session .* read back is OPEN; the note was not sent$/,
    );
    expect(currentState(session())).toBe('OPEN');
    expect(session().notes.filter((note) => note.content === 'never sent')).toHaveLength(0);
  });
});
