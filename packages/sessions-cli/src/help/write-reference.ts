// `pnpm --filter @x/sessions-cli run reference`: writes docs/reference.md from the yargs definitions.
import { mkdirSync, writeFileSync } from 'node:fs';
import { renderReference } from './reference.js';

const file = new URL('../../docs/reference.md', import.meta.url);
mkdirSync(new URL('.', file), { recursive: true });
writeFileSync(file, await renderReference());
console.log(`wrote ${file.pathname}`);
