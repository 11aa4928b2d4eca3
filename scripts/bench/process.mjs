// Child processes for the benchmarks: every one bounded in time, timed with performance.now() from spawn to exit,
// its peak RSS read through probe-rss.cjs, its stdout discarded, counted or kept.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built CLI and emulator commands. */
export const cliBin = join(root, 'packages', 'sessions-cli', 'dist', 'bin.js');
export const emulatorBin = join(root, 'packages', 'sessions-emulator', 'dist', 'cli.js');

const probe = join(dirname(fileURLToPath(import.meta.url)), 'probe-rss.cjs');
const live = new Set();
let scratch;

/** A directory for this suite run (RSS files, input files, an empty HOME), removed by `cleanUp()`. */
export function scratchDir() {
  scratch ??= mkdtempSync(join(tmpdir(), 'incydr-bench-'));
  return scratch;
}

/** Kill every child still running and remove the scratch directory (the runner calls it on exit and on signals). */
export function cleanUp() {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
}

/**
 * The environment for the CLI: this process's, without INCYDR_* settings (no user's concurrency or profile leaks
 * in), HOME pointing at an empty directory so no ~/.config/incydr/.env is read, plus `extra`.
 */
export function cliEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('INCYDR_')) env[key] = value;
  return { ...env, HOME: scratchDir(), NO_COLOR: '1', ...extra };
}

let rssFiles = 0;

/**
 * Run `node ...args` and resolve when it has exited and its output is read.
 * @param {string[]} args arguments after `node`
 * @param {{ timeoutMs: number, env?: NodeJS.ProcessEnv, cwd?: string, stdout?: 'ignore'|'count'|'keep', rss?: boolean }} options
 *   `stdout`: `count` counts lines and bytes, `keep` returns the text (default `ignore`); `rss` loads the probe (peak RSS and CPU time).
 * @returns {Promise<{ code: number|null, signal: string|null, wallMs: number, lines: number, bytes: number,
 *   stdout: string, stderr: string, maxRssKiB: number|undefined, cpuMs: number|undefined }>}
 *   `maxRssKiB` and `cpuMs` (the child's own user + system CPU) only with `rss`.
 */
export function runNode(args, { timeoutMs, env = cliEnv(), cwd = scratchDir(), stdout = 'ignore', rss = false }) {
  const rssFile = join(scratchDir(), `rss-${process.pid}-${rssFiles++}.txt`);
  const argv = rss ? ['--require', probe, ...args] : args;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, argv, {
      cwd,
      env: rss ? { ...env, BENCH_RSS_FILE: rssFile } : env,
      stdio: ['ignore', stdout === 'ignore' ? 'ignore' : 'pipe', 'pipe'],
    });
    live.add(child);
    let wallMs;
    let lines = 0;
    let bytes = 0;
    const kept = [];
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout?.on('data', (chunk) => {
      bytes += chunk.length;
      if (stdout === 'keep') kept.push(chunk);
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines += 1;
    });
    // Only the tail of stderr is kept: enough for an error message, bounded for a chatty child.
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-8_192);
    });
    child.once('exit', () => {
      wallMs = performance.now() - started;
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      live.delete(child);
      reject(new Error(`cannot run node ${args.join(' ')}: ${error.message}`, { cause: error }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      if (timedOut) {
        reject(new Error(`node ${args.join(' ')} did not finish within ${timeoutMs / 1000} s (killed)`));
        return;
      }
      let maxRssKiB;
      let cpuMs;
      if (rss) {
        try {
          const usage = JSON.parse(readFileSync(rssFile, 'utf8'));
          maxRssKiB = usage.maxRssKiB;
          cpuMs = usage.cpuUs / 1000;
          rmSync(rssFile, { force: true });
        } catch {
          maxRssKiB = undefined;
        }
      }
      resolve({
        code,
        signal,
        wallMs: wallMs ?? performance.now() - started,
        lines,
        bytes,
        stdout: Buffer.concat(kept).toString('utf8'),
        stderr,
        maxRssKiB,
        cpuMs,
      });
    });
  });
}

/** Throw with the command's stderr tail unless it exited with 0. */
export function expectSuccess(result, what) {
  if (result.code === 0) return result;
  const reason = result.signal === null ? `exit code ${result.code}` : `signal ${result.signal}`;
  throw new Error(`${what} failed (${reason}): ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
}

/** Start a long-running child, registered so `cleanUp()` kills it if the suite stops early. */
export function spawnTracked(args, options) {
  const child = spawn(process.execPath, args, options);
  live.add(child);
  child.once('close', () => live.delete(child));
  return child;
}
