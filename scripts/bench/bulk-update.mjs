// Benchmark 3: `incydr sessions bulk-update-state FILE` of 5,000 rows over 3 states at 20 ms emulator latency,
// without notes and with a note on every row: API requests made (from the emulator's request log) and wall time.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from './emulator.mjs';
import { EXPORT_ARGS } from './export-run.mjs';
import { fmt, median, row } from './format.mjs';
import { cliBin, cliEnv, expectSuccess, runNode, scratchDir } from './process.mjs';

/** Name for BENCH_ONLY. */
export const name = 'bulk-update';
/** One line on what it measures. */
export const title = 'bulk-update-state of 5,000 rows over 3 states, 20 ms latency, without and with notes';

const ROWS = 5_000;
const SESSIONS = 6_000;
const LATENCY_MS = 20;
const STATES = ['CLOSED_TP', 'CLOSED_FP', 'IN_PROGRESS'];
const TIMEOUT_MS = 600_000;

/** The CSV input: existing session ids, states in turn, and optionally a note per row. */
function writeInput(ids, withNotes) {
  const lines = [withNotes ? 'session_id,state,note' : 'session_id,state'];
  ids.forEach((id, i) => {
    const state = STATES[i % STATES.length];
    lines.push(withNotes ? `${id},${state},Benchmark note for row ${i + 1}` : `${id},${state}`);
  });
  const file = join(scratchDir(), withNotes ? 'bulk-with-notes.csv' : 'bulk-without-notes.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Requests of the log grouped by what they did, e.g. `1 oauth + 51 change-state`. */
function requestMix(requests) {
  const kinds = new Map();
  for (const r of requests) {
    const kind = r.path.endsWith('/add-note')
      ? 'add-note'
      : r.path.split('/').at(-1) + (r.status >= 400 ? ` (${r.status})` : '');
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  return [...kinds].map(([kind, count]) => `${fmt(count)} ${kind}`).join(' + ');
}

/** Run the benchmark; resolves to table rows (the request mix goes to the notes under the table). */
export async function run({ runs, log, note }) {
  log(`emulator with ${fmt(SESSIONS)} sessions, --latency-ms ${LATENCY_MS} --control`);
  const emulator = await startEmulator({ sessions: SESSIONS, latencyMs: LATENCY_MS, control: true });
  const rows = [];
  try {
    // The ids must exist in the emulator: take them from an export, as a user would.
    const exported = expectSuccess(
      await runNode([cliBin, ...EXPORT_ARGS], { timeoutMs: TIMEOUT_MS, env: cliEnv(emulator.env), stdout: 'keep' }),
      'fetching the session ids',
    );
    const ids = exported.stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line).sessionId)
      .slice(0, ROWS);
    if (ids.length < ROWS) throw new Error(`only ${ids.length} sessions to update, ${ROWS} wanted`);

    for (const withNotes of [false, true]) {
      const file = writeInput(ids, withNotes);
      const scenario = `${fmt(ROWS)} rows, ${STATES.length} states, ${withNotes ? 'a note per row' : 'no notes'}`;
      const results = [];
      for (let i = 0; i < runs; i += 1) {
        // Reset: the same sessions in their initial states, and an empty request log.
        await emulator.control('POST', '/_emulator/reset');
        const result = await runNode([cliBin, 'sessions', 'bulk-update-state', file], {
          timeoutMs: TIMEOUT_MS,
          env: cliEnv(emulator.env),
        });
        const requests = await emulator.control('GET', '/_emulator/requests');
        const summary =
          result.stderr.match(/\d[\d,]* updated, \d[\d,]* notes? added, \d[\d,]* failed/)?.[0] ??
          `no summary line; exit ${result.code}`;
        log(
          `  ${withNotes ? 'with' : 'without'} notes: ${requests.length} requests in ${fmt(result.wallMs / 1000, 2)} s (${summary}; exit ${result.code})`,
        );
        results.push({ seconds: result.wallMs / 1000, requests, summary, code: result.code });
      }
      rows.push(
        row(name, scenario, 'API requests', fmt(median(results.map((r) => r.requests.length))), {
          runs: results.map((r) => fmt(r.requests.length)).join(' / '),
        }),
        row(name, scenario, 'wall time (s)', fmt(median(results.map((r) => r.seconds)), 2), {
          runs: results.map((r) => fmt(r.seconds, 2)).join(' / '),
        }),
      );
      const last = results.at(-1);
      note(
        `${withNotes ? 'with' : 'without'} notes (last run): ${requestMix(last.requests)}; CLI: ${last.summary}, exit ${last.code}`,
      );
    }
  } finally {
    await emulator.stop();
  }
  return rows;
}
