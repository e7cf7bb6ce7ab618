import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { chargesCsv, nonAttendance, reportRange, type ReportRange } from '../../server/attendance/non-attendance';
import { DomainError } from '../../server/shared/errors';
import { rangeQuery } from '../../server/attendance/schemas';
import { fieldErrors } from '../../server/http/forms';
import { givenValues } from '../../server/http/params';
import { buildApp, seed, TestClient } from '../support/app';
import { createTestDatabase } from '../support/database';
import { bookingScope } from '../support/fixtures';
import { errorSummary, signedIn, type Built } from '../manage/helpers';
import { expectWellFormedPage } from '../register/helpers';
import { bookingYear, ORGS, setCharges, type BookingYear } from './helpers';
import { loadSignedInPerson } from '../../server/accounts/sessions';

let database: OpenDatabase;
let built: Built;
let coordinator: TestClient;
let coordinatorId: string;
let year: BookingYear;
const YEAR: ReportRange = { from: '2026-04-01', to: '2027-03-31' };
const FROM_OCTOBER: ReportRange = { from: '2026-10-01', to: '2027-03-31' };

beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  built = buildApp(database.db);
  const signed = await signedIn(database.db, built, ['coordinator']);
  coordinator = signed.client;
  coordinatorId = signed.person.id;
  year = await bookingYear(database.db);
});
afterAll(() => database.close());

const run = async (range: ReportRange) => nonAttendance(await bookingScope(database.db), range);

/** The text of each cell of the table row whose first cell is `first`. */
function tableRow(html: string, first: string): string[] | undefined {
  for (const row of html.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)) {
    const cells = [...row[1].matchAll(/<td class="govuk-table__cell">([\s\S]*?)<\/td>/g)].map((m) => m[1].replace(/<[^>]+>/g, '').trim());
    if (cells[0] === first) return cells;
  }
  return undefined;
}

describe('the report by organisation and by session', () => {
  it('counts places, attendance, did not attend and late cancellations by organisation', async () => {
    const { report } = await run(YEAR);
    const counts = (name: string) => report.organisations.find((o) => o.name === name);
    expect(report.organisations.map((o) => o.name)).toEqual([ORGS.rmbc, ORGS.syp, ORGS.trft]);
    expect(counts(ORGS.rmbc)).toMatchObject({ sector: 'Local authority', places: 4, attended: 2, partlyAttended: 0, didNotAttend: 2, notMarked: 0, lateCancellations: 1, nonAttendanceRate: 0.6 });
    expect(counts(ORGS.syp)).toMatchObject({ places: 3, attended: 0, partlyAttended: 1, didNotAttend: 2, notMarked: 0, lateCancellations: 0 });
    expect(counts(ORGS.syp)?.nonAttendanceRate).toBeCloseTo(2 / 3);
    // A cancellation in good time is not counted at all; a place not yet marked is.
    expect(counts(ORGS.trft)).toMatchObject({ places: 2, attended: 0, didNotAttend: 1, notMarked: 1, lateCancellations: 0, nonAttendanceRate: 0.5 });
    expect(report.totals).toEqual({ places: 9, attended: 2, partlyAttended: 1, didNotAttend: 5, notMarked: 1, lateCancellations: 1, nonAttendanceRate: 0.6 });
  });

  it('lists the sessions with non-attendance by date, leaving out upcoming and cancelled sessions', async () => {
    const { report } = await run(YEAR);
    expect(report.sessions.map((x) => ({ id: x.id, title: x.courseTitle, capacity: x.capacity, dna: x.didNotAttend, late: x.lateCancellations }))).toEqual([
      { id: year.sessions.e.id, title: expect.stringMatching(/^Test course/), capacity: 20, dna: 1, late: 0 },
      { id: year.sessions.a.id, title: 'Neglect Awareness', capacity: 10, dna: 3, late: 1 },
      { id: year.sessions.b.id, title: 'Working with Neglect (full day)', capacity: 12, dna: 1, late: 0 },
    ]);
  });

  it('covers only the sessions that started in the dates asked for', async () => {
    const { report } = await run(FROM_OCTOBER);
    expect(report.sessions.map((x) => x.id)).toEqual([year.sessions.a.id, year.sessions.b.id]);
    expect(report.organisations.find((o) => o.name === ORGS.syp)).toMatchObject({ places: 2, didNotAttend: 1, nonAttendanceRate: 0.5 });
    expect(report.totals).toMatchObject({ places: 8, didNotAttend: 4, lateCancellations: 1 });
    // Both ends are London dates and included: the session on 6 October alone.
    expect((await run({ from: '2026-10-06', to: '2026-10-06' })).report.sessions.map((x) => x.id)).toEqual([year.sessions.a.id]);
    expect((await run({ from: '2027-01-01', to: '2027-03-31' })).report).toMatchObject({ organisations: [], sessions: [], totals: { places: 0, nonAttendanceRate: null } });
  });
});

