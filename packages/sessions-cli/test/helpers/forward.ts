// What the tests of `incydr forward` share: two tenants, receivers and services that the test's closers stop, what a
// tenant's sessions looked like, what a pipeline must deliver since, and the session ids of the records a receiver got.
import type { ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Emulator, SessionDump } from '@x/sessions-emulator';
import { startLiveReceiver, type LiveReceiver } from './receivers.js';
import { startFixture, type Fixture, type RunResult } from './run.js';
import { expectedSearch, type Criteria } from './sessions.js';

/** What `afterEach` runs and empties: the receivers and services a test started. */
export type Closers = Array<() => Promise<void>>;

/** Two tenants: A is the fixture's emulator, B a second one with its own API client. */
export interface Tenants {
  fx: Fixture;
  tenantB: Emulator;
  close(): Promise<void>;
}

/** How big a tenant is, and its API client (the fixture's default client when none is named). */
interface TenantOptions {
  sessions: number;
  seed: number;
  clientId?: string;
  clientSecret?: string;
}

/**
 * Start tenant A (the fixture) and tenant B (a second emulator with control routes), both clocks at now (a
 * checkpoint's window is counted back from the wall clock). In the fixture's home, A's secret is in
 * `alpha-secret.txt` and B is the profile `beta`. Call from `beforeAll` with BUILD_TIMEOUT_MS.
 */
export async function startTenants(a: TenantOptions, b: TenantOptions & { clientSecret: string }): Promise<Tenants> {
  const fx = await startFixture({ ...a, now: Date.now() });
  const { startEmulator } = await import('@x/sessions-emulator');
  const tenantB = await startEmulator({
    host: '127.0.0.1',
    port: 0,
    clientId: 'beta-client',
    ...b,
    now: Date.now(),
    control: true,
  });
  await writeFile(join(fx.home, 'alpha-secret.txt'), `${fx.emu.clientSecret}\n`);
  await mkdir(join(fx.home, '.config', 'incydr', 'profiles'), { recursive: true });
  await writeFile(
    join(fx.home, '.config', 'incydr', 'profiles', 'beta.env'),
    `INCYDR_URL=${tenantB.url}\nINCYDR_API_CLIENT_ID=${tenantB.clientId}\nINCYDR_API_CLIENT_SECRET=${b.clientSecret}\n`,
  );
  return {
    fx,
    tenantB,
    async close() {
      await tenantB.close();
      await fx.close();
    },
  };
}

/** A syslog receiver on loopback that the test's closers close. */
export async function receiver(closers: Closers): Promise<LiveReceiver> {
  const rx = await startLiveReceiver();
  closers.push(() => rx.close());
  return rx;
}

/**
 * `incydr forward ARGS` from the built binary: each line of its stderr goes to `onLine` as it comes, and the test's
 * closers kill it (SIGKILL) if it still runs.
 */
export function spawnForward(
  fx: Fixture,
  args: readonly string[],
  extraEnv: Record<string, string>,
  closers: Closers,
  onLine: (line: string) => void,
): { child: ChildProcess; result: Promise<RunResult> } {
  let child: ChildProcess | undefined;
  let rest = '';
  const result = fx.runBinary(['forward', ...args], {
    extraEnv,
    timeoutMs: 180_000,
    onSpawn: (started) => {
      child = started;
      started.stderr?.on('data', (chunk: Buffer) => {
        const parts = (rest + chunk.toString('utf8')).split('\n');
        rest = parts.pop() ?? '';
        for (const part of parts) onLine(part);
      });
    },
  });
  const running = child as unknown as ChildProcess;
  closers.push(async () => {
    if (running.exitCode === null && running.signalCode === null) running.kill('SIGKILL');
    await result.catch(() => undefined);
  });
  return { child: running, result };
}

const DAY_MS = 86_400_000;

/** Every session of the emulator as JSON, by id: what it looked like at this moment. */
export function snapshot(emu: Emulator): Map<string, string> {
  return new Map(
    emu.state().sessions.map((dump: SessionDump) => [dump.session.sessionId, JSON.stringify(dump.session)]),
  );
}

/** The ids a pipeline must deliver (lookback 60d): what its search selects now and differs from `before`. */
export function changedSince(emu: Emulator, criteria: Criteria, before: Map<string, string>): string[] {
  const after = snapshot(emu);
  const window = expectedSearch(emu, { ...criteria, onOrAfter: Date.now() - 60 * DAY_MS });
  return window.map((s) => s.sessionId).filter((id) => before.get(id) !== after.get(id));
}

/** The session id of each raw JSON record. */
export function idsOf(records: readonly string[]): string[] {
  return records.map((record) => (JSON.parse(record) as { sessionId: string }).sessionId);
}

/** The values in sort order. */
export function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}
