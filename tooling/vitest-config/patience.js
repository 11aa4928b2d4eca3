// How patient the tests are. Every time bound in the suites (a test, a hook, a child process, a wait for a
// receiver) is a base figure for a quiet 2-core machine multiplied by one factor, measured on this machine when the
// suite starts: a loaded machine gets proportionally more time, and a hung test still ends.
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';

/** The environment variable that carries the factor to the test workers (and that a user may set to override it). */
export const SCALE_VARIABLE = 'INCYDR_TEST_TIME_SCALE';

// What `node -e 0` costs on an idle 2-core machine, in ms, and how far the factor may go either way.
const QUIET_NODE_START_MS = 60;
const MIN_SCALE = 1;
const MAX_SCALE = 12;

/**
 * The factor for this machine: how much slower a Node start is than on a quiet machine (median of three), or the
 * run-queue length per core if that says more; clamped to 1–12.
 */
export function measureScale() {
  const starts = [0, 1, 2].map(() => {
    const began = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore', timeout: 30_000 });
    return Number(process.hrtime.bigint() - began) / 1e6;
  });
  const median = starts.sort((a, b) => a - b)[1] ?? QUIET_NODE_START_MS;
  const queued = (loadavg()[0] ?? 0) / availableParallelism();
  const factor = Math.max(median / QUIET_NODE_START_MS, queued);
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, Math.round(factor * 10) / 10));
}

/** The factor in force: the one the suite measured at start (passed on in the environment), else measured now. */
export function timeScale() {
  const given = Number(process.env[SCALE_VARIABLE]);
  if (Number.isFinite(given) && given > 0) return given;
  const measured = measureScale();
  process.env[SCALE_VARIABLE] = String(measured);
  return measured;
}

/** `ms`, a bound chosen for a quiet machine, scaled to this one. */
export function patient(ms) {
  return Math.round(ms * timeScale());
}
