import type { ArgumentsCamelCase, Argv } from 'yargs';
import { createContext, RUN_IO, type Context, type GlobalArgs, type RunIo } from '../context.js';
import { UsageError } from '../failures.js';
import { completes } from '../options/values.js';

/** Arguments of `incydr forward`. */
export type ForwardArgs = GlobalArgs & {
  config?: string;
  check?: boolean;
  once?: boolean;
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
    .example('$0 forward --config forward.yml --check', 'check the file and show what each pipeline does')
    .example(
      '$0 forward --config forward.yml',
      'run as a service: each pipeline every interval until SIGTERM (SIGHUP reloads the file)',
    )
    .example(
      '$0 forward --config forward.yml --once',
      'every 5 minutes from cron: each pipeline once',
    ) as Argv<ForwardArgs>;
}

export async function handler(args: ArgumentsCamelCase<ForwardArgs & { [RUN_IO]?: RunIo }>): Promise<void> {
  try {
    await run(args, createContext(args));
  } finally {
    // A service that stopped leaves nothing to wait for; should a hung connection keep the process alive, it still
    // ends soon after with the exit code already set (never in-process, where a test holds the process).
    if (args[RUN_IO] === undefined && args.check !== true && args.once !== true) {
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
export async function run(args: ForwardArgs, ctx: Context): Promise<void> {
  if (args.config === undefined) throw new UsageError('forward needs --config FILE');
  if (args.check === true && args.once === true) throw new UsageError('--check and --once cannot be used together');
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
  const { runOnce, runPipeline } = await import('../forward/once.js');
  if (args.once === true) {
    await runOnce(pipelines, args, ctx);
    return;
  }
  const [{ runService }, { realClock }, { budgetOf }] = await Promise.all([
    import('../forward/service.js'),
    import('../forward/pipeline-loop.js'),
    import('../forward/budgets.js'),
  ]);
  const budget = budgetOf(args);
  await runService(pipelines, {
    file,
    load,
    run: async (pipeline) => (await runPipeline(pipeline, args, ctx, budget(pipeline))).exitCode === 0,
    clock: realClock,
    random: Math.random,
    note: (line) => ctx.note(line),
    signal: ctx.signal,
    onHangup: (listener) => {
      process.on('SIGHUP', listener);
      return () => process.off('SIGHUP', listener);
    },
  });
}
