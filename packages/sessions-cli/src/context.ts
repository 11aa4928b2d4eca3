import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Client, RequestBudget } from '@x/sessions-sdk';
import { ExitError, InterruptedError } from './failures.js';
import type { RunObserver } from './observer.js';
import { tuneMemory } from './memory.js';
import { humanLine } from './output/text.js';
import { createProgress, waitReason, type Progress } from './progress.js';
import { environmentValue, settingLookup } from './settings.js';

/** Options every command accepts (root level, also valid after the group and the command). */
export interface GlobalArgs {
  profile?: string | undefined;
  logStderr?: boolean | undefined;
  logFile?: string | undefined;
  logLevel?: string | undefined;
  maxRequestsPerMinute?: number | undefined;
}

/** What a command's `run` works with; tests build their own. */
export interface Context {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C or SIGTERM: commands stop after the current record. */
  signal: AbortSignal;
  /** Whether list commands default to the table/rich formats (`INCYDR_USE_RICH`, default true). */
  useRich: boolean;
  /** ANSI colour on stdout: only on a TTY and without NO_COLOR. */
  color: boolean;
  /** Columns available for tables on stdout (Infinity off a terminal: no truncation). */
  width: number;
  /** One line for humans on stderr (control characters removed). */
  note(text: string): void;
  /** The progress line on stderr (drawn only on a terminal; notes clear it first). */
  progress: Progress;
  /** A configured API client (settings from options, environment, the profile or `.env`). */
  client(): Promise<Client>;
  /** A CLI setting (`INCYDR_CONSOLE_URL`) as the client finds its own: the environment, then the profile or `.env`. */
  setting(name: string): string | undefined;
  /** Told what the run does (`incydr forward --listen`: its metrics). */
  observer?: RunObserver;
}

/** The process parts a run works with; `main` (cli.ts) may hand its own in place of the process's. */
export interface RunIo {
  stdout: Context['stdout'];
  stderr: Context['stderr'];
  env: NodeJS.ProcessEnv;
  /** Stops the run as Ctrl-C does; a run given its parts leaves the process's signals alone. */
  signal: AbortSignal;
  /** The `.env` file the settings come from (`null`: only `env`), in place of `--profile` and the default one. */
  envFile?: string | null;
  /** A request budget the client shares with others (`incydr forward`: the pipelines of one API client). */
  requestBudget?: RequestBudget;
  /** Told what the run does (`incydr forward --listen`: its metrics). */
  observer?: RunObserver;
}

/** The key under which a parse hands its {@link RunIo} to the command's handler (in yargs' parse context). */
export const RUN_IO = Symbol('incydr.run-io');

/**
 * Build the context of a run: the given parts, else the process streams and Ctrl-C handling; a lazily made client.
 * `stderr` replaces the process's stderr (and only it) where `RUN_IO` is not given: `incydr forward`'s JSON log.
 */
export function createContext(args: GlobalArgs & { [RUN_IO]?: RunIo }, stderrStream?: Context['stderr']): Context {
  const io = args[RUN_IO];
  const stdout = io?.stdout ?? process.stdout;
  const stderr = io?.stderr ?? stderrStream ?? process.stderr;
  const env = io?.env ?? process.env;
  const progress = createProgress({ stream: stderr, env });
  const signal = io?.signal ?? stopOnSignals(progress);
  const profile = args.profile ?? environmentValue(env, 'INCYDR_PROFILE');
  const envFile =
    io?.envFile !== undefined ? io.envFile : profile === undefined || profile === '' ? undefined : profileFile(profile);
  const setting = settingLookup(env, envFile);
  let client: Promise<Client> | undefined;
  // Notes may quote server data or file contents: nothing in them may drive the terminal.
  const note = (text: string): void => progress.note(humanLine(text));
  return {
    stdout,
    stderr,
    env,
    signal,
    useRich: !/^(false|0|no|off)$/i.test(setting('INCYDR_USE_RICH') ?? 'true'),
    color: stdout.isTTY === true && env.NO_COLOR === undefined,
    // Off a terminal nothing is cut: ids in a file or a pipe must stay whole.
    width: stdout.isTTY === true && (stdout.columns ?? 0) > 0 ? (stdout.columns ?? 0) : Number.POSITIVE_INFINITY,
    note,
    progress,
    client: () => (client ??= createClient(args, env, envFile, setting, note, progress, io)),
    setting,
    ...(io?.observer === undefined ? {} : { observer: io.observer }),
  };
}

