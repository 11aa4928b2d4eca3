import type { ArgumentsCamelCase, Argv } from 'yargs';
import { sessionIdArgument } from '../../options/session-id.js';
import { createContext, type Context, type GlobalArgs } from '../../context.js';
import { columnsFor, escapeFormulasFor, resolveFormat, withFormat, type FormatArgs } from '../../options/format.js';
import { toSenderOptions, withSyslog, type SyslogArgs } from '../../options/syslog.js';

const FORMATS = ['table', 'json-pretty', 'json-lines', 'csv'] as const;

/** Arguments of `incydr sessions show-events`. */
export type ShowEventsArgs = GlobalArgs & FormatArgs & SyslogArgs & { sessionId: string };

export const command = 'show-events <session-id>';
export const describe = "Show the file events behind a session's alerts";

export function builder(yargs: Argv): Argv<ShowEventsArgs> {
  return withSyslog(withFormat(yargs, FORMATS, true)).positional('session-id', {
    type: 'string',
    describe: 'The session id',
    demandOption: true,
  }) as unknown as Argv<ShowEventsArgs>;
}

export async function handler(args: ArgumentsCamelCase<ShowEventsArgs>): Promise<void> {
  await run(args, createContext(args));
}

/** Fetch the session's file events and write them to stdout or to syslog. */
export async function run(args: ShowEventsArgs, ctx: Context): Promise<void> {
  const syslog = toSenderOptions(args);
  const format = resolveFormat(args, FORMATS, ctx.useRich);
  const escapeFormulas = escapeFormulasFor(args, syslog === undefined ? format : '--output');
  const id = sessionIdArgument(args.sessionId);
  // Said once everything is checked, so that a usage error comes alone.
  const columns = columnsFor(args, syslog === undefined ? format : '--output', ctx.note);
  if (columns !== undefined) (await import('../../output/columns.js')).checkColumnsEarly(columns, 'file-event');
  const client = await ctx.client();
  try {
    const page = await client.sessions.v1.getSessionEvents(id, { signal: ctx.signal });
    const fileEvents = page.fileEvents as Array<Record<string, unknown>>;
    if (syslog !== undefined) {
      const events = (async function* () {
        yield* fileEvents;
      })();
      const { forwardRecords, forwardedLine } = await import('../../delivery/syslog.js');
      const result = await forwardRecords(events, syslog, ctx);
      ctx.note(forwardedLine(result, 'file event', syslog.target as string));
    } else {
      const { emitRecords } = await import('../../delivery/stdout.js');
      const pages = (async function* () {
        yield fileEvents;
      })();
      await emitRecords(pages, { format, kind: 'file-event', columns, escapeFormulas }, ctx);
    }
  } finally {
    await client.close();
  }
}
