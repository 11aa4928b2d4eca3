// Benchmark 1: export of about 20,000 sessions to JSON Lines at 0 and 20 ms emulator latency, with
// `--concurrency 1` and the default (4): sessions/s, the CLI's own CPU time per session, its peak RSS, and the
// speed-up of the default. At 0 ms also the floor: the CPU a bare Node script needs for the same export.
import { fileURLToPath } from 'node:url';
import { startEmulator } from './emulator.mjs';
import { exportOnce } from './export-run.mjs';
import { fmt, kibToMb, median, row, verdict } from './format.mjs';
import { cliEnv, expectSuccess, runNode } from './process.mjs';

/** Name for BENCH_ONLY. */
export const name = 'export-20k';
/** One line on what it measures. */
export const title = 'export of 20,000 sessions (json-lines), 0 and 20 ms latency, --concurrency 1 vs default';

// The emulator's sessions all begin within the 30 days before its clock, so `--any-alerts --start 60d` returns
// every one of them: 20,000 generated, 20,000 exported.
const SESSIONS = 20_000;
const LATENCIES_MS = [0, 20];
const SPEED_UP_TARGET = 3;
const CPU_TARGET_US = 40;
const TIMEOUT_MS = 180_000;
const CASES = [
  { label: '--concurrency 1', concurrency: 1 },
  { label: 'default (4)', concurrency: undefined },
];
const FLOOR_SCRIPT = fileURLToPath(new URL('./export-floor.mjs', import.meta.url));

/** The bare Node script's CPU time per session (µs), start-up included, as the CLI's is counted. */
async function floorOnce(emulator) {
  const result = expectSuccess(
    await runNode([FLOOR_SCRIPT], { timeoutMs: TIMEOUT_MS, env: cliEnv(emulator.env), stdout: 'count', rss: true }),
    'the bare export script',
  );
  return { sessions: result.lines, cpuUsPerSession: (result.cpuMs * 1000) / result.lines };
}

/** Run the benchmark; resolves to table rows. */
export async function run({ runs, log }) {
  const rows = [];
  const counts = new Set();
  for (const latencyMs of LATENCIES_MS) {
    log(`emulator with ${fmt(SESSIONS)} sessions, --latency-ms ${latencyMs}`);
    const emulator = await startEmulator({ sessions: SESSIONS, latencyMs });
    const results = new Map(CASES.map((c) => [c, []]));
    const floors = [];
    try {
      // One unmeasured export warms up the emulator (JIT, data indexes) before the measured ones.
      await exportOnce(emulator, { timeoutMs: TIMEOUT_MS });
      for (let i = 0; i < runs; i += 1) {
        // Interleaved, so a noisy moment on this machine hits both cases alike.
        for (const c of CASES) {
          const result = await exportOnce(emulator, { concurrency: c.concurrency, timeoutMs: TIMEOUT_MS });
          log(`  ${latencyMs} ms, ${c.label}: ${fmt(result.sessions)} sessions in ${fmt(result.seconds, 2)} s`);
          counts.add(result.sessions);
          results.get(c).push(result);
        }
        if (latencyMs === 0) {
          const floor = await floorOnce(emulator);
          if (floor.sessions !== SESSIONS) throw new Error(`the bare export script wrote ${floor.sessions} sessions`);
          floors.push(floor.cpuUsPerSession);
        }
      }
    } finally {
      await emulator.stop();
    }
    const rates = new Map();
    for (const c of CASES) {
      const list = results.get(c);
      const rate = median(list.map((r) => r.sessionsPerSecond));
      rates.set(c, rate);
      const scenario = `${latencyMs} ms latency, ${c.label}`;
      rows.push(
        row(name, scenario, 'sessions/s', fmt(rate), { runs: list.map((r) => fmt(r.sessionsPerSecond)).join(' / ') }),
      );
      const cpu = list.map((r) => r.cpuUsPerSession).filter((v) => v !== undefined);
      const cpuUs = cpu.length > 0 ? median(cpu) : undefined;
      rows.push(
        row(name, scenario, 'CLI CPU per session (µs)', cpuUs === undefined ? 'n/a' : fmt(cpuUs, 1), {
          runs: cpu.map((v) => fmt(v, 1)).join(' / '),
          target:
            latencyMs === 0 && c.concurrency === undefined && cpuUs !== undefined
              ? `<= ${CPU_TARGET_US} µs: ${verdict(cpuUs <= CPU_TARGET_US)}`
              : '',
        }),
      );
      const rss = list.map((r) => r.maxRssKiB).filter((v) => v !== undefined);
      rows.push(
        row(name, scenario, 'CLI peak RSS (MB)', rss.length > 0 ? fmt(kibToMb(median(rss)), 1) : 'n/a', {
          runs: rss.map((v) => fmt(kibToMb(v), 1)).join(' / '),
        }),
      );
    }
    if (floors.length > 0) {
      rows.push(
        row(name, `${latencyMs} ms latency, bare Node script (floor)`, 'CPU per session (µs)', fmt(median(floors), 1), {
          runs: floors.map((v) => fmt(v, 1)).join(' / '),
        }),
      );
    }
    const speedUp = rates.get(CASES[1]) / rates.get(CASES[0]);
    rows.push(
      row(name, `${latencyMs} ms latency`, 'speed-up default vs --concurrency 1', `${fmt(speedUp, 2)}x`, {
        target:
          latencyMs === 20 ? `>= ${SPEED_UP_TARGET}x: ${verdict(speedUp >= SPEED_UP_TARGET)}` : '(target is for 20 ms)',
      }),
    );
  }
  rows.push(
    row(
      name,
      `${fmt(SESSIONS)} in the emulator`,
      'sessions exported per run',
      [...counts].map((n) => fmt(n)).join(', '),
    ),
  );
  return rows;
}
