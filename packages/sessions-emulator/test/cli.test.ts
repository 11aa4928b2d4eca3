import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

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
    const proc = run(['--port', '0', '--sessions', '50', '--seed', '9'], (out) => out.includes('INCYDR_API_CLIENT_SECRET='));
    await proc.ready;
    const url = /^INCYDR_URL=(http:\/\/127\.0\.0\.1:\d+)$/m.exec(proc.out())?.[1];
    expect(url).toBeDefined();
    expect(proc.out()).toMatch(/^INCYDR_API_CLIENT_ID=emulator-client$/m);
    expect(proc.out()).toMatch(/^INCYDR_API_CLIENT_SECRET=emulator-secret$/m);
    const token = await fetch(`${url}/v1/oauth`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('emulator-client:emulator-secret').toString('base64')}` },
    });
    expect(token.status).toBe(200);
    expect((await fetch(`${url}/_emulator/state`)).status).toBe(404);
    stop(proc.child, 'SIGTERM');
    expect(await proc.exited).toBe(0);
  });

  it('stops on SIGINT too, with its control routes when asked for them', async () => {
    const proc = run(['--port', '0', '--sessions', '5', '--control', '--client-id', 'me', '--client-secret', 's3'], (out) =>
      out.includes('INCYDR_API_CLIENT_SECRET='),
    );
    await proc.ready;
    const url = /^INCYDR_URL=(\S+)$/m.exec(proc.out())?.[1];
    const state = (await (await fetch(`${url}/_emulator/state`)).json()) as { sessions: unknown[] };
    expect(state.sessions).toHaveLength(5);
    expect(proc.out()).toMatch(/^INCYDR_API_CLIENT_ID=me$/m);
    stop(proc.child, 'SIGINT');
    expect(await proc.exited).toBe(0);
  });

  it('limits page_size to --max-page-size', async () => {
    const proc = run(['--port', '0', '--sessions', '60', '--max-page-size', '50'], (out) => out.includes('INCYDR_API_CLIENT_SECRET='));
    await proc.ready;
    const url = /^INCYDR_URL=(\S+)$/m.exec(proc.out())?.[1];
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
    for (const args of [['--port', 'abc'], ['--fail-rate', '2'], ['--bogus'], ['--sessions', '-1'], ['--max-page-size', '0']]) {
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
