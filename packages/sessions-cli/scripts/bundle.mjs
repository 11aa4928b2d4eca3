// The build of the `incydr` command: rolldown bundles src/bin.ts with its dependencies (yargs, papaparse, yaml, the
// SDK, syslog-out, ky, valibot) into dist/, split where the code imports lazily, so that a command loads a few files
// instead of some 150 modules; the build tools (help texts, reference) go to dist/tools/, which is not shipped.
// npm undici stays out: the SDK requires it only when a proxy is configured.
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const srcDir = join(packageDir, 'src');
const distDir = join(packageDir, 'dist');
/** The workspace's packages, whose code the bundle rebases (npm packages' code is left as it is). */
const workspaceDir = resolve(packageDir, '..') + sep;

/** The bare specifiers left to Node: its built-ins, and undici (a dependency of the published package). */
const EXTERNAL = [/^node:/, 'undici'];

/**
 * Code that finds files beside itself (`import.meta.url`) was written for tsc's layout (src/x.ts runs as dist/x.js);
 * in a bundle it runs from another file. A package.json read becomes its name and version; `new URL('./…',
 * import.meta.url)` points at the same file from `outDir`. Any other use in workspace code fails the build.
 * @param {string} outDir where the bundle's files are written (all of them in that folder itself)
 */
function rebasedPaths(outDir) {
  return {
    name: 'incydr-rebased-paths',
    transform(code, id) {
      if (!id.startsWith(workspaceDir) || id.includes(`${sep}node_modules${sep}`)) return null;
      if (!code.includes('import.meta.url')) return null;
      // The file as it runs unbundled: the CLI's sources from dist/, the other packages' dist files as they are.
      const unbundled = id.startsWith(srcDir + sep) ? join(distDir, relative(srcDir, id)) : id;
      const rewritten = code
        .replace(/createRequire\(import\.meta\.url\)\((['"])(\.[^'"]*package\.json)\1\)/g, (_, _quote, path) => {
          const { name, version } = JSON.parse(readFileSync(resolve(dirname(unbundled), path), 'utf8'));
          return `(${JSON.stringify({ name, version })})`;
        })
        .replace(/new URL\((['"])(\.[^'"]*)\1, import\.meta\.url\)/g, (_, _quote, path) => {
          const target = relative(outDir, resolve(dirname(unbundled), path))
            .split(sep)
            .join('/');
          return `new URL(${JSON.stringify(target.startsWith('.') ? target : `./${target}`)}, import.meta.url)`;
        });
      const left = rewritten
        .split('\n')
        .filter((line) => line.includes('import.meta.url'))
        .filter((line) => !/createRequire\(import\.meta\.url\)\((['"])[a-z@][^'"]*\1\)/.test(line))
        .filter((line) => !/new URL\("\.[^"]*", import\.meta\.url\)/.test(line));
      if (left.length > 0) throw new Error(`${id}: a use of import.meta.url the bundle cannot rebase: ${left[0]}`);
      return { code: rewritten, map: null };
    },
  };
}

const STRING_WIDTH = '\0incydr-string-width';

/**
 * yargs, cliui and wrap-ansi measure help text with the npm string-width, which builds an Intl.Segmenter and an
 * RGI-emoji expression as it loads: about 20 ms of every command's start-up, help or not. The bundle gives them the
 * CLI's own `displayWidth` instead, which builds nothing until a text needs it (src/output/yargs-width.test.ts checks
 * that both measure the help texts alike).
 */
const ownStringWidth = {
  name: 'incydr-string-width',
  resolveId(source) {
    return source === 'string-width' ? STRING_WIDTH : null;
  },
  load(id) {
    if (id !== STRING_WIDTH) return null;
    return `export { displayWidth as default } from ${JSON.stringify(join(srcDir, 'output', 'text.ts'))};\n`;
  },
};

/** The licences of the npm packages whose code a bundle holds (their MIT/ISC terms ask that the notice goes along). */
function licences(moduleIds) {
  const packages = new Map();
  for (const id of moduleIds) {
    const match = /^(.*[\\/]node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(id);
    if (match !== null) packages.set(match[1], undefined);
  }
  const sections = [...packages.keys()].map((dir) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((name) => /^licen[cs]e/i.test(name));
    if (file === undefined) throw new Error(`${manifest.name}: no licence file to ship with its bundled code`);
    return `## ${manifest.name}@${manifest.version} (${manifest.license})\n\n${readFileSync(join(dir, file), 'utf8').trim()}\n`;
  });
  return `# Licences of the npm packages bundled into dist/\n\n${sections.sort().join('\n')}`;
}

/**
 * Bundle `input` (name → source file) into `outDir`, code-split at dynamic imports; gives the ids of its modules.
 * @param {Record<string, string>} input
 * @param {string} outDir
 */
async function bundle(input, outDir) {
  const build = await rolldown({
    input,
    cwd: packageDir,
    platform: 'node',
    // The syntax of the oldest Node the package supports (package.json engines).
    transform: { target: 'node20.19' },
    external: EXTERNAL,
    plugins: [rebasedPaths(outDir), ownStringWidth],
  });
  try {
    const { output } = await build.write({
      dir: outDir,
      format: 'esm',
      // Not minified: a stack trace names the functions and points at readable code; the maps lead back to src/.
      sourcemap: true,
      entryFileNames: '[name].js',
      chunkFileNames: '[name]-[hash].js',
    });
    return output.flatMap((file) => (file.type === 'chunk' ? file.moduleIds : []));
  } finally {
    await build.close();
  }
}

rmSync(distDir, { recursive: true, force: true });
const moduleIds = await bundle({ bin: join(srcDir, 'bin.ts') }, distDir);
writeFileSync(join(distDir, 'THIRD-PARTY-LICENSES.md'), licences(moduleIds));
await bundle(
  {
    'build-help': join(srcDir, 'help', 'build.ts'),
    'write-reference': join(srcDir, 'help', 'write-reference.ts'),
  },
  join(distDir, 'tools'),
);
