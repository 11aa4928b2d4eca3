// `--help` comes from texts the build stores (dist/help.json) so that it need not load yargs: they must be exactly
// what yargs prints from the current definitions.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TIME_FORMS } from '@x/sessions-sdk/time';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderReference } from '../src/help/reference.js';
import { commandPaths, renderHelp } from '../src/help/render.js';
import { CACHED_WIDTHS } from '../src/help/width.js';
import { buildCli } from '../src/cli.js';
import { RUN_IO } from '../src/context.js';
import { editHelp } from '../src/yargs-internals.js';
import { collector } from './helpers/in-process.js';
import { loadedModules } from '@x/vitest-config/modules';
import { BIN, BUILD_TIMEOUT_MS, PACKAGE_DIR, ensureBuilt, runIncydr } from './helpers/run.js';

let stored: Record<string, Record<string, string>>;

/** The modules bundled into the files a run loaded (read from their source maps), and the other files it loaded. */
function sourcesOf(urls: readonly string[]): string[] {
  return urls
    .filter((url) => url.startsWith('file:'))
    .flatMap((url) => {
      const file = fileURLToPath(url);
      const map = `${file}.map`;
      if (!existsSync(map)) return [file];
      const { sources } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] };
      return sources.map((source) => resolve(dirname(map), source));
    });
}

beforeAll(async () => {
  await ensureBuilt();
  stored = JSON.parse(readFileSync(join(PACKAGE_DIR, 'dist', 'help.json'), 'utf8')) as typeof stored;
}, BUILD_TIMEOUT_MS);

