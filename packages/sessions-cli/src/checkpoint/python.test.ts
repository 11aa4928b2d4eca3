import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointFiles } from './paths.js';
import { importPythonCheckpoint } from './python.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'incydr-python-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function imported(name: string, cursor: string | undefined, ids = '[]') {
  const files = checkpointFiles(root, 'key-1', name);
  await mkdir(join(root, 'key-1', 'session_checkpoints'), { recursive: true });
  if (cursor !== undefined) await writeFile(files.python.cursor, cursor);
  await writeFile(files.python.sessions, ids);
  return importPythonCheckpoint(files, name, 0);
}

describe('Python checkpoint import', () => {
  it('owes the window from the cursor, read as the epoch milliseconds the Python CLI writes', async () => {
    const store = await imported('ms', '1714000000123\n', '["a","b"]');
    expect(store?.backfill).toEqual({ onOrAfter: 1_714_000_000_123, reason: "the Python checkpoint's cursor" });
    expect([...(store?.sessions.keys() ?? [])]).toEqual(['a', 'b']);
  });

  it('reads a cursor too small to be milliseconds as epoch seconds', async () => {
    expect((await imported('seconds', '1714000000.5'))?.backfill?.onOrAfter).toBe(1_714_000_000_500);
  });

  it('owes nothing for an empty or missing cursor', async () => {
    expect((await imported('empty', ''))?.backfill).toBeNull();
    expect((await imported('missing', undefined, '["a"]'))?.backfill).toBeNull();
  });

  it('refuses a cursor that is not a number, naming the file', async () => {
    await expect(imported('text', 'yesterday')).rejects.toThrow(
      /session_checkpoints\/text: expected epoch milliseconds, found "yesterday"/,
    );
  });
});
