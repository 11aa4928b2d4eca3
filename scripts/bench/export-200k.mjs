// Benchmark 2: export of 200,000 sessions to JSON Lines (no latency): sessions/s and the CLI's peak RSS, which
// must stay flat however many sessions stream through.
import { startEmulator } from './emulator.mjs';
import { exportOnce } from './export-run.mjs';
import { fmt, kibToMb, median, row, verdict } from './format.mjs';

/** Name for BENCH_ONLY. */
export const name = 'export-200k';
/** One line on what it measures. */
export const title = 'export of 200,000 sessions (json-lines), 0 ms latency, default concurrency';

const SESSIONS = 200_000;
const RSS_TARGET_MB = 150;
const TIMEOUT_MS = 600_000;

/** Run the benchmark; resolves to table rows. */
export async function run({ runs, log }) {
  log(`emulator with ${fmt(SESSIONS)} sessions, --latency-ms 0`);
  const emulator = await startEmulator({ sessions: SESSIONS, latencyMs: 0 });
  const results = [];
  try {
    for (let i = 0; i < runs; i += 1) {
      const result = await exportOnce(emulator, { timeoutMs: TIMEOUT_MS });
      log(
        `  ${fmt(result.sessions)} sessions in ${fmt(result.seconds, 2)} s, peak RSS ${result.maxRssKiB === undefined ? 'n/a' : `${fmt(kibToMb(result.maxRssKiB), 1)} MB`}`,
      );
      results.push(result);
    }
  } finally {
    await emulator.stop();
  }
  const rss = results.map((r) => r.maxRssKiB).filter((v) => v !== undefined);
  const rssMb = rss.length > 0 ? kibToMb(median(rss)) : undefined;
  const counts = [...new Set(results.map((r) => r.sessions))];
  return [
    row(name, '0 ms latency, default (4)', 'sessions/s', fmt(median(results.map((r) => r.sessionsPerSecond))), {
      runs: results.map((r) => fmt(r.sessionsPerSecond)).join(' / '),
    }),
    row(name, '0 ms latency, default (4)', 'CLI peak RSS (MB)', rssMb === undefined ? 'n/a' : fmt(rssMb, 1), {
      runs: rss.map((v) => fmt(kibToMb(v), 1)).join(' / '),
      target: rssMb === undefined ? '' : `<= ${RSS_TARGET_MB} MB: ${verdict(rssMb <= RSS_TARGET_MB)}`,
    }),
    row(name, `${fmt(SESSIONS)} in the emulator`, 'sessions exported per run', counts.map((n) => fmt(n)).join(', ')),
  ];
}
