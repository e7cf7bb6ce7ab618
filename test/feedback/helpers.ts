import { eq } from 'drizzle-orm';
import { inflateSync } from 'node:zlib';
import { expect } from 'vitest';
import type { Database } from '../../db/database';
import { courses, organisations } from '../../db/schema';
import { recordAttendance, type AttendanceMark } from '../../server/attendance/service';
import { bookPlace } from '../../server/bookings/service';
import { buildApp, makePerson, TestClient } from '../support/app';
import { bookingScope, makeSession } from '../support/fixtures';

export const OUTCOMES = ['Recognise the signs of neglect', 'Know how to make a referral', 'Use the graded care profile'];
/** Answers for the three outcomes above, as the form posts them. */
export const FORM_ANSWERS = {
  'outcomesMet-0': '4',
  'outcomesMet-1': '3',
  'outcomesMet-2': '2',
  relevance: '5',
  delivery: '4',
  confidenceBefore: '3',
  confidenceAfter: '8',
  willDoDifferently: 'Ask about home conditions at every visit',
  comments: 'Very useful',
};

/**
 * A person booked on a session of a course with three learning outcomes (3 hours long, the
 * session before the app's clock), their attendance marked as told (or not marked at all),
 * and a browser signed in as them.
 */
export async function attendance(
  db: Database,
  built: ReturnType<typeof buildApp>,
  options: { mark?: AttendanceMark | null; startsAt?: string; name?: string; person?: Person } = {},
) {
  const startsAt = options.startsAt ?? '2026-11-20T10:00:00Z';
  const s = await bookingScope(db, new Date(new Date(startsAt).getTime() - 10 * 86_400_000).toISOString());
  const { session, course } = await makeSession(db, { startsAt });
  const [withOutcomes] = await db.update(courses).set({ learningOutcomes: OUTCOMES }).where(eq(courses.id, course.id)).returning();
  const person = options.person ?? (await newPerson(db, options.name));
  const booking = await bookPlace({ ...s, actor: { id: person.id, roles: ['practitioner'] } }, { sessionId: session.id, personId: person.id });
  const mark = options.mark === undefined ? 'attended' : options.mark;
  if (mark) {
    s.clock.set(startsAt);
    await recordAttendance(s, session.id, { [booking.id]: mark });
  }
  const [organisation] = await db.select().from(organisations).where(eq(organisations.id, person.organisationId));
  const client = await new TestClient(built.app).signInAs(db, person.id, built.clock.now(), built.config);
  return { person, organisation, course: withOutcomes, session, booking, client };
}

type Person = Awaited<ReturnType<typeof newPerson>>;
async function newPerson(db: Database, name = `Alex Attendee ${Math.random().toString(36).slice(2, 8)}`) {
  return { ...(await makePerson(db, [], { name })), name };
}

/** A page has one h1, and every visible input, textarea and select has a label. */
export function expectAccessiblePage(html: string) {
  expect(html.match(/<h1[\s>]/g) ?? []).toHaveLength(1);
  for (const [, tag, attrs] of html.matchAll(/<(input|textarea|select)\b([^>]*)>/g)) {
    if (/type="hidden"/.test(attrs)) continue;
    const id = attrs.match(/\bid="([^"]+)"/)?.[1];
    expect(id, `${tag} without an id`).toBeTruthy();
    expect(html, `${tag} #${id} has no label`).toContain(`for="${id}"`);
  }
}

/** The text drawn on a PDF's pages: each content stream inflated, and its hex strings decoded. */
export function pdfText(bytes: Uint8Array): string {
  const raw = Buffer.from(bytes).toString('latin1');
  const shown: string[] = [];
  // Each stream's bytes by its /Length: compressed data may itself end in what looks like a line break.
  for (const match of raw.matchAll(/\/Length (\d+)[^>]*>>\s*stream\r?\n/g)) {
    const start = match.index! + match[0].length;
    const body = Buffer.from(raw.slice(start, start + Number(match[1])), 'latin1');
    let content: string;
    try {
      content = inflateSync(body).toString('latin1');
    } catch {
      content = body.toString('latin1');
    }
    for (const [, hex] of content.matchAll(/<([0-9A-Fa-f]+)>\s*Tj/g)) shown.push(Buffer.from(hex, 'hex').toString('latin1'));
  }
  return shown.join('\n');
}