describe('the dates a report covers', () => {
  const coordinatorScope = async () => {
    const s = await bookingScope(database.db);
    return { ...s, actor: (await loadSignedInPerson(database.db, coordinatorId, s.partnership.id)) ?? null };
  };
  /** The query as the edge reads it (blank means not given), then the rule. */
  const rangeOf = async (query: Record<string, string>) => reportRange(await coordinatorScope(), rangeQuery.parse(givenValues(query)));
  const refusal = async (query: Record<string, string>) => {
    const parsed = rangeQuery.safeParse(givenValues(query));
    if (!parsed.success) return fieldErrors(parsed.error);
    const error = await reportRange(await coordinatorScope(), parsed.data).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).fields;
  };

  it('defaults to the current prospectus year, and reads both date forms', async () => {
    expect(await rangeOf({})).toEqual(YEAR);
    expect(await rangeOf({ from: '01/10/2026', to: '' })).toEqual(FROM_OCTOBER);
  });

  it('refuses a date that is not real, and a last date before the first', async () => {
    expect(await refusal({ from: '2026-02-30' })).toEqual({ from: expect.stringContaining('Enter the first date as a real date') });
    expect(await refusal({ to: 'soon' })).toEqual({ to: expect.stringContaining('Enter the last date as a real date') });
    expect(await refusal({ from: '2026-10-02', to: '2026-10-01' })).toEqual({ to: 'The last date must be the same as or after the first date' });
    // A first date after the year's end, with the last date left to the default, breaks the rule itself.
    expect(await refusal({ from: '2027-06-01' })).toEqual({ to: 'The last date must be the same as or after the first date' });
  });
});

describe('charges for non-attendance', () => {
  beforeEach(() => setCharges(database.db, 0, 0));

  it('lists nothing while both amounts are 0', async () => {
    const { charges } = await run(YEAR);
    expect(charges).toMatchObject({ charging: false, organisations: [], totalPence: 0 });
    expect(chargesCsv(charges)).toBe('\uFEFForganisation,person,email,course,session date (London),duration,amount £\r\n');
  });

  it('charges each did-not-attend at the half-day or full-day amount, never a late cancellation, and not exempt sectors', async () => {
    await setCharges(database.db, 2500, 6000, ['Health']);
    const { charges } = await run(YEAR);
    expect(charges.charging).toBe(true);
    expect(charges.organisations.map((o) => [o.name, o.totalPence, o.charges.map((x) => [x.personName, x.durationMinutes, x.amountPence])])).toEqual([
      [ORGS.rmbc, 8500, [['=Dee Danger', 180, 2500], ['Alex Attender', 360, 6000]]],
      [ORGS.syp, 5000, [['Pat Partly', 180, 2500], ['@Sam Formula', 180, 2500]]],
    ]);
    expect(charges.totalPence).toBe(13500);
    expect(charges.organisations[0].charges[0].bookingId).toBe(year.bookings.deeMissed.id);
  });

  it('charges every sector when none is exempt, and only what has an amount', async () => {
    await setCharges(database.db, 2500, 0);
    const { charges } = await run(FROM_OCTOBER);
    expect(charges.organisations.map((o) => [o.name, o.charges.map((x) => x.personName)])).toEqual([
      [ORGS.rmbc, ['=Dee Danger']],
      [ORGS.syp, ['@Sam Formula']],
      [ORGS.trft, ['Tom Truant']],
    ]);
    expect(charges.totalPence).toBe(7500);
  });

  it('writes the list as CSV, with formulas neutralised', async () => {
    await setCharges(database.db, 2500, 6000, ['Health']);
    const { charges } = await run(FROM_OCTOBER);
    expect(chargesCsv(charges).split('\r\n')).toEqual([
      '\uFEFForganisation,person,email,course,session date (London),duration,amount £',
      `${ORGS.rmbc},'=Dee Danger,dee.danger@partner.example,Neglect Awareness,2026-10-06,3 hours,25.00`,
      `${ORGS.rmbc},Alex Attender,alex.attender@partner.example,Working with Neglect (full day),2026-10-20,6 hours,60.00`,
      `${ORGS.syp},'@Sam Formula,sam.formula@partner.example,Neglect Awareness,2026-10-06,3 hours,25.00`,
      '',
    ]);
  });
});

