// Run by the build: stores every command's --help text in dist/help.json, so `incydr … --help` can print it
// without loading yargs (the start-up of every scripted call counts). The test suite checks it against yargs.
import { writeFileSync } from 'node:fs';
import { CACHED_WIDTHS } from './width.js';
import { commandPaths, renderHelp } from './render.js';

const texts: Record<string, Record<string, string>> = {};
for (const width of CACHED_WIDTHS) {
  texts[width] = {};
  for (const path of commandPaths()) texts[width][path] = await renderHelp(path, width);
}
writeFileSync(new URL('../help.json', import.meta.url), `${JSON.stringify(texts)}\n`);
