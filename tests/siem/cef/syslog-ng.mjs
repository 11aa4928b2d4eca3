// syslog-ng for the CEF tests, from Debian's archive: `syslog-ng-core` is downloaded (`apt-get download`) and unpacked
// (`dpkg -x`) into a cache folder outside the repository, never installed: it conflicts with rsyslog, which other
// suites use. Its libraries come from apt (.ci/run installs them). `node tests/siem/cef/syslog-ng.mjs` fills the
// cache; .ci/run does before the tests, which only look in the cache.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { patient } from '../../../tooling/vitest-config/patience.js';

/** Debian's package holding syslog-ng's daemon and its `format-cef-extension` template function (module `cef`). */
export const SYSLOG_NG_PACKAGE = 'syslog-ng-core';

/** The shared libraries syslog-ng-core needs beyond a base system, as Debian packages (apt installs them). */
export const SYSLOG_NG_LIBRARIES = ['libivykis0', 'libnet1', 'libpcre3', 'libwrap0', 'libjson-c5'];

/** The command that fills the cache, as the tests' skip lines name it. */
export const FETCH_COMMAND = 'node tests/siem/cef/syslog-ng.mjs';

/** Where the unpacked package is kept: `INCYDR_SYSLOG_NG_DIR`, else the user's cache folder. */
export function syslogNgCacheDir(env = process.env) {
  if (env.INCYDR_SYSLOG_NG_DIR) return env.INCYDR_SYSLOG_NG_DIR;
  const cache = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'incydr-sessions-toolkit', 'syslog-ng');
}

/** Run a command with a time bound scaled to this machine; resolves with its stdout, rejects with a one-line reason. */
function command(file, args, { timeoutMs, cwd, env }) {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd, env, encoding: 'utf8', timeout: patient(timeoutMs), killSignal: 'SIGKILL', maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        if (error === null) return resolve(stdout);
        const said = stderr
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line !== '' && !line.startsWith('W: '));
        const reason = error.killed ? `timed out after ${patient(timeoutMs)} ms` : (said.at(-1) ?? error.message);
        reject(new Error(reason));
      },
    );
  });
}

/** The paths of an unpacked syslog-ng-core under `root`, or undefined when it is not there. */
function layout(root) {
  const binary = join(root, 'usr', 'sbin', 'syslog-ng');
  const libDir = join(root, 'usr', 'lib', 'syslog-ng');
  if (!existsSync(binary) || !existsSync(libDir)) return undefined;
  const moduleVersion = readdirSync(libDir).find((name) => /^\d+\.\d+$/.test(name));
  return moduleVersion === undefined ? undefined : { binary, libDir, moduleDir: join(libDir, moduleVersion) };
}

/** `syslog-ng --version` of the unpacked daemon, or the reason it does not run (e.g. the libraries it misses). */
async function versionOf(paths) {
  const env = { ...process.env, LD_LIBRARY_PATH: paths.libDir };
  try {
    const said = await command(paths.binary, ['--version'], { env, timeoutMs: 30_000 });
    const version = /^Installer-Version: (\S+)$/m.exec(said)?.[1];
    return version === undefined ? { reason: 'syslog-ng --version names no version' } : { version };
  } catch (error) {
    let missing = [];
    try {
      const linked = await command('ldd', [paths.binary, join(paths.moduleDir, 'libafsocket.so')], {
        env,
        timeoutMs: 30_000,
      });
      missing = [...new Set([...linked.matchAll(/^\s*(\S+) => not found/gm)].map((match) => match[1]))];
    } catch {
      // ldd is only asked to name the missing libraries; without its answer the error says enough.
    }
    return missing.length > 0
      ? { reason: `libraries missing: ${missing.join(', ')} (apt-get install ${SYSLOG_NG_LIBRARIES.join(' ')})` }
      : { reason: error.message };
  }
}

