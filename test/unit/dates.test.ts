import { describe, expect, it } from 'vitest';
import { formatDate, formatSessionTime, formatTime, fromLondon, londonMonth, londonParts, toLondonFields } from '../../server/shared/dates';

describe('London dates and times', () => {
  it('reads London wall time in summer (BST) and winter (GMT)', () => {
    expect(fromLondon('2026-07-01', '09:30').toISOString()).toBe('2026-07-01T08:30:00.000Z');
    expect(fromLondon('2026-12-01', '09:30').toISOString()).toBe('2026-12-01T09:30:00.000Z');
  });

  it('handles the days the clocks change', () => {
    // Clocks go forward at 1am on 29 March 2026 and back at 2am on 25 October 2026.
    expect(fromLondon('2026-03-29', '09:00').toISOString()).toBe('2026-03-29T08:00:00.000Z');
    expect(fromLondon('2026-03-28', '09:00').toISOString()).toBe('2026-03-28T09:00:00.000Z');
    expect(fromLondon('2026-10-25', '09:00').toISOString()).toBe('2026-10-25T09:00:00.000Z');
    expect(fromLondon('2026-10-24', '09:00').toISOString()).toBe('2026-10-24T08:00:00.000Z');
  });

  it('gives each moment its own London parts, asked one after another within a minute and across midnight and the clocks changing', () => {
    const at = (iso: string) => londonParts(new Date(iso));
    expect(at('2026-12-07T23:59:05.900Z')).toEqual({ year: 2026, month: 12, day: 7, hour: 23, minute: 59, second: 5 });
    expect(at('2026-12-07T23:59:59.999Z')).toEqual({ year: 2026, month: 12, day: 7, hour: 23, minute: 59, second: 59 });
    expect(at('2026-12-08T00:00:00.000Z')).toEqual({ year: 2026, month: 12, day: 8, hour: 0, minute: 0, second: 0 });
    expect(at('2026-03-29T00:59:30Z')).toEqual({ year: 2026, month: 3, day: 29, hour: 0, minute: 59, second: 30 });
    expect(at('2026-03-29T01:00:10Z')).toEqual({ year: 2026, month: 3, day: 29, hour: 2, minute: 0, second: 10 });
    expect(at('1965-01-15T10:20:30Z')).toEqual({ year: 1965, month: 1, day: 15, hour: 10, minute: 20, second: 30 });
    // Before Greenwich time London kept local mean time, 1 minute 15 seconds behind.
    expect(at('1800-01-01T00:00:00Z')).toEqual({ year: 1799, month: 12, day: 31, hour: 23, minute: 58, second: 45 });
    expect(at('1800-01-01T00:00:20Z')).toEqual({ year: 1799, month: 12, day: 31, hour: 23, minute: 59, second: 5 });
    expect(toLondonFields(new Date('2026-07-01T23:30:00Z')).date).toBe('2026-07-02');
  });

  it('formats the same moment the same way however often, and each moment as its own', () => {
    const start = Date.UTC(2026, 6, 1, 8, 30);
    const moments = Array.from({ length: 1200 }, (_, i) => new Date(start + i * 15 * 60_000));
    const first = moments.map((d) => `${formatDate(d)} ${formatTime(d)}`);
    expect(first[0]).toBe('Wednesday 1 July 2026 9:30am');
    expect(first[96]).toBe('Thursday 2 July 2026 9:30am');
    expect(new Set(first).size).toBe(1200);
    expect(moments.map((d) => `${formatDate(new Date(d.getTime()))} ${formatTime(d)}`)).toEqual(first);
  });

  it('round-trips form fields', () => {
    for (const iso of ['2026-04-01T08:30:00Z', '2027-01-15T14:00:00Z', '2026-10-25T10:30:00Z', '2026-03-29T01:00:00Z']) {
      const { date, time } = toLondonFields(new Date(iso));
      expect(fromLondon(date, time).toISOString()).toBe(new Date(iso).toISOString());
    }
  });

  it('shows dates the GOV.UK way, in London time', () => {
    const start = new Date('2026-07-01T08:30:00Z');
    expect(formatDate(start)).toBe('Wednesday 1 July 2026');
    expect(formatTime(start)).toBe('9:30am');
    expect(formatTime(new Date('2026-12-01T12:00:00Z'))).toBe('12pm');
    expect(formatSessionTime(start, new Date('2026-07-01T15:00:00Z'))).toBe('Wednesday 1 July 2026, 9:30am to 4pm');
    // 11:30pm UTC on 31 May is already June in London.
    expect(londonMonth(new Date('2026-05-31T23:30:00Z'))).toBe('2026-06');
  });
});
