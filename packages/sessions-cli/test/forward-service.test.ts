// `incydr forward --config FILE` as a service (issue #19, second increment), on the built binary: two pipelines
// against two emulators (two API clients) and two receivers on loopback. Each run of a pipeline delivers exactly its
// new and changed sessions; one whose receiver is down backs off while the other keeps its pace, and catches up;
// SIGTERM stops in the bound with the checkpoint holding what the receiver holds; SIGKILL loses nothing; SIGHUP
// reloads the file or keeps the running pipelines when it is broken; a run longer than the interval is never doubled.
import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Emulator } from '@x/sessions-emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkpointFiles, checkpointsRoot } from '../src/checkpoint/paths.js';
import {
  changedSince,
  idsOf,
  receiver,
  snapshot,
  sorted,
  spawnForward,
  startTenants,
  type Closers,
  type Tenants,
} from './helpers/forward.js';
import type { LiveReceiver } from './helpers/receivers.js';
import { BUILD_TIMEOUT_MS, waitFor, type Fixture, type RunResult } from './helpers/run.js';
import type { Criteria } from './helpers/sessions.js';

let fx: Fixture;
let tenantB: Emulator;
let tenants: Tenants | undefined;
const closers: Closers = [];

const SECRET_A = 'alpha-secret-7f3a9c';
const SECRET_B = 'beta-secret-51d0e2';
const HOUR_MS = 3_600_000;
const ALPHA: Criteria = { hasAlerts: null };
const BETA: Criteria = { hasAlerts: true };

beforeAll(async () => {
  tenants = await startTenants(
    { sessions: 160, seed: 11, clientId: 'alpha-client', clientSecret: SECRET_A },
    { sessions: 120, seed: 23, clientSecret: SECRET_B },
  );
  ({ fx, tenantB } = tenants);
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await tenants?.close();
});

