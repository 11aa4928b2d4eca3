#!/usr/bin/env node
// The `incydr` command is the built dist/bin.js. This committed file is what package.json's `bin` names, so that
// pnpm can link the command in a fresh clone before anything is built.
// It repeats sessions-emulator's shim on purpose: each package ships alone and a shim runs before any build, so
// it can import nothing but Node.
import { existsSync } from 'node:fs';

const target = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(target)) {
  process.stderr.write(
    'incydr: not built yet (no dist/bin.js): run `npx --yes pnpm@10.34.9 build` in the repository first\n',
  );
  process.exit(1);
}
await import(target.href);
