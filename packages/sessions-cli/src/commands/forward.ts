import type { ArgumentsCamelCase, Argv } from 'yargs';
import { createContext, type Context, type GlobalArgs } from '../context.js';
import { ExitError, UsageError } from '../failures.js';
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
      describe:
        'Run every pipeline once, side by side, and exit: from cron or a systemd timer (a long-running service comes later)',
    })
    .example('$0 forward --config forward.yml --check', 'check the file and show what each pipeline does')
    .example(
      '$0 forward --config forward.yml --once',
      'every 5 minutes from cron: each pipeline once',
    ) as Argv<ForwardArgs>;
}

export async function handler(args: ArgumentsCamelCase<ForwardArgs>): Promise<void> {
  await run(args, createContext(args));
}

/**
 * Check the config and then, with `--once`, run every pipeline once as `search --checkpoint --output` does; with
 * `--check`, print each pipeline. Every problem of the file is listed before anything starts.
 */
export async function run(args: ForwardArgs, ctx: Context): Promise<void> {
  if (args.config === undefined) throw new UsageError('forward needs --config FILE');
  if (args.check === true && args.once === true) throw new UsageError('--check and --once cannot be used together');
  if (args.profile !== undefined) {
    throw new UsageError('--profile does not apply to forward: each pipeline names its own profile or connection');
  }
  if (args.check !== true && args.once !== true) {
    throw new ExitError(
      'forward runs as a service in a later version; until then run `incydr forward --config FILE --once` from cron ' +
        'or a systemd timer (or --check to check the file)',
      2,
    );
  }
  const { loadForwardConfig } = await import('../forward/config.js');
  const pipelines = loadForwardConfig(args.config, ctx.env, (line) => ctx.note(`incydr: ${line}`));
  if (args.check === true) {
    for (const pipeline of pipelines) {
      ctx.stdout.write(
        `${pipeline.name}: API ${pipeline.apiUrl}, checkpoint ${pipeline.checkpoint}, target ${pipeline.target}, ` +
          `record ${pipeline.record}, interval ${pipeline.interval}\n`,
      );
    }
    return;
  }
  const { runOnce } = await import('../forward/once.js');
  await runOnce(pipelines, args, ctx);
}
