import { InvalidArgumentError } from './errors.js';

/** A point in time: a `Date`, epoch milliseconds, or one of the strings {@link toEpochMs} accepts. */
export type TimeInput = Date | number | string;

const FORMS =
  'use yyyy-MM-dd, "yyyy-MM-dd HH:MM:SS" (UTC), ISO-8601 with Z or an offset, epoch milliseconds, ' +
  'or a duration before now such as 30d, 24h, 15m or P3D';

// ECMA-262 TimeClip: no Date exists further than this from the epoch.
const MAX_EPOCH_MS = 8.64e15;

const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;

// Groups: 1 year, 2 month, 3 day, 4 hour, 5 minute, 6 second, 7 fraction, 8 offset sign, 9 offset hours, 10 offset minutes.
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:Z|([+-])(\d{2}):?(\d{2}))?)?$/i;

// The lookahead demands at least one component, so `P`, `PT` and `P1DT` fail. Group names match UNIT_MS keys.
const ISO_DURATION =
  /^P(?=\d|T\d)(?:(?<years>\d+)Y)?(?:(?<months>\d+)M)?(?:(?<w>\d+)W)?(?:(?<d>\d+)D)?(?:T(?=\d)(?:(?<h>\d+)H)?(?:(?<m>\d+)M)?(?:(?<s>\d+)(?:\.(?<fraction>\d+))?S)?)?$/i;
const SHORT_DURATION = /^(?=\d)(?:(?<w>\d+)w)?(?:(?<d>\d+)d)?(?:(?<h>\d+)h)?(?:(?<m>\d+)m)?(?:(?<s>\d+)s)?$/i;

/**
 * Converts a timestamp, or a duration meaning "that long before `now`", to integer epoch milliseconds (UTC).
 * Offsets are converted to UTC; zone-less strings are UTC; anything unrecognised throws `InvalidArgumentError`.
 */
export function toEpochMs(input: TimeInput, now: number = Date.now()): number {
  const ms = parse(input, now);
  if (ms === undefined || !Number.isSafeInteger(ms) || ms < 0 || ms > MAX_EPOCH_MS) {
    throw new InvalidArgumentError(`invalid time ${quote(input)}: ${FORMS}`);
  }
  return ms;
}

/** Formats epoch milliseconds as an ISO-8601 UTC string such as `2024-05-01T10:00:00.000Z`. */
export function formatIso(ms: number): string {
  const date = new Date(ms);
  if (!Number.isFinite(ms) || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError(`invalid epoch milliseconds ${String(ms)}: expected a finite number within the Date range`);
  }
  return date.toISOString();
}

function parse(input: TimeInput, now: number): number | undefined {
  if (input instanceof Date) return input.getTime();
  if (typeof input === 'number') return Math.floor(input);
  // Guards JavaScript callers that bypass the type.
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  if (/^\d+$/.test(text)) return Number(text);

  const dateTime = DATE_TIME.exec(text);
  if (dateTime) return dateTimeMs(dateTime);

  const duration = (ISO_DURATION.exec(text) ?? SHORT_DURATION.exec(text))?.groups;
  if (!duration) return undefined;
  if (duration['years'] !== undefined || duration['months'] !== undefined) {
    throw new InvalidArgumentError(
      `invalid time ${quote(input)}: years and months have no fixed length; use days or weeks such as P30D or P4W`,
    );
  }
  return before(now, duration);
}

function dateTimeMs(match: RegExpExecArray): number | undefined {
  const field = (index: number): number => Number(match[index] ?? 0);
  const year = field(1);
  const month = field(2);
  const day = field(3);
  const hour = field(4);
  const minute = field(5);
  const second = field(6);
  const offsetHours = field(9);
  const offsetMinutes = field(10);
  const valid =
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) &&
    hour <= 23 && minute <= 59 && second <= 59 && offsetHours <= 23 && offsetMinutes <= 59;
  if (!valid) return undefined;

  // Not Date.UTC: it maps years 0-99 to 1900-1999. Epoch 0 is midnight, so this is the day's start.
  const midnight = new Date(0).setUTCFullYear(year, month - 1, day);
  // Only the first three digits count, which floors sub-millisecond fractions.
  const fraction = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offset = (match[8] === '-' ? -1 : 1) * (offsetHours * UNIT_MS.h + offsetMinutes * UNIT_MS.m);
  return midnight + hour * UNIT_MS.h + minute * UNIT_MS.m + second * UNIT_MS.s + fraction - offset;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** `now` (floored) minus the duration's weeks, days, hours, minutes and seconds, rounded up to whole milliseconds. */
function before(now: number, amounts: Record<string, string | undefined>): number {
  if (!Number.isFinite(now)) {
    throw new InvalidArgumentError(`invalid now ${String(now)}: expected finite epoch milliseconds`);
  }
  let duration = 0;
  for (const [unit, ms] of Object.entries(UNIT_MS)) duration += Number(amounts[unit] ?? 0) * ms;
  // Integer arithmetic instead of 1.1 * 1000 (= 1100.0000000000002); leftover sub-ms digits take one more ms off.
  const fraction = amounts['fraction'] ?? '';
  duration += Number(fraction.padEnd(3, '0').slice(0, 3));
  if (/[1-9]/.test(fraction.slice(3))) duration += 1;
  return Math.floor(now) - duration;
}

function quote(input: unknown): string {
  // JSON quoting escapes newlines and quotes, keeping the message on one line.
  return JSON.stringify(String(input));
}
