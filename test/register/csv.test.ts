// The register as a CSV file: its headers, one row per booking, London times, quoting,
// and values a spreadsheet would run as formulas written as text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv, writeCsv } from '../../server/shared/csv';
import type { OpenDatabase } from '../../db/database';
import { cancelBooking } from '../../server/bookings/service';
import { buildApp, makePerson, seed, TestClient } from '../support/app';
import { createTestDatabase } from '../support/database';
import { bookingScope, makeSession } from '../support/fixtures';
import { registerPath, selfBooked } from './helpers';

let database: OpenDatabase;
let built: ReturnType<typeof buildApp>;
let coordinator: TestClient;

beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  built = buildApp(database.db);
  const person = await makePerson(database.db, ['coordinator']);
  coordinator = await new TestClient(built.app).signInAs(database.db, person.id, built.clock.now(), built.config);
});
afterAll(() => database.close());

/** One value as the CSV writer writes it: the file without its byte order mark and line end. */
const csvField = (value: string) => writeCsv([[value]]).slice(1, -2);

describe('a CSV field', () => {
  it('is written as text when a spreadsheet would read it as a formula', () => {
    expect(['=SUM(A1:A9)', '+44 114', '-1', '@cmd', '\tx', 'Sam'].map(csvField)).toEqual(["'=SUM(A1:A9)", "'+44 114", "'-1", "'@cmd", "'\tx", 'Sam']);
  });

  it('is quoted when it holds a comma, quote or line break, with quotes doubled', () => {
    expect(['Smith, Jo', 'Jo "JJ" Smith', 'two\nlines', '=1,2'].map(csvField)).toEqual(['"Smith, Jo"', '"Jo ""JJ"" Smith"', '"two\nlines"', `"'=1,2"`]);
  });
});

describe('GET /manage/sessions/:sessionId/register.csv', () => {
  it('downloads every booking with its status, position, person and London times', async () => {
    const { course, session } = await makeSession(database.db, { capacity: 2, startsAt: '2026-11-25T10:00:00Z', bookingClosesAt: '2026-11-24T17:00:00Z' });
    // Booked in summer: 09:00 UTC is 10:00 in London (BST).
    const summer = await selfBooked(database.db, session.id, { name: 'Sam "Summer" Day, Jr', now: '2026-06-10T09:00:00Z' });
    const formula = await selfBooked(database.db, session.id, { name: '=HYPERLINK("https://evil.example","Click")' });
    const waiting = await selfBooked(database.db, session.id, { name: '@Wren Waiting' });
    const second = await selfBooked(database.db, session.id, { name: 'Ned Next' });
    // Two days before the session: a late cancellation; Wren gets the place.
    await cancelBooking({ ...await bookingScope(database.db), actor: { id: formula.person.id, roles: ['practitioner'] } }, formula.booking.id);

    const res = await coordinator.get(`${registerPath(session.id)}.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const slug = course.title.toLowerCase().replaceAll(' ', '-');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="register-${slug}-2026-11-25.csv"`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const bytes = new Uint8Array(await res.arrayBuffer());
    // A UTF-8 byte order mark first, for Excel (a decoder drops it).
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text.split('\r\n')[0]).toBe('status,position,name,email,organisation,job title,booked at (London time),cancelled at (London time),late cancellation');
    expect(text.endsWith('\r\n')).toBe(true);
    // Quoted as RFC 4180 says, so a CSV reader gets the names back (with the formula made text).
    expect(text).toContain('"Sam ""Summer"" Day, Jr"');

    const [header, ...rows] = parseCsv(text).map((r) => r.fields);
    expect(header).toHaveLength(9);
    const org = rows[0][4];
    expect(org).toBeTruthy();
    // Places, then the waiting list, then cancellations (by name within each, in the database's collation).
    expect(rows.map((r) => r[0])).toEqual(['confirmed', 'confirmed', 'waitlisted', 'cancelled']);
    expect(rows.toSorted()).toEqual([
      ['confirmed', '', "'@Wren Waiting", waiting.person.email, org, 'Social worker', '2026-11-23 10:00', '', ''],
      ['confirmed', '', 'Sam "Summer" Day, Jr', summer.person.email, org, 'Social worker', '2026-06-10 10:00', '', ''],
      ['waitlisted', '1', 'Ned Next', second.person.email, org, 'Social worker', '2026-11-23 10:00', '', ''],
      ['cancelled', '', `'=HYPERLINK("https://evil.example","Click")`, formula.person.email, org, 'Social worker', '2026-11-23 10:00', '2026-11-23 10:00', 'yes'],
    ].toSorted());
  });

  it('has just the header for a session nobody has booked', async () => {
    const { session } = await makeSession(database.db);
    const text = await (await coordinator.get(`${registerPath(session.id)}.csv`)).text();
    expect(parseCsv(text)).toHaveLength(1);
  });
});
