import { fromLondon, londonParts } from './dates';

// Working days are Monday to Friday in London. Bank holidays are not counted out: the
// partnership's windows (late cancellation, approval hold) are short enough that a day's
// difference over a holiday is accepted.

/**
 * The moment `days` working days after (or, negative, before) `from`, at the same London
 * time of day: counted on London's calendar, so the clocks changing in between does not move
 * the time by an hour. (Since 1981 the clocks change on Sundays, so the day it lands on never
 * has a skipped or repeated hour.)
 */
export function addWorkingDays(from: Date, days: number): Date {
  if (days === 0) return new Date(from);
  const wall = londonParts(from);
  // London's offsets have been whole hours since 1848; the app plans for 2000 to 2100.
  if (wall.year < 1900 || wall.year > 9999) throw new RangeError(`No working days are counted in ${wall.year}`);
  const day = new Date(Date.UTC(wall.year, wall.month - 1, wall.day));
  const step = days < 0 ? -1 : 1;
  for (let left = Math.abs(days); left > 0; ) {
    day.setUTCDate(day.getUTCDate() + step);
    if (day.getUTCDay() !== 0 && day.getUTCDay() !== 6) left--;
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  // London's offset is a whole number of hours, so the seconds within the minute carry over as they are.
  const withinMinute = ((from.getTime() % 60_000) + 60_000) % 60_000;
  return new Date(fromLondon(day.toISOString().slice(0, 10), `${pad(wall.hour)}:${pad(wall.minute)}`).getTime() + withinMinute);
}

/** The London date ("2027-10-29") of the working day before a London date. */
export const workingDayBefore = (date: string): string => addWorkingDays(fromLondon(date, '12:00'), -1).toISOString().slice(0, 10);
