// Mistakes on the command line (cli.md §5): one line naming the problem and the nearest valid option or command,
// then the command's usage line and where its help is; exit 2. Parsed in this process, as the binary parses them.
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { collector } from './helpers/in-process.js';
import { BUILD_TIMEOUT_MS, ensureBuilt, lines, runIncydr } from './helpers/run.js';

/** What the binary would print on stderr for a command line, and its exit code (parsed and reported in-process). */
async function parseFailure(args: string[]): Promise<{ code: number; lines: string[] }> {
  const stdout = collector();
  const stderr = collector();
  const code = await main(args, {
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: {},
    signal: new AbortController().signal,
  });
  if (code === 0) throw new Error(`incydr ${args.join(' ')} did not fail`);
  return { code, lines: lines(stderr.text()) };
}

describe('usage errors of the command line', () => {
  it('names the missing state of update-by-criteria and shows its usage line', async () => {
    expect(await parseFailure(['sessions', 'update-by-criteria'])).toEqual({
      code: 2,
      lines: [
        'incydr: missing NEW_STATE',
        'usage: incydr sessions update-by-criteria NEW_STATE [filters] [--yes | --dry-run]',
        'see incydr sessions update-by-criteria --help',
      ],
    });
  });

  it('suggests the nearest option for a misspelt one', async () => {
    const cases: Array<[string[], string]> = [
      [['sessions', 'search', '--sevrity', 'HIGH'], 'unknown option --sevrity; did you mean --severity?'],
      [['sessions', 'search', '--stat', 'OPEN'], 'unknown option --stat; did you mean --state?'],
      [
        ['sessions', 'update-by-criteria', 'OPEN', '--stat=OPEN', '--yes'],
        'unknown option --stat; did you mean --state?',
      ],
      [['sessions', 'show', 'id-1', '--fromat', 'json-lines'], 'unknown option --fromat; did you mean --format?'],
      [['sessions', 'update', 'id-1', '--stae', 'OPEN'], 'unknown option --stae; did you mean --state?'],
      [['--log-levl', 'DEBUG', 'sessions', 'search'], 'unknown option --log-levl; did you mean --log-level?'],
    ];
    for (const [args, message] of cases) {
      const failure = await parseFailure(args);
      expect(failure.code, args.join(' ')).toBe(2);
      expect(failure.lines[0], args.join(' ')).toBe(`incydr: ${message}`);
    }
  });

  it('refuses --f, which yargs alone would take for -f, and suggests -f', async () => {
    for (const args of [
      ['sessions', 'search', '--f', 'json-lines'],
      ['sessions', 'search', '--f'],
    ]) {
      expect(await parseFailure(args)).toEqual({
        code: 2,
        lines: [
          'incydr: unknown option --f; did you mean -f?',
          'usage: incydr sessions search [options]',
          'see incydr sessions search --help',
        ],
      });
    }
  });

  it('names an unknown option without a guess when none is near, and an unknown short option', async () => {
    expect((await parseFailure(['sessions', 'update', 'id-1', '--verbose'])).lines[0]).toBe(
      'incydr: unknown option --verbose',
    );
    expect((await parseFailure(['sessions', 'search', '-x'])).lines[0]).toBe('incydr: unknown option -x');
    expect((await parseFailure(['sessions', 'update-by-criteria', 'OPEN', '-yq'])).lines[0]).toBe(
      'incydr: unknown option -q',
    );
  });

  it('suggests the nearest command for a misspelt one and lists the commands of a group named alone', async () => {
    expect(await parseFailure(['sessions', 'serch'])).toEqual({
      code: 2,
      lines: [
        'incydr: unknown command serch; did you mean search?',
        'usage: incydr sessions COMMAND',
        'see incydr sessions --help',
      ],
    });
    expect((await parseFailure(['sessions', 'checkpoint'])).lines[0]).toBe(
      'incydr: missing command: choose from list, show, reset',
    );
    expect((await parseFailure(['sesions'])).lines[0]).toBe('incydr: unknown command sesions; did you mean sessions?');
  });

  it('names a missing positional, an extra argument and an option without its value', async () => {
    expect((await parseFailure(['sessions', 'show'])).lines).toEqual([
      'incydr: missing SESSION_ID',
      'usage: incydr sessions show SESSION_ID [options]',
      'see incydr sessions show --help',
    ]);
    expect((await parseFailure(['sessions', 'update', 'id-1', 'id-2', '--state', 'OPEN'])).lines[0]).toBe(
      'incydr: unexpected argument "id-2"',
    );
    expect((await parseFailure(['sessions', 'search', '-f'])).lines[0]).toBe('incydr: option -f needs a value');
  });

  it('takes - for stdin as an argument, not an option', async () => {
    expect((await parseFailure(['sessions', 'bulk-update-state', '-', '--bogus'])).lines[0]).toBe(
      'incydr: unknown option --bogus',
    );
  });
});

describe('the binary', () => {
  it(
    'prints the error, the usage line and the help to read on stderr, nothing on stdout, and exits 2',
    async () => {
      await ensureBuilt();
      const result = await runIncydr(['sessions', 'search', '--sevrity', 'HIGH']);
      expect(result).toMatchObject({
        code: 2,
        stdout: '',
        stderr:
          'incydr: unknown option --sevrity; did you mean --severity?\nusage: incydr sessions search [options]\nsee incydr sessions search --help\n',
      });
    },
    BUILD_TIMEOUT_MS,
  );
});
