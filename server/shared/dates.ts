// Dates are stored in UTC and always shown in the partnership's time zone (Europe/London).
const ZONE = 'Europe/London';

const dateFormat = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const shortDateFormat = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, day: 'numeric', month: 'short', year: 'numeric' });
const timeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: 'numeric', minute: '2-digit', hourCycle: 'h12' });
const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/**
 * A formatting of moments kept for the last 1,000 moments asked for: a session's times are
 * written into every booking's email and every page that lists it, and Intl is the cost.
 */
function remembered(format: (d: Date) => string) {
  const known = new Map<number, string>();
  return (d: Date) => {
    const time = d.getTime();
    let text = known.get(time);
    if (text === undefined) {
      text = format(d);
      if (known.size >= 1000) known.delete(known.keys().next().value!);
      known.set(time, text);
    }
    return text;
  };
}

/** "Tuesday 3 March 2026", as GOV.UK writes dates */
export const formatDate = remembered((d) => {
  const p = Object.fromEntries(dateFormat.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.weekday} ${p.day} ${p.month} ${p.year}`;
});
/** "3 Mar 2026" */
export const formatShortDate = (d: Date) => shortDateFormat.format(d);
/** "9:30am", GOV.UK style */
export const formatTime = remembered((d) => timeFormat.format(d).replace(' ', '').replace(':00', '').toLowerCase());
/** "Tuesday 3 March 2026, 9:30am to 12:30pm" */
export const formatSessionTime = (start: Date, end: Date) => `${formatDate(start)}, ${formatTime(start)} to ${formatTime(end)}`;

/** London's wall-clock parts, formatted by Intl. */
function formattedParts(d: Date) {
  const parts = Object.fromEntries(partsFormat.formatToParts(d).map((p) => [p.type, p.value]));
  return { year: +parts.year, month: +parts.month, day: +parts.day, hour: +parts.hour, minute: +parts.minute, second: +parts.second };
}

/** Since London took Greenwich time (December 1847) it has been a whole number of hours from UTC. */
const GREENWICH_TIME = Date.UTC(1847, 11, 1);
/** The last minute londonParts formatted: every request asks for the London date of "now", and formatting is the cost. */
let lastMinute: { minute: number; parts: ReturnType<typeof formattedParts> } | undefined;

/** The wall-clock parts in London. */
export function londonParts(d: Date) {
  const time = d.getTime();
  if (!(time >= GREENWICH_TIME)) return formattedParts(d); // local mean time before then (and an invalid date throws)
  // A whole number of hours from UTC: within one UTC minute only the seconds change.
  const minute = Math.floor(time / 60_000);
  if (lastMinute?.minute !== minute) lastMinute = { minute, parts: formattedParts(d) };
  return { ...lastMinute.parts, second: Math.floor((time - minute * 60_000) / 1000) };
}

/** "2026-03-03" and "09:30" as London wall time, for form fields. */
export function toLondonFields(d: Date) {
  const p = londonParts(d);
  const pad = (n: number) => String(n).padStart(2, '0');
  return { date: `${p.year}-${pad(p.month)}-${pad(p.day)}`, time: `${pad(p.hour)}:${pad(p.minute)}` };
}

/** A London wall-clock date and time as a UTC instant (handles the clocks changing). */
export function fromLondon(date: string, time = '00:00'): Date {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const asUtc = Date.UTC(y, m - 1, d, hh, mm);
  // The offset at the guessed instant, then again at the corrected one (for the hour around a change).
  let guess = asUtc;
  for (let i = 0; i < 2; i++) {
    const p = londonParts(new Date(guess));
    const shown = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
    guess = asUtc - (shown - guess);
  }
  return new Date(guess);
}

/** "2026-11" for the London month a moment falls in. */
export function londonMonth(d: Date): string {
  const p = londonParts(d);
  return `${p.year}-${String(p.month).padStart(2, '0')}`;
}

const monthFormat = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "May 2026" for "2026-05". */
export function monthName(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return monthFormat.format(new Date(Date.UTC(y, m - 1, 15)));
}

/** "1 hour 30 minutes", for a course's length */
export function duration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const parts = [h ? `${h} ${h === 1 ? 'hour' : 'hours'}` : '', m ? `${m} minutes` : ''].filter(Boolean);
  return parts.join(' ') || '0 minutes';
}

const ISO_DAY = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const UK_DAY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** "2026-05-04" or "4/5/2026" (UK order) as "2026-05-04"; undefined when it is not a real date. */
export function readDay(value: string): string | undefined {
  const iso = value.trim().match(ISO_DAY);
  const uk = value.trim().match(UK_DAY);
  const [year, month, day] = iso ? [iso[1], iso[2], iso[3]].map(Number) : uk ? [uk[3], uk[2], uk[1]].map(Number) : [];
  if (year === undefined) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A partnership's year (April to March by default) that starts in `first`: "2026-27" and its first and last days. */
export function yearStarting(first: number, startMonth: number) {
  return {
    label: `${first}-${String((first + 1) % 100).padStart(2, '0')}`,
    startsOn: `${first}-${String(startMonth).padStart(2, '0')}-01`,
    endsOn: new Date(Date.UTC(first + 1, startMonth - 1, 0)).toISOString().slice(0, 10),
  };
}

/** The partnership's year that the London date of `now` falls in. */
export function yearContaining(now: Date, startMonth: number) {
  const { year, month } = londonParts(now);
  return yearStarting(month >= startMonth ? year : year - 1, startMonth);
}

/** The London calendar day a moment falls on, "2026-03-03". */
export const londonDay = (d: Date) => toLondonFields(d).date;

/**
 * The day `months` calendar months after a day: "2026-01-15" plus 36 is "2029-01-15". When the
 * later month is shorter, its last day: "2024-01-31" plus 1 is "2024-02-29".
 */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

/** The day `days` calendar days after a stored day (before it when negative): "2026-03-31" plus 1 is "2026-04-01". */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** "Tuesday 3 March 2026" for a stored day, "2026-03-03". */
export const formatDay = (day: string) => formatDate(fromLondon(day));
