import { createRequire } from 'node:module';
import yargs, { type Argv } from 'yargs';
import { commands } from './commands/index.js';
import { RUN_IO, type RunIo } from './context.js';
import { GLOBAL_GROUP, GLOBAL_OPTIONS, laidOut, unglueTypeTags } from './help/layout.js';
import { helpWidth } from './help/width.js';
import { withLogging } from './options/logging.js';
import { withRequestLimit } from './options/requests.js';
import { optionSpellings, positionalName, positionalsOf, type CommandFacts } from './usage/facts.js';
import { failureMessage, unknownOption, usageError } from './usage/failure.js';
import { editHelp, optionTable, reachedCommand, skipHelpCache } from './yargs-internals.js';
import { reportFailure } from './report.js';

/**
 * Parse `argv` and run the command it names, reporting a failure on stderr; gives the exit code. With `io` the command
 * works with those streams, environment and signal instead of the process's (tests run the CLI in-process this way).
 */
export async function main(argv: string[], io?: RunIo): Promise<number> {
  try {
    await buildCli(argv).parseAsync(argv, io === undefined ? {} : { [RUN_IO]: io });
    return 0;
  } catch (error) {
    return reportFailure(error, io?.stderr ?? process.stderr);
  }
}

/** The yargs definition of `incydr` (also used to generate the stored help texts and the CLI reference). */
export function buildCli(argv: string[], options: { width?: number } = {}) {
  const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
  const cli = withRequestLimit(withLogging(yargs(argv)))
    .scriptName('incydr')
    .usage('$0 COMMAND [options]\n\nSearch, triage and forward Incydr sessions.')
    .command(laidOut(commands) as never)
    .demandCommand(1, 'Name a command (see --help).')
    .strict()
    .version(version)
    .alias('h', 'help')
    .group([...GLOBAL_OPTIONS], GLOBAL_GROUP)
    .wrap(options.width ?? helpWidth())
    .epilogue(
      'Settings: INCYDR_URL, INCYDR_API_CLIENT_ID, INCYDR_API_CLIENT_SECRET (environment, ./.env or ~/.config/incydr/.env).',
    )
    // yargs takes `--f` for `-f` without complaint: every option is checked here, before yargs' own checks.
    .middleware((parsed) => {
      if (parsed['help'] === true) return;
      const facts = factsOf(cli);
      const problem = unknownOption(argv, facts);
      if (problem !== undefined) throw usageError(problem, facts);
    }, true)
    .fail((message: string | undefined, error: Error | undefined) => {
      // Validation failures come as a message (usage, exit 2); errors from handlers as themselves.
      if (error !== undefined && error.name !== 'YError') throw error;
      const facts = factsOf(cli);
      throw usageError(failureMessage(error?.message ?? message ?? 'invalid command line', argv, facts), facts);
    });
  editHelp(cli, unglueTypeTags);
  skipHelpCache(cli);
  return cli;
}

/** The command a parse reached, read from yargs' state while it parses. */
function factsOf(cli: Argv<unknown>): CommandFacts {
  const reached = reachedCommand(cli);
  const positionals = positionalsOf(reached.definitions.at(-1) ?? '');
  const { accepted, suggested } = optionSpellings(optionTable(cli), positionals);
  const usage = (reached.usage ?? `$0 ${reached.path.join(' ')}`).split('\n')[0]?.replace(/^\$0/, 'incydr') ?? 'incydr';
  return {
    path: reached.path,
    usage,
    accepted,
    suggested,
    subcommands: reached.subcommands,
    positionals: positionals.map(positionalName),
  };
}
