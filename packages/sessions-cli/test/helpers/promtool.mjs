// promtool for the metrics tests, from Debian's archive: `prometheus` is downloaded (`apt-get download`) and unpacked
// (`dpkg -x`) into a cache folder outside the repository, never installed (no daemon runs). Its promtool is a static
// binary. `node packages/sessions-cli/test/helpers/promtool.mjs` fills the cache; .ci/run does before the tests, which
// only look in the cache (and fail instead of skipping when INCYDR_REQUIRE_PROMTOOL=1).
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Debian's package holding promtool. */
export const PROMTOOL_PACKAGE = 'prometheus';

/** The command that fills the cache, as the tests' skip lines name it. */
export const FETCH_COMMAND = 'node packages/sessions-cli/test/helpers/promtool.mjs';

/** Where the unpacked package is kept: `INCYDR_PROMTOOL_DIR`, else the user's cache folder. */
export function promtoolCacheDir(env = process.env) {
  if (env.INCYDR_PROMTOOL_DIR) return env.INCYDR_PROMTOOL_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'incydr-sessions-toolkit', 'promtool');
}

/** Run a command; resolves with its stdout, rejects with its last line of stderr. */
function command(file, args, options = {}) {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { encoding: 'utf8', timeout: 300_000, killSignal: 'SIGKILL', ...options },
      (error, out, err) => {
        if (error === null) return resolve(out);
        const said = err.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('W: '));
        reject(new Error(said.at(-1) ?? error.message));
      },
    );
  });
}

/** The unpacked promtool in `cacheDir` as `{ binary }`, or `{ missing }` saying why not. */
export function cachedPromtool(cacheDir = promtoolCacheDir()) {
  const binary = join(cacheDir, 'root', 'usr', 'bin', 'promtool');
  return existsSync(binary) ? { binary } : { missing: `promtool is not unpacked in ${cacheDir} (${FETCH_COMMAND})` };
}

/**
 * `promtool check metrics` on `text`: `{ problems }` (empty when it passes), or `{ skipped }` naming why promtool is
 * not there; with INCYDR_REQUIRE_PROMTOOL=1 a missing promtool rejects instead.
 */
export async function promtoolCheck(text, env = process.env) {
  const found = cachedPromtool(promtoolCacheDir(env));
  if (found.missing !== undefined) {
    if (env.INCYDR_REQUIRE_PROMTOOL === '1') throw new Error(found.missing);
    return { skipped: found.missing };
  }
  return new Promise((resolve, reject) => {
    const child = spawn(found.binary, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let said = '';
    child.stdout.on('data', (chunk) => (said += chunk));
    child.stderr.on('data', (chunk) => (said += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ problems: code === 0 ? said.trim() : `exit ${code}: ${said.trim()}` }));
    child.stdin.end(text);
  });
}

/** Download and unpack Debian's `prometheus` into `cacheDir` unless its promtool is already there. */
export async function fetchPromtool(cacheDir = promtoolCacheDir()) {
  const cached = cachedPromtool(cacheDir);
  if (cached.missing === undefined) return { ...cached, note: 'already there' };
  mkdirSync(cacheDir, { recursive: true });
  // Unpacked beside the cache entry and renamed into place: a half-finished download is never used.
  const staging = join(cacheDir, `staging.${process.pid}.${Date.now()}`);
  mkdirSync(staging);
  try {
    try {
      await command('apt-get', ['download', '-q', PROMTOOL_PACKAGE], { cwd: staging });
    } catch (error) {
      throw new Error(`cannot download ${PROMTOOL_PACKAGE} (apt-get download): ${error.message}`);
    }
    const deb = readdirSync(staging).find((file) => file.endsWith('.deb'));
    if (deb === undefined) throw new Error(`apt-get download ${PROMTOOL_PACKAGE} wrote no .deb`);
    await command('dpkg', ['-x', deb, 'root'], { cwd: staging });
    if (!existsSync(join(staging, 'root', 'usr', 'bin', 'promtool'))) {
      throw new Error(`${PROMTOOL_PACKAGE} holds no usr/bin/promtool`);
    }
    rmSync(join(cacheDir, 'root'), { recursive: true, force: true });
    renameSync(join(staging, 'root'), join(cacheDir, 'root'));
    return { ...cachedPromtool(cacheDir), note: `unpacked ${deb}` };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function main() {
  try {
    const { binary, note } = await fetchPromtool();
    const version = (await command(binary, ['--version'])).split('\n')[0];
    console.error(`promtool: ${version} in ${binary} (${note})`);
    return 0;
  } catch (error) {
    console.error(`promtool: ${error.message}`);
    return 1;
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main();
}
