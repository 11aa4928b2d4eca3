import type { ArgumentsCamelCase, Argv } from 'yargs';
import { sessionIdArgument } from '../../options/session-id.js';
import { createContext, type Context, type GlobalArgs } from '../../context.js';
import { resolveFormat, withFormat, type FormatArgs } from '../../options/format.js';

const FORMATS = ['rich', 'json-pretty', 'json-lines'] as const;

/** Arguments of `incydr sessions show`. */
export type ShowArgs = GlobalArgs & FormatArgs & { sessionId: string };

export const command = 'show <session-id>';
export const describe = 'Show one session with all its details';

export function builder(yargs: Argv): Argv<ShowArgs> {
  return withFormat(yargs, FORMATS, false).positional('session-id', {
    type: 'string',
    describe: 'The session id',
    demandOption: true,
  }) as unknown as Argv<ShowArgs>;
}

export async function handler(args: ArgumentsCamelCase<ShowArgs>): Promise<void> {
  await run(args, createContext(args));
}

/** Fetch the session and print it as a card or as the API's JSON. */
export async function run(args: ShowArgs, ctx: Context): Promise<void> {
  const format = resolveFormat(args, FORMATS, ctx.useRich);
  const id = sessionIdArgument(args.sessionId);
  const client = await ctx.client();
  try {
    const session = await client.sessions.v1.getSessionDetails(id, { signal: ctx.signal });
    if (format === 'rich') {
      const { renderSessionCard } = await import('../../output/rich.js');
      ctx.stdout.write(renderSessionCard(session, { width: ctx.width, color: ctx.color }));
    } else {
      ctx.stdout.write(`${format === 'json-pretty' ? JSON.stringify(session, null, 2) : JSON.stringify(session)}\n`);
    }
  } finally {
    await client.close();
  }
}
