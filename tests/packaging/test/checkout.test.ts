// A fresh clone, before anything is built: `pnpm install` links every workspace bin, so each one must be a committed
// file (a bin inside dist/ made pnpm warn "Failed to create bin" on every first install), and running one before
// the build says what to do.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ok, run } from './helpers/process.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Every workspace package's folder and the bins its package.json declares. */
async function workspaceBins(): Promise<Array<{ dir: string; name: string; target: string }>> {
  const manifests = (
    await ok('git', ['ls-files', '--', 'packages/*/package.json', 'tooling/*/package.json', 'tests/*/package.json'], {
      cwd: root,
      timeoutMs: 30_000,
    })
  ).stdout
    .split('\n')
    .filter(Boolean);
  return manifests.flatMap((file) => {
    const manifest = JSON.parse(readFileSync(join(root, file), 'utf8')) as {
      name: string;
      bin?: string | Record<string, string>;
    };
    const bins =
      typeof manifest.bin === 'string'
        ? { [manifest.name.replace(/^@[^/]+\//, '')]: manifest.bin }
        : (manifest.bin ?? {});
    return Object.entries(bins).map(([name, target]) => ({
      dir: dirname(file),
      name,
      target: target.replace(/^\.\//, ''),
    }));
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'checkout-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('a fresh clone', () => {
  it('has every bin of the workspace packages committed, so pnpm links them before the first build', async () => {
    const bins = await workspaceBins();
    expect(bins.map((bin) => bin.name).sort()).toEqual(['incydr', 'incydr-emulator']);
    const tracked = (
      await ok('git', ['ls-files', '--', ...bins.map((bin) => `${bin.dir}/${bin.target}`)], {
        cwd: root,
        timeoutMs: 30_000,
      })
    ).stdout
      .split('\n')
      .filter(Boolean);
    expect(tracked.sort()).toEqual(bins.map((bin) => `${bin.dir}/${bin.target}`).sort());
  });

  it.each([
    ['incydr', 'dist/bin.js'],
    ['incydr-emulator', 'dist/cli.js'],
  ])('runs %s before the build with a one-line message saying how to build (exit 1)', async (name, built) => {
    const bin = (await workspaceBins()).find((entry) => entry.name === name);
    expect(bin).toBeDefined();
    // The committed bin in a package folder without dist/, as a fresh clone has it.
    const copy = join(scratch, name, bin?.target ?? '');
    mkdirSync(dirname(copy), { recursive: true });
    copyFileSync(join(root, bin?.dir ?? '', bin?.target ?? ''), copy);
    const result = await run(process.execPath, [copy, '--version'], { cwd: scratch, timeoutMs: 30_000 });
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `${name}: not built yet (no ${built}): run \`npx --yes pnpm@10.34.9 build\` in the repository first\n`,
    );
    expect(result.code).toBe(1);
  });
});
