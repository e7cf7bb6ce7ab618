// Non-attendance: who booked a place and did not come, or gave it up late, by organisation
// and by session; and, when the partnership charges for it, the list to invoice.
//
// The rules, decided here and said on the page:
// - A report covers the sessions that started between two London dates (by default the
//   current prospectus year) and have started by now; cancelled sessions are left out.
// - "Bookings with a place" are those that held a place at the session: attended, partly
//   attended, did not attend, or not marked yet. A late cancellation gave its place up, so it
//   is counted on its own. The non-attendance rate is (did not attend + late cancellations)
//   out of (bookings with a place + late cancellations).
// - Only "did not attend" is charged, never a late cancellation: the person told the
//   partnership, and the place could be offered again. A course of up to 4 hours is charged
//   the half-day amount, a longer one the full-day amount; organisations in an exempt sector
//   are never charged, and nothing is charged while both amounts are 0.
import { withSessionCourseAndPerson } from '../bookings/joins';
import { and, asc, eq, gte, inArray, lt, lte, ne, or } from 'drizzle-orm';
import { bookings, courses, organisations, partnerships, people, SECTORS, sessions, type BookingStatus, type Sector } from '../../db/schema';
import { duration, fromLondon, toLondonFields, yearContaining } from '../shared/dates';
import { writeCsv } from '../shared/csv';
import { poundsValue } from '../shared/money';
import { auditChange } from '../audit/log';
import { currentProspectus } from '../catalogue/service';
import { invalid } from '../shared/errors';
import type { Partnership, ServiceContext } from '../shared/context';

// ---- The dates a report covers -------------------------------------------------------

/** The one message for a range that ends before it starts, whether the edge or the rule finds it. */
export const LAST_BEFORE_FIRST = 'The last date must be the same as or after the first date';

export interface ReportRange {
  /** First and last London dates, "YYYY-MM-DD", both included. */
  from: string;
  to: string;
}


/** The current prospectus's dates, or the partnership's financial year containing today when there is none. */
async function defaultRange(s: ServiceContext): Promise<ReportRange> {
  const prospectus = await currentProspectus(s);
  if (prospectus) return { from: prospectus.startsOn, to: prospectus.endsOn };
  const { startsOn: from, endsOn: to } = yearContaining(s.clock.now(), s.partnership.yearStartMonth);
  return { from, to };
}

/**
 * The range asked for, each date left out taken from the current prospectus year. Given dates
 * are real (the edge checks them); a last date before the first is refused naming it.
 */
export async function reportRange(s: ServiceContext, given: Partial<ReportRange>): Promise<ReportRange> {
  const defaults = given.from && given.to ? undefined : await defaultRange(s);
  const range = { from: given.from ?? defaults!.from, to: given.to ?? defaults!.to };
  if (range.to < range.from) throw invalid({ to: LAST_BEFORE_FIRST }, 'The dates are not valid');
  return range;
}

const dayAfter = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
};

// ---- The bookings a report is made from ----------------------------------------------

/** Bookings that held a place at the session. */
const HELD_PLACE: BookingStatus[] = ['confirmed', 'attended', 'partly attended', 'did not attend'];

/** Every booking that held a place, or was cancelled late, on the sessions the range covers. */
async function reportBookings(s: ServiceContext, range: ReportRange) {
  return withSessionCourseAndPerson(s.db.select({
      id: bookings.id,
      status: bookings.status,
      late: bookings.lateCancellation,
      person: { name: people.name, email: people.email },
      organisation: { id: organisations.id, name: organisations.name, sector: organisations.sector },
      session: { id: sessions.id, startsAt: sessions.startsAt, capacity: sessions.capacity },
      course: { id: courses.id, title: courses.title, durationMinutes: courses.durationMinutes },
    }).from(bookings).$dynamic())
    .innerJoin(organisations, eq(organisations.id, people.organisationId))
    .where(
      and(
        eq(bookings.partnershipId, s.partnership.id),
        ne(sessions.status, 'cancelled'),
        gte(sessions.startsAt, fromLondon(range.from)),
        lt(sessions.startsAt, fromLondon(dayAfter(range.to))),
        lte(sessions.startsAt, s.clock.now()),
        or(inArray(bookings.status, HELD_PLACE), and(eq(bookings.status, 'cancelled'), eq(bookings.lateCancellation, true))),
      ),
    )
    .orderBy(asc(organisations.name), asc(sessions.startsAt), asc(people.name), asc(bookings.id));
}
type ReportBooking = Awaited<ReturnType<typeof reportBookings>>[number];

