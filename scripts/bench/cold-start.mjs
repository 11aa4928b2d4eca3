// Benchmark 5: cold start of `incydr --help` and `incydr sessions search --help` against `node -e 0` (the floor),
// each started many times, interleaved: median wall time, the difference to the floor, the 120 ms target.
import { fmt, median, row, verdict } from './format.mjs';
import { cliBin, expectSuccess, runNode } from './process.mjs';

/** Name for BENCH_ONLY. */
export const name = 'cold-start';
/** One line on what it measures. */
export const title = 'cold start: incydr --help, incydr sessions search --help, node -e 0 (floor)';

const TARGET_MS = 120;
const TIMEOUT_MS = 30_000;
const COMMANDS = [
  { label: 'node -e 0 (floor)', args: ['-e', '0'], floor: true },
  { label: 'incydr --help', args: [cliBin, '--help'] },
  { label: 'incydr sessions search --help', args: [cliBin, 'sessions', 'search', '--help'] },
];

/** Run the benchmark; resolves to table rows. Env BENCH_COLD_RUNS: starts per command (default 15). */
export async function run({ log, coldRuns }) {
  const times = new Map(COMMANDS.map((c) => [c, []]));
  // One unmeasured round fills the file system cache.
  for (const c of COMMANDS) expectSuccess(await runNode(c.args, { timeoutMs: TIMEOUT_MS }), c.label);
  for (let i = 0; i < coldRuns; i += 1) {
    for (const c of COMMANDS) {
      const result = expectSuccess(await runNode(c.args, { timeoutMs: TIMEOUT_MS }), c.label);
      times.get(c).push(result.wallMs);
    }
  }
  const floorMs = median(times.get(COMMANDS[0]));
  log(`  ${coldRuns} starts each; floor ${fmt(floorMs, 1)} ms`);
  const rows = [];
  for (const c of COMMANDS) {
    const list = times.get(c);
    const ms = median(list);
    const spread = `${fmt(Math.min(...list))}..${fmt(Math.max(...list))} (n=${list.length})`;
    rows.push(
      row(name, c.label, 'wall time (ms)', fmt(ms, 1), {
        runs: spread,
        target: c.floor ? '' : `<= ${TARGET_MS} ms: ${verdict(ms <= TARGET_MS)}`,
      }),
    );
    if (!c.floor) rows.push(row(name, c.label, 'minus the floor (ms)', fmt(ms - floorMs, 1)));
  }
  return rows;
}
