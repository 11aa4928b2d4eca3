import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError } from './errors.js';
import { formatIso, toEpochMs, type TimeInput } from './time.js';

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
    it('reads digits as epoch milliseconds', () => {
      expect(toEpochMs('1714557600000')).toBe(1_714_557_600_000);
    });

    it('trims surrounding whitespace', () => {
      expect(toEpochMs(' \t1714557600000\n')).toBe(1_714_557_600_000);
      expect(toEpochMs('  2024-05-01  ')).toBe(Date.UTC(2024, 4, 1));
      expect(toEpochMs(' 30d ', NOW)).toBe(NOW - 30 * DAY);
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

    it.each(['P1Y', 'P1M', 'p2y', 'P1Y2M3D', 'P1MT1H'])('rejects %s because years and months vary in length', (input) => {
      const error = rejection(input);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toContain(`"${input}"`);
      expect((error as Error).message).toMatch(/use days or weeks/);
    });

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
      ['unpadded fields', '2024-5-1'],
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
      const message = (error as Error).message;
      expect(message).toContain(`invalid time "${String(input)}"`);
      expect(message).toContain('yyyy-MM-dd');
      expect(message).toContain('"yyyy-MM-dd HH:MM:SS" (UTC)');
      expect(message).toContain('ISO-8601 with Z or an offset');
      expect(message).toContain('epoch milliseconds');
      expect(message).toContain('30d, 24h, 15m or P3D');
    });

    it('gives the documented message', () => {
      expect((rejection('yesterday') as Error).message).toBe(
        'invalid time "yesterday": use yyyy-MM-dd, "yyyy-MM-dd HH:MM:SS" (UTC), ISO-8601 with Z or an offset, ' +
          'epoch milliseconds, or a duration before now such as 30d, 24h, 15m or P3D',
      );
    });

    it('keeps the message on one line when the input has a newline', () => {
      const message = (rejection('a\nb') as Error).message;
      expect(message).not.toContain('\n');
      expect(message).toContain('"a\\nb"');
    });
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

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 8.64e15 + 1])(
    'rejects %s',
    (ms) => {
      expect(() => formatIso(ms)).toThrow(InvalidArgumentError);
    },
  );
});
