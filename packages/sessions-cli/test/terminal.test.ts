// The binary in a real terminal (a pseudo-terminal made by util-linux `script`): Ctrl-C typed at the keyboard (byte
// 0x03, which the terminal's line discipline turns into SIGINT) stops every long command with its promised outcome,
// and long work shows a progress line on stderr there, and nowhere else.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import stringWidth from 'string-width';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderHelp } from '../src/help/render.js';
import { startLiveReceiver, type LiveReceiver } from './helpers/receivers.js';
import {
  BUILD_TIMEOUT_MS,
  SCRIPT_PATH,
  lines,
  runInTerminal,
  startFixture,
  startInTerminal,
  waitFor,
  type Fixture,
} from './helpers/run.js';
import { patient } from '@x/vitest-config/patience';

const CTRL_C = '\x03';
const CTRL_D = '\x04';
/** Width of the test terminals: a pseudo-terminal made from a pipe reports 0 columns, which no real terminal does. */
const COLUMNS = 100;

let fx: Fixture;
let ids: string[];
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  fx = await startFixture({ sessions: 1500, now: Date.now() });
  ids = fx.emu.state().sessions.map((dump) => dump.session.sessionId);
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await fx?.close();
});

beforeEach(() => {
  fx.emu.reset();
});

afterEach(async () => {
  fx.emu.setFaults({ latencyMs: 0, throttleEvery: null });
  await Promise.all(closers.splice(0).map((close) => close()));
});

function addNoteCalls(): number {
  return fx.emu.requests().filter((request) => request.path.endsWith('/add-note')).length;
}

/** The terminal's text without the progress line's redraws: what stays on the screen, line by line. */
function screenLines(screen: string): string[] {
  return lines(screen.replaceAll('\r\n', '\n'))
    .map((line) => line.split('\r\x1b[2K').at(-1) ?? '')
    .filter((line) => line !== '');
}

