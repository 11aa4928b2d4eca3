// The functions the bash and zsh scripts share (POSIX `case`, no subshells): which words are commands, which options
// take a value, and the candidates at a position. Everything is decided when the script is generated.
import type { Completion } from '../options/values.js';
import type { CommandSpec, CompletionSpec, OptionSpec } from './spec.js';

/** A word in single quotes for sh, bash, zsh (and fish, whose rules for `'…'` differ only for backslashes). */
export function quoted(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/** The spec's commands as `path` strings (`sessions search`; empty for the root). */
export function pathOf(command: CommandSpec): string {
  return command.path.join(' ');
}

/**
 * Shell functions setting `_incydr_reply` (candidates) and `_incydr_kind` (words, nospace, file or none), and
 * `_incydr_walk`, which reads the words before the cursor.
 */
export function posixFunctions(spec: CompletionSpec): string {
  const lines: string[] = [];
  const commandWords = spec.commands.flatMap((command) =>
    command.subcommands.map((sub) => quoted(`${pathOf(command)}/${sub.name}`)),
  );
  lines.push(
    '_incydr_is_command() {',
    `  case "$1/$2" in`,
    `    ${commandWords.join('|')}) return 0 ;;`,
    '  esac',
    '  return 1',
    '}',
  );

  const globalValued = spec.globals.filter((option) => option.takesValue).flatMap((option) => option.spellings);
  const valued = spec.commands.flatMap((command) =>
    command.options
      .filter((option) => option.takesValue)
      .flatMap((option) => option.spellings.map((spelling) => quoted(`${pathOf(command)}/${spelling}`))),
  );
  lines.push(
    '_incydr_takes_value() {',
    '  case "$2" in',
    `    ${globalValued.join('|')}) return 0 ;;`,
    '  esac',
    '  case "$1/$2" in',
  );
  if (valued.length > 0) lines.push(`    ${valued.join('|')}) return 0 ;;`);
  lines.push('  esac', '  return 1', '}');

  const globalWords = spec.globals.flatMap((option) => option.spellings).join(' ');
  lines.push('_incydr_words() {', '  _incydr_kind=words', '  case "$1" in');
  for (const command of spec.commands) {
    const words =
      command.subcommands.length > 0
        ? command.subcommands.map((sub) => sub.name)
        : command.options.flatMap((option) => option.spellings);
    lines.push(`    ${quoted(pathOf(command))}) _incydr_reply=${quoted(words.join(' '))} ;;`);
  }
  lines.push("    *) _incydr_reply='' ;;", '  esac', '}');
  lines.push(`_incydr_global_options=${quoted(globalWords)}`);

  lines.push('_incydr_values() {', "  _incydr_kind=none _incydr_reply=''", '  case "$2" in');
  for (const option of spec.globals)
    if (option.completion !== undefined)
      lines.push(`    ${option.spellings.join('|')}) ${assign(option.completion)} ;;`);
  lines.push('  esac', '  case "$1/$2" in');
  for (const command of spec.commands) {
    for (const option of command.options) {
      if (option.completion === undefined) continue;
      lines.push(
        `    ${option.spellings.map((spelling) => quoted(`${pathOf(command)}/${spelling}`)).join('|')}) ${assign(option.completion)} ;;`,
      );
    }
  }
  lines.push('  esac', '}');

  lines.push('_incydr_positional() {', "  _incydr_kind=none _incydr_reply=''", '  case "$1/$2" in');
  for (const command of spec.commands) {
    command.positionals.forEach((completion, index) => {
      if (completion !== undefined)
        lines.push(`    ${quoted(`${pathOf(command)}/${index}`)}) ${assign(completion)} ;;`);
    });
  }
  lines.push('  esac', '}');
  lines.push(WALK);
  return lines.join('\n');
}

// Reads the words before the cursor (its arguments): the command they name, an option still waiting for its value,
// and how many positionals came. Sets `_incydr_path`, `_incydr_pending` and `_incydr_positionals`.
const WALK = `_incydr_walk() {
  _incydr_path='' _incydr_pending='' _incydr_positionals=0
  local word
  for word in "$@"; do
    if [[ -n $_incydr_pending ]]; then _incydr_pending=''; continue; fi
    case $word in
      --*=*) ;;
      -?*) _incydr_takes_value "$_incydr_path" "$word" && _incydr_pending=$word ;;
      *)
        if _incydr_is_command "$_incydr_path" "$word"; then _incydr_path=\${_incydr_path:+$_incydr_path }$word
        else _incydr_positionals=$((_incydr_positionals + 1)); fi ;;
    esac
  done
}`;

function assign(completion: Completion): string {
  if (completion === 'file') return '_incydr_kind=file';
  return `_incydr_kind=${completion.nospace === true ? 'nospace' : 'words'} _incydr_reply=${quoted(completion.values.join(' '))}`;
}

/** Every option of a command, its own and the global ones. */
export function optionsOf(command: CommandSpec, spec: CompletionSpec): OptionSpec[] {
  return [...command.options, ...spec.globals];
}
