// Helpers for the packages' README tests: take the code blocks out of a README, give them a folder where the
// package names resolve, run them with Node, and pair each block with the expectation that checks it.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';

/** The ```lang blocks of a markdown file; `onlyFor` keeps those whose first import is that package. */
export function codeBlocks(file, lang, onlyFor) {
  const text = readFileSync(file, 'utf8');
  const fence = new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```$', 'gm');
  const source = file.includes('/packages/') ? 'README.md' : 'root README.md';
  return [...text.matchAll(fence)]
    .map((match) => match[1] ?? '')
    .filter((code) => onlyFor === undefined || /from '([^']+)'/.exec(code)?.[1] === onlyFor)
    .map((code) => ({ source, code }));
}

/** A temporary folder whose node_modules links each package name to its folder; `remove()` deletes it. */
export function exampleFolder(prefix, packages) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [name, target] of Object.entries(packages)) {
    const link = join(dir, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(target, link, 'dir');
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Run `command args…` in `dir` with exactly `env`, bounded in time; never rejects for a non-zero exit. */
export function runIn(dir, command, args, env, timeoutMs = 20_000) {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: dir, env, timeout: timeoutMs }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

/** Every block matches exactly one expectation and every expectation exactly one block (no block goes unchecked). */
export function expectPaired(blocks, expectations) {
  expect(blocks.length).toBeGreaterThan(0);
  for (const block of blocks) {
    expect(expectations.filter((e) => e.match.test(block.code)), block.code).toHaveLength(1);
  }
  for (const expectation of expectations) {
    expect(blocks.filter((b) => expectation.match.test(b.code)), String(expectation.match)).toHaveLength(1);
  }
}