// ---- The report -----------------------------------------------------------------------

export interface Counts {
  /** Bookings that held a place at the session, marked or not. */
  places: number;
  attended: number;
  partlyAttended: number;
  didNotAttend: number;
  /** Places held whose attendance has not been recorded. */
  notMarked: number;
  lateCancellations: number;
  /** (didNotAttend + lateCancellations) / (places + lateCancellations); null when both are 0. */
  nonAttendanceRate: number | null;
}

export interface OrganisationCounts extends Counts {
  id: string;
  name: string;
  sector: Sector;
}

export interface SessionCounts {
  id: string;
  courseId: string;
  courseTitle: string;
  startsAt: Date;
  capacity: number;
  didNotAttend: number;
  lateCancellations: number;
}

export interface NonAttendanceReport {
  range: ReportRange;
  totals: Counts;
  /** Organisations with at least one booking counted, by name. */
  organisations: OrganisationCounts[];
  /** Sessions with at least one did-not-attend or late cancellation, by date. */
  sessions: SessionCounts[];
}

function tally(rows: ReportBooking[]): Counts {
  const count = (status: BookingStatus) => rows.filter((r) => r.status === status).length;
  const places = rows.filter((r) => HELD_PLACE.includes(r.status)).length;
  const lateCancellations = count('cancelled');
  const didNotAttend = count('did not attend');
  const counted = places + lateCancellations;
  return {
    places,
    attended: count('attended'),
    partlyAttended: count('partly attended'),
    didNotAttend,
    notMarked: count('confirmed'),
    lateCancellations,
    nonAttendanceRate: counted ? (didNotAttend + lateCancellations) / counted : null,
  };
}

/** Groups rows by a key, keeping the order in which keys first appear. */
function groupBy<T>(rows: T[], key: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return [...groups.values()];
}

function summarise(range: ReportRange, rows: ReportBooking[]): NonAttendanceReport {
  const bySession = groupBy(rows, (r) => r.session.id)
    .map((group): SessionCounts => {
      const { session, course } = group[0];
      const { didNotAttend, lateCancellations } = tally(group);
      return { id: session.id, courseId: course.id, courseTitle: course.title, startsAt: session.startsAt, capacity: session.capacity, didNotAttend, lateCancellations };
    })
    .filter((x) => x.didNotAttend + x.lateCancellations > 0)
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  return {
    range,
    totals: tally(rows),
    organisations: groupBy(rows, (r) => r.organisation.id).map((group) => ({ ...group[0].organisation, ...tally(group) })),
    sessions: bySession,
  };
}

// ---- Charges --------------------------------------------------------------------------

/** Courses up to this long are charged the half-day amount. */
export const HALF_DAY_MINUTES = 240;

export interface ChargePolicy {
  halfDayPence: number;
  fullDayPence: number;
  exemptSectors: Sector[];
}

export const chargePolicy = (p: Pick<Partnership, 'nonAttendanceChargeHalfDayPence' | 'nonAttendanceChargeFullDayPence' | 'chargeExemptSectors'>): ChargePolicy => ({
  halfDayPence: p.nonAttendanceChargeHalfDayPence,
  fullDayPence: p.nonAttendanceChargeFullDayPence,
  exemptSectors: SECTORS.filter((sector) => p.chargeExemptSectors.includes(sector)),
});

/** Whether the partnership charges for non-attendance at all. */
export const charges = (policy: ChargePolicy) => policy.halfDayPence > 0 || policy.fullDayPence > 0;

export const chargeFor = (policy: ChargePolicy, durationMinutes: number) => (durationMinutes <= HALF_DAY_MINUTES ? policy.halfDayPence : policy.fullDayPence);

