import { hostname as osHostname } from 'node:os';
import { SyslogConfigError, SyslogMessageError } from './errors.js';
import { LINE_BREAK } from './hints.js';

/** How records are delimited on a stream: a trailing LF, or RFC 6587 octet counting (`<bytes> <record>`). */
export type Framing = 'lf' | 'octet-counting';
/** The syslog header in front of each record: none (bare message), RFC 3164 (BSD) or RFC 5424. */
export type HeaderStyle = 'none' | 'rfc3164' | 'rfc5424';

/** Facility names of RFC 5424 §6.2.1 and their codes. */
export const FACILITIES: Record<string, number> = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  ntp: 12,
  security: 13,
  console: 14,
  'solaris-cron': 15,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
};
/** Severity names of RFC 5424 and their codes. */
export const SEVERITIES: Record<string, number> = {
  emerg: 0,
  alert: 1,
  crit: 2,
  err: 3,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
};

/** Header options; names or codes for facility and severity. */
export interface HeaderOptions {
  /** @default 'none' */
  header?: HeaderStyle;
  /** @default 'user' */
  facility?: string | number;
  /** Default severity of each record. @default 'info' */
  severity?: string | number;
  /** RFC 5424 APP-NAME / RFC 3164 TAG. @default 'incydr' */
  appName?: string;
  /** @default os.hostname() */
  hostname?: string;
  /** @default process.pid */
  procId?: string | number;
  /** RFC 5424 MSGID. @default '-' (none) */
  msgId?: string;
}

/** Turns a message into one record: header and message, and frames it for a stream. Pure: no I/O. */
export interface Formatter {
  readonly framing: Framing;
  /**
   * Header and message, unframed (what a UDP datagram carries). `lineBreakFree` skips the line-break check for
   * messages known to have none (compact JSON).
   */
  text(message: string, severity?: number, at?: Date, lineBreakFree?: boolean): string;
  /** The record framed for a stream, as bytes. */
  frame(text: string): Buffer;
}

/** Bytes the framing adds around a record of `bytes` bytes. */
export function framingOverhead(framing: Framing, bytes: number): number {
  return framing === 'lf' ? 1 : String(bytes).length + 1;
}

/**
 * Write `text` framed into `buffer` at `offset` and return the bytes written. The caller makes room for the framed
 * record; `bytes`, the text's UTF-8 length, is measured here when octet counting needs it (LF framing never does).
 */
export function frameInto(buffer: Buffer, offset: number, text: string, framing: Framing, bytes?: number): number {
  let at = offset;
  if (framing === 'octet-counting') at += buffer.write(`${bytes ?? Buffer.byteLength(text, 'utf8')} `, at, 'latin1');
  at += buffer.write(text, at, 'utf8');
  if (framing === 'lf') buffer[at++] = 0x0a;
  return at - offset;
}

/** Resolve a facility or severity given by name or code; throws SyslogConfigError naming the option. */
export function code(value: string | number, table: Record<string, number>, what: string, max: number): number {
  if (typeof value === 'number' || /^\d+$/.test(value)) {
    const n = Number(value);
    if (Number.isInteger(n) && n >= 0 && n <= max) return n;
  } else {
    const name = value.toLowerCase();
    if (Object.hasOwn(table, name)) return table[name] as number;
  }
  throw new SyslogConfigError(
    `invalid ${what} ${JSON.stringify(value)}: use 0–${max} or one of ${Object.keys(table).join(', ')}`,
    { option: what },
  );
}

/** Printable US-ASCII only (RFC 5424 PRINTUSASCII), at most `max` characters; empty becomes the NILVALUE `-`. */
function headerField(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return clean === '' ? '-' : clean;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Build the formatter for a header style and framing. */
export function createFormatter(options: HeaderOptions & { framing?: Framing }): Formatter {
  const style = options.header ?? 'none';
  if (!['none', 'rfc3164', 'rfc5424'].includes(style)) {
    throw new SyslogConfigError(`invalid header ${JSON.stringify(style)}: use none, rfc3164 or rfc5424`, {
      option: 'header',
    });
  }
  const framing = options.framing ?? 'lf';
  if (framing !== 'lf' && framing !== 'octet-counting') {
    throw new SyslogConfigError(`invalid framing ${JSON.stringify(framing)}: use lf or octet-counting`, {
      option: 'framing',
    });
  }
  const facility = code(options.facility ?? 'user', FACILITIES, 'facility', 23);
  const defaultSeverity = code(options.severity ?? 'info', SEVERITIES, 'severity', 7);
  const host = options.hostname ?? osHostname();
  const procId = String(options.procId ?? process.pid);
  // Header fields are sanitised once: RFC 5424 limits (HOSTNAME 255, APP-NAME 48, PROCID 128, MSGID 32);
  // RFC 3164 TAG is at most 32 alphanumerics.
  const h5424 = `${headerField(host, 255)} ${headerField(options.appName ?? 'incydr', 48)} ${headerField(procId, 128)} ${headerField(options.msgId ?? '', 32)} -`;
  const tag = (options.appName ?? 'incydr').replace(/[^A-Za-z0-9_-]/g, '').slice(0, 32) || 'incydr';
  const h3164 = `${headerField(host, 255)} ${tag}[${headerField(procId, 128)}]:`;

  const header = (severity: number, at: Date): string => {
    const pri = `<${facility * 8 + severity}>`;
    if (style === 'rfc5424') return `${pri}1 ${at.toISOString()} ${h5424} `;
    // RFC 3164 timestamps are local time without a year or zone, day padded with a space.
    const day = String(at.getDate()).padStart(2, ' ');
    const time = [at.getHours(), at.getMinutes(), at.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
    return `${pri}${MONTHS[at.getMonth()]} ${day} ${time} ${h3164} `;
  };

  return {
    framing,
    text(message, severity = defaultSeverity, at, lineBreakFree = false) {
      if (framing === 'lf' && !lineBreakFree && message.includes('\n')) {
        throw new SyslogMessageError('the record contains a line break, which LF framing would split', LINE_BREAK);
      }
      if (severity !== defaultSeverity) code(severity, SEVERITIES, 'severity', 7);
      // The clock is read only for a header: bare records are the hot path of a forwarder.
      return style === 'none' ? message : header(severity, at ?? new Date()) + message;
    },
    frame(text) {
      const bytes = Buffer.byteLength(text, 'utf8');
      const buffer = Buffer.allocUnsafe(bytes + framingOverhead(framing, bytes));
      frameInto(buffer, 0, text, framing, bytes);
      return buffer;
    },
  };
}
