#!/usr/bin/env node
import { cachedHelp } from './help/cache.js';
import { helpWidth } from './help/width.js';
import { reportFailure } from './report.js';

// A reader that went away (`incydr … | head`) is not an error of the process: the writer that met it ends the command
// (quietly with success; a checkpointed run first saves and says what it did not record), and later writes meet it
// again. Exiting here would end a checkpointed run before it saves or releases its lock.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
  throw error;
});

// `incydr … --help` prints the text the build stored from the yargs definitions, without loading yargs; everything
// heavy (SDK, syslog, formats) is imported inside the commands.
const args = process.argv.slice(2);
const help = cachedHelp(args, helpWidth());
try {
  if (help !== undefined) {
    process.stdout.write(`${help}\n`);
  } else {
    const { main } = await import('./cli.js');
    process.exitCode = await main(args);
  }
} catch (error) {
  process.exitCode = await reportFailure(error, process.stderr);
}
