// How every command's --help is laid out: its usage line (`incydr sessions update SESSION_ID [options]`), its own
// options first, the global ones after under their own heading, and no description running into its type tag.
import type { Argv } from 'yargs';
import { positionalName, positionalsOf } from '../usage/facts.js';
import { reachedCommand, setUsage } from '../yargs-internals.js';

/** The heading of the options every command takes. */
export const GLOBAL_GROUP = 'Global options:';

/** The options every command takes (defined at the root), listed under {@link GLOBAL_GROUP}. */
export const GLOBAL_OPTIONS = [
  'log-stderr',
  'log-file',
  'log-level',
  'profile',
  'max-requests-per-minute',
  'version',
  'help',
] as const;

/** A command module as yargs takes it, with an optional synopsis (what follows the command's words in its usage). */
export interface CommandModule {
  command: string;
  describe: string;
  builder: (yargs: Argv) => Argv<unknown>;
  handler: (args: never) => void | Promise<void>;
  synopsis?: string;
  subcommands?: readonly CommandModule[];
}

/**
 * The modules with the CLI's help layout: the usage line is the command's words and its synopsis (by default its
 * positionals, upper case, then `[options]`; `COMMAND` for a group), and its own options come before the global ones.
 */
export function laidOut(modules: readonly object[]): CommandModule[] {
  return (modules as readonly CommandModule[]).map((module) => ({
    ...module,
    builder: (yargs: Argv): Argv<unknown> => {
      // yargs lists groups in the order they are first named; the global group, named at the root, comes after.
      const built = module.builder(yargs.group([], 'Positionals:').group([], 'Options:'));
      const { path } = reachedCommand(built);
      setUsage(built, `$0 ${path.join(' ')} ${synopsisOf(module)}`, module.describe);
      return built;
    },
  }));
}

/** What follows a command's words in its usage line. */
export function synopsisOf(module: Pick<CommandModule, 'command' | 'synopsis' | 'subcommands'>): string {
  if (module.synopsis !== undefined) return module.synopsis;
  if (module.subcommands !== undefined) return 'COMMAND';
  return [...positionalsOf(module.command).map(positionalName), '[options]'].join(' ');
}

// yargs' table puts an option's type tag on the line its description ends on when it fits; when the description
// ends exactly where the tag starts, the two run together (`…about 120[number]`).
const GLUED_TAGS =
  /^(.*\S)((?:\[(?:boolean|string|number|array|count|required|deprecated|default|choices|aliases)\b[^\]]*\] ?)+)$/;

/** The help text with every type tag that ran into its description moved to a line of its own, right-aligned. */
export function unglueTypeTags(text: string): string {
  return text
    .split('\n')
    .flatMap((line) => {
      const match = GLUED_TAGS.exec(line);
      if (match === null) return [line];
      const tags = match[2] as string;
      return [(match[1] as string).trimEnd(), `${' '.repeat(line.length - tags.length)}${tags}`];
    })
    .join('\n');
}
