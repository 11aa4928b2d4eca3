import type { ArgumentsCamelCase, Argv } from 'yargs';
import { sessionIdArgument } from '../../options/session-id.js';
import { createContext, type Context, type GlobalArgs } from '../../context.js';
import { resolveFormat, withFormat, type FormatArgs } from '../../options/format.js';
import { consoleUrlOf, recordFormat, recordKind, withRecord, type RecordArgs } from '../../options/record.js';

const FORMATS = ['rich', 'json-pretty', 'json-lines'] as const;

/** Arguments of `incydr sessions show`. */
export type ShowArgs = GlobalArgs & FormatArgs & RecordArgs & { sessionId: string };

export const command = 'show <session-id>';
export const describe = 'Show one session with all its details';

export function builder(yargs: Argv): Argv<ShowArgs> {
  return withRecord(withFormat(yargs, FORMATS, false))
    .positional('session-id', {
      type: 'string',
      describe: 'The session id',
      demandOption: true,
    })
    .example(
      '$0 sessions show SESSION_ID --record ocsf -f json-pretty',
      'the session as an OCSF Detection Finding',
    ) as unknown as Argv<ShowArgs>;
}

export async function handler(args: ArgumentsCamelCase<ShowArgs>): Promise<void> {
  await run(args, createContext(args));
}

/** Fetch the session and print it as a card, as the API's JSON, or as a SIEM record (`--record`). */
export async function run(args: ShowArgs, ctx: Context): Promise<void> {
  const record = recordKind(args);
  const format =
    record === 'raw' ? resolveFormat(args, FORMATS, ctx.useRich) : recordFormat(record, args.format, FORMATS);
  const consoleUrl = consoleUrlOf(args, record, (name) => ctx.setting(name));
  const id = sessionIdArgument(args.sessionId);
  const client = await ctx.client();
  try {
    const session = await client.sessions.v1.getSessionDetails(id, { signal: ctx.signal });
    if (format === 'rich') {
      const { renderSessionCard } = await import('../../output/rich.js');
      ctx.stdout.write(renderSessionCard(session, { width: ctx.width, color: ctx.color }));
      return;
    }
    let written: unknown = session;
    if (record !== 'raw') {
      const { toSiemRecord } = await import('@x/sessions-sdk/siem');
      written = toSiemRecord(record, session, { consoleUrl, apiUrl: client.url });
    }
    const text =
      typeof written === 'string'
        ? written
        : format === 'json-pretty'
          ? JSON.stringify(written, null, 2)
          : JSON.stringify(written);
    ctx.stdout.write(`${text}\n`);
  } finally {
    await client.close();
  }
}
