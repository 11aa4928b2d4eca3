import type { Argv } from 'yargs';
import { laidOut } from '../help/layout.js';

/** A yargs command module that only routes to its subcommands (the help builder walks `subcommands`). */
export interface CommandGroup<T extends readonly object[]> {
  command: string;
  describe: string;
  subcommands: T;
  builder(yargs: Argv): Argv;
  handler(): void;
}

/** The module of a command group such as `incydr sessions`: it asks for one of its subcommands when none is named. */
export function commandGroup<T extends readonly object[]>(
  command: string,
  describe: string,
  subcommands: T,
): CommandGroup<T> {
  return {
    command,
    describe,
    subcommands,
    // Each command module has the shape yargs expects (command, describe, builder, handler).
    builder: (yargs) =>
      yargs.command(laidOut(subcommands) as never).demandCommand(1, `Name a ${command} command (see --help).`),
    handler: () => {
      // Not reached: demandCommand asks for a subcommand.
    },
  };
}
