// Shared pieces of the register tests: a database with coordinators and practitioners,
// bookings made through the booking rules, page checks and a snapshot of what the
// register's actions write.
import { asc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Database } from '../../db/database';
import { auditLog, bookings, outbox, people, sessions } from '../../db/schema';
import { bookPlace } from '../../server/bookings/service';
import { makePerson } from '../support/app';
import { bookingScope } from '../support/fixtures';

export const registerPath = (sessionId: string) => `/manage/sessions/${sessionId}/register`;

/** A practitioner who books (or is put on the waiting list for) the session themselves. */
export async function selfBooked(db: Database, sessionId: string, options: { name?: string; lineManagerEmail?: string; now?: string } = {}) {
  const person = await makePerson(db, [], { name: options.name });
  if (options.lineManagerEmail) await db.update(people).set({ lineManagerEmail: options.lineManagerEmail }).where(eq(people.id, person.id));
  const booking = await bookPlace({ ...await bookingScope(db, options.now), actor: { id: person.id, roles: ['practitioner'] } }, { sessionId, personId: person.id });
  return { person, booking };
}

export async function bookingRow(db: Database, bookingId: string) {
  const [row] = await db.select().from(bookings).where(eq(bookings.id, bookingId));
  return row;
}

export async function sessionRow(db: Database, sessionId: string) {
  const [row] = await db.select().from(sessions).where(eq(sessions.id, sessionId));
  return row;
}

/** Every row the register's actions write, to show a refused request changed nothing. */
export async function snapshot(db: Database) {
  return {
    bookings: await db.select().from(bookings).orderBy(asc(bookings.id)),
    sessions: await db.select().from(sessions).orderBy(asc(sessions.id)),
    outbox: await db.select({ id: outbox.id }).from(outbox).orderBy(asc(outbox.id)),
    auditLog: (await db.select().from(auditLog).orderBy(asc(auditLog.id))).filter((a) => a.action !== 'person.created'),
  };
}

/** The success banner's text, if the page has one. */
export const banner = (html: string) => html.match(/<p class="govuk-notification-banner__heading">([^<]*)<\/p>/)?.[1];

/** The error summary's messages; each must link to an element of the page. */
export function errorMessages(html: string) {
  const summary = html.match(/<div class="govuk-error-summary"[\s\S]*?<\/ul>/)?.[0] ?? '';
  const links = [...summary.matchAll(/<a href="#([^"]+)">([^<]+)<\/a>/g)];
  for (const [, field] of links) expect(html, `target of #${field}`).toContain(`id="${field}"`);
  return links.map((m) => m[2]);
}

/** One h1, ids used once, and a label for every visible field. */
export function expectWellFormedPage(html: string, where: string) {
  expect(html.match(/<h1[ >]/g)?.length, `one h1 on ${where}`).toBe(1);
  const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
  expect(ids.length, `unique ids on ${where}`).toBe(new Set(ids).size);
  for (const field of html.matchAll(/<(?:input|textarea|select) [^>]*id="([^"]+)"/g)) {
    expect(html, `label for ${field[1]} on ${where}`).toContain(`for="${field[1]}"`);
  }
  for (const field of html.matchAll(/<input (?![^>]*type="hidden")[^>]*>/g)) expect(field[0], `a visible input with an id on ${where}`).toMatch(/ id="/);
  errorMessages(html);
}
