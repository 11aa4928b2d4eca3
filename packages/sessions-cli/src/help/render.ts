import { buildCli } from '../cli.js';
import { commands } from '../commands/index.js';

/** A command module as the help walker sees it: its name and, for a group, its subcommands. */
interface CommandNode {
  command: string;
  subcommands?: readonly CommandNode[];
}

/** Every command path of `incydr`, groups included: `''` (the root), `'sessions'`, `'sessions search'`, … */
export function commandPaths(
  nodes: readonly CommandNode[] = commands as readonly CommandNode[],
  prefix: string[] = [],
): string[] {
  const paths = prefix.length === 0 ? [''] : [];
  for (const node of nodes) {
    const path = [...prefix, node.command.split(' ')[0] as string];
    paths.push(path.join(' '));
    if (node.subcommands !== undefined) paths.push(...commandPaths(node.subcommands, path));
  }
  return paths;
}

/** What `incydr <path> --help` prints at a given wrap width, straight from the yargs definitions. */
export function renderHelp(path: string, width: number): Promise<string> {
  const argv = [...(path === '' ? [] : path.split(' ')), '--help'];
  return new Promise((resolve, reject) => {
    void buildCli(argv, { width }).parse(argv, {}, (error: Error | undefined, _argv: unknown, output: string) => {
      if (error) reject(error);
      else resolve(output);
    });
  });
}