describe('stored help texts', () => {
  it('cover every command and group', () => {
    expect(commandPaths()).toEqual(
      expect.arrayContaining([
        '',
        'sessions',
        'sessions search',
        'sessions bulk-update-state',
        'sessions checkpoint reset',
      ]),
    );
    for (const width of CACHED_WIDTHS) expect(Object.keys(stored[width] ?? {}).sort()).toEqual(commandPaths().sort());
  });

  it('equal what yargs prints from the current definitions, at every stored width', async () => {
    for (const width of CACHED_WIDTHS) {
      for (const path of commandPaths()) {
        expect(stored[width]?.[path], `incydr ${path} --help at ${width} columns`).toBe(await renderHelp(path, width));
      }
    }
  });

  it('are what the binary prints, the same as when yargs answers (options before --help)', async () => {
    const fast = await runIncydr(['sessions', 'search', '--help']);
    expect(fast).toMatchObject({ code: 0, stderr: '' });
    expect(fast.stdout).toBe(`${stored['100']?.['sessions search']}\n`);
    const slow = await runIncydr(['sessions', 'search', '--state', 'OPEN', '--help']);
    expect(slow).toMatchObject({ code: 0, stdout: fast.stdout });
    expect((await runIncydr(['-h'])).stdout).toBe(`${stored['100']?.['']}\n`);
    const { version } = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string };
    expect(await runIncydr(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    // yargs answers the same when the fast path does not apply.
    expect((await runIncydr(['--version', '--log-stderr'])).stdout).toBe(`${version}\n`);
  });

  it("load neither yargs nor the SDK when stored, nor the SDK's main entry, valibot or ky via yargs", async () => {
    const heavy = (sources: readonly string[]): string[] =>
      sources.filter((path) => /\/sessions-sdk\/dist\/index\.js$/.test(path) || /\/(valibot|ky|undici)[@/]/.test(path));
    const stored = await loadedModules([BIN, 'sessions', 'search', '--help'], { cwd: PACKAGE_DIR });
    expect(stored).toMatchObject({ code: 0, stderr: '' });
    expect(sourcesOf(stored.urls).filter((path) => /\/(yargs|sessions-sdk)\//.test(path))).toEqual([]);
    const yargsAnswers = [
      ['sessions', 'search', '--state', 'OPEN', '--help'],
      ['sessions', 'update', 'x', '--help', '-s', 'OPEN'],
    ];
    for (const args of yargsAnswers) {
      const answered = await loadedModules([BIN, ...args], { cwd: PACKAGE_DIR });
      expect(answered).toMatchObject({ code: 0, stderr: '' });
      const sources = sourcesOf(answered.urls);
      expect(
        sources.some((path) => path.includes('/yargs/')),
        args.join(' '),
      ).toBe(true);
      expect(heavy(sources), args.join(' ')).toEqual([]);
    }
  });

  it("show the SDK's list of time forms (TIME_FORMS) for --start of search and update-by-criteria", async () => {
    const oneLine = (text: string): string => text.replace(/\s+/g, ' ');
    for (const path of ['sessions search', 'sessions update-by-criteria']) {
      expect(oneLine(await renderHelp(path, 100)), path).toContain(
        `--start Sessions that began on or after this time: ${TIME_FORMS.join('; ')}`,
      );
    }
  });

  it('never run a description into its type tag: no word is glued to a [ on any line, at many widths', async () => {
    for (const width of [...CACHED_WIDTHS, 64, 72, 90, 110, 132]) {
      for (const path of commandPaths()) {
        for (const line of (await renderHelp(path, width)).split('\n')) {
          expect(line, `incydr ${path} --help at ${width} columns`).not.toMatch(/[^\s(]\[/);
        }
      }
    }
  });

  it("list a command's own options first and the global ones after, once, under their own heading", async () => {
    const global = [
      '--log-stderr',
      '--log-file',
      '--log-level',
      '--profile',
      '--max-requests-per-minute',
      '--version',
      '--help',
    ];
    for (const path of commandPaths().filter((path) => path.split(' ').length > 1)) {
      const lines = (await renderHelp(path, 100)).split('\n');
      const heading = lines.indexOf('Global options:');
      expect(heading, path).toBeGreaterThan(0);
      const own = lines.indexOf('Options:');
      if (own !== -1) expect(own, path).toBeLessThan(heading);
      for (const option of global) {
        const at = lines.flatMap((line, index) => (new RegExp(`^\\s+(-\\w, )?${option}\\s`).test(line) ? [index] : []));
        expect(at, `${path}: ${option}`).toHaveLength(1);
        expect(at[0], `${path}: ${option}`).toBeGreaterThan(heading);
      }
    }
  });

  it('are not laid out when a command runs (no handler shows help once the parse is over)', async () => {
    // The handler runs and fails for want of settings (HOME has no ~/.config/incydr/.env).
    const argv = ['sessions', 'show', 'abc', '-f', 'json-lines'];
    const cli = buildCli(argv);
    let laidOut = 0;
    editHelp(cli, (text) => {
      laidOut += 1;
      return text;
    });
    const env = { HOME: PACKAGE_DIR };
    const io = { stdout: collector().stream, stderr: collector().stream, env, signal: new AbortController().signal };
    await expect(cli.parseAsync(argv, { [RUN_IO]: io })).rejects.toThrow(/INCYDR_URL/);
    expect(laidOut).toBe(0);
  });

  it('start with the usage line a usage error shows (positionals upper case)', async () => {
    expect((await renderHelp('sessions update-by-criteria', 100)).split('\n')[0]).toBe(
      'incydr sessions update-by-criteria NEW_STATE [filters] [--yes | --dry-run]',
    );
    expect((await renderHelp('sessions show', 100)).split('\n')[0]).toBe('incydr sessions show SESSION_ID [options]');
    expect((await renderHelp('sessions', 100)).split('\n')[0]).toBe('incydr sessions COMMAND');
  });

  it('make the committed CLI reference (docs/reference.md), which must be regenerated when a command changes', async () => {
    const committed = readFileSync(join(PACKAGE_DIR, 'docs', 'reference.md'), 'utf8');
    expect(committed, 'docs/reference.md is stale: run `pnpm --filter @x/sessions-cli run reference`').toBe(
      await renderReference(),
    );
  });
});
