import type { ArgumentsCamelCase, Argv } from 'yargs';
import { createContext, RUN_IO, type Context, type GlobalArgs, type RunIo } from '../context.js';
import { UsageError } from '../failures.js';
import type { ForwardLog, LogFormat } from '../forward/log.js';
import type { ServiceDeps } from '../forward/service.js';
import { choice } from '../options/choices.js';
import { completes } from '../options/values.js';
import { LOG_FORMATS } from '../forward/log.js';

/** Arguments of `incydr forward`. */
export type ForwardArgs = GlobalArgs & {
  config?: string;
  check?: boolean;
  once?: boolean;
  listen?: string;
  logFormat?: string;
};

export const command = 'forward';
export const describe = 'Forward new and changed sessions to syslog receivers, one pipeline per entry of a config file';

export function builder(yargs: Argv): Argv<ForwardArgs> {
  completes(yargs, 'config', 'file');
  return yargs
    .option('config', {
      type: 'string',
      requiresArg: true,
      describe: 'The pipelines (YAML): connection or profile, search filters, checkpoint, output, record, interval',
    })
    .option('check', {
      type: 'boolean',
      describe: 'Check the file (secrets and profile files included), print each pipeline, send nothing',
    })
    .option('once', {
      type: 'boolean',
      describe: 'Run every pipeline once, side by side, and exit: from cron or a systemd timer',
    })
    .option('listen', {
      type: 'string',
      requiresArg: true,
      describe: 'Service only: answer HTTP on HOST:PORT ([IPV6]:PORT) with /healthz, /readyz and /metrics',
    })
    .option('log-format', {
      type: 'string',
      requiresArg: true,
      describe: 'stderr as JSON lines or as text (default: json; text with --once)',
    })
    .example('$0 forward --config forward.yml --check', 'check the file and show what each pipeline does')
    .example(
      '$0 forward --config forward.yml',
      'run as a service: each pipeline every interval until SIGTERM (SIGHUP reloads the file)',
    )
    .example(
      '$0 forward --config forward.yml --listen 127.0.0.1:9464',
      'as a service with health checks and Prometheus metrics on port 9464',
    )
    .example(
      '$0 forward --config forward.yml --once',
      'every 5 minutes from cron: each pipeline once',
    ) as Argv<ForwardArgs>;
}

export async function handler(args: ArgumentsCamelCase<ForwardArgs & { [RUN_IO]?: RunIo }>): Promise<void> {
  const service = args.check !== true && args.once !== true;
  // The JSON log also takes what the context writes to stderr itself (the SIGTERM line).
  const log = args[RUN_IO] === undefined ? await jsonLogAsked(args) : undefined;
  const ctx = createContext(args, log?.stream);
  // The process's SIGHUP goes to the service's reload once it runs; before that and after it, Node's default would
  // end the process at once (the unit's ExecReload sends it), so it is said and ignored.
  const hangups = service && args[RUN_IO] === undefined ? relayHangups((line) => ctx.note(line)) : undefined;
  try {
    await run(args, ctx, log, hangups);
  } finally {
    // A service that stopped leaves nothing to wait for; should a hung connection keep the process alive, it still
    // ends soon after with the exit code already set (never in-process, where a test holds the process).
    if (args[RUN_IO] === undefined && service) {
      setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
    }
  }
}

/** How long a stopped service may take to close its last connections before the process ends anyway. */
const EXIT_GRACE_MS = 2_000;

/**
 * Check the config and then run every pipeline: as a service on each one's interval until SIGTERM or SIGINT, or once
 * (`--once`) as `search --checkpoint --output` does; with `--check`, print each pipeline. Every problem of the file
 * is listed before anything starts.
 */
