import type { ArgumentsCamelCase, Argv } from 'yargs';
import { createContext, type Context, type GlobalArgs } from '../../context.js';
import { UsageError } from '../../failures.js';
import { choice } from '../../options/choices.js';
import { sessionIdArgument } from '../../options/session-id.js';
import { SESSION_STATES } from '../../options/filters.js';

/** The longest note, in Unicode code points. */
const MAX_NOTE = 2000;

/** Arguments of `incydr sessions update`. */
export type UpdateArgs = GlobalArgs & { sessionId: string; state?: string; note?: string };

export const command = 'update <session-id>';
export const describe = 'Change the state of a session and/or add a note';

export function builder(yargs: Argv): Argv<UpdateArgs> {
  return yargs
    .positional('session-id', { type: 'string', describe: 'The session id', demandOption: true })
    .option('state', { alias: 's', type: 'string', requiresArg: true, describe: `New state: ${SESSION_STATES.join(', ')}` })
    .option('note', { type: 'string', requiresArg: true, describe: `Note to add (at most ${MAX_NOTE} characters)` }) as unknown as Argv<UpdateArgs>;
}

export async function handler(args: ArgumentsCamelCase<UpdateArgs>): Promise<void> {
  await run(args, createContext(args));
}

/** Validate both changes first, so that nothing is half-applied, then apply the state and the note. */
export async function run(args: UpdateArgs, ctx: Context): Promise<void> {
  if (args.state === undefined && args.note === undefined) throw new UsageError('give --state, --note or both');
  const state = args.state === undefined ? undefined : choice('state', args.state, SESSION_STATES);
  if (args.note !== undefined) {
    const length = [...args.note].length;
    if (length === 0) throw new UsageError('--note is empty');
    if (length > MAX_NOTE) throw new UsageError(`--note is ${length} characters long; the limit is ${MAX_NOTE}`);
  }
  const id = sessionIdArgument(args.sessionId);
  const client = await ctx.client();
  try {
    if (state !== undefined) {
      await client.sessions.v1.updateStateById([id], state, { signal: ctx.signal });
      ctx.stdout.write(`Successfully updated session ${id} to ${state}!\n`);
    }
    if (args.note !== undefined) {
      await client.sessions.v1.addNote(id, args.note, { signal: ctx.signal });
      ctx.stdout.write(`Successfully added note to session ${id}!\n`);
    }
  } finally {
    await client.close();
  }
}
