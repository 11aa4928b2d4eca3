// Node 22 and 24 for the packaging tests, from the npm registry: the newest `node-<os>-<arch>@<major>` package (the
// official binary that the registry's `node` package installs, without its install script), its `bin/node` kept in
// a cache folder outside the repository. `npx --yes pnpm@10.34.9 node-runtimes` (or `node tests/packaging/
// node-runtimes.mjs [MAJOR…]`) fetches them; .ci/run does before the tests, which only look in the cache.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { patient } from '../../tooling/vitest-config/patience.js';

/** The Node majors the packaging tests run the installed packages on, besides the Node running them. */
export const RUNTIME_MAJORS = [22, 24];

/** The command that fills the cache, as the tests' skip lines name it. */
export const FETCH_COMMAND = 'npx --yes pnpm@10.34.9 node-runtimes';

/** Where the runtimes are kept: `INCYDR_NODE_RUNTIMES_DIR`, else the user's cache folder. */
export function runtimeCacheDir(env = process.env) {
  if (env.INCYDR_NODE_RUNTIMES_DIR) return env.INCYDR_NODE_RUNTIMES_DIR;
  const cache = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'incydr-sessions-toolkit', 'node-runtimes');
}

/** The registry package holding this platform's Node binary, or undefined where the registry has none. */
export function binaryPackage(platform = process.platform, arch = process.arch) {
  const supported = { linux: ['x64', 'arm64'], darwin: ['x64', 'arm64'] };
  return supported[platform]?.includes(arch) ? `node-${platform}-${arch}` : undefined;
}

/** `process.version` of the Node in `binDir`, or undefined when there is none or it does not run. */
function versionIn(binDir) {
  const node = join(binDir, 'node');
  if (!existsSync(node)) return undefined;
  const result = spawnSync(node, ['-p', 'process.version'], { encoding: 'utf8', timeout: patient(30_000) });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** The cached Node `major` in `cacheDir` as `{ major, version, binDir }`, or undefined when it is not there. */
export function cachedRuntime(major, cacheDir = runtimeCacheDir()) {
  const binDir = join(cacheDir, `node-${major}`, 'bin');
  const version = versionIn(binDir);
  return version?.startsWith(`v${major}.`) ? { major, version, binDir } : undefined;
}

/** The line of npm's error output that says what went wrong (not its code, errno or stack lines), else `fallback`. */
function npmReason(stderr, fallback) {
  const lines = stderr.split('\n').map((line) => line.replace(/^npm error ?/, '').trim());
  return lines.find((line) => line !== '' && !/^(code|syscall|errno) |^at |^[{}]|^\w+: '/.test(line)) ?? fallback;
}

/** Run a command with a time bound scaled to this machine; resolves with its stdout, rejects with a one-line reason. */
function command(file, args, { timeoutMs, cwd }) {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd, encoding: 'utf8', timeout: patient(timeoutMs), killSignal: 'SIGKILL', maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        if (error === null) return resolve(stdout);
        const reason = error.killed ? `timed out after ${patient(timeoutMs)} ms` : npmReason(stderr, error.message);
        reject(new Error(reason));
      },
    );
  });
}

/** The highest release (`x.y.z`, no pre-release) of some versions, or undefined when there is none. */
function newest(versions) {
  const key = (version) => version.split('.').map(Number);
  const releases = versions.filter((version) => /^\d+\.\d+\.\d+$/.test(version));
  return releases.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  })[releases.length - 1];
}

/**
 * Put `staging` in place of `dir`: the old folder is renamed aside first and removed only after, so a suite running
 * its binary keeps it. When another run renamed its own folder in between, that one is kept if it holds `wanted`.
 */
