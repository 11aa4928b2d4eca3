// The packed SDK as a user gets it: pack the package, install the tarball alone in an empty folder, run the
// example against a loopback server and type-check a TypeScript consumer. Over 300 lines: every test shares the one
// slow pack and install.
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce } from './helpers/build.js';
import { CLIENT_ID, CLIENT_SECRET, startTestServer } from './helpers/server.js';
import { loadedModules } from '@x/vitest-config/modules';
import { patient } from '@x/vitest-config/patience';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const tsc = join(packageDir, 'node_modules', '.bin', 'tsc');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a command asynchronously (the test server answers from this process) and collect its exit code and output. */
function run(
  file: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd: options.cwd, env: options.env ?? process.env, timeout: patient(options.timeoutMs), maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(new Error(`${file} ${args.join(' ')}: ${error.message}\n${stderr}`, { cause: error }));
          return;
        }
        resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
      },
    );
  });
}

async function ok(file: string, args: readonly string[], options: Parameters<typeof run>[2]): Promise<Run> {
  const result = await run(file, args, options);
  if (result.code !== 0) {
    throw new Error(`${file} ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

type Manifest = {
  name: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};

const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/** Names of the packages a manifest needs installed: dependencies, optional ones and non-optional peers. */
function required(manifest: Manifest): string[] {
  const peers = Object.keys(manifest.peerDependencies ?? {}).filter(
    (name) => manifest.peerDependenciesMeta?.[name]?.optional !== true,
  );
  return [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.optionalDependencies ?? {}), ...peers];
}

let workDir = '';
let consumerDir = '';
let tarball = '';
let tarFiles: string[] = [];

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'sessions-sdk-pack-'));
  await buildOnce();
  // Plain `npm pack`, as a user would: runtime dependencies are real version ranges (no `catalog:`), so npm can
  // install the tarball; dev dependencies keep workspace specifiers, which an installer never reads.
  await ok('npm', ['pack', '--pack-destination', workDir], { cwd: packageDir, timeoutMs: 120_000 });
  const tgz = readdirSync(workDir).filter((name) => name.endsWith('.tgz'));
  expect(tgz).toHaveLength(1);
  tarball = join(workDir, tgz[0] ?? '');
  tarFiles = (await ok('tar', ['-tzf', tarball], { cwd: workDir, timeoutMs: 10_000 })).stdout
    .split('\n')
    .filter(Boolean);

  consumerDir = join(workDir, 'consumer');
  mkdirSync(consumerDir);
  writeFileSync(join(consumerDir, 'package.json'), '{"name":"consumer","private":true,"type":"module"}\n');
  await ok('npm', ['install', '--no-audit', '--no-fund', '--no-update-notifier', tarball], {
    cwd: consumerDir,
    timeoutMs: 150_000,
  });
}, patient(180_000));

afterAll(() => {
  if (workDir !== '') rmSync(workDir, { recursive: true, force: true });
});

describe('packed SDK', () => {
  it('ships the build, the sources its source maps point to, and the manifest, but no tests', () => {
    expect(tarFiles).toEqual(
      expect.arrayContaining([
        'package/dist/index.js',
        'package/dist/index.d.ts',
        'package/dist/index.js.map',
        'package/dist/model.js',
        'package/dist/model.d.ts',
        'package/src/index.ts',
        'package/package.json',
        'package/README.md',
      ]),
    );
    expect(tarFiles.filter((file) => file.startsWith('package/test/'))).toEqual([]);
    expect(tarFiles.filter((file) => /\.test\./.test(file) || /\.test-d\./.test(file))).toEqual([]);
    expect(tarFiles.filter((file) => !file.startsWith('package/'))).toEqual([]);
  });

  it('declares its runtime dependencies as versions an installer understands', () => {
    const manifest = readManifest(join(consumerDir, 'node_modules', '@x', 'sessions-sdk'));
    expect(Object.keys(manifest.dependencies ?? {}).sort()).toEqual(['ky', 'undici', 'valibot']);
    for (const spec of Object.values(manifest.dependencies ?? {})) expect(spec).toMatch(/^\^?~?\d+\.\d+\.\d+/);
  });

  it('installs alone: the SDK and the trees of its runtime dependencies, no dev tools', () => {
    const modules = join(consumerDir, 'node_modules');
    expect(readdirSync(join(modules, '@x'))).toEqual(['sessions-sdk']);
    for (const tool of ['vitest', 'typescript', 'eslint', 'turbo', '@types/node', '@x/eslint-config', '@x/tsconfig']) {
      expect(existsSync(join(modules, tool)), tool).toBe(false);
    }
    // Everything npm installed (from its hidden lockfile) must be reachable from the SDK's runtime dependencies.
    const lock = JSON.parse(readFileSync(join(modules, '.package-lock.json'), 'utf8')) as {
      packages: Record<string, unknown>;
    };
    const installed = Object.keys(lock.packages)
      .filter((path) => path !== '')
      .map((path) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    const needed = new Set<string>(['@x/sessions-sdk']);
    const queue = ['@x/sessions-sdk'];
    for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
      for (const dependency of required(readManifest(join(modules, name)))) {
        if (!needed.has(dependency)) {
          needed.add(dependency);
          queue.push(dependency);
        }
      }
    }
    expect([...new Set(installed)].sort()).toEqual([...needed].sort());
  });

  it(
    'serves the model entry from the tarball without loading valibot, ky or undici',
    async () => {
      const code =
        "const m = await import('@x/sessions-sdk/model');\nconsole.log(m.MAX_NOTE_LENGTH, m.SESSION_STATES[0]);";
      const run = await loadedModules(['--input-type=module', '-e', code], { cwd: consumerDir });
      expect(run).toMatchObject({ code: 0, stdout: '2000 OPEN\n', stderr: '' });
      const sdk = pathToFileURL(join(consumerDir, 'node_modules', '@x', 'sessions-sdk', 'dist')).href;
      expect(run.urls).toContain(`${sdk}/model.js`);
      expect(run.urls.filter((url) => !url.startsWith(`${sdk}/`) && !url.startsWith('node:'))).toEqual([]);
    },
    patient(30_000),
  );

  it(
    'runs the search example against a loopback server',
    async () => {
      const server = await startTestServer();
      try {
        const day = 86_400_000;
        const now = Date.now();
        const session = (id: string, actor: string, name: string, severity: number, begin: number): object => ({
          actorId: actor,
          actorName: name,
          type: 'STANDARD',
          beginTime: begin,
          endTime: begin + 3_600_000,
          exfiltrationSummary: '14 files uploaded to personal cloud storage',
          notes: [],
          riskIndicators: [{ eventCount: 14, id: 'ri-1', name: 'Cloud storage upload', weight: 5 }],
          scores: [
            { score: 20, severity: 1, sourceTimestamp: begin + 60_000 },
            { score: 70, severity, sourceTimestamp: begin + 120_000 },
          ],
          sessionId: id,
          states: [{ sourceTimestamp: begin + 60_000, state: 'OPEN', stateV2: 'OPEN', userId: null }],
          tenantId: 'tenant-7',
          triggeredAlerts: [{ alertId: 'al-1', lessonId: null, ruleId: 'rule-1', ruleName: 'Departing employee' }],
        });
        const items = [
          session(`ann.lee@example.com_${now - day}`, 'ann.lee@example.com', 'Ann Lee', 4, now - day),
          session(`raj.patel@example.com_${now - 2 * day}`, 'raj.patel@example.com', 'Raj Patel', 3, now - 2 * day),
        ];
        server.on('GET /v1/sessions', () => ({ json: { items, totalCount: 2 } }));
        copyFileSync(join(packageDir, 'examples', 'search.mjs'), join(consumerDir, 'search.mjs'));

        const result = await run(process.execPath, ['search.mjs'], {
          cwd: consumerDir,
          env: {
            PATH: process.env.PATH,
            HOME: workDir,
            INCYDR_URL: server.url,
            INCYDR_API_CLIENT_ID: CLIENT_ID,
            INCYDR_API_CLIENT_SECRET: CLIENT_SECRET,
          },
          timeoutMs: 30_000,
        });

        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        const lines = result.stdout.trimEnd().split('\n');
        expect(lines).toHaveLength(3);
        expect(lines[0]).toBe(`ann.lee@example.com_${now - day}  Ann Lee  OPEN  CRITICAL`);
        expect(lines[1]).toBe(`raj.patel@example.com_${now - 2 * day}  Raj Patel  OPEN  HIGH`);
        expect(lines[2]).toMatch(/^2\b/);
        expect(server.tokenRequests).toHaveLength(1);
        expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/sessions']);
        const query = server.requests[0]?.query ?? '';
        expect(query).toMatch(/^on_or_after=\d+&has_alerts=true&state=OPEN&page_number=0&page_size=50$/);
        const since = Number(new URLSearchParams(query).get('on_or_after'));
        expect(Math.abs(since - (now - 7 * day))).toBeLessThan(60_000);
      } finally {
        await server.close();
      }
    },
    patient(60_000),
  );

  it(
    'makes the example exit 1 with the error message on stderr',
    async () => {
      const server = await startTestServer();
      try {
        copyFileSync(join(packageDir, 'examples', 'search.mjs'), join(consumerDir, 'search.mjs'));
        const env = { PATH: process.env.PATH, HOME: workDir, INCYDR_URL: server.url, INCYDR_API_CLIENT_ID: CLIENT_ID };
        const options = { cwd: consumerDir, timeoutMs: 30_000 };

        const wrongSecret = await run(process.execPath, ['search.mjs'], {
          ...options,
          env: { ...env, INCYDR_API_CLIENT_SECRET: 'not-the-secret' },
        });
        expect(wrongSecret.code).toBe(1);
        expect(wrongSecret.stdout).toBe('');
        expect(wrongSecret.stderr).toMatch(/\S/);
        expect(wrongSecret.stderr).not.toContain('not-the-secret');
        expect(wrongSecret.stderr).not.toMatch(/^\s+at /m);
        expect(server.requests).toEqual([]);

        const missingSecret = await run(process.execPath, ['search.mjs'], { ...options, env });
        expect(missingSecret.code).toBe(1);
        expect(missingSecret.stdout).toBe('');
        expect(missingSecret.stderr).toContain('INCYDR_API_CLIENT_SECRET');
        expect(missingSecret.stderr).not.toMatch(/^\s+at /m);
      } finally {
        await server.close();
      }
    },
    patient(70_000),
  );

  describe('TypeScript consumer', () => {
    const compile = (file: string): Promise<Run> =>
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
          file,
        ],
        // tsc reads ky's, undici's and Node's declarations: minutes on a loaded 2-core machine.
        { cwd: consumerDir, timeoutMs: 240_000 },
      );

    it(
      'type-checks a consumer of the public API',
      async () => {
        writeFileSync(
          join(consumerDir, 'consumer.ts'),
          [
            "import { Client, currentState, type Session, type SessionSearch } from '@x/sessions-sdk';",
            "import { MAX_NOTE_LENGTH, SESSION_FIELDS, type SessionState } from '@x/sessions-sdk/model';",
            '',
            "const closed: SessionState = 'CLOSED_TP';",
            'const limits: [number, string | undefined] = [MAX_NOTE_LENGTH, SESSION_FIELDS[0]];',
            "const session: Session = { sessionId: 's1', actorName: 'Ann Lee', states: [{ stateV2: 'OPEN' }] };",
            'const state: string | undefined = currentState(session);',
            '',
            'export async function openSessions(): Promise<string[]> {',
            "  const client = new Client({ url: 'https://api.us.code42.com', apiClientId: 'id', apiClientSecret: 'x' });",
            '  try {',
            "    const search: SessionSearch = { startTime: '7d', states: ['OPEN'], pageSize: 25 };",
            '    const ids: string[] = [];',
            '    for await (const s of client.sessions.v1.iterAll(search)) ids.push(s.sessionId ?? String(state));',
            '    const page = await client.sessions.v1.getPage({ pageNum: 1 });',
            '    const total: number | null | undefined = page.totalCount;',
            '    return total === 0 ? [closed, String(limits)] : ids;',
            '  } finally {',
            '    await client.close();',
            '  }',
            '}',
            '',
          ].join('\n'),
        );
        const result = await compile('consumer.ts');
        expect(result.stdout + result.stderr).toBe('');
        expect(result.code).toBe(0);
      },
      patient(250_000),
    );

    it(
      'rejects a wrong use of the API',
      async () => {
        writeFileSync(
          join(consumerDir, 'wrong.ts'),
          [
            "import { Client } from '@x/sessions-sdk';",
            '',
            'const client = new Client();',
            "export const page = client.sessions.v1.getPage({ pageNum: 'x' });",
            '',
          ].join('\n'),
        );
        const result = await compile('wrong.ts');
        expect(result.code).not.toBe(0);
        expect(result.stdout).toMatch(/^wrong\.ts\(4,\d+\): error TS2322: .*'string'.*'number'/m);
        expect(result.stdout.match(/error TS/g)).toHaveLength(1);
      },
      patient(250_000),
    );
  });
});
