#!/usr/bin/env node
// The `incydr-emulator` command is the built dist/cli.js. This committed file is what package.json's `bin` names, so
// that pnpm can link the command in a fresh clone before anything is built.
// It repeats sessions-cli's shim on purpose: each package ships alone and a shim runs before any build, so
// it can import nothing but Node.
import { existsSync } from 'node:fs';

const target = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(target)) {
  process.stderr.write(
    'incydr-emulator: not built yet (no dist/cli.js): run `npx --yes pnpm@10.34.9 build` in the repository first\n',
  );
  process.exit(1);
}
await import(target.href);
