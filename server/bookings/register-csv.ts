// A session's register as a CSV file for coordinators (RFC 4180: CRLF line ends, fields
// quoted when they need it). The file is opened in spreadsheets, so a value that a
// spreadsheet would read as a formula is written as text.
import { toLondonFields } from '../shared/dates';
import { registerEntries, type RegisterEntry, type SessionRegister } from './queries';

const HEADER = ['status', 'position', 'name', 'email', 'organisation', 'job title', 'booked at (London time)', 'cancelled at (London time)', 'late cancellation'];

/** "2026-11-23 10:00" in London. */
const londonDateTime = (d: Date | null) => {
  if (!d) return '';
  const { date, time } = toLondonFields(d);
  return `${date} ${time}`;
};

/**
 * One field: a leading = + - @ (or tab or carriage return) would start a formula in
 * Excel and others, so it gets a ' in front (OWASP "CSV injection"); then quoted when it
 * holds a quote, comma or line break.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const csvLine = (fields: string[]) => fields.map(csvField).join(',') + '\r\n';

function entryFields(e: RegisterEntry): string[] {
  return [
    e.status,
    e.position === null ? '' : String(e.position),
    e.person.name,
    e.person.email,
    e.person.organisation.name,
    e.person.jobTitle,
    londonDateTime(e.bookedAt),
    londonDateTime(e.cancelledAt),
    e.status === 'cancelled' ? (e.late ? 'yes' : 'no') : '',
  ];
}

/** Places first, then approvals pending, the waiting list in order, and cancellations. */
export function registerCsv(register: SessionRegister): string {
  // The byte order mark makes Excel read the file as UTF-8 (names with accents).
  return '\uFEFF' + csvLine(HEADER) + registerEntries(register).map((e) => csvLine(entryFields(e))).join('');
}

/** "register-neglect-awareness-2026-12-15.csv": the course and the session's London date. */
export function registerFilename(session: SessionRegister['session']): string {
  const slug = session.courseTitle
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `register-${slug || 'session'}-${toLondonFields(session.startsAt).date}.csv`;
}
