import { basename } from 'node:path';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import type { Context } from '../context.js';
import { UsageError } from '../failures.js';
import { completes } from '../options/values.js';

/** The shells `incydr completion` writes scripts for. */
const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** Arguments of `incydr completion`. */
export interface CompletionArgs {
  shell?: string;
}

export const command = 'completion [shell]';
export const describe = 'Print a shell completion script for bash, zsh or fish (see the README to install it)';

/** What follows `incydr completion` in its usage line. */
export const synopsis = '[bash|zsh|fish]';

export function builder(yargs: Argv): Argv<CompletionArgs> {
  return completes(yargs, 'shell', { values: SHELLS }).positional('shell', {
    type: 'string',
    describe: 'bash, zsh or fish (default: the shell $SHELL names, else bash)',
  }) as unknown as Argv<CompletionArgs>;
}

export async function handler(args: ArgumentsCamelCase<CompletionArgs>): Promise<void> {
  await run(args, { stdout: process.stdout, env: process.env });
}

/**
 * Write the completion script for the shell asked for (or the one $SHELL names, else bash). The script is static:
 * completing a word runs no program.
 */
export async function run(args: CompletionArgs, ctx: Pick<Context, 'stdout' | 'env'>): Promise<void> {
  const shell =
    args.shell === undefined
      ? shellOf(ctx.env['SHELL'])
      : SHELLS.find((name) => name === args.shell?.trim().toLowerCase());
  if (shell === undefined)
    throw new UsageError(`unknown shell ${JSON.stringify(args.shell)}: choose from ${SHELLS.join(', ')}`);
  const { completionScript } = await import('../completion/script.js');
  ctx.stdout.write(completionScript(shell));
}

/** The shell a `$SHELL` path names, when it is one of {@link SHELLS}; bash otherwise. */
function shellOf(path: string | undefined): (typeof SHELLS)[number] {
  const name = basename(path ?? '');
  return SHELLS.find((shell) => shell === name) ?? 'bash';
}