export async function run(
  args: ForwardArgs,
  ctx: Context,
  serviceLog?: ForwardLog,
  onHangup: ServiceDeps['onHangup'] = listenForHangups,
): Promise<void> {
  if (args.config === undefined) throw new UsageError('forward needs --config FILE');
  if (args.check === true && args.once === true) throw new UsageError('--check and --once cannot be used together');
  const mode = args.check === true ? '--check' : args.once === true ? '--once' : undefined;
  if (mode !== undefined && args.listen !== undefined) {
    throw new UsageError(`--listen applies to the service, not to ${mode}`);
  }
  if (args.check === true && args.logFormat !== undefined) {
    throw new UsageError('--log-format applies to running pipelines, not to --check');
  }
  const logFormat = logFormatOf(args);
  const { parseListenAddress } = await import('../forward/listen-address.js');
  const listen = args.listen === undefined ? undefined : parseListenAddress(args.listen);
  if (args.profile !== undefined) {
    throw new UsageError('--profile does not apply to forward: each pipeline names its own profile or connection');
  }
  const { loadForwardConfig } = await import('../forward/config.js');
  const file = args.config;
  const load = () => loadForwardConfig(file, ctx.env, (line) => ctx.note(`incydr: ${line}`));
  const pipelines = load();
  if (args.check === true) {
    for (const pipeline of pipelines) {
      ctx.stdout.write(
        `${pipeline.name}: API ${pipeline.apiUrl}, checkpoint ${pipeline.checkpoint}, target ${pipeline.target}, ` +
          `record ${pipeline.record}, interval ${pipeline.interval}\n`,
      );
    }
    return;
  }
  const [{ runOnce, runPipeline }, logs] = await Promise.all([
    import('../forward/once.js'),
    import('../forward/log.js'),
  ]);
  const log =
    serviceLog ?? (logFormat === 'json' ? await logs.jsonLog(ctx.stderr) : logs.textLog((line) => ctx.note(line)));
  if (args.once === true) {
    await runOnce(pipelines, args, ctx, log);
    return;
  }
  const [{ runService }, { realClock }, { budgetOf }, ops] = await Promise.all([
    import('../forward/service.js'),
    import('../forward/pipeline-loop.js'),
    import('../forward/budgets.js'),
    import('../forward/operations.js'),
  ]);
  const budget = budgetOf(args);
  const operations = await ops.startOperations(pipelines, listen, log);
  try {
    await runService(pipelines, {
      file,
      load,
      run: async (pipeline) => {
        const outcome = await runPipeline(pipeline, args, ctx, {
          budget: budget(pipeline),
          observer: operations.observer(pipeline.name),
          say: (line, level) => log.pipeline(pipeline.name, line, level),
        });
        operations.runEnded(pipeline.name, outcome.exitCode);
        return outcome.exitCode === 0;
      },
      clock: realClock,
      random: Math.random,
      note: (line) => log.note(line),
      pipelineNote: (name, line) => log.pipeline(name, line),
      onPipelines: (running) => operations.setPipelines(running),
      signal: ctx.signal,
      onHangup,
    });
  } finally {
    await operations.close();
  }
}

/** The format of the pipelines' lines: `--log-format`, else JSON for the service and text for `--once`. */
function logFormatOf(args: ForwardArgs): LogFormat {
  if (args.logFormat === undefined) return args.once === true ? 'text' : 'json';
  return choice('log-format', args.logFormat, LOG_FORMATS);
}

/**
 * The JSON log when the command line asks for one, made before the context so that what the context writes to stderr
 * itself goes through it too (`--check`, which logs nothing, and its refusal of `--log-format` are `run`'s).
 */
async function jsonLogAsked(args: ForwardArgs): Promise<ForwardLog | undefined> {
  if (args.check === true || logFormatOf(args) !== 'json') return undefined;
  return (await import('../forward/log.js')).jsonLog();
}

/** Call `listener` on each SIGHUP of the process until the returned function is called. */
function listenForHangups(listener: () => void): () => void {
  process.on('SIGHUP', listener);
  return () => process.off('SIGHUP', listener);
}

/**
 * SIGHUP for the whole life of a service process: to the listener the service gives while it runs, else `say`s that
 * it was ignored. The process handler stays until the process ends.
 */
function relayHangups(say: (line: string) => void): ServiceDeps['onHangup'] {
  let target: (() => void) | undefined;
  process.on('SIGHUP', () => {
    if (target === undefined) say('incydr: SIGHUP ignored: the pipelines are starting or have stopped');
    else target();
  });
  return (listener) => {
    target = listener;
    return () => {
      target = undefined;
    };
  };
}
