import type { Argv } from 'yargs';
import { UsageError } from '../failures.js';

/** `--max-requests-per-minute`, global like the log options: every command's API calls count. */
export function withRequestLimit<T>(yargs: Argv<T>): Argv<T> {
  return yargs.option('max-requests-per-minute', {
    type: 'number',
    requiresArg: true,
    global: true,
    describe:
      'Never start more API requests than this in any 60 s (or INCYDR_MAX_REQUESTS_PER_MINUTE); the API allows about 120',
    coerce: (value: number) => {
      if (!Number.isSafeInteger(value) || value < 1)
        throw new UsageError('--max-requests-per-minute must be a positive integer');
      return value;
    },
  });
}
