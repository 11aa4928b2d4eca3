import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { patient } from '@x/vitest-config/patience';

const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** Run the built command; resolve once `done(stdout)` holds or it exits. */
function run(args: string[], done: (stdout: string) => boolean = () => false) {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve) => {
    child.stdout.on('data', () => {
      if (done(stdout)) resolve();
    });
    void exited.then(() => resolve());
  });
  return { child, ready, exited, out: () => stdout, err: () => stderr };
}

function stop(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode === null) child.kill(signal);
}

describe('incydr-emulator', () => {
  it('prints the URL and the environment lines, serves, and stops cleanly on SIGTERM', async () => {
    const proc = run(['--port', '0', '--sessions', '50', '--seed', '9'], (out) =>
      out.includes('INCYDR_API_CLIENT_SECRET='),
    );
    await proc.ready;
    const url = /^export INCYDR_URL=(http:\/\/127\.0\.0\.1:\d+)$/m.exec(proc.out())?.[1];
    expect(url).toBeDefined();
    expect(proc.out()).toMatch(/^export INCYDR_API_CLIENT_ID=emulator-client$/m);
    expect(proc.out()).toMatch(/^export INCYDR_API_CLIENT_SECRET=emulator-secret$/m);
    const token = await fetch(`${url}/v1/oauth`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('emulator-client:emulator-secret').toString('base64')}` },
    });
    expect(token.status).toBe(200);
    expect((await fetch(`${url}/_emulator/state`)).status).toBe(404);
    stop(proc.child, 'SIGTERM');
    expect(await proc.exited).toBe(0);
  });

  it('prints lines that, pasted into bash, give a later command the settings, and writes them to --write-env-file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'emulator-env-'));
    try {
      const envFile = join(folder, '.env');
      const secret = "it's a secret #1";
      const proc = run(
        ['--port', '0', '--sessions', '5', '--client-secret', secret, '--write-env-file', envFile],
        (out) => out.includes('INCYDR_API_CLIENT_SECRET='),
      );
      await proc.ready;
      const pasted = proc
        .out()
        .split('\n')
        .filter((line) => line.startsWith('export '));
      expect(pasted).toHaveLength(3);
      // The same lines for the shells that have no `export`.
      expect(proc.out()).toContain('(fish: set -gx NAME VALUE; PowerShell: $env:NAME = "VALUE")');
      const url = /^export INCYDR_URL=(\S+)$/m.exec(proc.out())?.[1];
      const script = [
        ...pasted,
        `node -e 'for (const k of ["INCYDR_URL","INCYDR_API_CLIENT_ID","INCYDR_API_CLIENT_SECRET"]) console.log(process.env[k])'`,
      ];
      const shell = spawnSync('bash', ['-c', script.join('\n')], { encoding: 'utf8', timeout: patient(60_000) });
      expect(shell.stderr).toBe('');
      expect(shell.stdout.split('\n')).toEqual([url, 'emulator-client', secret, '']);
      expect(statSync(envFile).mode & 0o777).toBe(0o600);
      expect(parseEnv(readFileSync(envFile, 'utf8'))).toEqual({
        INCYDR_URL: url,
        INCYDR_API_CLIENT_ID: 'emulator-client',
        INCYDR_API_CLIENT_SECRET: secret,
      });
      stop(proc.child, 'SIGTERM');
      expect(await proc.exited).toBe(0);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('stops on SIGINT too, with its control routes when asked for them', async () => {
    const proc = run(
      ['--port', '0', '--sessions', '5', '--control', '--client-id', 'me', '--client-secret', 's3'],
      (out) => out.includes('INCYDR_API_CLIENT_SECRET='),
    );
    await proc.ready;
    const url = /^export INCYDR_URL=(\S+)$/m.exec(proc.out())?.[1];
    const state = (await (await fetch(`${url}/_emulator/state`)).json()) as { sessions: unknown[] };
    expect(state.sessions).toHaveLength(5);
    expect(proc.out()).toMatch(/^export INCYDR_API_CLIENT_ID=me$/m);
    stop(proc.child, 'SIGINT');
    expect(await proc.exited).toBe(0);
  });

  it('says where its clock starts, the top of the hour, which is the clock the API answers with', async () => {
    const started = Date.now();
    const proc = run(['--port', '0', '--sessions', '5', '--control'], (out) =>
      out.includes('INCYDR_API_CLIENT_SECRET='),
    );
    await proc.ready;
    const url = /^export INCYDR_URL=(\S+)$/m.exec(proc.out())?.[1];
    const printed =
      /^Its clock starts at (\S+) \(the top of the hour\) and moves 1 ms per change, not with wall time/m.exec(
        proc.out(),
      )?.[1];
    expect(printed).toBeDefined();
    const clock = Date.parse(printed ?? '');
    expect(clock % 3_600_000).toBe(0);
    expect(clock).toBeGreaterThan(started - 3_600_000);
    expect(clock).toBeLessThanOrEqual(Date.now());
    const state = (await (await fetch(`${url}/_emulator/state`)).json()) as { now: number };
    expect(state.now).toBe(clock);
    stop(proc.child, 'SIGTERM');
    expect(await proc.exited).toBe(0);
  });

  it('limits page_size to --max-page-size', async () => {
    const proc = run(['--port', '0', '--sessions', '60', '--max-page-size', '50'], (out) =>
      out.includes('INCYDR_API_CLIENT_SECRET='),
    );
    await proc.ready;
    const url = /^export INCYDR_URL=(\S+)$/m.exec(proc.out())?.[1];
    const auth = await fetch(`${url}/v1/oauth`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('emulator-client:emulator-secret').toString('base64')}` },
    });
    const { access_token: token } = (await auth.json()) as { access_token: string };
    const search = (size: number): Promise<Response> =>
      fetch(`${url}/v1/sessions?page_size=${size}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await search(50)).status).toBe(200);
    const over = await search(51);
    expect(over.status).toBe(400);
    expect(((await over.json()) as { msg: string }).msg).toContain('from 1 to 50');
    stop(proc.child, 'SIGTERM');
    expect(await proc.exited).toBe(0);
  });

  it('rejects bad flags with exit 2 and a one-line reason', async () => {
    for (const args of [
      ['--port', 'abc'],
      ['--fail-rate', '2'],
      ['--bogus'],
      ['--sessions', '-1'],
      ['--max-page-size', '0'],
    ]) {
      const proc = run(args);
      expect(await proc.exited).toBe(2);
      expect(proc.err()).toMatch(/^incydr-emulator: .+\nTry 'incydr-emulator --help'\.\n$/);
    }
  });

  it('prints help', async () => {
    const proc = run(['--help']);
    expect(await proc.exited).toBe(0);
    expect(proc.out()).toContain('--rate-limit N');
    expect(proc.out()).toMatch(/--max-page-size N .*default 1000/);
  });
});
