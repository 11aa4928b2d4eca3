import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replace `file` with `text` so that a crash at any moment leaves either the old or the new content, never a mix:
 * write a temporary file in the same folder, fsync it, rename it over `file`, fsync the folder. `mode` is reduced by
 * the umask unless `exactMode` (which keeps the mode of a file being replaced).
 */
export async function writeFileAtomic(
  file: string,
  text: string,
  mode = 0o600,
  options: { exactMode?: boolean } = {},
): Promise<void> {
  const folder = dirname(file);
  const temporary = join(folder, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temporary, 'wx', mode);
    try {
      if (options.exactMode === true) await handle.chmod(mode);
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncFolder(folder);
}

/**
 * Delete the temporary files that {@link writeFileAtomic} left beside `file` when its process was killed mid-write.
 * Only for a caller that holds the lock under which every write of `file` happens: nobody else can be writing one.
 */
export async function removeLeftoverTemporaries(file: string): Promise<void> {
  const folder = dirname(file);
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return;
  }
  // Exactly this file's pattern: checkpoint `a` must not take `.a.json.b.json.….tmp`, checkpoint `a.json.b`'s.
  const own = `.${basename(file)}.`;
  for (const name of names) {
    if (name.startsWith(own) && /^\d+\.[0-9a-f]{8}\.tmp$/.test(name.slice(own.length))) {
      await rm(join(folder, name), { force: true });
    }
  }
}

// The rename is durable only once the folder's entry is on disk; some file systems refuse to open a folder.
async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // Best effort: the data itself was synced before the rename.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
