// Benchmark 4: @x/syslog-out throughput, by running the package's own bench/throughput.mjs and carrying the
// figures of its table (records/s over TCP and TLS, with and without confirm, the reference loop) into ours.
import { join } from 'node:path';
import { fmt, row } from './format.mjs';
import { root, runNode } from './process.mjs';

/** Name for BENCH_ONLY. */
export const name = 'syslog-out';
/** One line on what it measures. */
export const title = 'syslog-out throughput (packages/syslog-out/bench/throughput.mjs)';

const SCRIPT = join(root, 'packages', 'syslog-out', 'bench', 'throughput.mjs');
const TIMEOUT_MS = 900_000;
// `TCP       every 5,000      248,942    254.3        274 / 249 / 249   >= 300k rec/s: NOT met`
const RATE_LINE = /^(TCP|TLS)\s+(none|every [\d,]+|reference)\s+([\d,]+)\s+([\d.,]+)\s+(\S+(?: \/ \S+)*)\s{2,}(.*)$/;
// `TCP          3.9 %   met`
const COST_LINE = /^(TCP|TLS)\s+(-?[\d.]+) %\s+(met|NOT met)\s*$/;

/** Run the benchmark; resolves to table rows. */
export async function run({ runs, log }) {
  log(`node ${SCRIPT} (BENCH_RUNS=${runs})`);
  const result = await runNode([SCRIPT], {
    timeoutMs: TIMEOUT_MS,
    env: { ...process.env, BENCH_RUNS: String(runs) },
    stdout: 'keep',
  });
  if (result.code !== 0) {
    const why = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-3).join(' | ');
    throw new Error(`throughput.mjs failed (exit ${result.code ?? result.signal}): ${why}`);
  }
  const rows = [];
  for (const line of result.stdout.split('\n')) {
    const rate = RATE_LINE.exec(line);
    if (rate !== null) {
      const [, protocol, confirm, recordsPerSecond, , runsText, target] = rate;
      const scenario =
        confirm === 'reference' ? `${protocol}, hand-written loop (reference)` : `${protocol}, confirm ${confirm}`;
      rows.push(
        row(name, scenario, 'records/s', recordsPerSecond, {
          runs: `${runsText} k`,
          target: confirm === 'reference' ? 'the ceiling on this machine' : target.trim(),
        }),
      );
      continue;
    }
    const cost = COST_LINE.exec(line);
    if (cost !== null) {
      rows.push(
        row(name, `${cost[1]}, confirm every 5,000`, 'confirm cost (% of rate)', fmt(Number(cost[2]), 1), {
          target: `<= 25 %: ${cost[3]}`,
        }),
      );
    }
  }
  if (rows.length === 0) throw new Error(`no figures found in the output of throughput.mjs:\n${result.stdout}`);
  return rows;
}
