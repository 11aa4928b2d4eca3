import { InvalidArgumentError } from './errors.js';

/** A point in time: a `Date`, a number of epoch milliseconds, or one of the strings of {@link TIME_FORMS}. */
export type TimeInput = Date | number | string;

/** The durations {@link toDurationMs} accepts, as examples for messages and help texts. */
export const DURATION_FORMS = '30d, 24h, 15m, 45s, 2w, 1d12h, P3D, PT12H or P1DT2H30M (no years or months)';

/**
 * The strings {@link toEpochMs} accepts, one form per entry: the one list that error messages, the CLI's `--help`
 * and the READMEs show (joined with `; ` on one line).
 */
export const TIME_FORMS: readonly string[] = [
  'yyyy-MM-dd or yyyy/MM/dd, month and day of one or two digits (2024-1-5): midnight UTC',
  'the date, a space or T, then H:MM, H:MM:SS or H:MM:SS.fff, hour of one or two digits ("2024-01-05 9:30"): UTC',
  'that date and time ending in Z or an offset such as +02:00 or -0530 (ISO-8601): converted to UTC',
  'yyyyMMdd, yyyyMMddHHmm or yyyyMMddHHmmss (20240105): UTC',
  'epoch milliseconds: 13 digits (1704067200000)',
  `a duration before now: ${DURATION_FORMS}`,
];

const FORMS_TEXT = `use one of: ${TIME_FORMS.join('; ')}`;

// ECMA-262 TimeClip: no Date exists further than this from the epoch.
const MAX_EPOCH_MS = 8.64e15;

const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;

// The separator must be the same twice (no 2024-01/05). Offsets belong to a time, as in ISO-8601.
const DATE_TIME =
  /^(?<year>\d{4})([-/])(?<month>\d{1,2})\2(?<day>\d{1,2})(?:[T ](?<hour>\d{1,2}):(?<minute>\d{2})(?::(?<second>\d{2})(?:\.(?<fraction>\d+))?)?(?:Z|(?<sign>[+-])(?<offsetHours>\d{2}):?(?<offsetMinutes>\d{2}))?)?$/i;

// The digit strings python-dateutil reads as dates (8, 12 and 14 digits); 13 digits are epoch milliseconds.
const COMPACT_DATE = /^(?<year>\d{4})(?<month>\d{2})(?<day>\d{2})(?:(?<hour>\d{2})(?<minute>\d{2})(?<second>\d{2})?)?$/;

// The lookahead demands at least one component, so `P`, `PT` and `P1DT` fail. Group names match UNIT_MS keys.
const ISO_DURATION =
  /^P(?=\d|T\d)(?:(?<years>\d+)Y)?(?:(?<months>\d+)M)?(?:(?<w>\d+)W)?(?:(?<d>\d+)D)?(?:T(?=\d)(?:(?<h>\d+)H)?(?:(?<m>\d+)M)?(?:(?<s>\d+)(?:\.(?<fraction>\d+))?S)?)?$/i;
const SHORT_DURATION = /^(?=\d)(?:(?<w>\d+)w)?(?:(?<d>\d+)d)?(?:(?<h>\d+)h)?(?:(?<m>\d+)m)?(?:(?<s>\d+)s)?$/i;

/**
 * Converts a timestamp, or a duration meaning "that long before `now`", to integer epoch milliseconds (UTC).
 * A number is epoch milliseconds; a string must be one of {@link TIME_FORMS}; anything else throws
 * `InvalidArgumentError`.
 */
export function toEpochMs(input: TimeInput, now: number = Date.now()): number {
  const ms = parse(input, now);
  if (ms === undefined || !Number.isSafeInteger(ms) || ms < 0 || ms > MAX_EPOCH_MS) {
    throw new InvalidArgumentError(`invalid time ${quote(input)}: ${FORMS_TEXT}`);
  }
  return ms;
}

/**
 * Converts a duration such as `30d` or `PT12H` ({@link DURATION_FORMS}) to integer milliseconds, rounding
 * sub-millisecond fractions up; anything else, years and months included, throws `InvalidArgumentError`.
 */
export function toDurationMs(input: string): number {
  const ms = typeof input === 'string' ? durationMs(input.trim(), `duration ${quote(input)}`) : undefined;
  if (ms === undefined || !Number.isSafeInteger(ms) || ms > MAX_EPOCH_MS) {
    throw new InvalidArgumentError(`invalid duration ${quote(input)}: use ${DURATION_FORMS}`);
  }
  return ms;
}

