// The root benchmark suite behind `pnpm bench` (which builds first): runs the benchmarks of scripts/bench/ against
// the built packages and prints one table of medians. Figures only: it asserts nothing and is no test.
// Env: BENCH_RUNS (runs per figure, default 3), BENCH_ONLY=name,name (a subset), BENCH_COLD_RUNS (default 15).
import { cpus, loadavg } from 'node:os';
// The one reader of BENCH_* numbers; it lives in the package so that syslog-out's benchmark needs nothing outside it.
import { positiveInt } from '../packages/syslog-out/bench/env.mjs';
import * as bulkUpdate from './bench/bulk-update.mjs';
import * as coldStart from './bench/cold-start.mjs';
import * as export200k from './bench/export-200k.mjs';
import * as export20k from './bench/export-20k.mjs';
import { fmt, renderTable, row } from './bench/format.mjs';
import { cleanUp } from './bench/process.mjs';
import * as show from './bench/show.mjs';
import * as syslogOut from './bench/syslog-out.mjs';

const BENCHMARKS = [export20k, export200k, bulkUpdate, syslogOut, coldStart, show];

const runs = positiveInt('BENCH_RUNS', 3);
const coldRuns = positiveInt('BENCH_COLD_RUNS', 15);
const only = (process.env.BENCH_ONLY ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter((s) => s !== '');
const unknown = only.filter((n) => !BENCHMARKS.some((b) => b.name === n));
if (unknown.length > 0) {
  console.error(
    `BENCH_ONLY: unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`,
  );
  process.exit(2);
}
const selected = only.length === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => only.includes(b.name));

// Children must not outlive an interrupted suite.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    cleanUp();
    process.exit(130);
  });
}

const load = () =>
  loadavg()
    .map((v) => fmt(v, 2))
    .join(' ');
const cpu = cpus();
const header = `node ${process.version} on ${process.platform}/${process.arch}; CPU: ${cpu[0]?.model.trim() ?? 'unknown'} x ${cpu.length}; ${new Date().toISOString()}; BENCH_RUNS=${runs}`;
const loadBefore = load();
const log = (text) => process.stderr.write(`[bench] ${text}\n`);

const rows = [];
const notes = [];
const failures = [];
try {
  for (const benchmark of selected) {
    log(`${benchmark.name}: ${benchmark.title}`);
    const started = performance.now();
    try {
      rows.push(
        ...(await benchmark.run({ runs, coldRuns, log, note: (text) => notes.push(`${benchmark.name}: ${text}`) })),
      );
    } catch (error) {
      log(`${benchmark.name} failed: ${error.message}`);
      failures.push(benchmark.name);
      rows.push(
        row(benchmark.name, 'did not run', 'error', '-', { target: error.message.split('\n')[0].slice(0, 160) }),
      );
    }
    log(`${benchmark.name}: ${fmt((performance.now() - started) / 1000, 1)} s`);
  }
} finally {
  cleanUp();
}

console.log(header);
console.log(`load average (1/5/15 min): ${loadBefore} at the start, ${load()} at the end`);
console.log(
  `medians of ${runs} run(s) unless stated; MB = 10^6 bytes; peak RSS = the child's process.resourceUsage().maxRSS\n`,
);
console.log(renderTable(rows));
if (notes.length > 0) console.log(`\n${notes.join('\n')}`);
if (failures.length > 0) {
  console.log(`\n${failures.length} benchmark(s) could not run: ${failures.join(', ')}`);
  process.exitCode = 1;
}