describe('the non-attendance page', () => {
  beforeEach(() => setCharges(database.db, 0, 0));

  it('shows the year’s report by organisation and by session', async () => {
    const res = await coordinator.get('/manage/non-attendance');
    expect(res.status).toBe(200);
    const html = await res.text();
    expectWellFormedPage(html, '/manage/non-attendance');
    expect(html).toContain('Sessions from Wednesday 1 April 2026 to Wednesday 31 March 2027');
    expect(tableRow(html, ORGS.rmbc)).toEqual([ORGS.rmbc, '4', '2', '0', '2', '0', '1', '60%']);
    expect(tableRow(html, ORGS.trft)).toEqual([ORGS.trft, '2', '0', '0', '1', '1', '0', '50%']);
    expect(tableRow(html, 'Neglect Awareness')).toEqual(['Neglect Awareness', '6 Oct 2026', '10', '3', '1']);
    expect(html).toContain(`href="/manage/sessions/${year.sessions.a.id}/register"`);
    expect(html).toContain('The partnership does not charge for non-attendance.');
    expect(html).not.toContain('charges.csv');
  });

  it('takes the dates from the query', async () => {
    const html = await (await coordinator.get('/manage/non-attendance?from=2026-10-01&to=2026-10-31')).text();
    expect(html).toContain('value="2026-10-01"');
    expect(tableRow(html, ORGS.syp)).toEqual([ORGS.syp, '2', '0', '1', '1', '0', '0', '50%']);
  });

  it('shows the charges to invoice by organisation, with the CSV to download', async () => {
    await setCharges(database.db, 2500, 6000, ['Health']);
    const html = await (await coordinator.get('/manage/non-attendance?from=2026-10-01')).text();
    expectWellFormedPage(html, 'the report with charges');
    expect(html).toContain('Each booking marked did not attend is charged £25.00 for a course of up to 4 hours and £60.00 for a longer one. Late cancellations are not charged. Organisations in these sectors are not charged: Health.');
    expect(html).toContain(`${ORGS.rmbc}: £85.00`);
    expect(html).toContain(`${ORGS.syp}: £25.00`);
    expect(html).not.toContain(`${ORGS.trft}: £`);
    expect(html).toContain('Total to invoice: £110.00');
    expect(html).toContain('href="/manage/non-attendance/charges.csv?from=2026-10-01&amp;to=2027-03-31"');

    const csv = await coordinator.get('/manage/non-attendance/charges.csv?from=2026-10-01&to=2027-03-31');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="non-attendance-charges-2026-10-01-to-2027-03-31.csv"');
    expect(csv.headers.get('cache-control')).toBe('no-store');
    const text = await csv.text();
    expect(text.split('\r\n')).toHaveLength(5);
    expect(text).toContain("'=Dee Danger");
  });

  it('answers bad dates with the form and its errors (400), and no report', async () => {
    for (const [query, message] of [
      ['from=31/02/2026', 'Enter the first date as a real date'],
      ['from=2026-10-02&to=2026-10-01', 'The last date must be the same as or after the first date'],
    ]) {
      const res = await coordinator.get(`/manage/non-attendance?${query}`);
      expect(res.status, query).toBe(400);
      const html = await res.text();
      expect(html).toContain('<title>Error: ');
      const summary = errorSummary(html);
      expect(summary.map((e) => e.message).join('\n')).toContain(message);
      for (const entry of summary) expect(entry.hasTarget).toBe(true);
      expect(html).not.toContain('By organisation');
      expectWellFormedPage(html, query);
    }
    expect((await coordinator.get('/manage/non-attendance/charges.csv?to=never')).status).toBe(400);
  });

  it('is linked from the Manage dashboard, with the e-learning import', async () => {
    const html = await (await coordinator.get('/manage')).text();
    expect(html).toContain('href="/manage/non-attendance"');
    expect(html).toContain('href="/manage/e-learning"');
  });
});
