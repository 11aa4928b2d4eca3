// What reaches a person's terminal and files (issue 14, item 10): no control character from the API, the input or
// the command line on stderr, error lines included; logs, results and checkpoint folders the user alone can read and
// that a killed run does not litter.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT_MS, errorLines, startFixture, type Fixture } from './helpers/run.js';

let fx: Fixture;

beforeAll(async () => {
  fx = await startFixture({ sessions: 20 });
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await fx?.close();
});

/** An OSC title change, a screen clear, a bell, a C1 CSI and a right-to-left override: text that drives a terminal. */
const HOSTILE = '\u001b]0;owned\u0007\u001b[2J\u009b31m\u202eevil';

/** Control characters (line feeds between lines aside) and bidi controls. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

describe('lines for people on stderr carry no control characters', () => {
  it('cleans the row lines of bulk-update-state that quote a hostile session id', async () => {
    const file = join(fx.home, 'hostile.csv');
    const [known] = fx.emu.state().sessions;
    await writeFile(file, `sessionId,state\n${known?.session.sessionId},OPEN\nx${HOSTILE},OPEN\n`);
    const result = await fx.run(['sessions', 'bulk-update-state', file]);
    // The id is refused before any request (one id rule); its row line shows it escaped.
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^line 3: .*x.*owned/m);
    expect(result.stderr).not.toMatch(CONTROL);
  });

  it('cleans a usage error that quotes the command line', async () => {
    const result = await fx.run(['sessions', 'search', '--start', `2024${HOSTILE}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(CONTROL);
  });

  describe('against an API whose error messages and bodies carry escape sequences', () => {
    let api: Server;
    let url: string;

    beforeAll(async () => {
      api = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          if (req.method === 'POST' && req.url === '/v1/oauth') {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ token_type: 'bearer', expires_in: 900, access_token: 'access-token-1234' }));
            return;
          }
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ msg: `database ${HOSTILE} failed\nsecond line` }));
        });
      });
      await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      await new Promise((resolve) => api.close(resolve));
    });

    it('prints the one error line without them', async () => {
      const result = await fx.run(['sessions', 'search'], { extraEnv: { INCYDR_URL: url, INCYDR_MAX_RETRIES: '0' } });
      expect(result.code).toBe(1);
      const [line, ...more] = errorLines(result.stderr);
      expect(more).toEqual([]);
      expect(line).toMatch(/^incydr: API error \(HTTP 500\) .*database .*owned.*evil failed second line$/);
      expect(line).not.toMatch(CONTROL);
    });

    it('escapes them in log lines on stderr, one line per entry', async () => {
      const result = await fx.runBinary(['--log-stderr', '--log-level', 'DEBUG', 'sessions', 'search'], {
        extraEnv: { INCYDR_URL: url },
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('\\u001b]0;owned\\u0007');
      expect(result.stderr).not.toMatch(CONTROL);
      for (const line of errorLines(result.stderr)) expect(line).toMatch(/^(\S+ (DEBUG|INFO|WARNING|ERROR) )?incydr: /);
    });
  });
});

describe('files only the user may read', () => {
  it('creates the --log-file with mode 0600', async () => {
    const log = join(fx.home, 'incydr.log');
    const result = await fx.run(['--log-file', log, '--log-level', 'INFO', 'sessions', 'search', '-f', 'json-lines']);
    expect(result.code, result.stderr).toBe(0);
    expect((await stat(log)).mode & 0o777).toBe(0o600);
  });

  it('creates the --results file with mode 0600', async () => {
    const input = join(fx.home, 'one.csv');
    const results = join(fx.home, 'results.csv');
    const [known] = fx.emu.state().sessions;
    await writeFile(input, `sessionId,state\n${known?.session.sessionId},IN_PROGRESS\n`);
    const result = await fx.run(['sessions', 'bulk-update-state', input, '--results', results]);
    expect(result.code, result.stderr).toBe(0);
    expect((await stat(results)).mode & 0o777).toBe(0o600);
  });
});

describe('a checkpoint run after a kill', () => {
  it('removes the temporary store file the killed run left, and no other checkpoint’s', async () => {
    const folder = join(fx.home, '.incydr', 'checkpoints', fx.emu.clientId, 'sessions');
    await mkdir(folder, { recursive: true });
    // What writeFileAtomic leaves when the process dies between creating and renaming its copy.
    const leftover = '.siem.json.4242.0badf00d.tmp';
    const others = ['.siem.json.b.json.4243.0badf00d.tmp', 'siem.json.4244.0badf00d.tmp'];
    for (const name of [leftover, ...others]) await writeFile(join(folder, name), '{"format":');
    const result = await fx.run(['sessions', 'search', '--checkpoint', 'siem', '--any-alerts', '-f', 'json-lines']);
    expect(result.code, result.stderr).toBe(0);
    expect((await readdir(folder)).sort()).toEqual([...others, 'siem.json'].sort());
  });
});
