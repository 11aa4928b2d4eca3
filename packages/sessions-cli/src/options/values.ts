// The values an option or positional takes, recorded for shell completion. yargs' `choices` would do it, but it
// checks case-sensitively (the CLI takes `open` for OPEN) and lists the values in --help a second time.

/** What a shell completes after an option: these words, a file name, or nothing (any text). */
export type Completion = { values: readonly string[]; nospace?: boolean } | 'file';

const registry = new WeakMap<object, Map<string, Completion>>();

/** Record what `key` (an option or a positional) of the command being built completes to; returns `yargs`. */
export function completes<T extends object>(yargs: T, key: string, completion: Completion): T {
  const known = registry.get(yargs) ?? new Map<string, Completion>();
  known.set(key, completion);
  registry.set(yargs, known);
  return yargs;
}

/** What the options and positionals of the command built on `yargs` complete to, keyed by their names. */
export function completionsOf(yargs: object): ReadonlyMap<string, Completion> {
  return registry.get(yargs) ?? new Map();
}
