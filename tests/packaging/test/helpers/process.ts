// Child processes for the packaging tests: every one bounded in time, and long-running ones (the emulator)
// stopped by signal and waited for.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { delimiter } from 'node:path';
import { patient } from '@x/vitest-config/patience';

/** Exit code and output of a finished command. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of `run`: where, with which environment, and how long at most. */
export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** On a quiet machine; scaled to this one. */
  timeoutMs: number;
}

/** Run a command asynchronously (loopback servers answer from this process) and collect its exit code and output. */
export function run(file: string, args: readonly string[], options: RunOptions): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        timeout: patient(options.timeoutMs),
        killSignal: 'SIGKILL',
        maxBuffer: 32 << 20,
      },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          const reason = error.killed ? `timed out after ${patient(options.timeoutMs)} ms` : error.message;
          reject(new Error(`${file} ${args.join(' ')}: ${reason}\n${stdout}\n${stderr}`, { cause: error }));
          return;
        }
        resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
      },
    );
  });
}

/** `run` that throws, with the output, unless the command exits 0. */
export async function ok(file: string, args: readonly string[], options: RunOptions): Promise<Run> {
  const result = await run(file, args, options);
  if (result.code !== 0) {
    throw new Error(`${file} ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/** npm settings from the environment that say how to reach the registry: kept for the child processes. */
const NETWORK_SETTING = /^npm_config_(registry|@[^:]+:registry|cafile|ca|strict_ssl|proxy|https_proxy|noproxy)$/i;

/**
 * The environment of this process without what pnpm, npx, turbo and vitest add (`npm_config_local_prefix` from
 * `pnpm run` would make npm install into this package; `NODE_ENV=test` changes how the tools behave), but with the
 * registry and proxy settings, and without bin folders of node_modules on PATH.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|turbo_|vitest|node_options$|node_env$|tinypool)/i.test(key) && !NETWORK_SETTING.test(key))
      continue;
    env[key] = value;
  }
  // `pnpm run` puts the workspace's bin folders first on PATH, where the workspace's own `incydr` and
  // `incydr-emulator` would shadow the installed ones.
  if (env.PATH !== undefined) {
    env.PATH = env.PATH.split(delimiter)
      .filter((dir) => !/[\\/]node_modules[\\/]\.bin$/.test(dir))
      .join(delimiter);
  }
  return { ...env, ...extra };
}

/** A started background process and the exit it is heading to. */
export interface Background {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Send `signal` to the process group, wait for the exit; SIGKILL after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<Background>();

/** Start a long-running command in its own process group (so a wrapper like npx and its child both get signals). */
export function start(
  file: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Background {
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (error) => {
      stderr += `\nspawn error: ${error.message}`;
      resolve({ code: null, signal: null });
    });
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  const background: Background = {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async stop(signal = 'SIGTERM', timeoutMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) signalGroup(signal);
      let timer: NodeJS.Timeout | undefined;
      const killed = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          signalGroup('SIGKILL');
          resolve();
        }, patient(timeoutMs));
      });
      await Promise.race([exited, killed]);
      clearTimeout(timer);
      running.delete(background);
      return exited;
    },
  };
  running.add(background);
  void exited.then(() => running.delete(background));
  return background;
}

/** Kill whatever `start` started and is still running (for `afterAll`). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((background) => background.stop('SIGKILL', 5_000)));
}

/** Poll `check` until it returns a value, or throw `what` with the context after `quietMs` scaled to this machine. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined,
  quietMs: number,
  context: () => string = () => '',
): Promise<T> {
  const timeoutMs = patient(quietMs);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${context()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