/** Formats epoch milliseconds as an ISO-8601 UTC string such as `2024-05-01T10:00:00.000Z`. */
export function formatIso(ms: number): string {
  const date = new Date(ms);
  if (!Number.isFinite(ms) || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError(
      `invalid epoch milliseconds ${String(ms)}: expected a finite number within the Date range`,
    );
  }
  return date.toISOString();
}

function parse(input: TimeInput, now: number): number | undefined {
  if (input instanceof Date) return input.getTime();
  if (typeof input === 'number') return Math.floor(input);
  // Guards JavaScript callers that bypass the type.
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  if (/^\d+$/.test(text)) return digitsMs(text, input);

  const dateTime = DATE_TIME.exec(text)?.groups;
  if (dateTime) return utcMs(dateTime);

  const duration = durationMs(text, `time ${quote(input)}`);
  if (duration === undefined) return undefined;
  if (!Number.isFinite(now)) {
    throw new InvalidArgumentError(`invalid now ${String(now)}: expected finite epoch milliseconds`);
  }
  return Math.floor(now) - duration;
}

/**
 * A bare number is read as a date where python-dateutil reads one, as epoch milliseconds only at 13 digits (2001 to
 * 2286), and refused otherwise: 20240101 must never become 1970-01-01T05:37Z.
 */
function digitsMs(text: string, input: string): number | undefined {
  if (text.length === 13) return Number(text);
  if (text.length === 10) {
    const iso = formatIso(Number(text) * 1000);
    throw new InvalidArgumentError(
      `invalid time ${quote(input)}: 10 digits look like epoch seconds (${iso}); ` +
        `append 000 for epoch milliseconds (${text}000) or write a date such as ${iso.slice(0, 10)}`,
    );
  }
  const compact = COMPACT_DATE.exec(text)?.groups;
  return compact ? utcMs(compact) : undefined;
}

/** The UTC instant of matched date and time fields, or undefined when a field is out of range (2024-02-30, 24:00). */
function utcMs(fields: Record<string, string | undefined>): number | undefined {
  const field = (name: string): number => Number(fields[name] ?? 0);
  const year = field('year');
  const month = field('month');
  const day = field('day');
  const hour = field('hour');
  const minute = field('minute');
  const second = field('second');
  const offsetHours = field('offsetHours');
  const offsetMinutes = field('offsetMinutes');
  const valid =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHours <= 23 &&
    offsetMinutes <= 59;
  if (!valid) return undefined;

  // Not Date.UTC: it maps years 0-99 to 1900-1999. Epoch 0 is midnight, so this is the day's start.
  const midnight = new Date(0).setUTCFullYear(year, month - 1, day);
  // Only the first three digits count, which floors sub-millisecond fractions.
  const fraction = Number((fields['fraction'] ?? '').padEnd(3, '0').slice(0, 3));
  const offset = (fields['sign'] === '-' ? -1 : 1) * (offsetHours * UNIT_MS.h + offsetMinutes * UNIT_MS.m);
  return midnight + hour * UNIT_MS.h + minute * UNIT_MS.m + second * UNIT_MS.s + fraction - offset;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * A duration's weeks, days, hours, minutes and seconds in whole milliseconds (rounded up), or undefined when `text` is
 * no duration; `what` names the input in the error about years and months.
 */
function durationMs(text: string, what: string): number | undefined {
  const amounts = (ISO_DURATION.exec(text) ?? SHORT_DURATION.exec(text))?.groups;
  if (!amounts) return undefined;
  if (amounts['years'] !== undefined || amounts['months'] !== undefined) {
    throw new InvalidArgumentError(
      `invalid ${what}: years and months have no fixed length; use days or weeks such as P30D or P4W`,
    );
  }
  let ms = 0;
  for (const [unit, unitMs] of Object.entries(UNIT_MS)) ms += Number(amounts[unit] ?? 0) * unitMs;
  // Integer arithmetic instead of 1.1 * 1000 (= 1100.0000000000002); leftover sub-ms digits take one more ms.
  const fraction = amounts['fraction'] ?? '';
  ms += Number(fraction.padEnd(3, '0').slice(0, 3));
  if (/[1-9]/.test(fraction.slice(3))) ms += 1;
  return ms;
}

function quote(input: unknown): string {
  // JSON quoting escapes newlines and quotes, keeping the message on one line.
  return JSON.stringify(String(input));
}
