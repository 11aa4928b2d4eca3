// Usage errors in the CLI's words: one line naming the problem (and the nearest valid option or command), then the
// command's usage line and where its help is. yargs' own messages are read here and nowhere else.
import { UsageError } from '../failures.js';
import type { CommandFacts } from './facts.js';
import { nearest } from './nearest.js';

/** The usage error for a problem with a command line: the message, then the usage line and the help to read. */
export function usageError(message: string, facts: CommandFacts): UsageError {
  const help = ['incydr', ...facts.path, '--help'].join(' ');
  return new UsageError(message, { details: [`usage: ${facts.usage}`, `see ${help}`] });
}

/**
 * The first option of a command line that the command does not take, as a message with the nearest valid spelling;
 * undefined when every option is known. Words after `--` are arguments, and `-` and negative numbers are values.
 */
export function unknownOption(args: readonly string[], facts: CommandFacts): string | undefined {
  for (const arg of args) {
    if (arg === '--') break;
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) continue;
    const spelling = arg.split('=')[0] as string;
    if (spelling.startsWith('--')) {
      if (!facts.accepted.has(spelling)) return unknown(spelling, facts);
      continue;
    }
    // A cluster of short options (-yf): each letter is one.
    for (const letter of spelling.slice(1)) {
      if (!facts.accepted.has(`-${letter}`)) return unknown(spelling.length === 2 ? spelling : `-${letter}`, facts);
    }
  }
  return undefined;
}

/** The message for a failure yargs reports (its English message), in the CLI's words. */
export function failureMessage(yargsMessage: string, args: readonly string[], facts: CommandFacts): string {
  const option = unknownOption(args, facts);
  if (option !== undefined) return option;
  const missing = /^Not enough non-option arguments: got (\d+)/.exec(yargsMessage);
  if (missing !== null || /^Name a .*command/.test(yargsMessage)) {
    if (facts.subcommands.length > 0) return `missing command: choose from ${facts.subcommands.join(', ')}`;
    const names = facts.positionals.slice(Number(missing?.[1] ?? 0));
    return `missing ${names.join(' and ') || 'argument'}`;
  }
  const unknownWords = /^Unknown arguments?: (.*)$/.exec(yargsMessage);
  if (unknownWords !== null) {
    const word = (unknownWords[1] as string).split(', ')[0] as string;
    if (facts.subcommands.length > 0) {
      const meant = nearest(word, facts.subcommands);
      return `unknown command ${word}${meant === undefined ? `: choose from ${facts.subcommands.join(', ')}` : `; did you mean ${meant}?`}`;
    }
    return `unexpected argument ${JSON.stringify(word)}`;
  }
  const needsValue = /^Not enough arguments following: (.+)$/.exec(yargsMessage);
  if (needsValue !== null) {
    const name = needsValue[1] as string;
    return `option ${name.length === 1 ? '-' : '--'}${name} needs a value`;
  }
  return yargsMessage.replace(/^[A-Z](?=[a-z])/, (letter) => letter.toLowerCase()).replace(/\.$/, '');
}

function unknown(spelling: string, facts: CommandFacts): string {
  // Every letter is one edit from another: a guess for a short option would be noise.
  const meant = spelling.startsWith('--') ? nearest(spelling, facts.suggested) : undefined;
  return `unknown option ${spelling}${meant === undefined ? '' : `; did you mean ${meant}?`}`;
}
