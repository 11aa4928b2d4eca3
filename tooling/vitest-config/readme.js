// Helpers for the packages' README tests: take the code blocks out of a README, give them a folder where the
// package names resolve, run them with Node, and pair each block with the expectation that checks it.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { patient } from './patience.js';

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

/** The items of the first `- ` list after the first line of a markdown file that contains `marker`. */
export function listAfter(file, marker) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const from = lines.findIndex((line) => line.includes(marker));
  if (from === -1) throw new Error(`${file} has no line with ${JSON.stringify(marker)}`);
  const rest = lines.slice(from + 1);
  const first = rest.findIndex((line) => line.startsWith('- '));
  const items = [];
  for (const line of first === -1 ? [] : rest.slice(first)) {
    if (!line.startsWith('- ')) break;
    items.push(line.slice(2));
  }
  return items;
}

/**
 * A temporary folder whose node_modules links each package name to its folder. `run(n, code, env)` writes
 * `example-N.mjs` there and runs it with Node (PATH, HOME = the folder, and `env`); `remove()` deletes the folder.
 */
export function exampleFolder(prefix, packages) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [name, target] of Object.entries(packages)) {
    const link = join(dir, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(target, link, 'dir');
  }
  const run = (n, code, env = {}) => {
    const file = `example-${n}.mjs`;
    writeFileSync(join(dir, file), code);
    return runIn(dir, process.execPath, [file], { PATH: process.env.PATH ?? '', HOME: dir, ...env });
  };
  return { dir, run, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Run `command args…` in `dir` with exactly `env`, bounded in time; never rejects for a non-zero exit. */
export function runIn(dir, command, args, env, timeoutMs = 30_000) {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: dir, env, timeout: patient(timeoutMs) }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

/** Every block matches exactly one expectation and every expectation exactly one block (no block goes unchecked). */
export function expectPaired(blocks, expectations) {
  expect(blocks.length).toBeGreaterThan(0);
  for (const block of blocks) {
    expect(
      expectations.filter((e) => e.match.test(block.code)),
      block.code,
    ).toHaveLength(1);
  }
  for (const expectation of expectations) {
    expect(
      blocks.filter((b) => expectation.match.test(b.code)),
      String(expectation.match),
    ).toHaveLength(1);
  }
}

/** A TCP receiver on 127.0.0.1 for examples that send syslog: the bytes of each connection, once it ended. */
export async function startByteReceiver() {
  const { createServer } = await import('node:net');
  const streams = [];
  const sockets = new Set();
  // Without allowHalfOpen the server ends its side after the sender's end of stream: what a confirm waits for.
  const server = createServer((socket) => {
    sockets.add(socket);
    const chunks = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => streams.push(Buffer.concat(chunks)));
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    streams,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Split RFC 6587 octet-counted frames (`LEN SP MSG`). */
export function octetFrames(bytes) {
  const frames = [];
  let offset = 0;
  while (offset < bytes.length) {
    const space = bytes.indexOf(0x20, offset);
    const length = Number(bytes.subarray(offset, space).toString('ascii'));
    if (space < 0 || !Number.isInteger(length)) throw new Error(`not an octet-counted frame at byte ${offset}`);
    frames.push(bytes.subarray(space + 1, space + 1 + length).toString('utf8'));
    offset = space + 1 + length;
  }
  return frames;
}
