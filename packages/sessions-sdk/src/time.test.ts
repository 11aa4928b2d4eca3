import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError } from './errors.js';
import { TIME_FORMS, formatIso, toDurationMs, toEpochMs, type TimeInput } from './time.js';

const NOW = Date.UTC(2024, 4, 10, 12, 0, 0);
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

function rejection(input: TimeInput, now = NOW): unknown {
  try {
    toEpochMs(input, now);
  } catch (error) {
    return error;
  }
  throw new Error(`expected ${String(input)} to be rejected`);
}

describe('toEpochMs', () => {
  describe('Date and number inputs', () => {
    it('returns the time of a Date', () => {
      expect(toEpochMs(new Date(Date.UTC(2024, 4, 1, 10)))).toBe(Date.UTC(2024, 4, 1, 10));
    });

    it('returns integer epoch milliseconds unchanged', () => {
      expect(toEpochMs(1_714_557_600_000)).toBe(1_714_557_600_000);
      expect(toEpochMs(0)).toBe(0);
    });

    it('floors fractional milliseconds', () => {
      expect(toEpochMs(1_714_557_600_000.999)).toBe(1_714_557_600_000);
    });

    it('rejects an invalid Date', () => {
      const error = rejection(new Date('nope'));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toContain('invalid time "Invalid Date"');
    });
  });

  describe('digit strings', () => {
    it.each<[string, number]>([
      ['20240101', Date.UTC(2024, 0, 1)],
      ['20240229', Date.UTC(2024, 1, 29)],
      ['202401010905', Date.UTC(2024, 0, 1, 9, 5)],
      ['20240101090507', Date.UTC(2024, 0, 1, 9, 5, 7)],
      ['19700101', 0],
      ['1704067200000', 1_704_067_200_000],
      ['1714557600000', 1_714_557_600_000],
      ['0000000000000', 0],
    ])('reads %s as %i', (input, ms) => {
      expect(toEpochMs(input)).toBe(ms);
    });

    it('trims surrounding whitespace', () => {
      expect(toEpochMs(' \t1714557600000\n')).toBe(1_714_557_600_000);
      expect(toEpochMs('  2024-05-01  ')).toBe(Date.UTC(2024, 4, 1));
      expect(toEpochMs(' 30d ', NOW)).toBe(NOW - 30 * DAY);
    });

    it('refuses 10 digits as epoch seconds and says how to write them', () => {
      const error = rejection('1704067200');
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toBe(
        'invalid time "1704067200": 10 digits look like epoch seconds (2024-01-01T00:00:00.000Z); ' +
          'append 000 for epoch milliseconds (1704067200000) or write a date such as 2024-01-01',
      );
    });

    it.each([
      ['one digit', '0'],
      ['six digits (yyMMdd to dateutil)', '240101'],
      ['nine digits', '170406720'],
      ['eleven digits', '17040672000'],
      ['twelve digits that are no yyyyMMddHHmm', '999999999999'],
      ['fifteen digits', '170406720000000'],
      ['yyyyMMdd with month 13', '20241301'],
      ['yyyyMMdd with February 30', '20240230'],
      ["yyyyMMdd of a common year's February 29", '20230229'],
      ['yyyyMMddHHmm at 24:00', '202401012400'],
      ['yyyyMMddHHmmss with second 60', '20240101235960'],
    ])('refuses %s (%s) and lists the accepted forms', (_label, input) => {
      const error = rejection(input);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toBe(`invalid time "${input}": use one of: ${TIME_FORMS.join('; ')}`);
    });
  });

  describe('dates and zone-less times (UTC)', () => {
    it('reads yyyy-MM-dd as midnight UTC', () => {
      expect(toEpochMs('2024-05-01')).toBe(Date.UTC(2024, 4, 1));
    });

    it('reads "yyyy-MM-dd HH:MM:SS" as UTC', () => {
      expect(toEpochMs('2024-05-01 10:30:15')).toBe(Date.UTC(2024, 4, 1, 10, 30, 15));
    });

    it('accepts T instead of the space', () => {
      expect(toEpochMs('2024-05-01T10:30:15')).toBe(Date.UTC(2024, 4, 1, 10, 30, 15));
    });

    it('accepts the first and last second of a day', () => {
      expect(toEpochMs('2024-05-01 00:00:00')).toBe(Date.UTC(2024, 4, 1, 0, 0, 0));
      expect(toEpochMs('2024-05-01 23:59:59')).toBe(Date.UTC(2024, 4, 1, 23, 59, 59));
    });

    it('accepts the leap day of a leap year', () => {
      expect(toEpochMs('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
      expect(toEpochMs('2000-02-29 12:00:00')).toBe(Date.UTC(2000, 1, 29, 12));
    });

    it.each(['2023-02-29', '1900-02-29'])('rejects the leap day of the common year in %s', (input) => {
      expect(rejection(input)).toBeInstanceOf(InvalidArgumentError);
    });

    it.each<[string, number]>([
      ['2024-1-1', Date.UTC(2024, 0, 1)],
      ['2024-01-1', Date.UTC(2024, 0, 1)],
      ['2024-1-01', Date.UTC(2024, 0, 1)],
      ['2024/01/01', Date.UTC(2024, 0, 1)],
      ['2024/1/5', Date.UTC(2024, 0, 5)],
      ['2024/12/31', Date.UTC(2024, 11, 31)],
      ['2024-01-01 9:05:00', Date.UTC(2024, 0, 1, 9, 5)],
      ['2024-1-1 09:05', Date.UTC(2024, 0, 1, 9, 5)],
      ['2024-1-1 9:05', Date.UTC(2024, 0, 1, 9, 5)],
      ['2024/1/1T9:05:07', Date.UTC(2024, 0, 1, 9, 5, 7)],
      ['2024/01/01 23:59:59', Date.UTC(2024, 0, 1, 23, 59, 59)],
      ['2024-1-1 9:05:07.25', Date.UTC(2024, 0, 1, 9, 5, 7, 250)],
      ['2024/2/29 0:00', Date.UTC(2024, 1, 29)],
    ])('reads the unpadded or slashed form %s as UTC', (input, ms) => {
      expect(toEpochMs(input)).toBe(ms);
    });

    it.each([
      ['mixed separators', '2024-01/01'],
      ['a three-digit month', '2024-001-01'],
      ['a one-digit minute', '2024-1-1 9:5'],
      ['a three-digit hour', '2024-01-01 009:05'],
      ['an hour without minutes', '2024/1/1 9'],
      ['a two-digit year', '24-1-1'],
      ['an unpadded April 31', '2024/4/31'],
    ])('rejects %s (%s)', (_label, input) => {
      expect(rejection(input)).toBeInstanceOf(InvalidArgumentError);
    });

    it('rejects four-digit years below 100 instead of reading them as 19xx', () => {
      expect(rejection('0070-01-01')).toBeInstanceOf(InvalidArgumentError);
    });

    it('rejects dates before the epoch', () => {
      expect(rejection('1969-12-31 23:59:59')).toBeInstanceOf(InvalidArgumentError);
    });
  });

  describe('ISO-8601 with Z or an offset', () => {
    it('reads Z as UTC', () => {
      expect(toEpochMs('2024-05-01T10:00:00Z')).toBe(Date.UTC(2024, 4, 1, 10));
    });

    it('converts a positive offset to UTC', () => {
      expect(toEpochMs('2024-05-01T12:00:00+02:00')).toBe(Date.UTC(2024, 4, 1, 10));
    });

    it('accepts an offset without a colon', () => {
      expect(toEpochMs('2024-05-01T12:00:00+0200')).toBe(Date.UTC(2024, 4, 1, 10));
    });

    it('converts a negative offset to UTC', () => {
      expect(toEpochMs('2024-05-01T12:00:00-05:00')).toBe(Date.UTC(2024, 4, 1, 17));
    });

    it('converts offsets with minutes', () => {
      expect(toEpochMs('2024-05-01T12:00:00+05:30')).toBe(Date.UTC(2024, 4, 1, 6, 30));
      expect(toEpochMs('2024-05-01T12:00:00-09:30')).toBe(Date.UTC(2024, 4, 1, 21, 30));
    });

    it('moves to the previous or next UTC day when the offset crosses midnight', () => {
      expect(toEpochMs('2024-05-01T01:00:00+02:00')).toBe(Date.UTC(2024, 3, 30, 23));
      expect(toEpochMs('2024-12-31T22:00:00-03:00')).toBe(Date.UTC(2025, 0, 1, 1));
    });

    it('converts Z and offsets after the unpadded and slashed forms too', () => {
      expect(toEpochMs('2024/1/1 9:05Z')).toBe(Date.UTC(2024, 0, 1, 9, 5));
      expect(toEpochMs('2024-1-1T9:05:00+02:00')).toBe(Date.UTC(2024, 0, 1, 7, 5));
    });

    it('accepts a time without seconds', () => {
      expect(toEpochMs('2024-05-01T10:30Z')).toBe(Date.UTC(2024, 4, 1, 10, 30));
      expect(toEpochMs('2024-05-01T10:30+01:00')).toBe(Date.UTC(2024, 4, 1, 9, 30));
    });

    it('reads fractional seconds of any length', () => {
      expect(toEpochMs('2024-05-01T10:00:00.5Z')).toBe(Date.UTC(2024, 4, 1, 10, 0, 0, 500));
      expect(toEpochMs('2024-05-01T10:00:00.12Z')).toBe(Date.UTC(2024, 4, 1, 10, 0, 0, 120));
      expect(toEpochMs('2024-05-01T10:00:00.123Z')).toBe(Date.UTC(2024, 4, 1, 10, 0, 0, 123));
    });

    it('floors fractions below a millisecond', () => {
      expect(toEpochMs('2024-05-01T10:00:00.1239999Z')).toBe(Date.UTC(2024, 4, 1, 10, 0, 0, 123));
      expect(toEpochMs('2024-05-01T10:00:00.0009Z')).toBe(Date.UTC(2024, 4, 1, 10));
    });

    it('keeps the fraction when converting an offset', () => {
      expect(toEpochMs('2024-05-01T12:00:00.999+02:00')).toBe(Date.UTC(2024, 4, 1, 10, 0, 0, 999));
    });
  });

  describe('durations before now', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it.each([
      ['P3D', 3 * DAY],
      ['PT12H', 12 * HOUR],
      ['P1DT2H30M', DAY + 2 * HOUR + 30 * MINUTE],
      ['PT15M', 15 * MINUTE],
      ['PT90S', 90 * SECOND],
      ['P2W', 2 * WEEK],
      ['P1W2DT3H4M5S', WEEK + 2 * DAY + 3 * HOUR + 4 * MINUTE + 5 * SECOND],
      ['p3d', 3 * DAY],
      ['pt12h', 12 * HOUR],
    ])('subtracts the ISO-8601 duration %s from now', (input, duration) => {
      expect(toEpochMs(input, NOW)).toBe(NOW - duration);
    });

    it('reads fractional seconds exactly', () => {
      expect(toEpochMs('PT1.5S', NOW)).toBe(NOW - 1500);
      expect(toEpochMs('PT1.1S', NOW)).toBe(NOW - 1100);
      expect(toEpochMs('PT0.001S', NOW)).toBe(NOW - 1);
    });

    it('floors a result that falls between milliseconds', () => {
      expect(toEpochMs('PT1.2345S', NOW)).toBe(NOW - 1235);
      expect(toEpochMs('PT0.0001S', NOW)).toBe(NOW - 1);
    });

    it.each([
      ['30d', 30 * DAY],
      ['24h', 24 * HOUR],
      ['15m', 15 * MINUTE],
      ['45s', 45 * SECOND],
      ['2w', 2 * WEEK],
      ['24H', 24 * HOUR],
      ['1d12h', DAY + 12 * HOUR],
      ['1w2d3h4m5s', WEEK + 2 * DAY + 3 * HOUR + 4 * MINUTE + 5 * SECOND],
    ])('subtracts the short duration %s from now', (input, duration) => {
      expect(toEpochMs(input, NOW)).toBe(NOW - duration);
    });

    it('defaults now to the current time', () => {
      vi.useFakeTimers({ now: NOW });
      expect(toEpochMs('1h')).toBe(NOW - HOUR);
      expect(toEpochMs('PT1H')).toBe(NOW - HOUR);
    });

    it('reads M after T as minutes', () => {
      expect(toEpochMs('PT1M', NOW)).toBe(NOW - MINUTE);
    });

    it.each(['P1Y', 'P1M', 'p2y', 'P1Y2M3D', 'P1MT1H'])(
      'rejects %s because years and months vary in length',
      (input) => {
        const error = rejection(input);
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect((error as Error).message).toContain(`"${input}"`);
        expect((error as Error).message).toMatch(/use days or weeks/);
      },
    );

    it('rejects a duration that reaches before the epoch', () => {
      expect(rejection('99999999999d')).toBeInstanceOf(InvalidArgumentError);
    });

    it('rejects a non-finite now', () => {
      expect(rejection('1h', Number.NaN)).toBeInstanceOf(InvalidArgumentError);
    });
  });

  describe('rejections', () => {
    it.each<[string, TimeInput]>([
      ['an empty string', ''],
      ['only whitespace', '   '],
      ['a word', 'yesterday'],
      ['month 13', '2024-13-01'],
      ['month 0', '2024-00-10'],
      ['February 30', '2024-02-30'],
      ['April 31', '2024-04-31'],
      ['day 0', '2024-05-00'],
      ['hour 25', '2024-05-01 25:00:00'],
      ['hour 24', '2024-05-01 24:00:00'],
      ['minute 60', '2024-05-01 10:60:00'],
      ['second 60', '2024-05-01 10:00:60'],
      ['an offset of 24 hours', '2024-05-01T10:00:00+24:00'],
      ['an offset without minutes', '2024-05-01T10:00:00+02'],
      ['a time with only hours', '2024-05-01T10Z'],
      ['a bare P', 'P'],
      ['a bare PT', 'PT'],
      ['a trailing T', 'P1DT'],
      ['a unit-less ISO amount', 'P3'],
      ['an unknown unit', '12x'],
      ['a fractional short amount', '1.5h'],
      ['a negative short duration', '-1d'],
      ['short units out of order', '12h1d'],
      ['a negative digit string', '-1'],
      ['NaN', Number.NaN],
      ['a negative number', -1],
      ['a negative fraction', -0.5],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['-Infinity', Number.NEGATIVE_INFINITY],
      ['a number beyond the Date range', 8.64e15 + 1],
    ])('rejects %s', (_label, input) => {
      const error = rejection(input);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toBe(
        `invalid time ${JSON.stringify(String(input))}: use one of: ${TIME_FORMS.join('; ')}`,
      );
    });

    it('gives the documented message', () => {
      expect((rejection('yesterday') as Error).message).toBe(
        'invalid time "yesterday": use one of: ' +
          'yyyy-MM-dd or yyyy/MM/dd, month and day of one or two digits (2024-1-5): midnight UTC; ' +
          'the date, a space or T, then H:MM, H:MM:SS or H:MM:SS.fff, hour of one or two digits ("2024-01-05 9:30"): UTC; ' +
          'that date and time ending in Z or an offset such as +02:00 or -0530 (ISO-8601): converted to UTC; ' +
          'yyyyMMdd, yyyyMMddHHmm or yyyyMMddHHmmss (20240105): UTC; ' +
          'epoch milliseconds: 13 digits (1704067200000); ' +
          'a duration before now: 30d, 24h, 15m, 45s, 2w, 1d12h, P3D, PT12H or P1DT2H30M (no years or months)',
      );
    });

    it('keeps the message on one line when the input has a newline', () => {
      const message = (rejection('a\nb') as Error).message;
      expect(message).not.toContain('\n');
      expect(message).toContain('"a\\nb"');
    });
  });
});

describe('toDurationMs', () => {
  it.each<[string, number]>([
    ['7d', 7 * DAY],
    ['36h', 36 * HOUR],
    ['90m', 90 * MINUTE],
    ['1w2d3h4m5s', WEEK + 2 * DAY + 3 * HOUR + 4 * MINUTE + 5 * SECOND],
    ['P14D', 14 * DAY],
    ['PT12H', 12 * HOUR],
    ['PT1.0001S', 1001],
    [' 2w ', 2 * WEEK],
    ['0d', 0],
  ])('reads %s as %i ms', (input, ms) => {
    expect(toDurationMs(input)).toBe(ms);
  });

  it.each(['2024-01-01', '20240101', '1704067200000', '', 'week', '1.5h', '-1d'])(
    'rejects %j, which is no duration, naming the forms',
    (input) => {
      expect(() => toDurationMs(input)).toThrow(
        new InvalidArgumentError(
          `invalid duration ${JSON.stringify(input)}: use 30d, 24h, 15m, 45s, 2w, 1d12h, P3D, PT12H or P1DT2H30M (no years or months)`,
        ),
      );
    },
  );

  it('rejects years and months, which vary in length', () => {
    expect(() => toDurationMs('P1M')).toThrow(/^invalid duration "P1M": years and months have no fixed length/);
  });

  it('rejects a duration beyond the Date range', () => {
    expect(() => toDurationMs('99999999999d')).toThrow(InvalidArgumentError);
  });
});

describe('formatIso', () => {
  it('formats epoch milliseconds as ISO-8601 UTC', () => {
    expect(formatIso(Date.UTC(2024, 4, 1, 10))).toBe('2024-05-01T10:00:00.000Z');
    expect(formatIso(Date.UTC(2024, 4, 1, 10, 0, 0, 123))).toBe('2024-05-01T10:00:00.123Z');
    expect(formatIso(0)).toBe('1970-01-01T00:00:00.000Z');
  });

  it('round-trips with toEpochMs', () => {
    expect(formatIso(toEpochMs('2024-05-01T12:00:00.250+02:00'))).toBe('2024-05-01T10:00:00.250Z');
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 8.64e15 + 1])('rejects %s', (ms) => {
    expect(() => formatIso(ms)).toThrow(InvalidArgumentError);
  });
});
