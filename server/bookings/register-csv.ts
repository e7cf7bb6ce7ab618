// A session's register as a CSV file for coordinators, written by the app's CSV writer
// (../shared/csv), which also writes as text a value that a spreadsheet would run as a formula.
import { writeCsv } from '../shared/csv';
import { toLondonFields } from '../shared/dates';
import { registerEntries, type RegisterEntry, type SessionRegister } from './queries';
import { fileNamePart } from '../shared/file-names';

const HEADER = ['status', 'position', 'name', 'email', 'organisation', 'job title', 'booked at (London time)', 'cancelled at (London time)', 'late cancellation'];

/** "2026-11-23 10:00" in London. */
const londonDateTime = (d: Date | null) => {
  if (!d) return '';
  const { date, time } = toLondonFields(d);
  return `${date} ${time}`;
};

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
  return writeCsv([HEADER, ...registerEntries(register).map(entryFields)]);
}

/** "register-neglect-awareness-2026-12-15.csv": the course and the session's London date. */
export function registerFilename(session: SessionRegister['session']): string {
  return `register-${fileNamePart(session.courseTitle, 'session')}-${toLondonFields(session.startsAt).date}.csv`;
}
