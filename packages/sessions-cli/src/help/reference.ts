import { commandPaths, renderHelp } from './render.js';

/** The width of the reference's help texts (what a pipe gets). */
const REFERENCE_WIDTH = 100;

/** The CLI reference in Markdown: every command's `--help`, generated from the yargs definitions. */
export async function renderReference(): Promise<string> {
  const sections = [
    '# `incydr` command reference',
    '',
    'Generated from the command definitions by `pnpm --filter @x/sessions-cli run reference`; the tests fail when it is stale.',
    '',
  ];
  const paths = commandPaths();
  sections.push(...paths.map((path) => `- [\`incydr${path === '' ? '' : ` ${path}`}\`](#${anchor(path)})`), '');
  for (const path of paths) {
    sections.push(`## ${title(path)}`, '', '```text', (await renderHelp(path, REFERENCE_WIDTH)).trimEnd(), '```', '');
  }
  return sections.join('\n');
}

function title(path: string): string {
  return `incydr${path === '' ? '' : ` ${path}`}`;
}

// GitHub's heading anchors: lower case, spaces to dashes, other punctuation dropped.
function anchor(path: string): string {
  return title(path)
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replaceAll(' ', '-');
}
