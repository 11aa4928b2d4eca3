// The four public packages as a user gets them: packed with pnpm (which rewrites `workspace:` and `catalog:`),
// checked as tarballs, installed with npm from the tarballs and the registry into empty folders, and run there on
// this Node and on Node 22 and 24 (fetched from the npm registry beforehand by `node-runtimes.mjs`; skipped, saying
// why, when they are not there, except where INCYDR_REQUIRE_NODE_RUNTIMES=1 makes that a failure, as in CI).
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedRuntime, FETCH_COMMAND, runtimeCacheDir, RUNTIME_MAJORS, type NodeRuntime } from '../node-runtimes.mjs';
import { cleanEnv, ok, run, start, stopAll, waitFor, type Background } from './helpers/process.js';
import { startSyslogReceiver } from './helpers/syslog-receiver.js';
import { patient } from '@x/vitest-config/patience';

const testDir = fileURLToPath(new URL('.', import.meta.url));
const packageDir = join(testDir, '..');
const root = join(packageDir, '..', '..');
const tsc = join(packageDir, 'node_modules', '.bin', 'tsc');

type Manifest = {
  name: string;
  version: string;
  type?: string;
  main?: string;
  types?: string;
  exports?: unknown;
  bin?: string | Record<string, string>;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};

interface Packed {
  dir: string;
  bins: string[];
  tarball: string;
  manifest: Manifest;
  /** Paths inside the tarball, without the leading `package/`. */
  files: string[];
}

const PUBLIC: Record<string, { dir: string; bins: string[] }> = {
  '@x/sessions-sdk': { dir: 'packages/sessions-sdk', bins: [] },
  '@x/syslog-out': { dir: 'packages/syslog-out', bins: [] },
  '@x/sessions-cli': { dir: 'packages/sessions-cli', bins: ['incydr'] },
  '@x/sessions-emulator': { dir: 'packages/sessions-emulator', bins: ['incydr-emulator'] },
};
const NAMES = Object.keys(PUBLIC);

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

/** Newest modification time of the non-test files under `dir` (0 when it does not exist). */
function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) time = Math.max(time, newest(path));
    else if (!/\.test(-d)?\./.test(entry.name)) time = Math.max(time, statSync(path).mtimeMs);
  }
  return time;
}

/** Every string an `exports` value points to (conditions and subpaths flattened). */
function exportTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(exportTargets);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(exportTargets);
  return [];
}

const binTargets = (manifest: Manifest): Record<string, string> =>
  typeof manifest.bin === 'string' ? { [manifest.name.replace(/^@[^/]+\//, '')]: manifest.bin } : (manifest.bin ?? {});

const inTarball = (target: string): string => target.replace(/^\.\//, '');

/** Names of what npm installed into `consumer` (from its hidden lockfile), and the `@x` entries it resolved. */
function installed(consumer: string): { names: string[]; resolved: Record<string, string | undefined> } {
  const lock = readJson<{ packages: Record<string, { resolved?: string }> }>(
    join(consumer, 'node_modules', '.package-lock.json'),
  );
  const names: string[] = [];
  const resolved: Record<string, string | undefined> = {};
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '') continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    names.push(name);
    if (name.startsWith('@x/')) resolved[path] = entry.resolved;
  }
  return { names: [...new Set(names)].sort(), resolved };
}

/** Top-level entries of a consumer's node_modules, scoped packages as `@scope/name`, without dot entries. */
function topLevel(consumer: string): string[] {
  const modules = join(consumer, 'node_modules');
  return readdirSync(modules)
    .filter((name) => !name.startsWith('.'))
    .flatMap((name) =>
      name.startsWith('@') ? readdirSync(join(modules, name)).map((inner) => `${name}/${inner}`) : [name],
    )
    .sort();
}

/** Names reachable from `from` through dependencies, optional dependencies and non-optional peers. */
function closure(consumer: string, from: string): string[] {
  const needed = new Set<string>([from]);
  const queue = [from];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    const manifest = readJson<Manifest>(join(consumer, 'node_modules', name, 'package.json'));
    const peers = Object.keys(manifest.peerDependencies ?? {}).filter(
      (peer) => manifest.peerDependenciesMeta?.[peer]?.optional !== true,
    );
    for (const dependency of [
      ...Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies }),
      ...peers,
    ]) {
      if (!needed.has(dependency)) {
        needed.add(dependency);
        queue.push(dependency);
      }
    }
  }
  return [...needed].sort();
}

