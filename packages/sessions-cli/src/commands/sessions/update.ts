import type { Client, Session } from '@x/sessions-sdk';
import { MAX_NOTE_LENGTH, SESSION_STATES, currentState } from '@x/sessions-sdk/model';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { createContext, type Context, type GlobalArgs } from '../../context.js';
import { ExitError, UsageError } from '../../failures.js';
import { choice } from '../../options/choices.js';
import { sessionIdArgument } from '../../options/session-id.js';
import { completes } from '../../options/values.js';

/** Arguments of `incydr sessions update`. */
export type UpdateArgs = GlobalArgs & { sessionId: string; state?: string; note?: string };

export const command = 'update <session-id>';
export const describe = 'Change the state of a session and/or add a note';

/** What follows `incydr sessions update` in its usage line. */
export const synopsis = 'SESSION_ID [--state STATE] [--note TEXT]';

export function builder(yargs: Argv): Argv<UpdateArgs> {
  return completes(yargs, 'state', { values: SESSION_STATES })
    .positional('session-id', { type: 'string', describe: 'The session id', demandOption: true })
    .option('state', {
      alias: 's',
      type: 'string',
      requiresArg: true,
      describe: `New state: ${SESSION_STATES.join(', ')}`,
    })
    .option('note', {
      type: 'string',
      requiresArg: true,
      describe: `Note to add (at most ${MAX_NOTE_LENGTH} characters)`,
    }) as unknown as Argv<UpdateArgs>;
}

export async function handler(args: ArgumentsCamelCase<UpdateArgs>): Promise<void> {
  await run(args, createContext(args));
}

/**
 * Validate both changes first, so that nothing is half-applied, then apply the state and the note. A change whose
 * answer was lost is read back from the session: found applied, it counts as done; otherwise the error says whether
 * it was not applied or its outcome is unknown.
 */
export async function run(args: UpdateArgs, ctx: Context): Promise<void> {
  if (args.state === undefined && args.note === undefined) throw new UsageError('give --state, --note or both');
  const state = args.state === undefined ? undefined : choice('state', args.state, SESSION_STATES);
  if (args.note !== undefined) {
    const length = [...args.note].length;
    if (length === 0) throw new UsageError('--note is empty');
    if (length > MAX_NOTE_LENGTH) {
      throw new UsageError(`--note is ${length} characters long; the limit is ${MAX_NOTE_LENGTH}`);
    }
  }
  const id = sessionIdArgument(args.sessionId);
  const client = await ctx.client();
  const note = args.note;
  try {
    if (state !== undefined) {
      await change(ctx, client, id, () => client.sessions.v1.updateStateById([id], state, { signal: ctx.signal }), {
        applied: (session) => currentState(session) === state,
        found: `session ${id} read back is ${state}`,
        absent: (session) => `session ${id} read back is ${currentState(session) ?? 'without a state'}`,
        notApplied: 'state not changed',
        unknown: 'outcome of the state change unknown',
        after: note === undefined ? '' : '; the note was not sent',
      });
      ctx.stdout.write(`Successfully updated session ${id} to ${state}!\n`);
    }
    if (note !== undefined) {
      await change(ctx, client, id, () => client.sessions.v1.addNote(id, note, { signal: ctx.signal }), {
        applied: (session) => (session.notes ?? []).some((item) => item.content === note),
        found: `session ${id} read back has the note`,
        absent: () => `session ${id} read back has no such note`,
        notApplied: 'note not added',
        unknown: 'outcome of the note unknown',
        after: '',
      });
      ctx.stdout.write(`Successfully added note to session ${id}!\n`);
    }
  } finally {
    await client.close();
  }
}

/** How {@link change} words what it learns by reading the session back. */
interface ReadBackWords {
  applied: (session: Session) => boolean;
  found: string;
  absent: (session: Session) => string;
  notApplied: string;
  unknown: string;
  /** Added to a failure's message: what was not attempted because of it. */
  after: string;
}

/** Send a change; when its answer was lost, read the session back and return only if that shows it applied. */
async function change(
  ctx: Context,
  client: Client,
  id: string,
  send: () => Promise<unknown>,
  words: ReadBackWords,
): Promise<void> {
  try {
    await send();
    return;
  } catch (error) {
    const { failureKind } = await import('../../outcome.js');
    const kind = failureKind(error);
    if (ctx.signal.aborted || kind === 'row' || kind === 'api') throw error;
    const { describeError } = await import('../../errors.js');
    const reason = describeError(error).message;
    let session: Session;
    try {
      session = await client.sessions.v1.getSessionDetails(id, { signal: ctx.signal });
    } catch (readError) {
      if (ctx.signal.aborted) throw readError;
      throw new ExitError(
        `${words.unknown}: ${reason}; reading session ${id} back failed: ${describeError(readError).message}${words.after}`,
        1,
      );
    }
    if (words.applied(session)) {
      ctx.note(`incydr: the answer was lost (${reason}); ${words.found}`);
      return;
    }
    if (kind === 'lost')
      throw new ExitError(`${words.notApplied}: ${reason}; ${words.absent(session)}${words.after}`, 1);
    throw new ExitError(
      `${words.unknown}: ${reason}; ${words.absent(session)} yet, but the server may still apply it: look at the session before running this again${words.after}`,
      1,
    );
  }
}
