// Benchmark: a real command's start-up, `incydr sessions show ID -f json-lines` against the emulator at 0 ms
// latency, started many times interleaved with `node -e 0` (the floor): median wall time, the difference to the
// floor, and the CLI's own CPU time.
import { startEmulator } from './emulator.mjs';
import { EXPORT_ARGS } from './export-run.mjs';
import { fmt, median, row, verdict } from './format.mjs';
import { cliBin, cliEnv, expectSuccess, runNode } from './process.mjs';

/** Name for BENCH_ONLY. */
export const name = 'show';
/** One line on what it measures. */
export const title =
  'start-up of a real command: incydr sessions show ID -f json-lines, 0 ms latency, node -e 0 (floor)';

const SESSIONS = 1_000;
const TARGET_MS = 150;
const TIMEOUT_MS = 60_000;

/** Run the benchmark; resolves to table rows. Env BENCH_COLD_RUNS: starts per command (default 15). */
export async function run({ log, coldRuns }) {
  log(`emulator with ${fmt(SESSIONS)} sessions, --latency-ms 0`);
  const emulator = await startEmulator({ sessions: SESSIONS, latencyMs: 0 });
  const floor = [];
  const show = [];
  try {
    const env = cliEnv(emulator.env);
    const listed = expectSuccess(
      await runNode([cliBin, ...EXPORT_ARGS], { timeoutMs: TIMEOUT_MS, env, stdout: 'keep' }),
      'the search for an id',
    );
    const sessionId = JSON.parse(listed.stdout.slice(0, listed.stdout.indexOf('\n'))).sessionId;
    const args = [cliBin, 'sessions', 'show', sessionId, '-f', 'json-lines'];
    // One unmeasured round fills the file system cache and warms the emulator.
    expectSuccess(await runNode(['-e', '0'], { timeoutMs: TIMEOUT_MS }), 'node -e 0');
    expectSuccess(await runNode(args, { timeoutMs: TIMEOUT_MS, env, stdout: 'count' }), 'sessions show');
    for (let i = 0; i < coldRuns; i += 1) {
      floor.push(expectSuccess(await runNode(['-e', '0'], { timeoutMs: TIMEOUT_MS }), 'node -e 0').wallMs);
      const result = expectSuccess(
        await runNode(args, { timeoutMs: TIMEOUT_MS, env, stdout: 'count', rss: true }),
        'sessions show',
      );
      if (result.lines !== 1) throw new Error(`sessions show printed ${result.lines} lines, expected 1`);
      show.push(result);
    }
  } finally {
    await emulator.stop();
  }
  const spread = (list) => `${fmt(Math.min(...list))}..${fmt(Math.max(...list))} (n=${list.length})`;
  const floorMs = median(floor);
  const walls = show.map((r) => r.wallMs);
  const cpus = show.map((r) => r.cpuMs).filter((v) => v !== undefined);
  const wallMs = median(walls);
  log(`  ${coldRuns} starts each; floor ${fmt(floorMs, 1)} ms, show ${fmt(wallMs, 1)} ms`);
  return [
    row(name, 'node -e 0 (floor)', 'wall time (ms)', fmt(floorMs, 1), { runs: spread(floor) }),
    row(name, 'sessions show ID -f json-lines', 'wall time (ms)', fmt(wallMs, 1), {
      runs: spread(walls),
      target: `<= ${TARGET_MS} ms: ${verdict(wallMs <= TARGET_MS)}`,
    }),
    row(name, 'sessions show ID -f json-lines', 'minus the floor (ms)', fmt(wallMs - floorMs, 1)),
    row(name, 'sessions show ID -f json-lines', 'CLI CPU time (ms)', cpus.length > 0 ? fmt(median(cpus), 1) : 'n/a', {
      runs: cpus.length > 0 ? spread(cpus) : '',
    }),
  ];
}
