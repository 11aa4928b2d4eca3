// The command tree as shell completion needs it, read from the yargs definitions: commands, the options of each
// (with their spellings, whether they take a value and what that value completes to) and the positionals.
import yargs, { type Argv } from 'yargs';
import { commands } from '../commands/index.js';
import { GLOBAL_OPTIONS } from '../help/layout.js';
import { withLogging } from '../options/logging.js';
import { withRequestLimit } from '../options/requests.js';
import { completionsOf, type Completion } from '../options/values.js';
import { positionalsOf } from '../usage/facts.js';
import { descriptions, optionTable } from '../yargs-internals.js';

/** One option: how it is spelled, what it is, and whether (and to what) its value completes. */
export interface OptionSpec {
  /** `--format`, `-f`; `--no-alerts` for a boolean that is on by default. */
  spellings: string[];
  description: string;
  takesValue: boolean;
  completion?: Completion;
}

/** One command (or group, or the root): its subcommands, options and positionals. */
export interface CommandSpec {
  /** Its words after `incydr` (empty for the root). */
  path: string[];
  subcommands: Array<{ name: string; description: string }>;
  /** Its own options, without the global ones. */
  options: OptionSpec[];
  /** What each positional completes to, in order (undefined: any text). */
  positionals: Array<Completion | undefined>;
}

/** The tree: every command path with what it takes, and the global options every one of them takes. */
export interface CompletionSpec {
  commands: CommandSpec[];
  globals: OptionSpec[];
}

interface Module {
  command: string;
  describe: string;
  builder: (yargs: Argv) => Argv<unknown>;
  subcommands?: readonly Module[];
}

/** Read the completion spec from the command modules (their builders run on a bare yargs each). */
export function completionSpec(): CompletionSpec {
  const root = base();
  const globals = optionSpecs(root, []).filter((option) => isGlobal(option));
  const list: CommandSpec[] = [];
  const top = commands as readonly Module[];
  list.push({ path: [], subcommands: top.map(entry), options: [], positionals: [] });
  walk(top, [], list);
  return { commands: list, globals };
}

function walk(modules: readonly Module[], prefix: string[], list: CommandSpec[]): void {
  for (const module of modules) {
    const path = [...prefix, module.command.split(' ')[0] as string];
    if (module.subcommands !== undefined) {
      list.push({ path, subcommands: module.subcommands.map(entry), options: [], positionals: [] });
      walk(module.subcommands, path, list);
      continue;
    }
    const built = module.builder(base());
    const positionals = positionalsOf(module.command);
    const known = completionsOf(built);
    list.push({
      path,
      subcommands: [],
      options: optionSpecs(built, positionals).filter((option) => !isGlobal(option)),
      positionals: positionals.map((name) => known.get(name)),
    });
  }
}

function entry(module: Module): { name: string; description: string } {
  return { name: module.command.split(' ')[0] as string, description: module.describe };
}

function base(): Argv {
  return withRequestLimit(withLogging(yargs([]))).alias('h', 'help') as Argv;
}

function isGlobal(option: OptionSpec): boolean {
  return (GLOBAL_OPTIONS as readonly string[]).some((name) => option.spellings.includes(`--${name}`));
}

function optionSpecs(built: Argv<unknown>, positionals: readonly string[]): OptionSpec[] {
  const table = optionTable(built);
  const texts = descriptions(built);
  const known = completionsOf(built);
  const seen = new Set<string>();
  const specs: OptionSpec[] = [];
  for (const name of Object.keys(table.key)) {
    if (seen.has(name) || positionals.includes(name)) continue;
    // yargs keys an alias table by whichever name came first (`h` → `help`): gather every name of the option.
    const names = new Set([name, ...(table.alias[name] ?? [])]);
    for (const [key, aliases] of Object.entries(table.alias))
      if (aliases.includes(name)) for (const other of [key, ...aliases]) names.add(other);
    for (const other of names) seen.add(other);
    const long = [...names].filter((other) => other.length > 1);
    const short = [...names].filter((other) => other.length === 1);
    const spellings = [...long.map((word) => `--${word}`), ...short.map((word) => `-${word}`)];
    const takesValue = !long.some((word) => table.boolean.includes(word));
    if (!takesValue && table.default[name] === true) spellings.push(`--no-${name}`);
    const spec: OptionSpec = { spellings, description: firstSentence(texts[name] ?? ''), takesValue };
    const completes = known.get(name);
    if (completes !== undefined) spec.completion = completes;
    specs.push(spec);
  }
  return specs;
}

// Shells show a description beside each candidate: the first clause is enough there.
function firstSentence(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const cut = line.search(/[:;(]/);
  return (cut > 10 ? line.slice(0, cut) : line).trim().slice(0, 80);
}