function replaceDir(staging, dir, major, wanted, cacheDir) {
  const aside = `${staging}.old`;
  try {
    renameSync(dir, aside);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  try {
    renameSync(staging, dir);
  } catch (error) {
    if ((error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') || cachedRuntime(major, cacheDir)?.version !== wanted) {
      throw error;
    }
  } finally {
    rmSync(aside, { recursive: true, force: true });
  }
}

/**
 * Make the newest Node `major` of the registry available in `cacheDir` (download only when the cached one is older
 * or missing; kept when the registry cannot be asked). Resolves with the runtime and what it took; rejects with a
 * message naming the failed step.
 */
export async function fetchRuntime(major, cacheDir = runtimeCacheDir()) {
  const pkg = binaryPackage();
  if (pkg === undefined) {
    throw new Error(`the npm registry has no Node binary package for ${process.platform}-${process.arch}`);
  }
  const cached = cachedRuntime(major, cacheDir);
  let version;
  try {
    const listed = JSON.parse(
      await command('npm', ['view', `${pkg}@${major}`, 'version', '--json'], { timeoutMs: 60_000 }),
    );
    version = newest(Array.isArray(listed) ? listed : [listed]);
    if (version === undefined) throw new Error(`no release of ${pkg}@${major}`);
  } catch (error) {
    if (cached !== undefined) return { runtime: cached, note: `kept; cannot ask the registry: ${error.message}` };
    throw new Error(`cannot download Node ${major} from the npm registry (npm view ${pkg}@${major}): ${error.message}`);
  }
  if (cached?.version === `v${version}`) return { runtime: cached, note: 'already the newest' };

  // Unpack beside the cache entry and rename it into place: a half-finished download is never used, and two runs at
  // once do not write into the same folder (replaceDir says how the old folder makes way).
  mkdirSync(cacheDir, { recursive: true });
  const dir = join(cacheDir, `node-${major}`);
  const staging = `${dir}.${process.pid}.${Date.now()}`;
  mkdirSync(join(staging, 'bin'), { recursive: true });
  const began = Date.now();
  try {
    // `npm pack` checks the tarball against the registry's integrity hash; its own cache stays in the staging folder.
    const spec = `${pkg}@${version}`;
    try {
      await command(
        'npm',
        ['pack', spec, '--pack-destination', staging, '--cache', join(staging, 'npm-cache'), '--loglevel', 'error'],
        { cwd: staging, timeoutMs: 300_000 },
      );
    } catch (error) {
      throw new Error(`cannot download Node ${major} from the npm registry (npm pack ${spec}): ${error.message}`);
    }
    const tarball = readdirSync(staging).find((file) => file.endsWith('.tgz'));
    if (tarball === undefined) throw new Error(`npm pack ${spec} wrote no tarball`);
    const bytes = statSync(join(staging, tarball)).size;
    await command('tar', ['-xzf', tarball, '-C', 'bin', '--strip-components=2', 'package/bin/node'], {
      cwd: staging,
      timeoutMs: 120_000,
    });
    rmSync(join(staging, tarball));
    rmSync(join(staging, 'npm-cache'), { recursive: true, force: true });
    if (versionIn(join(staging, 'bin')) !== `v${version}`) {
      throw new Error(`the Node binary of ${spec} does not run here`);
    }
    replaceDir(staging, dir, major, `v${version}`, cacheDir);
    const runtime = cachedRuntime(major, cacheDir);
    if (runtime === undefined) throw new Error(`the Node ${major} binary in ${dir} does not run after the move`);
    const seconds = ((Date.now() - began) / 1000).toFixed(1);
    return { runtime, note: `downloaded ${(bytes / 1e6).toFixed(1)} MB in ${seconds} s` };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The command: fetch each major given (default 22 and 24); exit 1 naming what failed. */
async function main(args) {
  const majors = args.length === 0 ? RUNTIME_MAJORS : args.map(Number);
  if (majors.some((major) => !Number.isInteger(major) || major < 20)) {
    console.error(`node-runtimes: majors are whole numbers from 20 on, not ${args.join(' ')}`);
    return 2;
  }
  const cacheDir = runtimeCacheDir();
  // Both downloads at once: each waits on the network more than on this machine.
  const results = await Promise.allSettled(majors.map((major) => fetchRuntime(major, cacheDir)));
  for (const result of results) {
    if (result.status === 'fulfilled') {
      const { runtime, note } = result.value;
      console.error(`node-runtimes: Node ${runtime.version} in ${runtime.binDir} (${note})`);
    } else {
      console.error(`node-runtimes: ${result.reason.message}`);
    }
  }
  return results.some((result) => result.status === 'rejected') ? 1 : 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
