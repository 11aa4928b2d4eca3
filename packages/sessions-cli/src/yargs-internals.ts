// The only file that reaches into yargs' internals (`getInternalMethods`, yargs 18): which command a parse reached,
// its subcommands, and the usage text of its help. The shapes are declared here because @types/yargs omits them.
import type { Argv } from 'yargs';

interface UsageInstance {
  usage(message: string, description?: string): UsageInstance;
  getUsage(): Array<[string, string]>;
  help(): string;
  cacheHelpMessage(): void;
}

interface InternalMethods {
  getContext(): { commands: string[]; fullCommands: string[] };
  getCommandInstance(): { getCommands(): string[] };
  getUsageInstance(): UsageInstance;
}

function internals(yargs: Argv<unknown>): InternalMethods {
  return (yargs as unknown as { getInternalMethods(): InternalMethods }).getInternalMethods();
}

/** The command a parse has reached: its words, its definition strings, its subcommands and its usage line. */
export function reachedCommand(yargs: Argv<unknown>): {
  path: string[];
  definitions: string[];
  subcommands: string[];
  usage: string | undefined;
} {
  const methods = internals(yargs);
  const { commands, fullCommands } = methods.getContext();
  const usage = methods.getUsageInstance().getUsage()[0]?.[0];
  return {
    path: [...commands],
    definitions: [...fullCommands],
    subcommands: methods.getCommandInstance().getCommands(),
    usage,
  };
}

/** Set the usage line and description the command being built shows atop its `--help`. */
export function setUsage(yargs: Argv<unknown>, line: string, description: string): void {
  internals(yargs).getUsageInstance().usage(line, description);
}

/** Pass every help text yargs renders through `edit` (yargs renders help in one place, for every command). */
export function editHelp(yargs: Argv<unknown>, edit: (text: string) => string): void {
  const usage = internals(yargs).getUsageInstance();
  const render = usage.help.bind(usage);
  usage.help = () => edit(render());
}

/**
 * Stop yargs laying out the help of every command it runs: it stores that text for a handler that might call
 * `showHelp()` once the parse is over, and no handler here does (a usage error names the usage line, not the help).
 */
export function skipHelpCache(yargs: Argv<unknown>): void {
  internals(yargs).getUsageInstance().cacheHelpMessage = () => undefined;
}

/** The descriptions of the options and positionals defined on `yargs`, keyed by name. */
export function descriptions(yargs: Argv<unknown>): Record<string, string | undefined> {
  return (
    internals(yargs).getUsageInstance() as unknown as { getDescriptions(): Record<string, string | undefined> }
  ).getDescriptions();
}

/** yargs' table of the options defined on `yargs` (names, aliases, booleans, defaults). */
export function optionTable(yargs: Argv<unknown>): {
  key: Record<string, unknown>;
  alias: Record<string, string[]>;
  boolean: string[];
  default: Record<string, unknown>;
} {
  return (yargs as unknown as { getOptions(): ReturnType<typeof optionTable> }).getOptions();
}
