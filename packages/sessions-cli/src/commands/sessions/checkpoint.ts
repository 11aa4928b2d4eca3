import type { Argv } from 'yargs';
import { laidOut } from '../../help/layout.js';
import { commands } from './checkpoint/index.js';

/** The group's commands (the help builder walks them). */
export const subcommands = commands;

export const command = 'checkpoint';
export const describe = 'List, show and reset the checkpoints of `search --checkpoint`';

export function builder(yargs: Argv): Argv {
  return yargs.command(laidOut(commands) as never).demandCommand(1, 'Name a checkpoint command (see --help).');
}

export function handler(): void {
  // Not reached: demandCommand asks for a subcommand.
}