/** Ctrl-C and SIGTERM abort the returned signal; a second one ends the process at once. */
function stopOnSignals(progress: Progress): AbortSignal {
  const controller = new AbortController();
  let interrupted = false;
  const interrupt = (signal: NodeJS.Signals): void => {
    // The first Ctrl-C stops after the current record; a second one does not wait.
    if (interrupted) {
      progress.stop();
      process.exit(130);
    }
    interrupted = true;
    // Only a person at a terminal presses Ctrl-C; a scheduler that sent SIGTERM is told what it sent.
    const how =
      signal === 'SIGINT'
        ? 'interrupted, stopping after the current record (Ctrl-C again to quit now)'
        : `${signal}, stopping after the current record`;
    progress.note(`\nincydr: ${how}`);
    controller.abort(new InterruptedError('interrupted'));
  };
  process.on('SIGINT', interrupt);
  // A scheduler stopping a job (systemd, timeout, Kubernetes) sends SIGTERM: the same orderly stop.
  process.on('SIGTERM', interrupt);
  return controller.signal;
}

async function createClient(
  args: GlobalArgs,
  env: NodeJS.ProcessEnv,
  envFile: string | null | undefined,
  setting: (name: string) => string | undefined,
  note: (text: string) => void,
  progress: Progress,
  io: RunIo | undefined,
): Promise<Client> {
  const [{ Client }, { defaultEnvFile }, { keepRotatedRefreshToken }] = await Promise.all([
    import('@x/sessions-sdk'),
    import('@x/sessions-sdk/env'),
    import('./refresh-token.js'),
  ]);
  tuneMemory();
  if (typeof envFile === 'string' && !existsSync(envFile)) throw missingProfile(envFile);
  // The file is chosen once, here, so that a rotated refresh token goes back to the very file it was read from.
  const file = envFile === undefined ? defaultEnvFile() : envFile;
  const inEnvironment = environmentValue(env, 'INCYDR_REFRESH_TOKEN') !== undefined;
  const fromFile = inEnvironment ? undefined : setting('INCYDR_REFRESH_TOKEN');
  return new Client({
    env,
    // With no file found the SDK itself looks again, so that a message about missing settings says where it looked.
    ...(file === null ? (envFile === null ? { envFile: null } : {}) : { envFile: file }),
    onRefreshToken: keepRotatedRefreshToken(
      file !== null && fromFile !== undefined ? { kind: 'file', file, token: fromFile } : { kind: 'environment' },
      note,
    ),
    // The CLI logs nowhere unless asked (api.md §7: INCYDR_LOG_STDERR defaults to false for the CLI).
    logStderr: args.logStderr ?? /^(true|1|yes|on)$/i.test(setting('INCYDR_LOG_STDERR') ?? 'false'),
    ...(args.logFile === undefined ? {} : { logFile: args.logFile }),
    ...(args.logLevel === undefined ? {} : { logLevel: args.logLevel }),
    ...(args.maxRequestsPerMinute === undefined ? {} : { maxRequestsPerMinute: args.maxRequestsPerMinute }),
    ...(io?.requestBudget === undefined ? {} : { requestBudget: io.requestBudget }),
    onWait: (wait) => progress.waiting(waitReason(wait), wait.ms),
    ...(io?.observer?.response === undefined ? {} : { onResponse: io.observer.response.bind(io.observer) }),
  });
}

/** A usage error for a profile file that does not exist, naming the profiles that do. */
function missingProfile(file: string): ExitError {
  const folder = join(file, '..');
  let names: string[] = [];
  try {
    names = readdirSync(folder)
      .filter((entry) => entry.endsWith('.env'))
      .map((entry) => entry.slice(0, -'.env'.length));
  } catch {
    // No profiles folder yet: there are none.
  }
  const known = names.length === 0 ? `there are none yet in ${folder}` : `profiles: ${names.sort().join(', ')}`;
  return new ExitError(`no profile file ${file} (${known}); create it with INCYDR_URL=… lines, or drop --profile`, 2);
}

/** `~/.config/incydr/profiles/NAME.env`, the settings file of profile NAME (a usage error for a bad name). */
export function profileFile(name: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith('.')) {
    throw new ExitError(`invalid profile name "${name}": use letters, digits, dot, dash and underscore`, 2);
  }
  return join(homedir(), '.config', 'incydr', 'profiles', `${name}.env`);
}
