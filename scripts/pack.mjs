// `pnpm pack-all`: build the four public packages and pack them, as `pnpm publish` would, into dist-tarballs/ (old
// tarballs there are removed first), so that they can be installed with npm before they are published.
// `--destination DIR` packs elsewhere; `--no-build` packs what is built (the packaging tests, run after the build).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = ['@x/sessions-sdk', '@x/syslog-out', '@x/sessions-cli', '@x/sessions-emulator'];
let options;
try {
  options = parseArgs({
    options: { destination: { type: 'string' }, 'no-build': { type: 'boolean' } },
    strict: true,
  }).values;
} catch (error) {
  console.error(`pack-all: ${error.message}\nusage: node scripts/pack.mjs [--destination DIR] [--no-build]`);
  process.exit(2);
}
const destination = options.destination === undefined ? join(root, 'dist-tarballs') : resolve(options.destination);
const filters = PACKAGES.map((name) => `--filter=${name}`);

/** Run a command in the root; exit with its status (and its captured output) when it fails. */
function run(file, args, { quiet = false } = {}) {
  const result = spawnSync(file, args, {
    cwd: root,
    stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    encoding: 'utf8',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  });
  if (result.error) {
    console.error(`pack-all: cannot run ${file}: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) {
    if (quiet) process.stderr.write(`${result.stdout}${result.stderr}`);
    console.error(`pack-all: ${[file, ...args].join(' ')} failed`);
    process.exit(result.status ?? 1);
  }
}

if (options['no-build'] !== true) {
  run(process.execPath, [join(root, 'scripts', 'turbo.mjs'), 'build', ...filters, '--output-logs=errors-only']);
}

mkdirSync(destination, { recursive: true });
for (const file of readdirSync(destination)) if (file.endsWith('.tgz')) rmSync(join(destination, file));

// pnpm pack turns `workspace:` and `catalog:` specifiers into versions; npm pack would leave them as they are.
const pnpm = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager;
const execPath = process.env.npm_execpath ?? '';
if (/pnpm/.test(execPath))
  run(process.execPath, [execPath, ...filters, 'pack', '--pack-destination', destination], { quiet: true });
else run('npx', ['--yes', pnpm, ...filters, 'pack', '--pack-destination', destination], { quiet: true });

const tarballs = readdirSync(destination)
  .filter((file) => file.endsWith('.tgz'))
  .sort();
// Paths as the install command takes them: relative to where pack-all ran when inside it.
const shown = (path) => {
  const relativePath = relative(process.cwd(), path);
  return relativePath.startsWith('..') || relativePath === '' ? path : `./${relativePath.split('\\').join('/')}`;
};
console.log(`pack-all: ${tarballs.length} tarballs in ${shown(destination)}`);
for (const file of tarballs) console.log(`  ${shown(join(destination, file))}`);
