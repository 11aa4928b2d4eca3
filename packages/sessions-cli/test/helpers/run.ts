// Runs the built `incydr` binary as a user would: a child process with a minimal environment, in a temporary
// directory (so no stray .env is read), always bounded in time. The emulator runs in this process, so every child
// is started asynchronously (never spawnSync, which would block the emulator's event loop).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Emulator, EmulatorOptions } from '@x/sessions-emulator';
import { patient } from '@x/vitest-config/patience';

/** The sessions-cli package directory. */
export const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The built binary (`bin.incydr` of package.json). */
export const BIN = join(PACKAGE_DIR, 'dist', 'bin.js');

/** How long one run of the binary may take on a quiet machine unless a test says otherwise (scaled by `patient`). */
export const DEFAULT_RUN_TIMEOUT_MS = 30_000;

/** What a run of the binary gave. */
export interface RunResult {
  /** Exit code, or null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The child's process id (the PROCID of RFC 5424 headers it sends). */
  pid: number;
}

/** Options of {@link runIncydr} and {@link runShell}. */
export interface RunOptions {
  /** The complete environment of the child; nothing is inherited. @default { PATH, HOME: tmpdir() } */
  env?: Record<string, string | undefined>;
  /** Text written to the child's stdin (stdin is closed either way). */
  input?: string;
  /** Kill the child (SIGKILL) and fail after this long on a quiet machine (scaled to this one). @default DEFAULT_RUN_TIMEOUT_MS */
  timeoutMs?: number;
  /** Working directory. @default env.HOME, else tmpdir() */
  cwd?: string;
  /** Called with the child once started (to signal it while it runs). */
  onSpawn?: (child: ChildProcess) => void;
}

/** Run `node dist/bin.js …args`. */
export function runIncydr(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return runChild(process.execPath, [BIN, ...args], options, `incydr ${args.join(' ')}`);
}

/** Run a bash command line (`bash -c`), e.g. a pipeline with `set -o pipefail`, in which `incydr` runs the binary. */
export function runShell(command: string, options: RunOptions = {}): Promise<RunResult> {
  const env = { ...(options.env ?? baseEnv()), INCYDR_TEST_NODE: process.execPath, INCYDR_TEST_BIN: BIN };
  const script = `incydr() { "$INCYDR_TEST_NODE" "$INCYDR_TEST_BIN" "$@"; }\n${command}`;
  return runChild('bash', ['-c', script], { ...options, env }, `bash -c ${command}`);
}

/** util-linux `script`, which runs a command on a pseudo-terminal; undefined when it is not installed. */
export const SCRIPT_PATH = ['/usr/bin/script', '/bin/script'].find((file) => existsSync(file));

/** Options of {@link runInTerminal} and {@link startInTerminal}. */
export interface TerminalOptions extends RunOptions {
  /** Width the terminal reports (`stty cols`); a pseudo-terminal made by `script` from a pipe reports 0. */
  columns?: number;
  /** A shell redirection after the command, e.g. `2>err.txt` to take stderr off the terminal. */
  redirect?: string;
}

/**
 * Run the binary on a pseudo-terminal (through `script`): stdin, stdout and stderr are the terminal, and the run's
 * `stdout` is everything the terminal showed, with CRLF line ends.
 */
export function runInTerminal(args: readonly string[], options: TerminalOptions = {}): Promise<RunResult> {
  const { file, scriptArgs } = terminalCommand(args, options);
  return runChild(file, scriptArgs, options, `script: incydr ${args.join(' ')}`);
}

/** A run on a pseudo-terminal that the test types into while it runs. */
export interface TerminalRun {
  /** Everything the terminal showed so far (stdout and stderr, with the echo of what was typed). */
  screen(): string;
  /** Type at the terminal as a person would: `\x03` is Ctrl-C, `\x04` (at a line start) the end of the input. */
  type(text: string): void;
  /** How the run ended. */
  result: Promise<RunResult>;
}

/** Start the binary on a pseudo-terminal whose keyboard the test holds (stdin stays open until the run ends). */
export function startInTerminal(args: readonly string[], options: TerminalOptions = {}): TerminalRun {
  const { file, scriptArgs } = terminalCommand(args, options);
  let child: ChildProcess | undefined;
  const chunks: Buffer[] = [];
  const result = runChild(
    file,
    scriptArgs,
    {
      ...options,
      keepStdinOpen: true,
      onSpawn: (started) => {
        child = started;
        started.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
        options.onSpawn?.(started);
      },
    },
    `script: incydr ${args.join(' ')}`,
  );
  return {
    screen: () => Buffer.concat(chunks).toString('utf8'),
    type: (text) => {
      child?.stdin?.write(text);
    },
    result,
  };
}

