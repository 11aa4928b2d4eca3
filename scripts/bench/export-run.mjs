// One JSON Lines export with the built CLI, shared by the export benchmarks.
import { cliBin, cliEnv, expectSuccess, runNode } from './process.mjs';

/** The search every export runs: every session (with or without alerts) that began in the last 60 days. */
export const EXPORT_ARGS = ['sessions', 'search', '--any-alerts', '--start', '60d', '-f', 'json-lines'];

/**
 * Export against an emulator, counting the lines written to stdout.
 * @param {{ env: Record<string, string> }} emulator
 * @param {{ concurrency?: number, timeoutMs: number }} options `concurrency` undefined leaves the CLI's default
 * @returns {Promise<{ sessions: number, seconds: number, sessionsPerSecond: number, maxRssKiB: number|undefined,
 *   cpuUsPerSession: number|undefined }>} `cpuUsPerSession`: the CLI's own CPU time (start-up included) / sessions
 */
export async function exportOnce(emulator, { concurrency, timeoutMs }) {
  const args = [cliBin, ...EXPORT_ARGS, ...(concurrency === undefined ? [] : ['--concurrency', String(concurrency)])];
  const result = expectSuccess(
    await runNode(args, { timeoutMs, env: cliEnv(emulator.env), stdout: 'count', rss: true }),
    'the export',
  );
  const seconds = result.wallMs / 1000;
  const cpuUsPerSession =
    result.cpuMs === undefined || result.lines === 0 ? undefined : (result.cpuMs * 1000) / result.lines;
  return {
    sessions: result.lines,
    seconds,
    sessionsPerSecond: result.lines / seconds,
    maxRssKiB: result.maxRssKiB,
    cpuUsPerSession,
  };
}