interface EmulatorRun {
  process: Background;
  url: string;
  env: Record<string, string>;
}

/** Start an emulator command and wait for the lines it prints once it listens. */
async function startEmulatorCommand(
  file: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<EmulatorRun> {
  const emulator = start(file, args, { cwd, env });
  const exited = { value: false };
  void emulator.exited.then(() => (exited.value = true));
  const context = (): string => `stdout:\n${emulator.stdout()}\nstderr:\n${emulator.stderr()}`;
  await waitFor(
    'the emulator to print its settings',
    () => {
      if (exited.value) throw new Error(`the emulator exited before listening\n${context()}`);
      return /^export INCYDR_API_CLIENT_SECRET=.+\n/m.test(emulator.stdout()) ? true : undefined;
    },
    30_000,
    context,
  );
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+) /.exec(emulator.stdout())?.[1] ?? '';
  const settings = Object.fromEntries(
    [...emulator.stdout().matchAll(/^export (INCYDR_[A-Z_]+)=(.*)$/gm)].map((match) => [
      match[1] ?? '',
      match[2] ?? '',
    ]),
  );
  return { process: emulator, url, env: settings };
}

/** Whether something accepts TCP connections on 127.0.0.1:`port` (within a connect time scaled to this machine). */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: patient(2_000) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

let workDir = '';
let home = '';
/** The `--prefix` the README's `npm i -g` line installed into. */
let globalPrefix = '';

/** The one line of the root README that `pattern` matches (a command the README gives for the tarballs). */
function readmeLine(pattern: RegExp): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const lines = readme.split('\n').filter((line) => pattern.test(line));
  if (lines.length !== 1) throw new Error(`the root README has ${lines.length} lines like ${String(pattern)}`);
  return (lines[0] ?? '').trim();
}
const packed: Record<string, Packed> = {};
/** Empty folders with the tarballs installed: each package alone, and the CLI with the other three. */
const consumers = { sdk: '', syslog: '', emulator: '', cli: '' };

