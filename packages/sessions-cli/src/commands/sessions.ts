import { commandGroup } from './group.js';
import { commands } from './sessions/index.js';

/** `incydr sessions`: search, show and triage sessions. */
export const { command, describe, subcommands, builder, handler } = commandGroup(
  'sessions',
  'Search, show and triage sessions',
  commands,
);
