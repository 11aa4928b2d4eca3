// Which modules a Node process loads, for tests that a light entry or command stays light: a module hook (Node's
// `module.register`) appends the URL of every ES module the process loads to a file.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { patient } from './patience.js';

const HOOKS = `import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function load(url, context, nextLoad) {
  appendFileSync(file, url + '\\n');
  return nextLoad(url, context);
}
`;

/** Run `node …args` in `cwd` and list the URLs of the ES modules it loaded, in load order (hooks excluded). */
export async function loadedModules(args, { cwd, env = process.env, timeoutMs = 30_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'loaded-modules-'));
  try {
    const list = join(dir, 'loaded.txt');
    writeFileSync(list, '');
    writeFileSync(join(dir, 'hooks.mjs'), HOOKS);
    const hooksUrl = pathToFileURL(join(dir, 'hooks.mjs')).href;
    writeFileSync(
      join(dir, 'register.mjs'),
      `import { register } from 'node:module';\n` +
        `register(${JSON.stringify(hooksUrl)}, { data: { file: ${JSON.stringify(list)} } });\n`,
    );
    const run = await new Promise((resolve) => {
      execFile(
        process.execPath,
        ['--import', pathToFileURL(join(dir, 'register.mjs')).href, ...args],
        { cwd, env, timeout: patient(timeoutMs) },
        (error, stdout, stderr) => {
          resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
        },
      );
    });
    const own = pathToFileURL(dir).href;
    const urls = readFileSync(list, 'utf8')
      .split('\n')
      .filter((url) => url !== '' && !url.startsWith(own));
    return { ...run, urls };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
