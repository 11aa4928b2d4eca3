// `incydr forward --listen` (issue #19, operations), on the built binary: two pipelines against two emulators and two
// receivers on loopback. /healthz, /readyz and /metrics on the port it logs; the metrics count what each pipeline
// fetched, delivered, requested and was throttled; a pipeline whose receiver is down turns unready and counts its
// failures while the other stays ready, and catches up when it returns; stderr is JSON lines naming the pipeline.
import type { ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Emulator } from '@x/sessions-emulator';
import { patient } from '@x/vitest-config/patience';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  changedSince,
  idsOf,
  receiver,
  sorted,
  spawnForward,
  startTenants,
  type Closers,
  type Tenants,
} from './helpers/forward.js';
import { promtoolCheck } from './helpers/promtool.mjs';
import { BUILD_TIMEOUT_MS, waitFor, type Fixture, type RunResult } from './helpers/run.js';
import type { Criteria } from './helpers/sessions.js';

let fx: Fixture;
let tenantB: Emulator;
let tenants: Tenants | undefined;
const closers: Closers = [];

const SECRET_B = 'beta-secret-9c1f07';
const HOUR_MS = 3_600_000;
const ALPHA: Criteria = { hasAlerts: null };
const BETA: Criteria = { hasAlerts: true };

beforeAll(async () => {
  tenants = await startTenants({ sessions: 120, seed: 5 }, { sessions: 90, seed: 29, clientSecret: SECRET_B });
  ({ fx, tenantB } = tenants);
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await tenants?.close();
});