const pack = (name: string): Packed => {
  const result = packed[name];
  if (result === undefined) throw new Error(`${name} was not packed`);
  return result;
};

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'packaging-tests-'));
  home = join(workDir, 'home');
  mkdirSync(home);
  // Run alone (not through turbo's `^build`), the packages may not be built or be older than their sources.
  const stale = NAMES.filter((name) => {
    const dir = join(root, PUBLIC[name]?.dir ?? '');
    return newest(join(dir, 'dist')) < newest(join(dir, 'src'));
  });
  if (stale.length > 0) {
    await ok(
      join(root, 'node_modules', '.bin', 'turbo'),
      ['run', 'build', ...NAMES.map((name) => `--filter=${name}`), '--output-logs=errors-only'],
      { cwd: root, env: cleanEnv({ TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' }), timeoutMs: 180_000 },
    );
  }

  // The README's `pnpm pack-all` (scripts/pack.mjs), into a folder named as the README's, here without its build.
  const tarballs = join(workDir, 'dist-tarballs');
  await ok(process.execPath, [join(root, 'scripts', 'pack.mjs'), '--destination', tarballs, '--no-build'], {
    cwd: root,
    env: cleanEnv(),
    timeoutMs: 120_000,
  });
  for (const file of readdirSync(tarballs)) {
    const tarball = join(tarballs, file);
    const manifest = JSON.parse(
      (await ok('tar', ['-xzOf', tarball, 'package/package.json'], { cwd: workDir, timeoutMs: 30_000 })).stdout,
    ) as Manifest;
    const listing = await ok('tar', ['-tzf', tarball], { cwd: workDir, timeoutMs: 30_000 });
    const spec = PUBLIC[manifest.name];
    if (spec === undefined) throw new Error(`pnpm packed an unexpected package: ${manifest.name} (${file})`);
    packed[manifest.name] = {
      ...spec,
      tarball,
      manifest,
      files: listing.stdout
        .split('\n')
        .filter(Boolean)
        .map((path) => path.replace(/^package\//, '')),
    };
  }
  expect(Object.keys(packed).sort()).toEqual([...NAMES].sort());

  const install = async (name: keyof typeof consumers, packages: string[]): Promise<void> => {
    const dir = join(workDir, `consumer-${name}`);
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'package.json'),
      `${JSON.stringify({ name: `consumer-${name}`, private: true, type: 'module' })}\n`,
    );
    await ok(
      'npm',
      ['install', '--no-audit', '--no-fund', '--no-update-notifier', ...packages.map((p) => pack(p).tarball)],
      {
        cwd: dir,
        env: cleanEnv(),
        timeoutMs: 180_000,
      },
    );
    consumers[name] = dir;
  };
  // The root README's global install line, verbatim (its globs expanded by the shell), into a prefix of its own.
  const installGlobally = async (): Promise<void> => {
    globalPrefix = join(workDir, 'global');
    await ok(
      'sh',
      ['-c', `${readmeLine(/^npm i -g \.\/dist-tarballs\/.*$/m)} --prefix "$PREFIX" --no-audit --no-fund`],
      {
        cwd: workDir,
        env: cleanEnv({ PREFIX: globalPrefix }),
        timeoutMs: 180_000,
      },
    );
  };
  await Promise.all([
    install('sdk', ['@x/sessions-sdk']),
    install('syslog', ['@x/syslog-out']),
    install('emulator', ['@x/sessions-emulator']),
    install('cli', ['@x/sessions-cli', '@x/sessions-sdk', '@x/syslog-out', '@x/sessions-emulator']),
    installGlobally(),
  ]);
}, patient(240_000));

afterAll(async () => {
  await stopAll();
  if (workDir !== '') rmSync(workDir, { recursive: true, force: true });
}, patient(60_000));

describe.each(NAMES)('packed %s', (name) => {
  it('leaves no workspace:, catalog: or file: specifier, and depends on the packed versions of its siblings', () => {
    const { manifest } = pack(name);
    const fields = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;
    for (const field of fields) {
      for (const [dependency, spec] of Object.entries(manifest[field] ?? {})) {
        expect(spec, `${field}.${dependency}`).not.toMatch(/^(workspace|catalog|file|link|portal):/);
      }
    }
    for (const [dependency, spec] of Object.entries(manifest.dependencies ?? {})) {
      if (NAMES.includes(dependency)) expect(spec, dependency).toBe(`^${pack(dependency).manifest.version}`);
    }
  });

  it('declares Node >=20.19, ESM, and ships its README', () => {
    const { manifest, files } = pack(name);
    expect(manifest.engines?.node).toBe('>=20.19');
    expect(manifest.type).toBe('module');
    expect(files).toContain('README.md');
    expect(files).toContain('package.json');
  });

  it('ships every file its exports, main, types and bin point to, and bins start with a node shebang', async () => {
    const { manifest, files, tarball, bins } = pack(name);
    const targets = [...exportTargets(manifest.exports), manifest.main, manifest.types].filter((t) => t !== undefined);
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) {
      expect(target, 'a subpath pattern this test cannot check').not.toContain('*');
      expect(files, target).toContain(inTarball(target));
    }
    expect(Object.keys(binTargets(manifest)).sort()).toEqual([...bins].sort());
    for (const target of Object.values(binTargets(manifest))) {
      expect(files, target).toContain(inTarball(target));
      const text = (
        await ok('tar', ['-xzOf', tarball, `package/${inTarball(target)}`], { cwd: workDir, timeoutMs: 30_000 })
      ).stdout;
      expect(text.startsWith('#!/usr/bin/env node\n'), `${target} starts with: ${text.slice(0, 40)}`).toBe(true);
    }
  });

  it('ships no tests, fixtures, test results or build leftovers', () => {
    const unwanted = pack(name).files.filter(
      (file) =>
        /(^|\/)(test|tests|__tests__|fixtures|__fixtures__|test-results|coverage|node_modules|\.turbo)\//.test(file) ||
        /\.(test|spec|test-d)\.(d\.)?[cm]?[jt]sx?(\.map)?$/.test(file) ||
        /(^|\/)(vitest\.config|eslint\.config)\.|\.tsbuildinfo$|(^|\/)\.env$|\.tgz$/.test(file),
    );
    expect(unwanted).toEqual([]);
  });

  it('passes publint on the tarball, suggestions included', async () => {
    const data = readFileSync(pack(name).tarball);
    const result = await publint({
      pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) },
      level: 'suggestion',
      strict: true,
    });
    expect(
      result.messages.map((message) => `${message.type} ${message.code}: ${formatMessage(message, result.pkg) ?? ''}`),
    ).toEqual([]);
  });
});

