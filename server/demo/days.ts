// Day and time arithmetic the demo's made-up calendars share (this year's sessions, the past
// years' records): London wall-clock days and times as text, as the forms and files write them.

/** The date itself when it is a weekday, else the Friday before. */
export function weekdayOnOrBefore(date: string): string {
  const day = new Date(`${date}T12:00:00Z`);
  while ([0, 6].includes(day.getUTCDay())) day.setUTCDate(day.getUTCDate() - 1);
  return day.toISOString().slice(0, 10);
}

/** "09:30" plus 390 minutes is "16:00": a session's London end time on its day. */
export function addMinutes(time: string, minutes: number): string {
  const [h, m] = time.split(':').map(Number);
  const total = h * 60 + m + minutes;
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}
