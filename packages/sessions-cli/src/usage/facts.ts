// What a usage error is judged against, read from yargs' state for the command a command line reached.

/** The command a command line reached, as a usage error needs it. */
export interface CommandFacts {
  /** The command's words: `['sessions', 'update-by-criteria']` (empty for `incydr` alone). */
  path: readonly string[];
  /** Its usage line, `incydr …` (the first line of its `--help`). */
  usage: string;
  /** Every option spelling yargs accepts there (`--state`, `-s`, `--no-alerts`, `--actorId`, …). */
  accepted: ReadonlySet<string>;
  /** The spellings a typo may be corrected to (documented names and aliases only). */
  suggested: readonly string[];
  /** Its subcommands, for a group. */
  subcommands: readonly string[];
  /** Its positional arguments in order, as the usage line names them (`NEW_STATE`). */
  positionals: readonly string[];
}

/** The option table yargs keeps for the current command (`getOptions()`), as far as it is read here. */
export interface YargsOptionTable {
  key: Record<string, unknown>;
  alias: Record<string, string[]>;
  boolean: string[];
}

/** How a positional `<new-state>` of a command string is named to users: `NEW_STATE`. */
export function positionalName(name: string): string {
  return name
    .replace(/\.\.\.$/, '')
    .replaceAll('-', '_')
    .toUpperCase();
}

/** The positionals of a yargs command string (`update-by-criteria <new-state>` → `['new-state']`). */
export function positionalsOf(command: string): string[] {
  return [...command.matchAll(/[<[]([^>\]]+)[>\]]/g)].map((match) => (match[1] as string).split('|')[0] as string);
}

/**
 * The option spellings yargs accepts for a command and those worth suggesting: a one-letter name is `-x` (yargs also
 * takes `--x`, which is refused here as a typo of `-x`), a longer one `--name`, its camelCase form and `--no-name`.
 */
export function optionSpellings(
  options: YargsOptionTable,
  positionals: readonly string[],
): { accepted: Set<string>; suggested: string[] } {
  const names = new Set<string>(Object.keys(options.key));
  for (const [key, aliases] of Object.entries(options.alias)) {
    names.add(key);
    for (const alias of aliases) names.add(alias);
  }
  const accepted = new Set<string>();
  const suggested: string[] = [];
  for (const name of names) {
    if (name.length === 1) {
      accepted.add(`-${name}`);
      suggested.push(`-${name}`);
      continue;
    }
    const camel = name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
    for (const spelling of [`--${name}`, `--${camel}`, `--no-${name}`, `--no-${camel}`]) accepted.add(spelling);
    if (positionals.includes(name)) continue;
    suggested.push(`--${name}`);
    if (options.boolean.includes(name) && name !== 'help' && name !== 'version') suggested.push(`--no-${name}`);
  }
  return { accepted, suggested };
}