afterEach(async () => {
  fx.emu.setFaults({ latencyMs: 0 });
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A pipeline of the config: alpha (every session of tenant A) or beta (tenant B's sessions with alerts). */
function pipelineText(which: 'alpha' | 'beta', prefix: string, port: number, interval: string): string {
  return which === 'alpha'
    ? `  - name: ${prefix}-alpha
    connection:
      url: {env: ALPHA_URL}
      client-id: {env: ALPHA_ID}
      client-secret: {file: alpha-secret.txt}
    search: {any-alerts: true}
    checkpoint: {lookback: 60d}
    output: {target: 'TCP:127.0.0.1:${port}', framing: lf}
    interval: ${interval}
`
    : `  - name: ${prefix}-beta
    profile: beta
    checkpoint: {lookback: 60d}
    output: {target: 'TCP:127.0.0.1:${port}'}
    interval: ${interval}
`;
}

async function writeConfig(name: string, ...pipelines: string[]): Promise<string> {
  const file = join(fx.home, name);
  await writeFile(file, `version: 1\npipelines:\n${pipelines.join('')}`);
  return file;
}

/** A service started from the binary: its stderr lines as they come, signals, and how it ended. */
interface Service {
  lines: string[];
  child: ChildProcess;
  result: Promise<RunResult>;
  /** The index of the first line from `from` on that matches, once there is one. */
  line(pattern: RegExp, from?: number, quietMs?: number): Promise<number>;
}

function startService(file: string, options: readonly string[] = []): Service {
  const lines: string[] = [];
  // The lines as people read them (the service's default is JSON lines: forward-ops.test.ts).
  const { child: running, result } = spawnForward(
    fx,
    ['--config', file, '--log-format', 'text', ...options],
    { ALPHA_URL: fx.emu.url, ALPHA_ID: fx.emu.clientId },
    closers,
    (line) => lines.push(line),
  );
  return {
    lines,
    child: running,
    result,
    async line(pattern, from = 0, quietMs = 30_000) {
      const find = (): number => lines.findIndex((text, index) => index >= from && pattern.test(text));
      try {
        await waitFor(() => find() !== -1, `a line matching ${pattern}`, quietMs);
      } catch (error) {
        const state = `exit ${running.exitCode}, signal ${running.signalCode}`;
        throw new Error(`${(error as Error).message} (${state}); stderr:\n${lines.join('\n')}`, { cause: error });
      }
      return find();
    },
  };
}

/** A summary line of the pipeline's run, with what it delivered. */
function summaryOf(name: string): RegExp {
  return new RegExp(`^${name}: checkpoint "[^"]+": .*delivered (\\d+); entries`);
}

function delivered(line: string | undefined): number {
  return Number(/delivered (\d+);/.exec(line ?? '')?.[1] ?? NaN);
}

/**
 * Run after run of one pipeline: what it delivers since `before` is exactly what changed (each session once, none
 * missing, nothing else even one run later); then its tenant moves on by `stepMs`. Gives the last snapshot.
 */
async function deliversEachRound(
  svc: Service,
  name: string,
  emu: Emulator,
  criteria: Criteria,
  rx: LiveReceiver,
  rounds: number,
  stepMs: number,
  start: { before: Map<string, string>; seen: number } = { before: new Map(), seen: 0 },
): Promise<void> {
  let { before, seen } = start;
  let from = 0;
  for (let round = 1; round <= rounds; round += 1) {
    const expected = changedSince(emu, criteria, before);
    expect(expected.length, `${name} round ${round}: something to send`).toBeGreaterThan(0);
    const want = sorted(expected);
    await waitFor(
      () => new Set(idsOf(rx.records.slice(seen))).size >= want.length,
      `${name} round ${round}: ${want.length} sessions`,
      30_000,
    );
    // The run that sent them may still be ending: two more summaries make sure that a later run sent nothing more.
    const ended = await svc.line(summaryOf(name), Math.max(from, svc.lines.length));
    from = (await svc.line(summaryOf(name), ended + 1)) + 1;
    const got = idsOf(rx.records.slice(seen));
    expect(sorted(got), `${name} round ${round}`).toEqual(want);
    before = snapshot(emu);
    seen = rx.records.length;
    emu.advance(stepMs);
  }
}

async function stop(svc: Service): Promise<RunResult> {
  svc.child.kill('SIGTERM');
  const result = await svc.result;
  expect(result.code, result.stderr).toBe(0);
  expect(svc.lines.at(-1)).toBe('incydr: stopped; every pipeline saved what it delivered');
  return result;
}

describe('forward as a service', () => {
  it('delivers exactly the new and changed sessions of each pipeline, run after run, on its own interval', async () => {
    const [alpha, beta] = [await receiver(closers), await receiver(closers)];
    const file = await writeConfig(
      'service.yml',
      pipelineText('alpha', 'sv', alpha.port, '2s'),
      pipelineText('beta', 'sv', beta.port, '3s'),
    );
    const svc = startService(file);
    await svc.line(/^incydr: forwarding 2 pipelines from .*service\.yml \(SIGTERM or Ctrl-C stops them/);
    await Promise.all([
      deliversEachRound(svc, 'sv-alpha', fx.emu, ALPHA, alpha, 3, 3 * HOUR_MS),
      deliversEachRound(svc, 'sv-beta', tenantB, BETA, beta, 3, 5 * HOUR_MS),
    ]);
    await stop(svc);
    // Runs one after another: a checkpoint was never found in use by a run of its own pipeline.
    expect(svc.lines.filter((line) => / in use by /.test(line))).toEqual([]);
  });

  it('backs off the pipeline whose receiver is down while the other keeps delivering; then catches up', async () => {
    const [alpha, beta] = [await receiver(closers), await receiver(closers)];
    const file = await writeConfig(
      'down.yml',
      pipelineText('alpha', 'dn', alpha.port, '1s'),
      pipelineText('beta', 'dn', beta.port, '2s'),
    );
    const svc = startService(file);
    const first = await svc.line(summaryOf('dn-beta'));
    const betaBefore = snapshot(tenantB);
    await beta.crash();
    tenantB.advance(2 * HOUR_MS);
    const failed = await svc.line(/^dn-beta: syslog output failed: /, first);
    const backoff = await svc.line(/^dn-beta: next attempt in \d\.\d s \(first failure\)$/, failed);
    // While beta fails, alpha goes on at its pace, delivering exactly what changed each time.
    const alphaRuns = svc.lines.slice(first).filter((line) => summaryOf('dn-alpha').test(line)).length;
    const start = { before: snapshot(fx.emu), seen: alpha.records.length };
    fx.emu.advance(2 * HOUR_MS);
    await deliversEachRound(svc, 'dn-alpha', fx.emu, ALPHA, alpha, 2, 2 * HOUR_MS, start);
    await svc.line(/^dn-beta: next attempt in \d\.\d s \(2 failures in a row\)$/, backoff);
    expect(svc.lines.slice(first).filter((line) => summaryOf('dn-alpha').test(line)).length).toBeGreaterThan(
      alphaRuns + 1,
    );
    const seenBeta = beta.records.length;
    await beta.restart();
    const expected = changedSince(tenantB, BETA, betaBefore);
    const back = await svc.line(summaryOf('dn-beta'), backoff);
    expect(delivered(svc.lines[back])).toBe(expected.length);
    const caughtUp = idsOf(beta.records.slice(seenBeta));
    expect(sorted(new Set(caughtUp))).toEqual(sorted(expected));
    // A record sent but not confirmed when the receiver went away is sent again: at most one batch.
    expect(caughtUp.length - new Set(caughtUp).size).toBeLessThanOrEqual(expected.length);
    await stop(svc);
  });

  it('SIGTERM during a batch, then SIGHUP while it stops: exit 0, the checkpoint holding exactly what the receiver got', async () => {
    const [alpha, beta] = [await receiver(closers), await receiver(closers)];
    const file = await writeConfig(
      'term.yml',
      pipelineText('alpha', 'term', alpha.port, '1m'),
      pipelineText('beta', 'term', beta.port, '1m'),
    );
    const window = changedSince(fx.emu, ALPHA, new Map());
    // Slow pages keep alpha's first run going when the signal comes.
    fx.emu.setFaults({ latencyMs: 100 });
    const svc = startService(file);
    await waitFor(() => alpha.records.length >= 50, '50 records at alpha', 30_000);
    svc.child.kill('SIGTERM');
    // A reload asked for while the pipelines stop (systemd's ExecReload) must not end the process by Node's default.
    await svc.line(/^incydr: SIGTERM, stopping after the current record$/);
    svc.child.kill('SIGHUP');
    const result = await svc.result;
    expect(result.code, result.stderr).toBe(0);
    expect(svc.lines.some((line) => line.startsWith('incydr: reloaded'))).toBe(false);
    expect(svc.lines).toContainEqual(expect.stringMatching(/^term-alpha: checkpoint "term-alpha" \(interrupted\)/));
    expect(svc.lines.at(-1)).toBe('incydr: stopped; every pipeline saved what it delivered');
    expect(alpha.records.length).toBeLessThan(window.length);
    const store = JSON.parse(
      await readFile(checkpointFiles(checkpointsRoot(fx.home), 'alpha-client', 'term-alpha').store, 'utf8'),
    ) as { sessions: Record<string, unknown> };
    expect(sorted(Object.keys(store.sessions))).toEqual(sorted(new Set(idsOf(alpha.records))));
  });

  it('SIGKILL at random points, then a restart: nothing is missed, each kill resends at most one batch', async () => {
    const [alpha, beta] = [await receiver(closers), await receiver(closers)];
    const file = await writeConfig(
      'kill.yml',
      pipelineText('alpha', 'kill', alpha.port, '1s'),
      pipelineText('beta', 'kill', beta.port, '1s'),
    );
    fx.emu.setFaults({ latencyMs: 20 });
    const kills = 4;
    for (let kill = 0; kill < kills; kill += 1) {
      const svc = startService(file);
      // Somewhere between the start and a few runs in: a random number of lines or records.
      const lineTarget = 1 + Math.floor(Math.random() * 5);
      const recordTarget = alpha.records.length + beta.records.length + Math.floor(Math.random() * 200);
      await waitFor(
        () => svc.lines.length > lineTarget || alpha.records.length + beta.records.length >= recordTarget,
        `kill ${kill}: a random point`,
        30_000,
      );
      svc.child.kill('SIGKILL');
      expect((await svc.result).signal).toBe('SIGKILL');
      fx.emu.advance(HOUR_MS);
      tenantB.advance(HOUR_MS);
    }
    fx.emu.setFaults({ latencyMs: 0 });
    const svc = startService(file);
    // Two runs of each after the restart: the second finds nothing new, so every current session was delivered.
    for (const name of ['kill-alpha', 'kill-beta']) {
      const first = await svc.line(summaryOf(name));
      const second = await svc.line(summaryOf(name), first + 1);
      expect(svc.lines[second]).toMatch(/new 0, changed 0, .*delivered 0;/);
    }
    await stop(svc);
    for (const [rx, emu, criteria] of [
      [alpha, fx.emu, ALPHA],
      [beta, tenantB, BETA],
    ] as const) {
      const window = changedSince(emu, criteria, new Map());
      const got = new Set(idsOf(rx.records));
      expect(window.filter((id) => !got.has(id))).toEqual([]);
      // One run's records are one batch here (fewer than --confirm-every's 5 000): a kill resends at most those.
      const duplicates = rx.records.length - new Set(rx.records).size;
      expect(duplicates).toBeLessThanOrEqual(kills * window.length);
    }
  });

  it('SIGHUP adds and removes pipelines; with a broken file the running ones go on and its problems are said', async () => {
    const [alpha, beta] = [await receiver(closers), await receiver(closers)];
    const alphaOnly = pipelineText('alpha', 'hup', alpha.port, '1s');
    const file = await writeConfig('hup.yml', alphaOnly);
    const svc = startService(file);
    await svc.line(summaryOf('hup-alpha'));
    expect(beta.records).toEqual([]);

    await writeConfig('hup.yml', alphaOnly, pipelineText('beta', 'hup', beta.port, '1s'));
    svc.child.kill('SIGHUP');
    const added = await svc.line(
      /^incydr: reloaded .*hup\.yml: 1 added \(hup-beta\), 0 removed, 0 changed, 1 unchanged$/,
    );
    const expectedBeta = changedSince(tenantB, BETA, new Map());
    const betaRun = await svc.line(summaryOf('hup-beta'), added);
    expect(delivered(svc.lines[betaRun])).toBe(expectedBeta.length);
    expect(sorted(idsOf(beta.records))).toEqual(sorted(expectedBeta));

    const brokenText = alphaOnly.replace('interval: 1s', 'interval: soon').replace('framing: lf', 'framing: crlf');
    await writeConfig('hup.yml', brokenText, pipelineText('beta', 'hup', beta.port, '1s'));
    const crlfColumn = (brokenText.split('\n')[7] ?? '').indexOf('crlf') + 1;
    svc.child.kill('SIGHUP');
    const broken = await svc.line(
      /^incydr: reload failed, the running pipelines go on unchanged: .*hup\.yml: 2 problems$/,
    );
    // The lines of the problems may come in a later read of the pipe than the line before them.
    await svc.line(/: pipelines\[0\]\.interval: /, broken);
    expect(svc.lines.slice(broken + 1, broken + 3)).toEqual([
      `${file}:10:${crlfColumn}: pipelines[0].output.framing: invalid value "crlf" for framing: choose from lf, octet-counting`,
      `${file}:11:15: pipelines[0].interval: expected a duration from 1s to 1d, such as 30s, 5m or 1h, not "soon"`,
    ]);
    await svc.line(summaryOf('hup-alpha'), broken);
    await svc.line(summaryOf('hup-beta'), broken);

    await writeConfig('hup.yml', alphaOnly);
    svc.child.kill('SIGHUP');
    const removed = await svc.line(
      /^incydr: reloaded .*: 0 added, 1 removed \(hup-beta\), 0 changed, 1 unchanged$/,
      broken,
    );
    const next = await svc.line(summaryOf('hup-alpha'), removed);
    await svc.line(summaryOf('hup-alpha'), next + 1);
    // A removed pipeline ends the run it was in, and starts no other.
    expect(svc.lines.slice(removed).filter((line) => line.startsWith('hup-beta: ')).length).toBeLessThanOrEqual(1);
    await stop(svc);
  });

  it('never starts a run of a pipeline while its previous one is going, however long that takes', async () => {
    const alpha = await receiver(closers);
    const file = await writeConfig('slow.yml', pipelineText('alpha', 'slow', alpha.port, '1s'));
    // Each request takes longer than the interval.
    fx.emu.setFaults({ latencyMs: 1_200 });
    const svc = startService(file);
    const first = await svc.line(summaryOf('slow-alpha'), 0, 60_000);
    const second = await svc.line(summaryOf('slow-alpha'), first + 1, 60_000);
    const third = await svc.line(summaryOf('slow-alpha'), second + 1, 60_000);
    for (const index of [first, second, third]) {
      expect(Number(/; (\d+\.\d) s$/.exec(svc.lines[index] ?? '')?.[1])).toBeGreaterThan(1);
    }
    // Two runs side by side would meet at the checkpoint's lock; none failed.
    expect(svc.lines.filter((line) => / in use by |next attempt/.test(line))).toEqual([]);
    await stop(svc);
  });

  it('shares one request budget among the pipelines of one API client', async () => {
    const [one, two] = [await receiver(closers), await receiver(closers)];
    const file = await writeConfig(
      'budget.yml',
      pipelineText('alpha', 'one', one.port, '1s'),
      pipelineText('alpha', 'two', two.port, '1s'),
    );
    const since = Date.now();
    const requests = (): number => fx.emu.requests().filter((request) => request.at >= since).length;
    const svc = startService(file, ['--max-requests-per-minute', '3']);
    await waitFor(() => requests() >= 3, '3 requests', 30_000);
    // Each pipeline on a budget of its own would make 3 requests in the first minute: 6 in all.
    await expect(waitFor(() => requests() > 3, 'a fourth request', 2_000)).rejects.toThrow(/timed out/);
    expect(requests()).toBe(3);
    await stop(svc);
  });
});
