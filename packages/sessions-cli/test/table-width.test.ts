// The table on terminals of common widths, in process through `run(args, ctx)` against the emulator over loopback:
// ids are never cut, and at 80 and 120 columns every line fits (cli.md §3).
import type { Emulator } from '@x/sessions-emulator';
import { Client } from '@x/sessions-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as search } from '../src/commands/sessions/search.js';
import { run as showEvents } from '../src/commands/sessions/show-events.js';
import type { Context } from '../src/context.js';
import { displayWidth } from '../src/output/text.js';
import { onTerminal as runOnTerminal } from './helpers/on-terminal.js';
import { BUILD_TIMEOUT_MS, EMULATOR_NOW, ensureBuilt, lines } from './helpers/run.js';
import { expectedSearch, fileEventsOf, type ApiRecord } from './helpers/sessions.js';

let emu: Emulator;

beforeAll(async () => {
  await ensureBuilt();
  const { startEmulator } = await import('@x/sessions-emulator');
  emu = await startEmulator({ host: '127.0.0.1', port: 0, sessions: 120, seed: 42, now: EMULATOR_NOW });
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await emu?.close();
});

/** Run a command as on a terminal `width` columns wide against the emulator; stdout and the stderr notes as text. */
function onTerminal(
  width: number,
  command: (ctx: Context) => Promise<void>,
): Promise<{ stdout: string; notes: string[] }> {
  const client = (): Client =>
    new Client({ url: emu.url, apiClientId: emu.clientId, apiClientSecret: emu.clientSecret, env: {} });
  return runOnTerminal(width, client, command);
}

describe('sessions search -f table', () => {
  it.each([60, 80, 120, 200])('prints every session id whole at %i columns', async (width) => {
    const expected = expectedSearch(emu);
    expect(expected.length).toBeGreaterThan(5);
    expect(expected[0]?.sessionId).toMatch(/^\d{19}_\d{13}$/);
    const { stdout } = await onTerminal(width, (ctx) => search({}, ctx));
    const rows = lines(stdout).slice(1);
    expect(rows).toHaveLength(expected.length);
    rows.forEach((row, index) => expect(row.startsWith(`${expected[index]?.sessionId ?? '?'}  `)).toBe(true));
  });

  it.each([
    [60, 2],
    [80, 4],
    [120, 7],
    [200, 12],
  ])('fits every line into %i columns, showing %i columns and naming the others on stderr', async (width, shown) => {
    const { stdout, notes } = await onTerminal(width, (ctx) => search({}, ctx));
    for (const line of lines(stdout)) expect(displayWidth(line)).toBeLessThanOrEqual(width);
    expect(lines(stdout)[0]?.split(/\s+/)).toHaveLength(shown);
    if (shown === 12) {
      expect(notes).toEqual([]);
    } else {
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatch(
        new RegExp(`^incydr: the table leaves out [a-z_, ]*end_time[a-z_, ]* to fit ${width} columns`),
      );
    }
  });
});

describe('sessions show-events -f table', () => {
  let sessionId: string;
  let events: ApiRecord[];

  beforeAll(async () => {
    sessionId = expectedSearch(emu)[0]?.sessionId ?? '';
    events = await fileEventsOf(emu, sessionId);
    expect(events.length).toBeGreaterThan(0);
  });

  it.each([60, 80, 120, 200])('fits the default columns into %i columns', async (width) => {
    const { stdout } = await onTerminal(width, (ctx) => showEvents({ sessionId }, ctx));
    const [header = '', ...rows] = lines(stdout);
    expect(header.startsWith('timestamp ')).toBe(true);
    expect(rows).toHaveLength(events.length);
    for (const line of [header, ...rows]) expect(displayWidth(line)).toBeLessThanOrEqual(width);
  });

  it.each([60, 80, 120, 200])('prints each event id whole at %i columns', async (width) => {
    const columns = 'timestamp,event.id,file.name';
    const { stdout } = await onTerminal(width, (ctx) => showEvents({ sessionId, columns }, ctx));
    const rows = lines(stdout).slice(1);
    rows.forEach((row, index) => expect(row).toContain((events[index]?.['event'] as ApiRecord)['id'] as string));
    // The emulator's event ids take 85 cells: from 120 columns on, the line fits.
    if (width >= 120) for (const row of rows) expect(displayWidth(row)).toBeLessThanOrEqual(width);
  });
});