function terminalCommand(args: readonly string[], options: TerminalOptions): { file: string; scriptArgs: string[] } {
  if (SCRIPT_PATH === undefined) throw new Error('util-linux script is not installed');
  const quote = (word: string): string => `'${word.replaceAll("'", "'\\''")}'`;
  let command = [process.execPath, BIN, ...args].map(quote).join(' ');
  if (options.redirect !== undefined) command = `${command} ${options.redirect}`;
  if (options.columns !== undefined) command = `stty cols ${options.columns} rows 24 && exec ${command}`;
  // -q: no start/done lines, -e: the command's exit code, -c: the command; the typescript goes nowhere.
  return { file: SCRIPT_PATH, scriptArgs: ['-q', '-e', '-c', command, '/dev/null'] };
}

function baseEnv(home = tmpdir()): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home };
}

function runChild(
  file: string,
  args: readonly string[],
  options: RunOptions & { keepStdinOpen?: boolean },
  what: string,
): Promise<RunResult> {
  const env = options.env ?? baseEnv();
  const cwd = options.cwd ?? env['HOME'] ?? tmpdir();
  const timeoutMs = patient(options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS);
  return new Promise<RunResult>((resolvePromise, reject) => {
    const child = spawn(file, args, { env: definedOnly(env), cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    options.onSpawn?.(child);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // A child that exits before reading its input closes the pipe: that is not the test's failure.
    child.stdin.on('error', () => undefined);
    if (options.keepStdinOpen === true) child.stdin.write(options.input ?? '');
    else child.stdin.end(options.input ?? '');
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      const text = (chunks: Buffer[]): string => Buffer.concat(chunks).toString('utf8').slice(-2000);
      reject(
        new Error(`${what} did not finish within ${timeoutMs} ms\nstdout: ${text(stdout)}\nstderr: ${text(stderr)}`),
      );
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolvePromise({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        pid: child.pid ?? -1,
      });
    });
  });
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** The workspace packages the tests need built, in build order (the CLI last). */
const BUILDS = [
  { dir: join(PACKAGE_DIR, '..', 'sessions-sdk'), output: join('dist', 'index.js') },
  { dir: join(PACKAGE_DIR, '..', 'syslog-out'), output: join('dist', 'index.js') },
  { dir: join(PACKAGE_DIR, '..', 'sessions-emulator'), output: join('dist', 'index.js') },
  {
    dir: PACKAGE_DIR,
    output: join('dist', 'help.json'),
    script: join('scripts', 'bundle.mjs'),
    then: join('dist', 'tools', 'build-help.js'),
  },
];

/** Time allowed for {@link ensureBuilt} (a cold build of four packages), scaled to this machine. */
export const BUILD_TIMEOUT_MS = patient(240_000);

/**
 * Build each package whose dist is missing, as its `build` script does: `tsc -p tsconfig.build.json`, the CLI with its
 * bundle script and then its help tool (turbo normally builds them before
 * the tests). Test files run in parallel workers, so builds take a lock (a directory) and recheck under it.
 */
export async function ensureBuilt(): Promise<void> {
  if (BUILDS.every((build) => existsSync(join(build.dir, build.output)))) return;
  const lock = join(
    tmpdir(),
    `incydr-cli-test-build-${createHash('sha256').update(PACKAGE_DIR).digest('hex').slice(0, 12)}.lock`,
  );
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock left by a killed run is older than any build could take.
      const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > BUILD_TIMEOUT_MS) await rm(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for the build lock ${lock}`);
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    }
  }
  try {
    for (const build of BUILDS) {
      if (existsSync(join(build.dir, build.output))) continue;
      const tsc = createRequire(join(build.dir, 'package.json')).resolve('typescript/bin/tsc');
      await new Promise<void>((resolveBuild, reject) => {
        execFile(
          process.execPath,
          build.script === undefined ? [tsc, '-p', 'tsconfig.build.json'] : [build.script],
          { cwd: build.dir, timeout: BUILD_TIMEOUT_MS },
          (error, stdout, stderr) => {
            if (error !== null && !existsSync(join(build.dir, build.then ?? build.output))) {
              reject(new Error(`building ${build.dir} failed:\n${stdout}${stderr}`, { cause: error }));
            } else {
              resolveBuild();
            }
          },
        );
      });
      // The CLI's build also stores the --help texts (package.json "build").
      if (build.then !== undefined) {
        const script = join(build.dir, build.then);
        await new Promise<void>((resolveStep, reject) => {
          execFile(
            process.execPath,
            [script],
            { cwd: build.dir, timeout: BUILD_TIMEOUT_MS },
            (error, stdout, stderr) =>
              error === null
                ? resolveStep()
                : reject(new Error(`${script} failed:\n${stdout}${stderr}`, { cause: error })),
          );
        });
      }
    }
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** Where the emulator's clock starts in every test: data lies in the 30 days before 2024-05-15T00:00:00Z. */
export const EMULATOR_NOW = Date.UTC(2024, 4, 15);

/** Options of an in-process {@link Fixture.run}. */
export interface FixtureRunOptions {
  extraEnv?: Record<string, string | undefined>;
  /** Fail after this long on a quiet machine (scaled to this one). @default DEFAULT_RUN_TIMEOUT_MS */
  timeoutMs?: number;
  /** Stops the run as Ctrl-C does. */
  signal?: AbortSignal;
}

/** A running emulator, a temporary HOME/cwd, and runs of the CLI against both. */
export interface Fixture {
  emu: Emulator;
  /** The temporary directory used as HOME and working directory. */
  home: string;
  /** PATH, HOME and the three INCYDR_ settings of the emulator: the whole environment of a run. */
  env: Record<string, string>;
  /**
   * Run `incydr …args` in this process through the real parser (see in-process-cli.ts) with {@link env} (merged
   * with `extraEnv`; an undefined value removes a variable).
   */
  run(args: readonly string[], options?: FixtureRunOptions): Promise<RunResult>;
  /** Run the built binary as {@link run} does: for what only a process shows (signals, stdin, pipes, start-up). */
  runBinary(
    args: readonly string[],
    options?: RunOptions & { extraEnv?: Record<string, string | undefined> },
  ): Promise<RunResult>;
  close(): Promise<void>;
}

/**
 * Build what is missing, start an emulator on 127.0.0.1 (control routes on, fixed seed and clock) and make a
 * temporary HOME. Call from `beforeAll` with {@link BUILD_TIMEOUT_MS}; `close()` in `afterAll`.
 */
export async function startFixture(options: EmulatorOptions = {}): Promise<Fixture> {
  await ensureBuilt();
  // Imported only now: the emulator's dist may have just been built.
  const { startEmulator } = await import('@x/sessions-emulator');
  const home = await mkdtemp(join(tmpdir(), 'incydr-cli-test-'));
  let emu: Emulator;
  try {
    emu = await startEmulator({
      host: '127.0.0.1',
      port: 0,
      sessions: 300,
      seed: 42,
      now: EMULATOR_NOW,
      control: true,
      ...options,
    });
  } catch (error) {
    await rm(home, { recursive: true, force: true });
    throw error;
  }
  const env = {
    ...baseEnv(home),
    INCYDR_URL: emu.url,
    INCYDR_API_CLIENT_ID: emu.clientId,
    INCYDR_API_CLIENT_SECRET: emu.clientSecret,
  };
  return {
    emu,
    home,
    env,
    run: async (args, runOptions = {}) => {
      const { extraEnv, ...rest } = runOptions;
      // Imported only now: the CLI's sources import the SDK's dist, which may have just been built.
      const { runInProcess } = await import('./in-process-cli.js');
      return runInProcess(args, { ...rest, env: { ...env, ...extraEnv } });
    },
    runBinary: (args, runOptions = {}) => {
      const { extraEnv, ...rest } = runOptions;
      return runIncydr(args, { ...rest, env: { ...env, ...extraEnv } });
    },
    async close() {
      await emu.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** The lines of a text, without the empty one after a final newline. */
export function lines(text: string): string[] {
  const all = text.split('\n');
  if (all.at(-1) === '') all.pop();
  return all;
}

/** The stderr lines that report the error: everything but the usage hint that follows a usage error. */
export function errorLines(stderr: string): string[] {
  // A usage error of the command line is followed by the command's usage line and where its help is.
  return lines(stderr).filter(
    (line) => line !== "Try 'incydr --help' for usage." && !/^(usage: incydr|see incydr .*--help$)/.test(line),
  );
}

/** Poll `condition` every few milliseconds until it holds; fail with `what` after `quietMs` (scaled to this machine). */
export async function waitFor(condition: () => boolean, what: string, quietMs = 10_000): Promise<void> {
  const timeoutMs = patient(quietMs);
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 5));
  }
}
