import { describe, expect, it } from 'vitest';
import { fromLondon } from '../../server/shared/dates';
import { addWorkingDays, workingDayBefore } from '../../server/shared/working-days';

const london = (date: string, time: string) => fromLondon(date, time).toISOString();

describe('working days', () => {
  it('steps over weekends, forwards and back, keeping the London time of day', () => {
    // Thursday 5 November 2026, 9:30am
    expect(addWorkingDays(fromLondon('2026-11-05', '09:30'), 1).toISOString()).toBe(london('2026-11-06', '09:30'));
    expect(addWorkingDays(fromLondon('2026-11-05', '09:30'), 2).toISOString()).toBe(london('2026-11-09', '09:30'));
    expect(addWorkingDays(fromLondon('2026-11-05', '09:30'), 5).toISOString()).toBe(london('2026-11-12', '09:30'));
    // Monday back three: the Wednesday before.
    expect(addWorkingDays(fromLondon('2026-11-09', '09:30'), -3).toISOString()).toBe(london('2026-11-04', '09:30'));
    // From a Saturday: the next working day is Monday; the one before is Friday.
    expect(addWorkingDays(fromLondon('2026-11-07', '14:00'), 1).toISOString()).toBe(london('2026-11-09', '14:00'));
    expect(addWorkingDays(fromLondon('2026-11-07', '14:00'), -1).toISOString()).toBe(london('2026-11-06', '14:00'));
    expect(addWorkingDays(fromLondon('2026-11-05', '09:30'), 0).toISOString()).toBe(london('2026-11-05', '09:30'));
  });

  it('crosses month and year ends', () => {
    expect(addWorkingDays(fromLondon('2026-07-31', '10:00'), 1).toISOString()).toBe(london('2026-08-03', '10:00'));
    expect(addWorkingDays(fromLondon('2026-12-31', '10:00'), 1).toISOString()).toBe(london('2027-01-01', '10:00'));
    expect(addWorkingDays(fromLondon('2027-01-04', '10:00'), -1).toISOString()).toBe(london('2027-01-01', '10:00'));
  });

  it('keeps the London time when the clocks change in between', () => {
    // The clocks go back on Sunday 25 October 2026 and forward on Sunday 28 March 2027.
    expect(addWorkingDays(fromLondon('2026-10-27', '09:30'), -3).toISOString()).toBe(london('2026-10-22', '09:30'));
    expect(addWorkingDays(fromLondon('2026-10-23', '17:00'), 1).toISOString()).toBe(london('2026-10-26', '17:00'));
    expect(addWorkingDays(fromLondon('2027-03-26', '09:00'), 1).toISOString()).toBe(london('2027-03-29', '09:00'));
    expect(addWorkingDays(fromLondon('2027-03-30', '09:00'), -3).toISOString()).toBe(london('2027-03-25', '09:00'));
  });

  it('crosses the end of February in a leap year and in others, and counts long runs week by week', () => {
    // Monday 28 February 2028 (a leap year): the next working day is Tuesday the 29th.
    expect(addWorkingDays(fromLondon('2028-02-28', '11:00'), 1).toISOString()).toBe(london('2028-02-29', '11:00'));
    expect(addWorkingDays(fromLondon('2028-03-01', '11:00'), -1).toISOString()).toBe(london('2028-02-29', '11:00'));
    // Friday 26 February 2027: the next is Monday 1 March.
    expect(addWorkingDays(fromLondon('2027-02-26', '11:00'), 1).toISOString()).toBe(london('2027-03-01', '11:00'));
    // Ten working days are two weeks; twenty-three cross a month end and four weekends.
    expect(addWorkingDays(fromLondon('2026-11-04', '08:15'), 10).toISOString()).toBe(london('2026-11-18', '08:15'));
    expect(addWorkingDays(fromLondon('2026-11-04', '08:15'), 23).toISOString()).toBe(london('2026-12-07', '08:15'));
    expect(addWorkingDays(fromLondon('2026-12-07', '08:15'), -23).toISOString()).toBe(london('2026-11-04', '08:15'));
  });

  it('counts from a Sunday that the clocks change on, keeping the hour on the working day it lands on', () => {
    // Sunday 25 October 2026, 00:30 UTC: 01:30 the first time round in London (summer time).
    expect(addWorkingDays(new Date('2026-10-25T00:30:00Z'), 1).toISOString()).toBe('2026-10-26T01:30:00.000Z');
    // Sunday 28 March 2027, 01:30 UTC: 02:30 in London, the clocks just gone forward.
    expect(addWorkingDays(new Date('2027-03-28T01:30:00Z'), 1).toISOString()).toBe('2027-03-29T01:30:00.000Z');
    expect(addWorkingDays(new Date('2027-03-28T01:30:00Z'), -1).toISOString()).toBe('2027-03-26T02:30:00.000Z');
  });

  it('counts bank holidays as working days: it knows only weekends', () => {
    // Friday 25 December 2026 (Christmas Day) and Monday 28th (the Boxing Day holiday) both count.
    expect(addWorkingDays(fromLondon('2026-12-24', '10:00'), 1).toISOString()).toBe(london('2026-12-25', '10:00'));
    expect(addWorkingDays(fromLondon('2026-12-24', '10:00'), 2).toISOString()).toBe(london('2026-12-28', '10:00'));
    // Good Friday, 26 March 2027, and Easter Monday, 29 March.
    expect(addWorkingDays(fromLondon('2027-03-25', '10:00'), 2).toISOString()).toBe(london('2027-03-29', '10:00'));
  });

  it('keeps the seconds of the moment it starts from', () => {
    const from = new Date(fromLondon('2026-11-05', '09:30').getTime() + 12_345);
    expect(addWorkingDays(from, 5).getTime() - fromLondon('2026-11-12', '09:30').getTime()).toBe(12_345);
  });

  it('names the working day before a London date', () => {
    expect(workingDayBefore('2026-11-09')).toBe('2026-11-06');
    expect(workingDayBefore('2026-11-10')).toBe('2026-11-09');
    expect(workingDayBefore('2026-10-26')).toBe('2026-10-23');
    expect(workingDayBefore('2027-03-29')).toBe('2027-03-26');
  });
});
