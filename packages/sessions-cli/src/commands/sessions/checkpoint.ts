import { commandGroup } from '../group.js';
import { commands } from './checkpoint/index.js';

/** `incydr sessions checkpoint`: list, show and reset checkpoints. */
export const { command, describe, subcommands, builder, handler } = commandGroup(
  'checkpoint',
  'List, show and reset the checkpoints of `search --checkpoint`',
  commands,
);
