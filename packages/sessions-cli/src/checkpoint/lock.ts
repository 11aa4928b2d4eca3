import { randomBytes } from 'node:crypto';
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { ExitError } from '../failures.js';

/** What a lock file holds: who holds it. */
interface LockOwner {
  pid: number;
  hostname: string;
  startedAt: string;
  token: string;
}

/** A held lock; `release()` removes the file only while it is still ours. */
export interface HeldLock {
  readonly file: string;
  release(): Promise<void>;
}

/**
 * Take the lock file of a checkpoint, or fail at once when a live process holds it. A lock left by a dead process
 * on this host is taken over. The file appears complete or not at all (written aside, then hard-linked).
 */
export async function acquireLock(file: string, what: string): Promise<HeldLock> {
  const owner: LockOwner = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  const temporary = `${file}.${owner.token}.tmp`;
  await writeFile(temporary, `${JSON.stringify(owner)}\n`, { mode: 0o600 });
  try {
    // Three rounds: a stale lock removed and ours linked, plus one for a lock that vanished while it was read; a lock
    // that keeps coming back counts as in use.
    for (let round = 0; round < 3; round += 1) {
      try {
        await link(temporary, file);
        heldTokens.add(owner.token);
        return {
          file,
          release: async () => {
            await releaseLock(file, owner.token);
            heldTokens.delete(owner.token);
          },
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await readOwner(file);
      if (holder === 'missing') continue;
      if (holder === 'unreadable' || isAlive(holder)) throw inUse(what, file, holder);
      await removeStale(file, holder);
    }
    throw inUse(what, file, await readOwner(file));
  } finally {
    await rm(temporary, { force: true }).catch(() => undefined);
  }
}

async function releaseLock(file: string, token: string): Promise<void> {
  const holder = await readOwner(file);
  if (typeof holder === 'object' && holder.token === token) await rm(file, { force: true });
}

async function readOwner(file: string): Promise<LockOwner | 'missing' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (Number.isSafeInteger(value.pid) && typeof value.hostname === 'string' && typeof value.token === 'string') {
      return value as LockOwner;
    }
  } catch {
    // Reported as unreadable below.
  }
  return 'unreadable';
}

/** The tokens of the locks this process holds. */
const heldTokens = new Set<string>();

// A process on another host cannot be checked from here: its lock counts as live.
function isAlive(owner: LockOwner): boolean {
  if (owner.hostname !== hostname()) return true;
  // Our own process id on a lock this process does not hold: an earlier process that had the same id (a container
  // restarted with the same host name runs its command as the same PID again) and died holding it.
  if (owner.pid === process.pid) return heldTokens.has(owner.token);
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Move the stale file aside first and check that it is the one judged stale: another run may have taken over in
// between, and its fresh lock must not be deleted.
async function removeStale(file: string, stale: LockOwner): Promise<void> {
  const aside = `${file}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readOwner(aside);
  if (typeof moved === 'object' && moved.token !== stale.token) {
    // Not the stale one: put it back (unless yet another lock appeared, which then wins).
    await link(aside, file).catch(() => undefined);
  }
  await rm(aside, { force: true });
}

function inUse(what: string, file: string, holder: LockOwner | 'missing' | 'unreadable'): ExitError {
  const who =
    typeof holder === 'object'
      ? `process ${holder.pid} on ${holder.hostname} since ${holder.startedAt}`
      : 'another run (its lock file is unreadable)';
  return new ExitError(`${what} is in use by ${who}; lock file ${file} (delete it only if no run is active)`, 1);
}