/**
 * The unpacked syslog-ng in `cacheDir` as `{ binary, libDir, moduleDir, version, revision }` when it runs, or
 * `{ missing }` saying why not.
 */
export async function cachedSyslogNg(cacheDir = syslogNgCacheDir()) {
  const root = join(cacheDir, 'root');
  const paths = layout(root);
  if (paths === undefined) return { missing: `syslog-ng is not unpacked in ${cacheDir}` };
  const { version, reason } = await versionOf(paths);
  if (version === undefined) return { missing: `the syslog-ng in ${cacheDir} does not run: ${reason}` };
  const revisionFile = join(cacheDir, 'revision');
  const revision = existsSync(revisionFile) ? readFileSync(revisionFile, 'utf8').trim() : undefined;
  return { ...paths, version, revision };
}

/** The version of syslog-ng-core that `apt-get download` would fetch; rejects when apt does not know it. */
async function candidate() {
  let policy;
  try {
    policy = await command('apt-cache', ['policy', SYSLOG_NG_PACKAGE], { timeoutMs: 60_000 });
  } catch (error) {
    throw new Error(`cannot ask apt for ${SYSLOG_NG_PACKAGE} (a Debian system is needed): ${error.message}`);
  }
  const version = /^\s*Candidate: (\S+)$/m.exec(policy)?.[1];
  if (version === undefined || version === '(none)') {
    throw new Error(`apt knows no ${SYSLOG_NG_PACKAGE} (run apt-get update first)`);
  }
  return version;
}

/**
 * Make Debian's syslog-ng-core available unpacked in `cacheDir` (downloaded only when the cached one is another
 * revision or does not run). Resolves with it and what it took; rejects with a message naming the failed step.
 */
export async function fetchSyslogNg(cacheDir = syslogNgCacheDir()) {
  const wanted = await candidate();
  const cached = await cachedSyslogNg(cacheDir);
  if (cached.missing === undefined && cached.revision === wanted) return { syslogNg: cached, note: 'already there' };

  // Unpack beside the cache entry and rename it into place: a half-finished download is never used.
  mkdirSync(cacheDir, { recursive: true });
  const staging = join(cacheDir, `staging.${process.pid}.${Date.now()}`);
  mkdirSync(staging);
  try {
    const spec = `${SYSLOG_NG_PACKAGE}=${wanted}`;
    try {
      await command('apt-get', ['download', '-q', spec], { cwd: staging, timeoutMs: 300_000 });
    } catch (error) {
      throw new Error(`cannot download ${spec} (apt-get download): ${error.message}`);
    }
    const deb = readdirSync(staging).find((file) => file.endsWith('.deb'));
    if (deb === undefined) throw new Error(`apt-get download ${spec} wrote no .deb`);
    await command('dpkg', ['-x', deb, 'root'], { cwd: staging, timeoutMs: 120_000 });
    rmSync(join(staging, deb));
    writeFileSync(join(staging, 'revision'), `${wanted}\n`);
    const paths = layout(join(staging, 'root'));
    if (paths === undefined) throw new Error(`${spec} holds no usr/sbin/syslog-ng with its modules`);
    const { reason } = await versionOf(paths);
    if (reason !== undefined) throw new Error(`the syslog-ng of ${spec} does not run: ${reason}`);
    for (const entry of ['root', 'revision']) {
      rmSync(join(cacheDir, entry), { recursive: true, force: true });
      renameSync(join(staging, entry), join(cacheDir, entry));
    }
    const syslogNg = await cachedSyslogNg(cacheDir);
    if (syslogNg.missing !== undefined) throw new Error(syslogNg.missing);
    return { syslogNg, note: `unpacked ${spec}` };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function main() {
  try {
    const { syslogNg, note } = await fetchSyslogNg();
    console.error(`syslog-ng: ${syslogNg.version} in ${syslogNg.binary} (${note})`);
    return 0;
  } catch (error) {
    console.error(`syslog-ng: ${error.message}`);
    return 1;
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main();
}