it('publint reports an export target missing from a tarball (the check above can fail)', async () => {
  const manifest = { name: 'broken', version: '1.0.0', type: 'module', exports: { '.': './dist/missing.js' } };
  const result = await publint({
    pkgDir: 'package',
    pack: { files: [{ name: 'package/package.json', data: JSON.stringify(manifest) }] },
    level: 'suggestion',
  });
  expect(result.messages.map((message) => message.code)).toContain('FILE_DOES_NOT_EXIST');
});

describe('installed alone', () => {
  it('brings the SDK with its runtime dependencies ky, undici and valibot only', () => {
    const manifest = readJson<Manifest>(join(consumers.sdk, 'node_modules', '@x', 'sessions-sdk', 'package.json'));
    expect(Object.keys(manifest.dependencies ?? {}).sort()).toEqual(['ky', 'undici', 'valibot']);
    expect(topLevel(consumers.sdk)).toEqual(['@x/sessions-sdk', 'ky', 'undici', 'valibot']);
    expect(installed(consumers.sdk).names).toEqual(closure(consumers.sdk, '@x/sessions-sdk'));
    for (const cliOnly of ['@x/sessions-cli', '@x/syslog-out', 'yargs', 'ora', 'papaparse']) {
      expect(installed(consumers.sdk).names).not.toContain(cliOnly);
    }
  });

  it('brings syslog-out and nothing else', () => {
    expect(topLevel(consumers.syslog)).toEqual(['@x/syslog-out']);
    expect(installed(consumers.syslog).names).toEqual(['@x/syslog-out']);
  });

  it(
    'brings the emulator and nothing else, and `npx incydr-emulator` serves until SIGTERM',
    async () => {
      expect(topLevel(consumers.emulator)).toEqual(['@x/sessions-emulator']);
      expect(installed(consumers.emulator).names).toEqual(['@x/sessions-emulator']);

      const emulator = await startEmulatorCommand(
        'npx',
        ['--no', '--', 'incydr-emulator', '--port', '0', '--sessions', '50'],
        consumers.emulator,
        cleanEnv({ HOME: home }),
      );
      try {
        expect(emulator.process.stdout()).toMatch(
          /^Incydr Sessions API emulator listening on http:\/\/127\.0\.0\.1:\d+ \(50 sessions, seed 42\)$/m,
        );
        expect(emulator.env).toEqual({
          INCYDR_URL: emulator.url,
          INCYDR_API_CLIENT_ID: 'emulator-client',
          INCYDR_API_CLIENT_SECRET: 'emulator-secret',
        });
        const port = Number(new URL(emulator.url).port);
        expect(await accepts(port)).toBe(true);
        await emulator.process.stop('SIGTERM');
        expect(emulator.process.stderr()).toContain('incydr-emulator: SIGTERM, stopping');
        expect(await accepts(port)).toBe(false);
      } finally {
        await emulator.process.stop('SIGKILL');
      }
    },
    patient(60_000),
  );
});

