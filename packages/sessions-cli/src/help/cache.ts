import { readFileSync } from 'node:fs';

/**
 * The stored `--help` text for a command line such as `sessions search --help` (and the version for `--version`),
 * or undefined when the line is anything else (options before `--help`, an unknown command, a width not stored, no stored texts): then yargs
 * answers.
 */
export function cachedHelp(args: readonly string[], width: number): string | undefined {
  if (args.length === 1 && args[0] === '--version') {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    return version;
  }
  const last = args.at(-1);
  if (last !== '--help' && last !== '-h') return undefined;
  const words = args.slice(0, -1);
  if (words.some((word) => !/^[a-z][a-z-]*$/.test(word))) return undefined;
  let texts: Record<string, Record<string, string> | undefined>;
  try {
    texts = JSON.parse(readFileSync(new URL('../help.json', import.meta.url), 'utf8')) as typeof texts;
  } catch {
    return undefined;
  }
  return texts[String(width)]?.[words.join(' ')];
}
