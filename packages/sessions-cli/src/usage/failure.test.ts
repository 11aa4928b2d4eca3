import { describe, expect, it } from 'vitest';
import { UsageError } from '../failures.js';
import { optionSpellings, positionalsOf, type CommandFacts } from './facts.js';
import { failureMessage, unknownOption, usageError } from './failure.js';

const table = {
  key: { state: true, s: true, alerts: true, 'session-id': true, help: true },
  alias: { state: ['s'], h: ['help'] },
  boolean: ['alerts', 'help'],
};
const facts: CommandFacts = {
  path: ['sessions', 'update'],
  usage: 'incydr sessions update SESSION_ID [options]',
  ...optionSpellings(table, ['session-id']),
  subcommands: [],
  positionals: ['SESSION_ID'],
};

describe('unknownOption', () => {
  it('passes the spellings yargs accepts: names, aliases, camelCase, --no- and --name=value', () => {
    expect(
      unknownOption(
        ['x', '--state', 'OPEN', '-s', 'OPEN', '--state=OPEN', '--no-alerts', '--sessionId', 'x', '-h'],
        facts,
      ),
    ).toBeUndefined();
  });

  it('reads words after --, a lone - and negative numbers as arguments', () => {
    expect(unknownOption(['-', '-5', '--', '--bogus', '-z'], facts)).toBeUndefined();
  });

  it('names the first unknown option, with a guess for a long one only', () => {
    expect(unknownOption(['--stat', 'OPEN', '--bogus'], facts)).toBe('unknown option --stat; did you mean --state?');
    expect(unknownOption(['--s', 'OPEN'], facts)).toBe('unknown option --s; did you mean -s?');
    expect(unknownOption(['-hz'], facts)).toBe('unknown option -z');
    expect(unknownOption(['--session-ide'], facts)).toBe('unknown option --session-ide');
  });
});

describe('failureMessage', () => {
  it("words yargs failures in the CLI's terms", () => {
    expect(failureMessage('Not enough non-option arguments: got 0, need at least 1', [], facts)).toBe(
      'missing SESSION_ID',
    );
    expect(failureMessage('Unknown arguments: a, b', ['x', 'a', 'b'], facts)).toBe('unexpected argument "a"');
    expect(failureMessage('Not enough arguments following: state', ['x', '--state'], facts)).toBe(
      'option --state needs a value',
    );
    expect(failureMessage('Something else happened.', [], facts)).toBe('something else happened');
  });
});

describe('usageError', () => {
  it('is a usage error followed by the usage line and the help to read', () => {
    const error = usageError('missing SESSION_ID', facts);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.details).toEqual([
      'usage: incydr sessions update SESSION_ID [options]',
      'see incydr sessions update --help',
    ]);
  });
});

describe('positionalsOf', () => {
  it('reads the positionals of a yargs command string', () => {
    expect(positionalsOf('update-by-criteria <new-state>')).toEqual(['new-state']);
    expect(positionalsOf('completion [shell]')).toEqual(['shell']);
    expect(positionalsOf('search')).toEqual([]);
  });
});
