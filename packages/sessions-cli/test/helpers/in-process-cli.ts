// `incydr …args` run in this process through the real yargs parser (cli.ts `main`), as the binary runs it after its
// stored help: the same option checks, handlers, contexts and error report, with collected streams, the given
// environment and a signal of the test's own. HOME and the working directory are the run's for its duration (the
// checkpoint folder, profiles and `./.env` are found through them); test files run in their own processes.
import { homedir } from 'node:os';
import { patient } from '@x/vitest-config/patience';
import { main } from '../../src/cli.js';
import { collector } from './in-process.js';
import { DEFAULT_RUN_TIMEOUT_MS, type RunResult } from './run.js';

/** Options of {@link runInProcess}. */
export interface InProcessRunOptions {
  /** The whole environment of the run; its HOME is also the working directory. */
  env: Record<string, string | undefined>;
  /** Fail (stopping the run as Ctrl-C would) after this long on a quiet machine. @default DEFAULT_RUN_TIMEOUT_MS */
  timeoutMs?: number;
  /** Stops the run as Ctrl-C does. */
  signal?: AbortSignal;
}

/** Run the CLI in this process; `code` is what the binary would exit with, `pid` this process's. */
export async function runInProcess(args: readonly string[], options: InProcessRunOptions): Promise<RunResult> {
  // yargs would print its own help or version and end this process: those are the binary's to show.
  if (args.some((arg) => ['--help', '-h', '--version'].includes(arg))) {
    throw new Error('run --help and --version with the binary');
  }
  const stdout = collector();
  const stderr = collector();
  const stop = new AbortController();
  options.signal?.addEventListener('abort', () => stop.abort(options.signal?.reason), { once: true });
  const env = Object.fromEntries(Object.entries(options.env).filter((entry) => entry[1] !== undefined));
  const timeoutMs = patient(options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS);
  const leave = enter(env['HOME']);
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const running = main([...args], { stdout: stdout.stream, stderr: stderr.stream, env, signal: stop.signal });
  try {
    const code = await Promise.race([
      running,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          timedOut = true;
          stop.abort(new Error('timed out'));
          const tail = (text: string): string => text.slice(-2000);
          const output = `stdout: ${tail(stdout.text())}\nstderr: ${tail(stderr.text())}`;
          reject(new Error(`incydr ${args.join(' ')} did not finish within ${timeoutMs} ms\n${output}`));
        }, timeoutMs);
      }),
    ]);
    return { code, signal: null, stdout: stdout.text(), stderr: stderr.text(), pid: process.pid };
  } finally {
    clearTimeout(timer);
    // A run given up on still runs until it sees the abort: it must not go on in the folder and HOME of whatever
    // test comes next, so HOME and the folder come back only once it ended (or after a bounded wait).
    if (timedOut) await settled(running, patient(10_000));
    leave();
  }
}

/** Resolves when `promise` settles, or after `ms`, whichever comes first. */
async function settled(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}

let inside: { home: string; runs: number; restore: () => void } | undefined;

// Runs that overlap share one HOME; the process's own HOME and folder come back when the last one ends.
function enter(home: string | undefined): () => void {
  if (home === undefined) throw new Error('an in-process run needs HOME in its environment');
  if (inside !== undefined && inside.home !== home) {
    throw new Error(`overlapping in-process runs with HOMEs ${inside.home} and ${home}`);
  }
  if (inside === undefined) {
    const saved = { home: process.env['HOME'], cwd: process.cwd() };
    process.env['HOME'] = home;
    process.chdir(home);
    inside = {
      home,
      runs: 0,
      restore: () => {
        if (saved.home === undefined) delete process.env['HOME'];
        else process.env['HOME'] = saved.home;
        process.chdir(saved.cwd);
      },
    };
    // In a worker thread HOME would not reach os.homedir(): the runs need a process of their own.
    if (homedir() !== home) {
      inside.restore();
      inside = undefined;
      throw new Error("in-process runs need vitest's forks pool (os.homedir() ignored HOME)");
    }
  }
  inside.runs += 1;
  return () => {
    if (inside === undefined) return;
    inside.runs -= 1;
    if (inside.runs === 0) {
      inside.restore();
      inside = undefined;
    }
  };
}
