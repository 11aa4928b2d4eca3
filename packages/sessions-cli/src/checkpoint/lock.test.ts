import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLock } from './lock.js';

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'incydr-lock-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid ?? 999_999;
}

describe('acquireLock', () => {
  it('refuses a second holder while the first lives, and frees the name on release', async () => {
    const file = join(folder, 'a.lock');
    const held = await acquireLock(file, 'checkpoint "a"');
    await expect(acquireLock(file, 'checkpoint "a"')).rejects.toThrow(
      new RegExp(`checkpoint "a" is in use by process ${process.pid} on ${hostname()} since .*; lock file ${file}`),
    );
    await held.release();
    expect(existsSync(file)).toBe(false);
    const again = await acquireLock(file, 'checkpoint "a"');
    await again.release();
  });

  it('takes over a lock whose process is gone', async () => {
    const file = join(folder, 'stale.lock');
    await writeFile(file, JSON.stringify({ pid: deadPid(), hostname: hostname(), startedAt: 'x', token: 'old' }));
    const held = await acquireLock(file, 'checkpoint "stale"');
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ pid: process.pid });
    await held.release();
  });

  it('takes over a lock of its own process id that it does not hold (a restarted container has the same PID)', async () => {
    const file = join(folder, 'restarted.lock');
    await writeFile(file, JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: 'x', token: 'before' }));
    const held = await acquireLock(file, 'checkpoint "restarted"');
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ pid: process.pid });
    expect(JSON.parse(await readFile(file, 'utf8')).token).not.toBe('before');
    await held.release();
  });

  it('treats a lock from another host or an unreadable lock as held', async () => {
    const file = join(folder, 'remote.lock');
    await writeFile(
      file,
      JSON.stringify({ pid: deadPid(), hostname: 'elsewhere.example', startedAt: 'x', token: 't' }),
    );
    await expect(acquireLock(file, 'checkpoint "remote"')).rejects.toThrow(
      /in use by process \d+ on elsewhere\.example/,
    );
    await writeFile(file, 'garbage');
    await expect(acquireLock(file, 'checkpoint "remote"')).rejects.toThrow(/its lock file is unreadable/);
  });

  it('never removes a lock that another run took over meanwhile', async () => {
    const file = join(folder, 'b.lock');
    const held = await acquireLock(file, 'checkpoint "b"');
    await rm(file);
    await writeFile(
      file,
      JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: 'x', token: 'someone-else' }),
    );
    await held.release();
    expect(existsSync(file)).toBe(true);
  });
});
