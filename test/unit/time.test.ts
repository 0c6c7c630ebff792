/** The one RFC 3339 parser (src/domain/time.ts): what it accepts, what it refuses, and why. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTime, isCanonicalTime } from '../../src/domain/time.js';
import { validateEvent } from '../../src/domain/index.js';

describe('parseTime', () => {
  it.each([
    ['2026-11-24T09:00:00Z', Date.UTC(2026, 10, 24, 9)],
    ['2026-11-24T09:00:00.000Z', Date.UTC(2026, 10, 24, 9)],
    ['2026-11-24t09:00:00.5z', Date.UTC(2026, 10, 24, 9, 0, 0, 500)],
    ['2026-11-24T10:00:00+01:00', Date.UTC(2026, 10, 24, 9)],
    ['2000-01-02T00:01:00-12:00', Date.UTC(2000, 0, 2, 12, 1)],
    ['2026-06-15T12:00:00+14:00', Date.UTC(2026, 5, 14, 22)],
    ['2024-02-29T23:59:59.999999999Z', Date.UTC(2024, 1, 29, 23, 59, 59, 999)],
    ['1900-01-01T00:00:00Z', Date.UTC(1900, 0, 1)],
    ['2299-12-31T23:59:59.999Z', Date.UTC(2299, 11, 31, 23, 59, 59, 999)],
  ])('reads %s', (s, ms) => expect(parseTime(s)).toBe(ms));

  it.each([
    ['2026-02-29T00:00:00Z', 'no 29 February in 2026 (Date.parse rolls it to 1 March)'],
    ['2026-04-31T00:00:00Z', 'April has 30 days'],
    ['2026-11-24T24:00:00Z', 'hour 24 (Date.parse makes it the next day)'],
    ['2026-11-24T23:59:60Z', 'no leap seconds'],
    ['2026-11-24T09:00Z', 'seconds are required'],
    ['2026-11-24T09:00:00', 'an offset is required'],
    ['2026-11-24', 'a date alone'],
    ['2026-11-24 09:00:00Z', 'a space for T'],
    ['2026-11-24T09:00:00+24:00', 'offset hours past 23'],
    ['2026-11-24T09:00:00+01:60', 'offset minutes past 59'],
    ['2026-11-24T09:00:00+0100', 'offset without a colon'],
    ['2026-11-24T09:00:00.Z', 'an empty fraction'],
    ['2026-11-24T09:00:00.1234567890Z', 'more than nine fraction digits'],
    ['0050-06-15T12:00:00.000Z', 'year 50 (Date.UTC would read 1950)'],
    ['1899-12-31T23:59:59Z', 'before 1900'],
    ['2300-01-01T00:00:00Z', 'after 2299'],
    ['2299-12-31T23:00:00-05:00', 'an instant in 2300'],
    ['+002026-11-24T09:00:00Z', 'an expanded year'],
    [' 2026-11-24T09:00:00Z', 'leading space'],
    ['2026-11-24T09:00:00Z\n', 'trailing newline'],
  ])('refuses %s (%s)', (s) => expect(parseTime(s)).toBeNull());

  it('agrees with Date.parse on every real instant it accepts, and the canonical shape is its own output', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2300, 0, 1) - 1 }),
        fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
        (ms, offsetMin) => {
          const iso = new Date(ms).toISOString();
          expect(isCanonicalTime(iso)).toBe(true);
          expect(parseTime(iso)).toBe(ms);
          // The same instant written at another offset.
          const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 23);
          const sign = offsetMin < 0 ? '-' : '+';
          const a = Math.abs(offsetMin);
          const written = `${local}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
          const year = Number(written.slice(0, 4));
          expect(parseTime(written)).toBe(year >= 1900 && year <= 2299 ? ms : null);
        },
      ),
      { seed: 16, numRuns: 2000 },
    );
  });
});

describe('event times', () => {
  const env = { id: 'e1', source: 'test', v: 1, type: 'call.ended', call_id: 'c', by: 'caller' };
  it('normalises an offset to UTC with milliseconds', () => {
    const v = validateEvent({ ...env, time: '2026-06-15T12:00:00+14:00' });
    expect(v.ok && v.value.time).toBe('2026-06-14T22:00:00.000Z');
  });
  it.each(['0050-06-15T12:00:00.000Z', '0099-01-01T00:00:00.000Z', '1899-12-31T23:59:59.999Z', '2300-01-01T00:00:00.000Z'])(
    'refuses %s, naming the field and the years allowed',
    (time) => {
      const v = validateEvent({ ...env, time });
      expect(v.ok).toBe(false);
      if (!v.ok) expect(v.message).toMatch(/^time must be an RFC 3339 date-time .* 1900–2299$/);
    },
  );
});
