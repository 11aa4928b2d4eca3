import type { Argv } from 'yargs';
import { UsageError } from '../failures.js';
import { completes } from './values.js';

/** Log options, accepted at every level (root, group, command) because they are global. */
export function withLogging<T>(yargs: Argv<T>): Argv<T> {
  completes(yargs, 'log-level', { values: ['ERROR', 'WARNING', 'INFO', 'DEBUG'] });
  completes(yargs, 'log-file', 'file');
  return yargs
    .option('log-stderr', { type: 'boolean', describe: 'Write log lines to stderr', global: true })
    .option('log-file', { type: 'string', describe: 'Append log lines to this file', global: true, requiresArg: true })
    .option('log-level', {
      type: 'string',
      describe: 'ERROR, WARNING (WARN), INFO or DEBUG (any case)',
      global: true,
      requiresArg: true,
      coerce: (value: string) => {
        if (!/^(error|warning|warn|info|debug|[1-5]0)$/i.test(value.trim())) {
          throw new UsageError(`invalid value "${value}" for --log-level: choose from ERROR, WARNING, INFO, DEBUG`);
        }
        return value;
      },
    })
    .option('profile', {
      type: 'string',
      describe: 'Read ~/.config/incydr/profiles/NAME.env instead of .env (or INCYDR_PROFILE)',
      global: true,
      requiresArg: true,
    });
}
