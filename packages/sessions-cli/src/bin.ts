#!/usr/bin/env node
import { hideBin } from 'yargs/helpers';
import { buildCli } from './cli.js';

// A reader that went away (`incydr … | head`) is not an error: stop quietly with success.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// Everything heavy (SDK, syslog, formats) is imported inside the commands: `incydr --help` stays fast.
try {
  await buildCli(hideBin(process.argv)).parseAsync();
} catch (error) {
  const { describeError } = await import('./errors.js');
  const { message, exitCode } = describeError(error);
  if (message !== '') process.stderr.write(`incydr: ${message}\n`);
  process.exitCode = exitCode;
}