describe('the CLI installed with the SDK, syslog-out and emulator tarballs', () => {
  const incydr = (): string => join(consumers.cli, 'node_modules', '.bin', 'incydr');

  it('takes every @x package from the tarballs, one copy each', () => {
    const { resolved } = installed(consumers.cli);
    expect(Object.keys(resolved).sort()).toEqual(NAMES.map((name) => `node_modules/${name}`).sort());
    for (const name of NAMES) {
      expect(resolved[`node_modules/${name}`], name).toMatch(
        new RegExp(`^file:.*${basename(pack(name).tarball).replace(/\./g, '\\.')}$`),
      );
      // The installed manifest is the packed one, byte for byte.
      const installedManifest = readFileSync(join(consumers.cli, 'node_modules', name, 'package.json'), 'utf8');
      expect(JSON.parse(installedManifest), name).toEqual(pack(name).manifest);
    }
  });

  it('prints its version and the search help', async () => {
    const env = cleanEnv({ HOME: home });
    const version = await ok(incydr(), ['--version'], { cwd: consumers.cli, env, timeoutMs: 30_000 });
    expect(version.stdout).toBe(`${pack('@x/sessions-cli').manifest.version}\n`);
    const help = await ok(incydr(), ['sessions', 'search', '--help'], { cwd: consumers.cli, env, timeoutMs: 30_000 });
    expect(help.stdout).toContain('incydr sessions search');
    expect(help.stdout).toContain('--any-alerts');
  });

  it(
    'searches the installed emulator',
    async () => {
      const emulator = await startEmulatorCommand(
        join(consumers.cli, 'node_modules', '.bin', 'incydr-emulator'),
        ['--port', '0', '--sessions', '50'],
        consumers.cli,
        cleanEnv({ HOME: home }),
      );
      try {
        const result = await ok(incydr(), ['sessions', 'search', '--any-alerts', '-f', 'json-lines'], {
          cwd: consumers.cli,
          env: { PATH: cleanEnv().PATH, HOME: home, ...emulator.env },
          timeoutMs: 60_000,
        });
        const sessions = result.stdout
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line) as { sessionId: string });
        expect(new Set(sessions.map((session) => session.sessionId)).size).toBe(50);
      } finally {
        await emulator.process.stop('SIGTERM');
      }
    },
    patient(90_000),
  );

  describe('TypeScript consumer (strict, module nodenext)', () => {
    const compile = (files: readonly string[]): Promise<Awaited<ReturnType<typeof run>>> =>
      run(
        tsc,
        [
          '--noEmit',
          '--strict',
          '--module',
          'nodenext',
          '--moduleResolution',
          'nodenext',
          '--target',
          'es2023',
          '--typeRoots',
          join(packageDir, 'node_modules', '@types'),
          '--types',
          'node',
          ...files,
        ],
        { cwd: consumers.cli, timeoutMs: 90_000 },
      );

    // One compilation for both files (tsc is the slowest step here): the right consumer must add no error, the
    // wrong one exactly its three.
    it(
      'compiles a consumer of the SDK, syslog-out and the emulator, and rejects a wrong use of each',
      async () => {
        writeFileSync(
          join(consumers.cli, 'consumer.ts'),
          [
            "import { Client, currentState, type Session } from '@x/sessions-sdk';",
            "import { createSyslogSender, type SyslogSenderOptions } from '@x/syslog-out';",
            "import { startEmulator, type Emulator } from '@x/sessions-emulator';",
            '',
            'export async function forwardOpen(): Promise<number> {',
            '  const emulator: Emulator = await startEmulator({ port: 0, sessions: 10 });',
            '  const client = new Client({ url: emulator.url, apiClientId: emulator.clientId, apiClientSecret: emulator.clientSecret });',
            "  const options: SyslogSenderOptions = { target: 'TCP:127.0.0.1:5514', framing: 'octet-counting', header: 'rfc5424' };",
            '  const sender = createSyslogSender(options);',
            '  let count = 0;',
            '  try {',
            "    for await (const session of client.sessions.v1.iterAll({ states: ['OPEN'] })) {",
            '      const kept: Session = session;',
            '      await sender.send({ id: kept.sessionId, state: currentState(kept) ?? null });',
            '      count += 1;',
            '    }',
            '    await sender.confirm();',
            '  } finally {',
            '    await sender.close();',
            '    await client.close();',
            '    await emulator.close();',
            '  }',
            '  return count;',
            '}',
            '',
          ].join('\n'),
        );
        writeFileSync(
          join(consumers.cli, 'wrong.ts'),
          [
            "import { Client } from '@x/sessions-sdk';",
            "import { createSyslogSender } from '@x/syslog-out';",
            "import { startEmulator } from '@x/sessions-emulator';",
            '',
            "export const page = new Client().sessions.v1.getPage({ pageNum: 'x' });",
            "export const sender = createSyslogSender({ target: 'TCP:127.0.0.1:5514', framing: 'crlf' });",
            "export const emulator = startEmulator({ port: '8042' });",
            '',
          ].join('\n'),
        );
        const result = await compile(['consumer.ts', 'wrong.ts']);
        expect(result.stderr).toBe('');
        expect(result.code).not.toBe(0);
        // Every error line, global ones (a missing type library) included; located ones as `file line code`.
        const errors = result.stdout.split('\n').filter((line) => /error TS\d+/.test(line));
        expect(
          errors.map((line) => /^(\S+)\((\d+),\d+\): error (TS\d+)/.exec(line)?.slice(1, 4).join(' ') ?? line),
        ).toEqual(['wrong.ts 5 TS2322', 'wrong.ts 6 TS2322', 'wrong.ts 7 TS2322']);
      },
      patient(100_000),
    );
  });
});