describe.skipIf(SCRIPT_PATH === undefined)('in a terminal', () => {
  it(
    'Ctrl-C during bulk-update-state with input typed at the terminal marks the rest interrupted and exits 130',
    async () => {
      // Slow answers keep the run busy (one add-note request per row) long after the progress line appeared.
      fx.emu.setFaults({ latencyMs: 300 });
      const rows = ids.slice(0, 60).map((id) => `${id},IN_PROGRESS,checked by the night shift`);
      const results = join(fx.home, 'bulk-results.csv');
      const run = startInTerminal(['sessions', 'bulk-update-state', '-', '--results', results], {
        env: fx.env,
        columns: COLUMNS,
      });
      // Typed as a person would: the rows, then Ctrl-D at the start of a line to end the input.
      run.type(`session_id,state,note\r${rows.join('\r')}\r`);
      await waitFor(() => run.screen().includes(rows.at(-1) as string), 'the typed rows echoed', 20_000);
      run.type(CTRL_D);
      await waitFor(() => /requests: \d+\/61/.test(run.screen()), 'the progress line', 30_000);
      run.type(CTRL_C);
      const result = await run.result;
      expect(result.code, result.stdout).toBe(130);
      const screen = screenLines(result.stdout);
      expect(screen).toContain('incydr: interrupted, stopping after the current record (Ctrl-C again to quit now)');
      expect(screen.join('\n')).toMatch(/\n60 updated, \d+ notes? added, 0 failed(, \d+ unknown)?, \d+ skipped\n/);
      expect(screen.at(-1)).toBe('incydr: interrupted');
      // The progress line was there while the requests went out.
      expect(result.stdout).toMatch(/\r\x1b\[2Krequests: \d+\/61 · /);
      const statuses = lines(await readFile(results, 'utf8'))
        .slice(1)
        .map((line) => line.split(',').at(-1) ?? '');
      expect(statuses).toHaveLength(60);
      expect(statuses.filter((status) => status.includes('not sent: interrupted')).length).toBeGreaterThan(0);
      expect(addNoteCalls()).toBeLessThan(60);
    },
    patient(90_000),
  );

  it(
    'a second Ctrl-C quits at once with exit 130 while the first one waits for the syslog receiver',
    async () => {
      // The one wait a first Ctrl-C keeps: up to 5 s for the receiver to confirm what was sent (bulk requests in
      // flight are cut at once, so the orderly stop there leaves no time for a second press). This receiver reads
      // everything and never confirms, and the stall timeout is far away: the run waits until the grace ends.
      const rx: LiveReceiver = await startLiveReceiver({ neverClose: true });
      closers.push(() => rx.close());
      const summary = join(fx.home, 'twice.summary.json');
      const args = [
        'sessions',
        'search',
        '--checkpoint',
        'twice',
        '--any-alerts',
        '--lookback',
        '30d',
        '--page-size',
        '20',
      ];
      const target = ['--output', `TCP:127.0.0.1:${rx.port}`, '--stall-timeout', '10m', '--summary-json', summary];
      const run = startInTerminal([...args, ...target], { env: fx.env, columns: COLUMNS });
      await waitFor(
        () => run.screen().includes('waiting for the delivery to be confirmed'),
        'the confirm wait',
        30_000,
      );
      run.type(CTRL_C);
      await waitFor(() => run.screen().includes('Ctrl-C again to quit now'), 'the interrupt noticed', 10_000);
      run.type(CTRL_C);
      const result = await run.result;
      expect(result.code, result.stdout).toBe(130);
      // The terminal echoes each press as ^C, before or after what the CLI printed: left out here.
      const screen = screenLines(result.stdout.replaceAll('^C', ''));
      expect(screen.at(-1)).toContain('Ctrl-C again to quit now');
      // Quit at once: the grace did not run out, and no orderly summary was written.
      expect(screen.join('\n')).not.toMatch(/did not confirm within/);
      await expect(readFile(summary, 'utf8')).rejects.toThrow(/ENOENT/);
    },
    patient(60_000),
  );

  it(
    'Ctrl-C during a checkpointed forward to syslog confirms and saves what was sent, then exits 130',
    async () => {
      const rx: LiveReceiver = await startLiveReceiver();
      closers.push(() => rx.close());
      fx.emu.setFaults({ latencyMs: 120 });
      const summary = join(fx.home, 'ctrl-c.summary.json');
      const args = [
        'sessions',
        'search',
        '--checkpoint',
        'ctrl-c',
        '--any-alerts',
        '--lookback',
        '30d',
        '--page-size',
        '20',
        '--concurrency',
        '1',
      ];
      const run = startInTerminal([...args, '--output', `TCP:127.0.0.1:${rx.port}`, '--summary-json', summary], {
        env: fx.env,
        columns: COLUMNS,
      });
      // The progress line shows the count before the key is pressed.
      await waitFor(
        () => /sessions sent: [1-9][\d,]* · [\d,]+ fetched/.test(run.screen()),
        'the progress line',
        30_000,
      );
      run.type(CTRL_C);
      const result = await run.result;
      expect(result.code, result.stdout).toBe(130);
      expect(screenLines(result.stdout)).toContain(
        'incydr: interrupted, stopping after the current record (Ctrl-C again to quit now)',
      );
      const saved = JSON.parse(await readFile(summary, 'utf8')) as { status: string; delivered: number };
      expect(saved.status).toBe('interrupted');
      expect(saved.delivered).toBe(rx.records.length);
      expect(saved.delivered).toBeLessThan(fx.emu.state().sessions.length);
    },
    patient(60_000),
  );

  it(
    'update-by-criteria --yes shows its requests and a server-asked Retry-After wait while it works',
    async () => {
      // Three change-states calls of up to 500 sessions; the emulator answers the third API request with 429.
      fx.emu.setFaults({ latencyMs: 400, throttleEvery: 3, throttleRetryAfterSec: 2 });
      const result = await runInTerminal(['sessions', 'update-by-criteria', 'OPEN', '--any-alerts', '--all', '--yes'], {
        env: fx.env,
        // Wide enough for the whole line, rate and elapsed time included (a slower run shows both before the wait).
        columns: 160,
        timeoutMs: 60_000,
      });
      expect(result.code, result.stdout).toBe(0);
      expect(result.stdout).toMatch(
        /\r\x1b\[2Kchange-states requests: \d · [^\r]*waiting \d s \(server asked: Retry-After\)/,
      );
      expect(result.stdout).toMatch(/\r\x1b\[2Kchange-states requests: [1-3] · about [\d,]+ of 1,500 sessions · /);
      // The line is cleared before the closing message, which stands alone on the screen.
      expect(screenLines(result.stdout).at(-1)).toMatch(/^Changed 1,?500 sessions to OPEN in 3 requests\.$/);
    },
    patient(90_000),
  );

  it(
    'search shows how many sessions went to a file or to syslog, and clears the line before its last message',
    async () => {
      const rx: LiveReceiver = await startLiveReceiver();
      closers.push(() => rx.close());
      fx.emu.setFaults({ latencyMs: 150 });
      const search = [
        'sessions',
        'search',
        '--any-alerts',
        '--start',
        '30d',
        '--page-size',
        '100',
        '--concurrency',
        '1',
      ];
      const out = join(fx.home, 'sessions.jsonl');
      const toFile = await runInTerminal([...search, '-f', 'json-lines'], {
        env: fx.env,
        columns: COLUMNS,
        redirect: `>'${out}'`,
        timeoutMs: 60_000,
      });
      expect(toFile.code, toFile.stdout).toBe(0);
      expect(toFile.stdout).toMatch(/\r\x1b\[2Ksessions written: [1-9][\d,]* · /);
      expect(screenLines(toFile.stdout)).toEqual([]);
      const written = lines(await readFile(out, 'utf8'));
      expect(written.length).toBeGreaterThan(100);
      expect(written.every((line) => line.startsWith('{'))).toBe(true);

      const toSyslog = await runInTerminal([...search, '--output', `TCP:127.0.0.1:${rx.port}`], {
        env: fx.env,
        columns: COLUMNS,
        timeoutMs: 60_000,
      });
      expect(toSyslog.code, toSyslog.stdout).toBe(0);
      expect(toSyslog.stdout).toMatch(/\r\x1b\[2Krecords sent to syslog: [1-9][\d,]* · /);
      expect(screenLines(toSyslog.stdout)).toEqual([`Sent ${written.length} sessions to TCP:127.0.0.1:${rx.port}.`]);
    },
    patient(120_000),
  );

  it(
    'Ctrl-C at the update-by-criteria question changes nothing, and during the changes stops them; both exit 130',
    async () => {
      const changes = (): number =>
        fx.emu.requests().filter((request) => request.path === '/v1/sessions/change-states').length;
      const args = ['sessions', 'update-by-criteria', 'OPEN', '--any-alerts', '--all'];
      const asked = startInTerminal(args, { env: fx.env, columns: COLUMNS });
      await waitFor(() => asked.screen().includes('[y/N]'), 'the question', 30_000);
      asked.type(CTRL_C);
      const atQuestion = await asked.result;
      expect(atQuestion.code, atQuestion.stdout).toBe(130);
      expect(changes()).toBe(0);

      fx.emu.setFaults({ latencyMs: 1500 });
      const working = startInTerminal([...args, '--yes'], { env: fx.env, columns: COLUMNS });
      await waitFor(() => /change-states requests: /.test(working.screen()), 'the progress line', 30_000);
      working.type(CTRL_C);
      const during = await working.result;
      expect(during.code, during.stdout).toBe(130);
      expect(screenLines(during.stdout).at(-1)).toBe('incydr: interrupted');
      expect(changes()).toBeLessThan(3);
    },
    patient(90_000),
  );

  it.each([
    ['sessions search', () => ['sessions', 'search', '--any-alerts', '-f', 'json-lines']],
    ['sessions show', () => ['sessions', 'show', ids[0] ?? '', '-f', 'json-lines']],
    ['sessions show-events', () => ['sessions', 'show-events', ids[0] ?? '']],
    ['sessions update', () => ['sessions', 'update', ids[0] ?? '', '--state', 'CLOSED_TP']],
  ])(
    'Ctrl-C typed while %s waits on the API stops it at once with exit 130',
    async (_name, args) => {
      // Every answer (the token's first) takes ten minutes, longer than the test may run: only Ctrl-C can end the
      // command, and only if it also drops the requests in flight.
      fx.emu.setFaults({ latencyMs: 600_000 });
      const before = fx.emu.requests().length;
      const running = startInTerminal(args(), { env: fx.env, columns: COLUMNS });
      await waitFor(() => fx.emu.requests().length > before, 'its first request', 30_000);
      running.type(CTRL_C);
      const result = await running.result;
      expect(result.code, result.stdout).toBe(130);
      expect(screenLines(result.stdout).at(-1)).toBe('incydr: interrupted');
      expect(fx.emu.requests().length - before).toBe(1);
    },
    patient(30_000),
  );

  it.each([
    ['as a service', [], 0, 'stopped; every pipeline saved what it delivered'],
    ['with --once', ['--once'], 130, 'incydr: interrupted'],
  ])(
    'Ctrl-C typed while incydr forward %s waits on the API stops it: exit 0 for the service, 130 for --once',
    async (_name, extra, code, last) => {
      const rx: LiveReceiver = await startLiveReceiver();
      closers.push(() => rx.close());
      const config = join(fx.home, 'ctrl-c-forward.yml');
      await writeFile(
        config,
        [
          'version: 1',
          'pipelines:',
          '  - name: ctrl-c-forward',
          '    connection:',
          `      url: ${fx.env.INCYDR_URL}`,
          `      client-id: ${fx.env.INCYDR_API_CLIENT_ID}`,
          '      client-secret: {env: INCYDR_API_CLIENT_SECRET}',
          '    output:',
          `      target: TCP:127.0.0.1:${rx.port}`,
          '',
        ].join('\n'),
      );
      // Every answer takes ten minutes, longer than the test may run: only Ctrl-C can end the command.
      fx.emu.setFaults({ latencyMs: 600_000 });
      const before = fx.emu.requests().length;
      const running = startInTerminal(['forward', '--config', config, ...extra], { env: fx.env, columns: COLUMNS });
      // Its own token call, not a late request of an earlier test's command: only then is Ctrl-C its to handle.
      const tokenCall = (): boolean =>
        fx.emu
          .requests()
          .slice(before)
          .some((r) => r.path.endsWith('/oauth'));
      await waitFor(tokenCall, 'its token call', 30_000);
      running.type(CTRL_C);
      const result = await running.result;
      expect(result.code, result.stdout).toBe(code);
      expect(screenLines(result.stdout).at(-1)).toContain(last);
      expect(rx.records).toEqual([]);
    },
    patient(30_000),
  );

  it(
    'fits -f table into the width the terminal reports, every line measured by string-width',
    async () => {
      const errFile = join(fx.home, 'table-err.txt');
      const args = ['sessions', 'search', '--any-alerts', '-f', 'table'];
      const result = await runInTerminal(args, { env: fx.env, columns: 80, redirect: `2>'${errFile}'` });
      expect(result.code, result.stdout).toBe(0);
      const shown = screenLines(result.stdout);
      // On a terminal the header is bold.
      expect(stripVTControlCharacters(shown[0] ?? '').startsWith('session_id ')).toBe(true);
      expect(shown).toHaveLength(ids.length + 1);
      for (const line of shown) expect(stringWidth(line), line).toBeLessThanOrEqual(80);
      expect(await readFile(errFile, 'utf8')).toMatch(/^incydr: the table leaves out .* to fit 80 columns/);
    },
    patient(60_000),
  );

  it(
    'lays out --help for a terminal width the build stored no text for as yargs does, every line within the width',
    async () => {
      // 97 columns is none of CACHED_WIDTHS: the binary's yargs lays the text out as it runs, measuring with the
      // CLI's displayWidth (the bundle's stand-in for string-width); the in-process render measures with string-width.
      const result = await runInTerminal(['sessions', 'search', '--help'], { env: fx.env, columns: 97 });
      expect(result.code, result.stdout).toBe(0);
      const shown = result.stdout.replaceAll('\r\n', '\n').trimEnd();
      expect(shown).toBe((await renderHelp('sessions search', 97)).trimEnd());
      for (const line of shown.split('\n')) expect(stringWidth(line), line).toBeLessThanOrEqual(97);
    },
    patient(30_000),
  );

  it(
    'draws no progress when stderr is a file, though stdout is the terminal',
    async () => {
      fx.emu.setFaults({ latencyMs: 400 });
      const errFile = join(fx.home, 'progress-err.txt');
      const result = await runInTerminal(['sessions', 'update-by-criteria', 'OPEN', '--any-alerts', '--all', '--yes'], {
        env: fx.env,
        // Wide enough for the whole line, rate and elapsed time included (a slower run shows both before the wait).
        columns: 160,
        redirect: `2>'${errFile}'`,
        timeoutMs: 60_000,
      });
      expect(result.code, result.stdout).toBe(0);
      expect(result.stdout).toBe('');
      expect(await readFile(errFile, 'utf8')).toBe(
        '1500 sessions match.\nChanged 1500 sessions to OPEN in 3 requests.\n',
      );
    },
    patient(60_000),
  );
});