afterEach(async () => {
  tenantB.setFaults({ failNext: 0, failStatus: 503 });
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A config of two pipelines: `PREFIX-alpha` (tenant A, every session), `PREFIX-beta` (tenant B, with alerts). */
async function writeConfig(prefix: string, alpha: number, beta: number, interval: string): Promise<string> {
  const file = join(fx.home, `${prefix}.yml`);
  await writeFile(
    file,
    `version: 1
pipelines:
  - name: ${prefix}-alpha
    connection: {url: {env: ALPHA_URL}, client-id: {env: ALPHA_ID}, client-secret: {env: ALPHA_SECRET}}
    search: {any-alerts: true}
    checkpoint: {lookback: 60d}
    output: {target: 'TCP:127.0.0.1:${alpha}'}
    interval: ${interval}
  - name: ${prefix}-beta
    profile: beta
    checkpoint: {lookback: 60d}
    output: {target: 'TCP:127.0.0.1:${beta}'}
    interval: ${interval}
`,
  );
  return file;
}

/** One JSON line of the service's stderr. */
interface LogLine {
  level: string;
  time: string;
  msg: string;
  pipeline?: string;
  [field: string]: unknown;
}

/** A service started from the binary with `--listen` (port 0): its log lines as they come, and its URL. */
interface Service {
  logs: LogLine[];
  /** Lines of stderr that are not JSON (none expected). */
  other: string[];
  child: ChildProcess;
  result: Promise<RunResult>;
  url: string;
  /** The index of the first log line from `from` on that `match` accepts, once there is one. */
  line(match: (line: LogLine) => boolean, from?: number): Promise<number>;
}

async function startService(file: string, listen = '127.0.0.1:0'): Promise<Service> {
  const logs: LogLine[] = [];
  const other: string[] = [];
  const { child: running, result } = spawnForward(
    fx,
    ['--config', file, '--listen', listen],
    { ALPHA_URL: fx.emu.url, ALPHA_ID: fx.emu.clientId, ALPHA_SECRET: fx.emu.clientSecret },
    closers,
    (part) => {
      try {
        logs.push(JSON.parse(part) as LogLine);
      } catch {
        other.push(part);
      }
    },
  );
  const line = async (match: (line: LogLine) => boolean, from = 0): Promise<number> => {
    const find = (): number => logs.findIndex((entry, index) => index >= from && match(entry));
    try {
      await waitFor(() => find() !== -1, 'a log line', 30_000);
    } catch (error) {
      const said = [...logs.map((entry) => JSON.stringify(entry)), ...other].join('\n');
      throw new Error(`${(error as Error).message}; stderr:\n${said}`, { cause: error });
    }
    return find();
  };
  const listening = logs[await line((entry) => /^listening on http:\/\//.test(entry.msg))];
  const url = /^listening on (http:\/\/\S+) /.exec(listening?.msg ?? '')?.[1] ?? '';
  return { logs, other, child: running, result, url, line };
}

/** A summary line of the pipeline's run. */
function isSummary(name: string): (line: LogLine) => boolean {
  return (line) => line.pipeline === name && typeof line.delivered === 'number';
}

async function get(url: string, init?: RequestInit): Promise<{ status: number; text: string; type: string | null }> {
  const response = await fetch(url, init);
  return { status: response.status, text: await response.text(), type: response.headers.get('content-type') };
}

/** `/readyz` once its answer is what `want` accepts (asked every 50 ms, for at most a minute on a quiet machine). */
async function readyz(
  svc: Service,
  want: (status: number, text: string) => boolean,
  what: string,
): Promise<{ status: number; text: string }> {
  const timeoutMs = patient(60_000);
  const deadline = Date.now() + timeoutMs;
  let last = await get(`${svc.url}/readyz`);
  while (!want(last.status, last.text)) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for /readyz ${what}: ${last.status} ${last.text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await get(`${svc.url}/readyz`);
  }
  return { status: last.status, text: last.text };
}

/** The value of one sample of the metrics text: `name{labels}` as written (labels in their order). */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const labelText = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(',');
  const line = text.split('\n').find((entry) => entry.startsWith(`${name}{${labelText}} `));
  if (line === undefined) throw new Error(`no sample ${name}{${labelText}} in:\n${text}`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function stop(svc: Service): Promise<void> {
  svc.child.kill('SIGTERM');
  const result = await svc.result;
  expect(result.code, result.stderr).toBe(0);
  expect(svc.logs.at(-1)?.msg).toBe('stopped; every pipeline saved what it delivered');
  await expect(fetch(`${svc.url}/healthz`)).rejects.toThrow();
}

describe('forward --listen', () => {
  it('answers /healthz, /readyz and /metrics: what each pipeline fetched, delivered, requested, was throttled', async () => {
    const [alpha, beta] = [await receiver(closers), await receiver(closers)];
    const file = await writeConfig('ops', alpha.port, beta.port, '1m');
    tenantB.clearRequests();
    // The first two requests to tenant B get 429 (and are retried): beta's client counts them.
    tenantB.setFaults({ failNext: 2, failStatus: 429 });
    const started = Date.now() / 1000;
    const svc = await startService(file);
    expect(svc.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await get(`${svc.url}/healthz`)).toMatchObject({ status: 200, text: 'ok\n' });
    const alphaSummary = svc.logs[await svc.line(isSummary('ops-alpha'))];
    const betaSummary = svc.logs[await svc.line(isSummary('ops-beta'))];
    // Both ran once and wait a minute: the counts stand still while they are read.
    await waitFor(() => alpha.records.length === alphaSummary?.delivered, 'alpha records', 10_000);

    expect(sorted(idsOf(alpha.records))).toEqual(sorted(changedSince(fx.emu, ALPHA, new Map())));
    // A run counts once it has ended, just after its summary line.
    expect(await readyz(svc, (status) => status === 200, 'ready')).toEqual({ status: 200, text: 'ready\n' });
    const metrics = await get(`${svc.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = metrics.text;
    for (const [name, rx, summary] of [
      ['ops-alpha', alpha, alphaSummary],
      ['ops-beta', beta, betaSummary],
    ] as const) {
      const pipeline = { pipeline: name };
      expect(sample(m, 'incydr_forward_sessions_delivered_total', pipeline)).toBe(rx.records.length);
      expect(rx.records.length).toBeGreaterThan(0);
      for (const what of ['fetched', 'new', 'changed'] as const) {
        expect(sample(m, `incydr_forward_sessions_${what}_total`, pipeline), what).toBe(summary?.[what]);
      }
      expect(sample(m, 'incydr_forward_runs_total', { ...pipeline, outcome: 'success' })).toBe(1);
      expect(sample(m, 'incydr_forward_runs_total', { ...pipeline, outcome: 'failure' })).toBe(0);
      const lastSuccess = sample(m, 'incydr_forward_last_success_timestamp_seconds', pipeline);
      // Between the start and now (whole seconds may round a little either way), however slow the machine.
      expect(lastSuccess).toBeGreaterThanOrEqual(started - 1);
      expect(lastSuccess).toBeLessThanOrEqual(Date.now() / 1000 + 1);
      expect(sample(m, 'incydr_forward_lag_seconds', pipeline)).toBeLessThanOrEqual(Date.now() / 1000 - started + 1);
      expect(sample(m, 'incydr_forward_syslog_confirm_seconds_count', pipeline)).toBeGreaterThanOrEqual(1);
      expect(sample(m, 'incydr_forward_syslog_reconnects_total', pipeline)).toBe(0);
    }
    const betaRequests = tenantB.requests().filter((request) => !request.path.startsWith('/_emulator'));
    expect(sample(m, 'incydr_forward_api_requests_total', { pipeline: 'ops-beta' })).toBe(betaRequests.length);
    expect(betaRequests.filter((request) => request.status === 429)).toHaveLength(2);
    expect(sample(m, 'incydr_forward_api_throttled_total', { pipeline: 'ops-beta' })).toBe(2);
    expect(sample(m, 'incydr_forward_api_throttled_total', { pipeline: 'ops-alpha' })).toBe(0);
    expect(sample(m, 'incydr_forward_api_requests_total', { pipeline: 'ops-alpha' })).toBeGreaterThan(1);

    const checked = await promtoolCheck(m);
    if (checked.skipped !== undefined) console.log(`promtool check metrics skipped: ${checked.skipped}`);
    else expect(checked.problems, m).toBe('');

    expect(await get(`${svc.url}/nowhere`)).toMatchObject({ status: 404 });
    expect(await get(`${svc.url}/metrics`, { method: 'POST', body: '' })).toMatchObject({ status: 405 });
    await stop(svc);
    // Every line is JSON with a level, a time and a message; a pipeline's lines name it, its summary has the counts.
    expect(svc.other).toEqual([]);
    for (const entry of svc.logs) {
      expect(entry).toMatchObject({ level: expect.any(String), time: expect.any(String), msg: expect.any(String) });
      expect(entry.msg).not.toMatch(/^(ops-alpha|ops-beta): /);
    }
    expect(betaSummary).toMatchObject({ level: 'info', pipeline: 'ops-beta', checkpoint: 'ops-beta', status: 'ok' });
    expect(betaSummary?.msg).toMatch(/^checkpoint "ops-beta": fetched \d+, new \d+, .*delivered \d+;/);
    expect(JSON.stringify(svc.logs)).not.toContain(SECRET_B);
  });

  it('turns unready for the pipeline whose receiver is down, counting its failures; ready again once it is back', async () => {
    const [alpha, beta] = [await receiver(closers), await receiver(closers)];
    const file = await writeConfig('down', alpha.port, beta.port, '2s');
    const svc = await startService(file);
    await readyz(svc, (status) => status === 200, 'ready');
    const before = new Map(
      tenantB.state().sessions.map((dump) => [dump.session.sessionId, JSON.stringify(dump.session)]),
    );
    const first = await svc.line(isSummary('down-beta'));
    const seenBeta = beta.records.length;
    await beta.crash();
    tenantB.advance(2 * HOUR_MS);
    await readyz(
      svc,
      (status, text) => status === 503 && text === 'not ready: down-beta\n',
      'unready for down-beta alone',
    );
    // The run fails once its syslog sender gives up reconnecting; then it backs off.
    await svc.line((line) => line.pipeline === 'down-beta' && /^next attempt in /.test(line.msg), first);
    const failures = (text: string, name: string): number =>
      sample(text, 'incydr_forward_runs_total', { pipeline: name, outcome: 'failure' });
    const down = (await get(`${svc.url}/metrics`)).text;
    expect(failures(down, 'down-beta')).toBeGreaterThanOrEqual(1);
    expect(failures(down, 'down-alpha')).toBe(0);
    expect(sample(down, 'incydr_forward_syslog_reconnects_total', { pipeline: 'down-beta' })).toBeGreaterThan(0);
    expect(sample(down, 'incydr_forward_lag_seconds', { pipeline: 'down-beta' })).toBeGreaterThan(4);
    expect(svc.logs.slice(first)).toContainEqual(
      expect.objectContaining({
        level: 'error',
        pipeline: 'down-beta',
        msg: expect.stringMatching(/^syslog output failed: /),
      }),
    );
    expect(svc.logs.slice(first)).toContainEqual(
      expect.objectContaining({ level: 'warn', pipeline: 'down-beta', msg: expect.stringMatching(/^syslog retry /) }),
    );

    await beta.restart();
    const expected = changedSince(tenantB, BETA, before);
    await readyz(svc, (status) => status === 200, 'ready again');
    const back = (await get(`${svc.url}/metrics`)).text;
    expect(sample(back, 'incydr_forward_runs_total', { pipeline: 'down-beta', outcome: 'success' })).toBeGreaterThan(1);
    expect(failures(back, 'down-alpha')).toBe(0);
    expect(sorted(new Set(idsOf(beta.records.slice(seenBeta))))).toEqual(sorted(expected));
    await stop(svc);
  });

  it('refuses a bad --listen, --listen with --once or --check, and --log-format with --check, with a usage error', async () => {
    const file = await writeConfig('usage', 1, 2, '1m');
    for (const [args, message] of [
      [['--listen', 'localhost'], /^incydr: --listen "localhost": expected HOST:PORT such as 127\.0\.0\.1:9464/],
      [['--listen', '::1:9464'], /^incydr: --listen "::1:9464": expected HOST:PORT/],
      [['--listen', '[localhost]:9464'], /brackets hold an IPv6 address/],
      [['--listen', '127.0.0.1:70000'], /the port must be from 0 to 65535/],
      [['--listen', '127.0.0.1:0', '--once'], /^incydr: --listen applies to the service, not to --once$/],
      [['--log-format', 'json', '--check'], /^incydr: --log-format applies to running pipelines, not to --check$/],
      [['--log-format', 'xml'], /^incydr: invalid value "xml" for --log-format: choose from json, text$/],
    ] as const) {
      const result = await fx.runBinary(['forward', '--config', file, ...args]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trim().split('\n')[0]).toMatch(message);
    }
  });

  it('listens on an IPv6 address given in brackets, and says where', async (context) => {
    const loopback6 = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(0, '::1', () => probe.close(() => resolve(true)));
    });
    if (!loopback6) {
      console.log('IPv6 listen test skipped: this machine has no ::1');
      context.skip();
      return;
    }
    const [alpha, beta] = [await receiver(closers), await receiver(closers)];
    const svc = await startService(await writeConfig('six', alpha.port, beta.port, '1m'), '[::1]:0');
    expect(svc.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
    expect(await get(`${svc.url}/healthz`)).toMatchObject({ status: 200, text: 'ok\n' });
    await stop(svc);
  });

  it('exits 1 before any pipeline runs when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => taken.close(() => resolve())));
    const port = (taken.address() as AddressInfo).port;
    const file = await writeConfig('taken', 1, 2, '1m');
    const since = Date.now();
    const result = await fx.runBinary(['forward', '--config', file, '--listen', `127.0.0.1:${port}`], {
      extraEnv: { ALPHA_URL: fx.emu.url, ALPHA_ID: fx.emu.clientId, ALPHA_SECRET: fx.emu.clientSecret },
    });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr.trim().split('\n').at(-1)).toBe(`incydr: cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
    expect(fx.emu.requests().filter((request) => request.at >= since)).toEqual([]);
  });
});
