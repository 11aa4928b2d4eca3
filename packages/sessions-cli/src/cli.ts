import { createRequire } from 'node:module';
import yargs from 'yargs';
import { commands } from './commands/index.js';
import { UsageError } from './failures.js';
import { helpWidth } from './help/width.js';
import { withLogging } from './options/logging.js';
import { withRequestLimit } from './options/requests.js';

/** The yargs definition of `incydr` (also used to generate the stored help texts and the CLI reference). */
export function buildCli(argv: string[], options: { width?: number } = {}) {
  const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
  return withRequestLimit(withLogging(yargs(argv)))
    .scriptName('incydr')
    .usage('$0 <command> [options]\n\nSearch, triage and forward Incydr sessions.')
    .command(commands as never)
    .completion('completion', 'Print a shell completion script (bash/zsh): incydr completion >> ~/.bashrc')
    .demandCommand(1, 'Name a command (see --help).')
    .recommendCommands()
    .strict()
    .version(version)
    .alias('h', 'help')
    .wrap(options.width ?? helpWidth())
    .epilogue('Settings: INCYDR_URL, INCYDR_API_CLIENT_ID, INCYDR_API_CLIENT_SECRET (environment, ./.env or ~/.config/incydr/.env).')
    .fail((message: string | undefined, error: Error | undefined) => {
      // Validation failures come as a message (usage, exit 2); errors from handlers as themselves.
      if (error === undefined || error.name === 'YError') throw new UsageError(error?.message ?? message ?? 'invalid command line');
      throw error;
    });
}
