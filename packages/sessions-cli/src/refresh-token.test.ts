import { chmod, lstat, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keepRotatedRefreshToken, rescueFile } from './refresh-token.js';

let home: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'incydr-refresh-'));
});

afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('keepRotatedRefreshToken', () => {
  it('replaces the token in its file at each rotation of one run, keeping the mode and leaving no temporary', async () => {
    const file = join(home, 'tenant.env');
    await writeFile(file, '# mine\nINCYDR_REFRESH_TOKEN=first\nOTHER=1\n');
    await chmod(file, 0o640);
    const notes: string[] = [];
    const keep = keepRotatedRefreshToken({ kind: 'file', file, token: 'first' }, (text) => notes.push(text), home);
    await keep({ tokenValue: 'second' });
    await keep({ tokenValue: 'third' });
    expect(await readFile(file, 'utf8')).toBe('# mine\nINCYDR_REFRESH_TOKEN=third\nOTHER=1\n');
    expect((await stat(file)).mode & 0o777).toBe(0o640);
    expect(await readdir(home)).toEqual(['tenant.env']);
    expect(notes).toEqual([]);
  });

  it('writes through a symbolic link to the file it names', async () => {
    const target = join(home, 'dotfiles.env');
    await writeFile(target, 'INCYDR_REFRESH_TOKEN=first\n');
    const link = join(home, '.env');
    await symlink(target, link);
    await keepRotatedRefreshToken(
      { kind: 'file', file: link, token: 'first' },
      () => undefined,
      home,
    )({ tokenValue: 'second' });
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(target, 'utf8')).toBe('INCYDR_REFRESH_TOKEN=second\n');
  });

  it('saves a token from the environment in the rescue file (0600) and says so once, without the token', async () => {
    const notes: string[] = [];
    const keep = keepRotatedRefreshToken({ kind: 'environment' }, (text) => notes.push(text), home);
    await keep({ tokenValue: 'rt-second' });
    await keep({ tokenValue: 'rt-third' });
    const rescue = rescueFile(home);
    expect(await readFile(rescue, 'utf8')).toBe('INCYDR_REFRESH_TOKEN=rt-third\n');
    expect((await stat(rescue)).mode & 0o777).toBe(0o600);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(rescue);
    expect(notes[0]).toContain('INCYDR_REFRESH_TOKEN');
    expect(notes.join('')).not.toMatch(/rt-second|rt-third/);
  });

  it('falls back to the rescue file when its own file no longer holds the spent token', async () => {
    const file = join(home, 'tenant.env');
    await writeFile(file, 'INCYDR_REFRESH_TOKEN=edited-meanwhile\n');
    const notes: string[] = [];
    await keepRotatedRefreshToken(
      { kind: 'file', file, token: 'first' },
      (text) => notes.push(text),
      home,
    )({ tokenValue: 'rt-new' });
    expect(await readFile(file, 'utf8')).toBe('INCYDR_REFRESH_TOKEN=edited-meanwhile\n');
    expect(await readFile(rescueFile(home), 'utf8')).toBe('INCYDR_REFRESH_TOKEN=rt-new\n');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(`could not save the new refresh token in ${file}`);
  });

  it('never throws, and says the token is lost when nothing can be written', async () => {
    const notes: string[] = [];
    // A file where the config folder should be: neither the origin nor the rescue can be written.
    await mkdir(join(home, 'x'));
    await writeFile(join(home, '.config'), 'not a folder');
    const origin = { kind: 'file', file: join(home, 'x', 'missing.env'), token: 'a' } as const;
    const keep = keepRotatedRefreshToken(origin, (text) => notes.push(text), home);
    await expect(keep({ tokenValue: 'rt-lost' })).resolves.toBeUndefined();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/could not be saved .*the next run needs a new refresh token/);
    expect(notes[0]).not.toContain('rt-lost');
  });
});
