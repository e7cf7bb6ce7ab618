import { DAY } from './clock';
import { fromLondon, toLondonFields } from './dates';

// Working days are Monday to Friday in London. Bank holidays are not counted out: the
// partnership's windows (late cancellation, approval hold) are short enough that a day's
// difference over a holiday is accepted.

const isWeekend = (d: Date) => {
  const day = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'short' }).format(d);
  return day === 'Sat' || day === 'Sun';
};

/** The moment `days` working days after (or, negative, before) `from`, at the same time of day. */
export function addWorkingDays(from: Date, days: number): Date {
  const step = days < 0 ? -DAY : DAY;
  let left = Math.abs(days);
  let current = new Date(from);
  while (left > 0) {
    current = new Date(current.getTime() + step);
    if (!isWeekend(current)) left--;
  }
  return current;
}

/** The London date ("2027-10-29") of the working day before a London date. */
export function workingDayBefore(date: string): string {
  // Counted from midday: a day's step across the clocks changing stays on the London date.
  return toLondonFields(addWorkingDays(fromLondon(date, '12:00'), -1)).date;
}
