// The container image and the systemd unit of deploy/ agree with the CLI: their `incydr forward` options parse and
// pass the command's checks, the HEALTHCHECK asks /readyz on the port the service listens on and exits 0 only when
// it answers 200, the unit gives the stop more time than its bound, and `systemd-analyze verify` accepts the unit.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { STOP_BOUND_MS } from '../src/forward/service.js';
import { PACKAGE_DIR, runIncydr } from './helpers/run.js';

const DEPLOY = join(PACKAGE_DIR, '..', '..', 'deploy');
const dockerfile = readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8');
const unit = readFileSync(join(DEPLOY, 'incydr-forward.service'), 'utf8');

/** An instruction of the Dockerfile in its exec (JSON) form, continuation lines joined. */
function instruction(name: string): string[] {
  const joined = dockerfile.replace(/\\\n\s*/g, '');
  const line = joined.split('\n').find((text) => text.startsWith(`${name} `));
  if (line === undefined) throw new Error(`no ${name} in the Dockerfile`);
  const json = line.slice(line.indexOf('['));
  return JSON.parse(json) as string[];
}

/** A setting of the unit's [Service] section. */
function setting(name: string): string {
  const value = new RegExp(`^${name}=(.*)$`, 'm').exec(unit)?.[1];
  if (value === undefined) throw new Error(`no ${name}= in the unit`);
  return value;
}

/**
 * `incydr forward` with these options, its config file replaced by one that does not exist: every option is known
 * and its value checked (they are checked before the file is read), so it stops at the file.
 */
async function checkOptions(args: readonly string[]): Promise<void> {
  const config = args.indexOf('--config');
  expect(config).toBeGreaterThanOrEqual(0);
  const tried = args.map((arg, index) => (index === config + 1 ? '/nonexistent/forward.yml' : arg));
  const result = await runIncydr(tried);
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr.trim()).toMatch(/^incydr: cannot read the config \/nonexistent\/forward\.yml: ENOENT/);
}

/** The port of a `--listen HOST:PORT` option. */
function listenPort(args: readonly string[]): number {
  return Number(/:(\d+)$/.exec(args[args.indexOf('--listen') + 1] ?? '')?.[1]);
}

describe('the container image (deploy/Dockerfile)', () => {
  const entrypoint = instruction('ENTRYPOINT');
  const cmd = instruction('CMD');
  const healthcheck = instruction('HEALTHCHECK --interval=30s --timeout=5s --start-period=5m --retries=3 CMD');

  it('runs incydr forward as a non-root user on Node 20, its home on a volume', async () => {
    expect(dockerfile).toMatch(/^FROM node:20-slim$/m);
    expect(dockerfile).toMatch(/^USER incydr$/m);
    expect(dockerfile).toMatch(/^ENV HOME=\/home\/incydr /m);
    expect(instruction('VOLUME')).toEqual(['/home/incydr']);
    expect(entrypoint).toEqual(['incydr', 'forward']);
    await checkOptions([...entrypoint.slice(1), ...cmd]);
  });

  it('checks health with node asking /readyz on the port the service listens on: 0 when ready, 1 when not', async () => {
    expect(healthcheck[0]).toBe('node');
    const script = healthcheck.at(-1) ?? '';
    expect(script).toContain(`http://127.0.0.1:${listenPort(cmd)}/readyz'`);
    let status = 200;
    const paths: string[] = [];
    const server: Server = createServer((request, response) => {
      paths.push(request.url ?? '');
      response.writeHead(status).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const probe = script.replace(`127.0.0.1:${listenPort(cmd)}`, `127.0.0.1:${port}`);
      const run = () =>
        promisify(execFile)(process.execPath, ['-e', probe]).then(
          () => 0,
          (error: { code: number }) => error.code,
        );
      expect(await run()).toBe(0);
      status = 503;
      expect(await run()).toBe(1);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      expect(await run()).toBe(1);
      expect(paths).toEqual(['/readyz', '/readyz']);
    } finally {
      server.close();
    }
  });
});

describe('the systemd unit (deploy/incydr-forward.service)', () => {
  const exec = setting('ExecStart').split(' ');

  it('runs incydr forward with options it accepts, reloads with SIGHUP and waits longer than the stop bound', async () => {
    expect(exec.slice(0, 2)).toEqual(['/usr/bin/incydr', 'forward']);
    await checkOptions(exec.slice(1));
    expect(setting('Type')).toBe('simple');
    expect(setting('ExecReload')).toBe('/bin/kill -HUP $MAINPID');
    expect(setting('KillSignal')).toBe('SIGTERM');
    expect(Number(setting('TimeoutStopSec'))).toBeGreaterThan(STOP_BOUND_MS / 1000);
    expect(setting('Restart')).toBe('on-failure');
    expect(setting('Environment')).toBe(`HOME=/var/lib/${setting('StateDirectory')}`);
  });

  it('passes systemd-analyze verify', async (context) => {
    const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((file) => existsSync(file));
    if (analyze === undefined) {
      console.log('systemd-analyze verify skipped: systemd-analyze is not installed (Debian package systemd)');
      context.skip();
      return;
    }
    // verify wants the command to exist: the package's bin in place of /usr/bin/incydr.
    const dir = await mkdtemp(join(tmpdir(), 'incydr-unit-'));
    try {
      const file = join(dir, 'incydr-forward.service');
      await writeFile(file, unit.replace('/usr/bin/incydr', join(PACKAGE_DIR, 'bin', 'incydr.js')));
      const { stderr } = await promisify(execFile)(analyze, ['verify', file]);
      expect(stderr).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