export interface Charge {
  bookingId: string;
  personName: string;
  email: string;
  courseTitle: string;
  sessionId: string;
  startsAt: Date;
  durationMinutes: number;
  amountPence: number;
}

export interface OrganisationCharges {
  id: string;
  name: string;
  sector: Sector;
  charges: Charge[];
  totalPence: number;
}

export interface ChargesList {
  range: ReportRange;
  policy: ChargePolicy;
  /** False when both amounts are 0: then there is nothing to invoice. */
  charging: boolean;
  /** Organisations with something to pay, by name. */
  organisations: OrganisationCharges[];
  totalPence: number;
}

function chargesFrom(range: ReportRange, policy: ChargePolicy, rows: ReportBooking[]): ChargesList {
  const charged = charges(policy)
    ? rows.filter((r) => r.status === 'did not attend' && !policy.exemptSectors.includes(r.organisation.sector) && chargeFor(policy, r.course.durationMinutes) > 0)
    : [];
  const organisations = groupBy(charged, (r) => r.organisation.id).map((group): OrganisationCharges => {
    const list = group.map((r) => ({
      bookingId: r.id,
      personName: r.person.name,
      email: r.person.email,
      courseTitle: r.course.title,
      sessionId: r.session.id,
      startsAt: r.session.startsAt,
      durationMinutes: r.course.durationMinutes,
      amountPence: chargeFor(policy, r.course.durationMinutes),
    }));
    return { ...group[0].organisation, charges: list, totalPence: sum(list.map((x) => x.amountPence)) };
  });
  return { range, policy, charging: charges(policy), organisations, totalPence: sum(organisations.map((o) => o.totalPence)) };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** The report and the charges for a range, from one read of the bookings. */
export async function nonAttendance(s: ServiceContext, range: ReportRange): Promise<{ report: NonAttendanceReport; charges: ChargesList }> {
  const rows = await reportBookings(s, range);
  return { report: summarise(range, rows), charges: chargesFrom(range, chargePolicy(s.partnership), rows) };
}

// ---- The list to invoice, as CSV ------------------------------------------------------

const CSV_HEADER = ['organisation', 'person', 'email', 'course', 'session date (London)', 'duration', 'amount £'];

/** One line per charge, by organisation; values a spreadsheet would run as a formula are written as text. */
export function chargesCsv(list: ChargesList): string {
  const lines = list.organisations.flatMap((o) =>
    o.charges.map((x) => [o.name, x.personName, x.email, x.courseTitle, toLondonFields(x.startsAt).date, duration(x.durationMinutes), poundsValue(x.amountPence)]),
  );
  return writeCsv([CSV_HEADER, ...lines]);
}

export const chargesFilename = (range: ReportRange) => `non-attendance-charges-${range.from}-to-${range.to}.csv`;

// ---- Setting the charges -------------------------------------------------------------

/** New charges, in pence, and the sectors never charged. */
export interface ChargePolicyChange {
  halfDay: number;
  fullDay: number;
  exemptSectors: Sector[];
}

/** Sets the partnership's charges, audited with what they were before. */
export async function updateChargePolicy(s: Pick<ServiceContext, 'db' | 'partnership' | 'actor' | 'clock'>, input: ChargePolicyChange): Promise<ChargePolicy> {
  const after: ChargePolicy = { halfDayPence: input.halfDay, fullDayPence: input.fullDay, exemptSectors: input.exemptSectors };
  return s.db.transaction(async (tx) => {
    const [before] = await tx.select().from(partnerships).where(eq(partnerships.id, s.partnership.id)).for('update');
    await tx
      .update(partnerships)
      .set({ nonAttendanceChargeHalfDayPence: after.halfDayPence, nonAttendanceChargeFullDayPence: after.fullDayPence, chargeExemptSectors: after.exemptSectors })
      .where(eq(partnerships.id, s.partnership.id));
    await auditChange(tx, s, 'partnership.charges.changed', 'partnership', s.partnership.id, { before: chargePolicy(before), after: { ...after } });
    return after;
  });
}
