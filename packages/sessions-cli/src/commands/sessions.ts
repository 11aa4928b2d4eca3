import type { Argv } from 'yargs';
import { laidOut } from '../help/layout.js';
import { commands } from './sessions/index.js';

/** The group's commands (the help builder walks them). */
export const subcommands = commands;

export const command = 'sessions';
export const describe = 'Search, show and triage sessions';

export function builder(yargs: Argv): Argv {
  // Each command module has the shape yargs expects (command, describe, builder, handler).
  return yargs.command(laidOut(commands) as never).demandCommand(1, 'Name a sessions command (see --help).');
}

export function handler(): void {
  // Not reached: demandCommand asks for a subcommand.
}
