import type { Argv } from 'yargs';
import { SIEM_RECORDS, type SiemRecordKind } from '@x/sessions-sdk/siem';
import { UsageError } from '../failures.js';
import { choice } from './choices.js';
import { completes } from './values.js';

/** `--record` and `--console-url`. */
export interface RecordArgs {
  record?: string;
  consoleUrl?: string;
}

/** The records that are a line of text (CEF); every other one but raw is a JSON object. */
const TEXT_RECORDS: readonly string[] = ['cef'];

/** What each record is, and which receivers take it, for `--help` and the reference. */
const RECORD_USES: Readonly<Record<SiemRecordKind, string>> = {
  raw: "default: the API's object as it is",
  enriched: 'plus derived fields: any JSON receiver',
  ocsf: 'Security Lake, Splunk',
  ecs: 'Elastic',
  cef: 'QRadar, ArcSight, Sentinel CEF, SC4S',
};

/** The setting `--console-url` overrides. */
const CONSOLE_URL_SETTING = 'INCYDR_CONSOLE_URL';

/** Add `--record` (the choices are the SDK's SIEM_RECORDS) and `--console-url`. */
export function withRecord<T>(yargs: Argv<T>): Argv<T & RecordArgs> {
  const group = 'SIEM records:';
  completes(yargs, 'record', { values: SIEM_RECORDS });
  return yargs
    .option('record', {
      type: 'string',
      requiresArg: true,
      group,
      describe:
        `What each session is written or sent as: ${SIEM_RECORDS.map((kind) => `${kind} (${RECORD_USES[kind]})`).join(', ')}; ` +
        'all but raw and cef are JSON Lines, cef one CEF line per session; see the README, "SIEM records"',
    })
    .option('console-url', {
      type: 'string',
      requiresArg: true,
      group,
      describe:
        `Console base URL for the session links of --record (or ${CONSOLE_URL_SETTING}), for an API host ` +
        "the vendor's regions do not list",
    }) as unknown as Argv<T & RecordArgs>;
}

/** The `--record` asked for (case-insensitive; default raw). */
export function recordKind(args: RecordArgs): SiemRecordKind {
  return args.record === undefined ? 'raw' : choice('record', args.record, SIEM_RECORDS);
}

/** Whether the record kind is a line of text rather than an object. */
function isTextRecord(kind: SiemRecordKind): boolean {
  return TEXT_RECORDS.includes(kind);
}

/**
 * The stdout format of a record other than raw, given the command's formats: JSON Lines unless `-f json-pretty` (an
 * object record), one line each for a text record; a format for people (table, csv, rich) is a usage error.
 */
export function recordFormat(
  kind: Exclude<SiemRecordKind, 'raw'>,
  format: string | undefined,
  formats: readonly string[],
): 'json-lines' | 'json-pretty' | 'lines' {
  const text = isTextRecord(kind);
  const asked = format === undefined ? undefined : choice('format', format, formats);
  if (asked === undefined || asked === 'json-lines') return text ? 'lines' : 'json-lines';
  if (asked === 'json-pretty' && !text) return asked;
  const what = text ? 'one CEF line per session (leave -f out)' : 'JSON (leave -f out, or -f json-pretty)';
  throw new UsageError(`-f ${asked} cannot be used with --record ${kind}: it writes ${what}`);
}

/**
 * The console base URL for the links of a record other than raw: `--console-url`, else the INCYDR_CONSOLE_URL
 * setting; an http(s) URL without query or fragment, else a usage error naming where it came from. With `--record
 * raw` (no links) `--console-url` is a usage error and the setting is not read.
 */
export function consoleUrlOf(
  args: RecordArgs,
  kind: SiemRecordKind,
  setting: (name: string) => string | undefined,
): string | undefined {
  if (kind === 'raw') {
    if (args.consoleUrl !== undefined) throw new UsageError('--console-url needs --record: raw records have no links');
    return undefined;
  }
  const [value, source] =
    args.consoleUrl === undefined
      ? [setting(CONSOLE_URL_SETTING), CONSOLE_URL_SETTING]
      : [args.consoleUrl, '--console-url'];
  if (value === undefined) return undefined;
  const text = value.trim();
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  // The session's path is appended: a query or fragment (even an empty one) would swallow it.
  if (
    url === undefined ||
    !/^https?:$/.test(url.protocol) ||
    /[?#]/.test(text) ||
    url.username !== '' ||
    url.password !== ''
  ) {
    throw new UsageError(
      `invalid ${source} ${JSON.stringify(value)}: use the console's http:// or https:// base URL, such as https://console.us.code42.com`,
    );
  }
  return text;
}
