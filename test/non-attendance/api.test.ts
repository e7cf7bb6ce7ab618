import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { ChargesSchema, NonAttendanceReportSchema } from '../../server/api/reports';
import { buildApp, seed } from '../support/app';
import { createTestDatabase } from '../support/database';
import { callApi, expectBody, expectProblem, personWithToken } from '../api/support';
import { bookingYear, ORGS, setCharges, type BookingYear } from './helpers';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;
let coordinator: Awaited<ReturnType<typeof personWithToken>>;
let practitioner: Awaited<ReturnType<typeof personWithToken>>;
let year: BookingYear;

/** A fresh database with a coordinator, a practitioner and a booking year, made the file's current one. */
async function openWorld() {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  built = buildApp(database.db);
  coordinator = await personWithToken(database.db, built, ['coordinator']);
  practitioner = await personWithToken(database.db, built, []);
  year = await bookingYear(database.db);
}
beforeAll(openWorld);
afterAll(() => database.close());

const get = (path: string, token = coordinator.token) => callApi(built, path, token);

describe('GET /api/v1/reports/non-attendance', () => {
  it('gives the current prospectus year by organisation and by session', async () => {
    const report = await expectBody(await get('/api/v1/reports/non-attendance'), NonAttendanceReportSchema);
    expect(report).toMatchObject({ from: '2026-04-01', to: '2027-03-31', totals: { places: 9, didNotAttend: 5, lateCancellations: 1, nonAttendanceRate: 0.6 } });
    expect(report.organisations.find((o) => o.name === ORGS.rmbc)).toEqual({
      id: expect.any(String),
      name: ORGS.rmbc,
      sector: 'Local authority',
      places: 4,
      attended: 2,
      partlyAttended: 0,
      didNotAttend: 2,
      notMarked: 0,
      lateCancellations: 1,
      nonAttendanceRate: 0.6,
    });
    expect(report.sessions.find((x) => x.id === year.sessions.a.id)).toEqual({
      id: year.sessions.a.id,
      courseId: year.courses.a.id,
      courseTitle: 'Neglect Awareness',
      startsAt: '2026-10-06T09:00:00.000Z',
      capacity: 10,
      didNotAttend: 3,
      lateCancellations: 1,
    });
  });

  it('takes the dates from the query, and answers bad ones with a 400 naming them, and dates out of order with a 422', async () => {
    const october = await expectBody(await get('/api/v1/reports/non-attendance?from=2026-10-01&to=2026-10-31'), NonAttendanceReportSchema);
    expect(october.sessions.map((x) => x.id)).toEqual([year.sessions.a.id, year.sessions.b.id]);
    for (const [query, field, status] of [
      ['from=tomorrow', 'from', 400],
      ['to=2026-13-01', 'to', 400],
      ['from=2026-10-02&to=2026-10-01', 'to', 422],
    ] as const) {
      const problem = await expectProblem(await get(`/api/v1/reports/non-attendance?${query}`), status);
      expect(Object.keys(problem.errors ?? {}), query).toEqual([field]);
    }
  });
});

describe('GET /api/v1/reports/charges', () => {
  it('lists nothing while the partnership does not charge', async () => {
    const charges = await expectBody(await get('/api/v1/reports/charges'), ChargesSchema);
    expect(charges).toMatchObject({ charging: false, organisations: [], totalPence: 0, policy: { halfDayPence: 0, fullDayPence: 0, exemptSectors: [] } });
  });

});

describe('GET /api/v1/reports/charges once the partnership charges', () => {
  // Setting a charge policy changes every charges report after it, so this block has a database of its own.
  let outer: [typeof database, typeof built, typeof coordinator, typeof practitioner, typeof year];
  beforeAll(async () => {
    outer = [database, built, coordinator, practitioner, year];
    await openWorld();
  });
  afterAll(async () => {
    await database.close();
    [database, built, coordinator, practitioner, year] = outer;
  });

  it('lists each did-not-attend to invoice by organisation, by the policy', async () => {
    await setCharges(database.db, 2500, 6000, ['Health']);
    const charges = await expectBody(await get('/api/v1/reports/charges?from=2026-10-01'), ChargesSchema);
    expect(charges).toMatchObject({ from: '2026-10-01', to: '2027-03-31', charging: true, totalPence: 11000, policy: { exemptSectors: ['Health'] } });
    expect(charges.organisations.map((o) => [o.name, o.totalPence])).toEqual([
      [ORGS.rmbc, 8500],
      [ORGS.syp, 2500],
    ]);
    expect(charges.organisations[0].charges[1]).toEqual({
      bookingId: year.bookings.alexMissed.id,
      personName: 'Alex Attender',
      email: 'alex.attender@partner.example',
      courseTitle: 'Working with Neglect (full day)',
      sessionId: year.sessions.b.id,
      startsAt: '2026-10-20T09:00:00.000Z',
      durationMinutes: 360,
      amountPence: 6000,
    });
  });

  it('is for coordinators only', async () => {
    for (const path of ['/api/v1/reports/charges', '/api/v1/reports/non-attendance']) {
      await expectProblem(await get(path, practitioner.token), 403);
      await expectProblem(await callApi(built, path), 401);
    }
  });
});
