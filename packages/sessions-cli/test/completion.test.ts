// `incydr completion bash|zsh|fish`: each script passes its shell's syntax check and completes commands, options and
// option values when the shell asks (static scripts: completing runs no program).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIEM_RECORDS } from '@x/sessions-sdk/siem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/commands/completion.js';
import { inProcess } from './helpers/in-process.js';
import { exitOf } from './helpers/in-process.js';

const SHELL_TIMEOUT_MS = 20_000;
const STATES = ['OPEN', 'IN_PROGRESS', 'CLOSED', 'CLOSED_TP', 'CLOSED_TP_BENIGN', 'CLOSED_FP', 'OPEN_NEW_DATA'];
const SEVERITIES = ['NO_RISK', 'LOW', 'MODERATE', 'HIGH', 'CRITICAL'];

let dir: string;
const scripts: Record<string, string> = {};

/** Run a shell with arguments; resolves with its stdout, rejects on a non-zero exit (with its stderr). */
function shell(file: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { timeout: SHELL_TIMEOUT_MS, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${file} failed: ${stderr || error.message}`));
        else resolve(stdout);
      },
    );
  });
}

/** Whether a program is on the PATH (CI installs zsh and fish: .ci/run). */
async function installed(name: string): Promise<boolean> {
  return shell('sh', ['-c', `command -v ${name}`]).then(
    () => true,
    () => false,
  );
}

const hasZsh = await installed('zsh');
const hasFish = await installed('fish');
// A skip says why, and how to run what it skips.
for (const [name, has] of [
  ['zsh', hasZsh],
  ['fish', hasFish],
] as const) {
  if (!has)
    console.warn(
      `skipping the ${name} completion tests: ${name} is not installed (apt-get install -y ${name}, as .ci/run does)`,
    );
}

async function script(args: { shell?: string }, env: Record<string, string> = {}): Promise<string> {
  const io = inProcess();
  await run(args, { ...io.ctx, env });
  return io.stdout();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'incydr-completion-'));
  for (const name of ['bash', 'zsh', 'fish']) {
    scripts[name] = join(dir, `incydr.${name}`);
    await writeFile(scripts[name], await script({ shell: name }));
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('incydr completion', () => {
  it('prints the script of the shell named, else of the shell $SHELL names, else bash', async () => {
    expect(await script({ shell: 'zsh' })).toMatch(/^#compdef incydr\n/);
    expect(await script({ shell: 'fish' })).toMatch(/^# fish completion for incydr/);
    expect(await script({}, { SHELL: '/usr/bin/fish' })).toMatch(/^# fish completion for incydr/);
    expect(await script({}, { SHELL: '/bin/zsh' })).toMatch(/^#compdef incydr/);
    expect(await script({}, { SHELL: '/bin/tcsh' })).toMatch(/^# bash completion for incydr/);
    expect(await script({})).toMatch(/^# bash completion for incydr/);
  });

  it('refuses a shell it has no script for, exit 2', async () => {
    const io = inProcess();
    expect(await exitOf(run({ shell: 'powershell' }, { ...io.ctx, env: {} }))).toEqual({
      code: 2,
      message: 'unknown shell "powershell": choose from bash, zsh, fish',
    });
  });
});

describe('the bash script', () => {
  /** COMPREPLY after completing the last word of `words` (as bash splits them: `:` and `=` are words of their own). */
  async function complete(...words: string[]): Promise<string[]> {
    const array = words.map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
    const driver = `source ${scripts['bash']}\nCOMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}\n_incydr_complete\nprintf '%s\\n' "\${COMPREPLY[@]}"`;
    return (await shell('bash', ['--norc', '--noprofile', '-c', driver])).split('\n').filter((line) => line !== '');
  }

  it('passes bash -n', async () => {
    await shell('bash', ['-n', scripts['bash'] as string]);
  });

  it('completes commands, subcommands and the options of a command, never --f', async () => {
    expect(await complete('incydr', '')).toEqual(['sessions', 'forward', 'completion']);
    expect(await complete('incydr', 'forward', '--c')).toEqual(['--config', '--check']);
    expect(await complete('incydr', 'sessions', 'up')).toEqual(['update', 'update-by-criteria']);
    const options = await complete('incydr', 'sessions', 'search', '--');
    expect(options).toEqual(
      expect.arrayContaining(['--state', '--severity', '--format', '--output', '--no-alerts', '--log-level', '--help']),
    );
    expect(options.filter((option) => /^--.$/.test(option))).toEqual([]);
    expect(await complete('incydr', 'sessions', 'search', '-')).toContain('-f');
  });

  it('completes the values of --state, --severity, -f/--format, --output protocols and NEW_STATE', async () => {
    expect(await complete('incydr', 'sessions', 'update', 'id-1', '--state', '')).toEqual(STATES);
    expect(await complete('incydr', 'sessions', 'update', 'id-1', '-s', 'OPEN')).toEqual(['OPEN', 'OPEN_NEW_DATA']);
    expect(await complete('incydr', 'sessions', 'search', '--start', '7d', '--severity', '')).toEqual(SEVERITIES);
    expect(await complete('incydr', 'sessions', 'search', '-f', '')).toEqual([
      'table',
      'json-pretty',
      'json-lines',
      'csv',
    ]);
    expect(await complete('incydr', 'sessions', 'show', 'id-1', '--format', '')).toEqual([
      'rich',
      'json-pretty',
      'json-lines',
    ]);
    expect(await complete('incydr', 'sessions', 'search', '--output', '')).toEqual(['TCP:', 'UDP:', 'TLS-TCP:']);
    expect(await complete('incydr', 'sessions', 'search', '--output', 't')).toEqual([]);
    expect(await complete('incydr', 'sessions', 'search', '--output', 'T')).toEqual(['TCP:', 'TLS-TCP:']);
    expect(await complete('incydr', 'sessions', 'update-by-criteria', 'CLOSED_')).toEqual([
      'CLOSED_TP',
      'CLOSED_TP_BENIGN',
      'CLOSED_FP',
    ]);
    expect(await complete('incydr', '--log-level', 'D')).toEqual(['DEBUG']);
  });

  it("completes --record of search and show with the SDK's SIEM records", async () => {
    expect(await complete('incydr', 'sessions', 'search', '--record', '')).toEqual([...SIEM_RECORDS]);
    expect(await complete('incydr', 'sessions', 'show', 'id-1', '--record', '')).toEqual([...SIEM_RECORDS]);
    expect(await complete('incydr', 'sessions', 'search', '--record', 'o')).toEqual(
      SIEM_RECORDS.filter((kind) => kind.startsWith('o')),
    );
    expect(await complete('incydr', 'sessions', 'search', '--')).toEqual(
      expect.arrayContaining(['--record', '--console-url']),
    );
  });

  it('completes a value written --state=VALUE, which bash splits at the =', async () => {
    expect(await complete('incydr', 'sessions', 'search', '--state', '=', 'OPEN')).toEqual(['OPEN', 'OPEN_NEW_DATA']);
  });
});

describe.skipIf(!hasZsh)('the zsh script', () => {
  /** What the script hands zsh's completion functions (stubbed to print) for the last word of `words`. */
  async function complete(...words: string[]): Promise<string> {
    const array = words.map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
    const stubs = [
      'compdef() { : }',
      'compadd() { while [[ $1 == -* && $1 != -- ]]; do [[ $1 == -S ]] && shift; shift; done; [[ $1 == -- ]] && shift; print -r -- "values: $*"; }',
      '_describe() { print -r -- "described: ${(P)${@[-1]}}"; }',
      '_files() { print -r -- files; }',
      'compset() { return 0; }',
    ].join('\n');
    return shell('zsh', [
      '-f',
      '-c',
      `${stubs}\nsource ${scripts['zsh']}\nwords=(${array}); CURRENT=${words.length}\n_incydr`,
    ]);
  }

  it('passes zsh -n', async () => {
    await shell('zsh', ['-n', scripts['zsh'] as string]);
  });

  it('completes commands and options with their descriptions, and the values of options', async () => {
    expect(await complete('incydr', 'sessions', '')).toContain('update-by-criteria:Change the state of every session');
    expect(await complete('incydr', 'sessions', 'search', '--')).toContain('--severity:Current severity');
    expect(await complete('incydr', 'sessions', 'update', 'id-1', '--state', '')).toBe(`values: ${STATES.join(' ')}\n`);
    expect(await complete('incydr', 'sessions', 'search', '--severity', '')).toBe(`values: ${SEVERITIES.join(' ')}\n`);
    expect(await complete('incydr', 'sessions', 'search', '-f', '')).toBe('values: table json-pretty json-lines csv\n');
    expect(await complete('incydr', 'sessions', 'search', '--output', '')).toBe('values: TCP: UDP: TLS-TCP:\n');
    expect(await complete('incydr', 'sessions', 'search', '--record', '')).toBe(`values: ${SIEM_RECORDS.join(' ')}\n`);
    expect(await complete('incydr', 'sessions', 'bulk-update-state', '')).toBe('files\n');
  });
});

describe.skipIf(!hasFish)('the fish script', () => {
  /** The candidates fish offers for a command line (`complete -C`), without their descriptions. */
  async function complete(line: string): Promise<string[]> {
    const out = await shell('fish', ['--no-config', '-c', `source ${scripts['fish']}; complete -C ${`'${line}'`}`]);
    return out
      .split('\n')
      .filter((row) => row !== '')
      .map((row) => row.split('\t')[0] as string);
  }

  it('passes fish -n', async () => {
    await shell('fish', ['-n', scripts['fish'] as string]);
  });

  it('completes commands, options and the values of options', async () => {
    expect(await complete('incydr sessions ')).toEqual(
      expect.arrayContaining(['search', 'update', 'update-by-criteria', 'checkpoint']),
    );
    expect((await complete('incydr sessions search --severity ')).sort()).toEqual([...SEVERITIES].sort());
    expect((await complete('incydr sessions update id-1 --state ')).sort()).toEqual([...STATES].sort());
    expect((await complete('incydr sessions search -f ')).sort()).toEqual([
      'csv',
      'json-lines',
      'json-pretty',
      'table',
    ]);
    expect((await complete('incydr sessions search --output ')).sort()).toEqual(['TCP:', 'TLS-TCP:', 'UDP:']);
    expect((await complete('incydr sessions show id-1 --record ')).sort()).toEqual([...SIEM_RECORDS].sort());
    expect(await complete('incydr sessions search --state=OPEN_')).toEqual(['--state=OPEN_NEW_DATA']);
    const options = await complete('incydr sessions search --');
    expect(options).toEqual(expect.arrayContaining(['--state', '--log-level']));
    expect(options.filter((option) => /^--.$/.test(option))).toEqual([]);
  });
});