describe("the root README's commands for the tarballs of pack-all", () => {
  const incydr = (): string => join(globalPrefix, 'bin', 'incydr');

  it('installs the CLI globally with its SDK and syslog-out from the tarballs, not the registry', () => {
    expect(readdirSync(join(globalPrefix, 'bin')).sort()).toEqual(['incydr']);
    const globalModules = join(globalPrefix, 'lib', 'node_modules');
    expect(readdirSync(join(globalModules, '@x')).sort()).toEqual(['sessions-cli', 'sessions-sdk', 'syslog-out']);
    for (const name of ['@x/sessions-cli', '@x/sessions-sdk', '@x/syslog-out']) {
      expect(readJson<Manifest>(join(globalModules, name, 'package.json')), name).toEqual(pack(name).manifest);
    }
    // No second copy of a sibling under the CLI: npm found them among the tarballs.
    expect(existsSync(join(globalModules, '@x', 'sessions-cli', 'node_modules', '@x'))).toBe(false);
  });

  it(
    'runs the installed incydr, against the emulator run from its tarball with `npx -p`',
    async () => {
      const env = cleanEnv({ HOME: home });
      const version = await ok(incydr(), ['--version'], { cwd: workDir, env, timeoutMs: 30_000 });
      expect(version.stdout).toBe(`${pack('@x/sessions-cli').manifest.version}\n`);
      // The README's line up to the command name; npx answers its install question itself off a terminal with --yes.
      const npx = /^npx -p \S+ incydr-emulator\b/.exec(
        readmeLine(/^npx -p \.\/dist-tarballs\/x-sessions-emulator-/),
      )?.[0];
      expect(npx).toBeDefined();
      const emulator = await startEmulatorCommand('sh', ['-c', `${npx ?? ''} --port 0 --sessions 40`], workDir, {
        ...env,
        npm_config_yes: 'true',
        npm_config_cache: join(workDir, 'npx-cache'),
      });
      try {
        const result = await ok(incydr(), ['sessions', 'search', '--any-alerts', '-f', 'json-lines'], {
          cwd: workDir,
          env: { ...env, ...emulator.env },
          timeoutMs: 60_000,
        });
        const sessions = result.stdout
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line) as { sessionId: string });
        expect(new Set(sessions.map((session) => session.sessionId)).size).toBe(40);
      } finally {
        await emulator.process.stop('SIGTERM');
      }
    },
    patient(120_000),
  );
});

const thisNode: NodeRuntime = {
  major: Number(process.versions.node.split('.')[0]),
  version: process.version,
  binDir: dirname(process.execPath),
};

/** Whether a missing runtime fails its tests instead of skipping them (.ci/run sets it after fetching them). */
const runtimesRequired = process.env.INCYDR_REQUIRE_NODE_RUNTIMES === '1';

/** Each Node to run the installed packages on: this one, then 22 and 24 from the cache, or why one is not there. */
const nodes = [...new Set([thisNode.major, ...RUNTIME_MAJORS])].map((major) => {
  const runtime = major === thisNode.major ? thisNode : cachedRuntime(major);
  const missing =
    runtime === undefined
      ? `Node ${major} is not in ${runtimeCacheDir()} (fetch it with \`${FETCH_COMMAND}\`, as .ci/run does)`
      : undefined;
  if (missing !== undefined && !runtimesRequired) console.warn(`packaging tests on Node ${major} skipped: ${missing}`);
  return { major, runtime, missing, skipped: missing !== undefined && !runtimesRequired };
});

/** `incydr --help` on this Node, for the other Nodes to print the same. */
let helpHere: string | undefined;

for (const { major, runtime: cached, missing, skipped } of nodes) {
  if (cached === undefined && !skipped) {
    // Required but missing: one failing test that says so (a failed hook would leave its tests counted as skipped).
    it(`finds Node ${major} in the runtime cache`, () => {
      throw new Error(`${missing ?? ''}; INCYDR_REQUIRE_NODE_RUNTIMES=1 fails instead of skipping`);
    });
    continue;
  }
  describe.skipIf(skipped)(`installed packages on Node ${major}${skipped ? ` (skipped: ${missing})` : ''}`, () => {
    let runtime: NodeRuntime = thisNode;
    let emulator: EmulatorRun | undefined;
    let env: NodeJS.ProcessEnv = {};
    let sessionIds = new Set<string>();
    /** The CLI as the root README installs it (`npm i -g` of the tarballs). */
    const incydr = (): string => join(globalPrefix, 'bin', 'incydr');
    const runIncydr = (args: readonly string[]): Promise<Awaited<ReturnType<typeof ok>>> =>
      ok(incydr(), args, { cwd: workDir, env, timeoutMs: 60_000 });

    beforeAll(async () => {
      // A suite runs only with its runtime: skipped suites run no hooks, missing required ones have none.
      runtime = cached ?? thisNode;
      // The bins start with `#!/usr/bin/env node`: the runtime's folder first on PATH picks the Node they run on.
      const path = `${runtime.binDir}${delimiter}${cleanEnv().PATH ?? ''}`;
      emulator = await startEmulatorCommand(
        join(consumers.emulator, 'node_modules', '.bin', 'incydr-emulator'),
        ['--port', '0', '--sessions', '300'],
        consumers.emulator,
        { PATH: path, HOME: home },
      );
      env = { PATH: path, HOME: home, ...emulator.env };
    }, patient(120_000));

    afterAll(async () => {
      await emulator?.process.stop('SIGTERM');
    });

    it(
      'runs the bins on that Node: versions and help',
      async () => {
        const version = await ok('node', ['-p', 'process.version'], { cwd: workDir, env, timeoutMs: 30_000 });
        expect(version.stdout.trim()).toBe(runtime.version);
        expect(version.stdout.startsWith(`v${major}.`)).toBe(true);
        expect(emulator?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const cli = await runIncydr(['--version']);
        expect(cli.stdout).toBe(`${pack('@x/sessions-cli').manifest.version}\n`);
        const help = await runIncydr(['--help']);
        expect(help.stderr).toBe('');
        expect(help.stdout).toMatch(/^incydr COMMAND \[options\]\n/);
        expect(help.stdout).toMatch(/^ {2}incydr sessions +Search, show and triage sessions$/m);
        expect(help.stdout).toMatch(/^ {6}--version +Show version number/m);
        helpHere ??= help.stdout;
        expect(help.stdout).toBe(helpHere);
      },
      patient(60_000),
    );

    it(
      'searches the emulator with the CLI and shows one session',
      async () => {
        const result = await runIncydr(['sessions', 'search', '--any-alerts', '-f', 'json-lines']);
        const sessions = result.stdout
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line) as { sessionId: string; actorName: string; tenantId: string });
        sessionIds = new Set(sessions.map((session) => session.sessionId));
        expect(sessionIds.size).toBe(300);
        for (const session of sessions) expect(session.sessionId).toMatch(/^\d+_\d+$/);

        const [first] = sessions;
        if (first === undefined) throw new Error('no session');
        const json = await runIncydr(['sessions', 'show', first.sessionId, '-f', 'json-lines']);
        expect(JSON.parse(json.stdout)).toEqual(first);
        const card = await runIncydr(['sessions', 'show', first.sessionId]);
        expect(card.stdout).toMatch(new RegExp(`^Session ${first.sessionId}\n`));
        expect(card.stdout).toMatch(/^Current state: [A-Z_]+$/m);
        expect(card.stdout).toContain(`Actor name:           ${first.actorName}\n`);
        expect(card.stdout).toContain(`Tenant ID:            ${first.tenantId}\n`);
      },
      patient(90_000),
    );

    it(
      'runs the SDK example against the emulator',
      async () => {
        copyFileSync(
          join(consumers.sdk, 'node_modules', '@x', 'sessions-sdk', 'examples', 'search.mjs'),
          join(consumers.sdk, 'search.mjs'),
        );
        const result = await run(join(runtime.binDir, 'node'), ['search.mjs'], {
          cwd: consumers.sdk,
          env,
          timeoutMs: 60_000,
        });
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        const lines = result.stdout.trimEnd().split('\n');
        const count = Number(/^(\d+) open session\(s\)$/.exec(lines.at(-1) ?? '')?.[1]);
        expect(count).toBe(lines.length - 1);
        expect(count).toBeGreaterThan(0);
        for (const line of lines.slice(0, -1)) {
          expect(line).toMatch(/^\S+ {2}\S+ {2}OPEN {2}(NO_RISK|LOW|MODERATE|HIGH|CRITICAL)$/);
          expect(sessionIds, line).toContain(line.split(' ')[0]);
        }
      },
      patient(90_000),
    );

    it(
      'sends records with syslog-out to a loopback TCP receiver and confirms them',
      async () => {
        copyFileSync(join(testDir, 'fixtures', 'send-syslog.mjs'), join(consumers.syslog, 'send-syslog.mjs'));
        const receiver = await startSyslogReceiver();
        try {
          const result = await run(
            join(runtime.binDir, 'node'),
            ['send-syslog.mjs', `127.0.0.1:${receiver.port}`, '5'],
            {
              cwd: consumers.syslog,
              env: { PATH: env.PATH, HOME: home },
              timeoutMs: 30_000,
            },
          );
          expect(result.stderr).toBe('');
          expect(result.code).toBe(0);
          const stats = JSON.parse(result.stdout) as { sent: number; confirmedBatches: number };
          expect(stats.sent).toBe(5);
          expect(stats.confirmedBatches).toBeGreaterThanOrEqual(1);
          const records = receiver.frames.map((frame) => {
            const match = /^<14>1 \S+ \S+ packaging-test \d+ - - (\{.*\})$/.exec(frame);
            expect(match, frame).not.toBeNull();
            return JSON.parse(match?.[1] ?? 'null') as unknown;
          });
          expect(records).toEqual([0, 1, 2, 3, 4].map((seq) => ({ seq, node: runtime.version })));
        } finally {
          await receiver.close();
        }
      },
      patient(60_000),
    );
  });
}
