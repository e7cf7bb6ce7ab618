// Shared pieces of the Manage tests: signed-in clients, valid forms, and a snapshot of
// every table the Manage pages write, to show a refused form changed nothing.
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../db/database';
import {
  auditLog,
  courseCompetencies,
  courses,
  courseWorkforceGroups,
  organisations,
  personRoles,
  prospectuses,
  sessions,
  sessionTrainers,
  type Role,
} from '../../db/schema';
import { buildApp, makePerson, TestClient } from '../support/app';

export type Built = ReturnType<typeof buildApp>;

export async function signedIn(db: Database, built: Built, roles: Role[]) {
  const person = await makePerson(db, roles);
  const client = await new TestClient(built.app).signInAs(db, person.id, built.clock.now(), built.config);
  return { client, person };
}

/** The id in a redirect's location, after the given path prefix. */
export function idIn(res: Response, prefix: string): string {
  const location = res.headers.get('location') ?? '';
  const match = location.match(new RegExp(`^${prefix}/([0-9a-f-]{36})`));
  if (!match) throw new Error(`Expected a redirect to ${prefix}/<id>, got ${res.status} ${location}`);
  return match[1];
}

export const dateParts = (name: string, iso: string) => {
  const [year, month, day] = iso.split('-');
  return { [`${name}-day`]: day, [`${name}-month`]: month, [`${name}-year`]: year };
};

export const prospectusForm = (year: string, overrides: Record<string, string> = {}) => {
  const first = Number(year.slice(0, 4));
  return {
    year,
    title: `Learning and development prospectus ${year}`,
    introduction: 'Free inter-agency training for everyone who works with children.',
    ...dateParts('startsOn', `${first}-04-01`),
    ...dateParts('endsOn', `${first + 1}-03-31`),
    ...overrides,
  };
};

export const courseForm = (overrides: Record<string, string | string[]> = {}) => ({
  title: 'Contextual Safeguarding in Practice',
  summary: 'Harm outside the home: peers, places and online spaces.',
  learningOutcomes: 'Explain contextual safeguarding\nMap the places where a young person is at risk',
  themes: ['Child exploitation', 'Online safety'],
  deliveryMode: 'Face to face',
  durationMinutes: '180',
  provider: 'Partnership trainer',
  prerequisites: '',
  requiresManagerApproval: 'no',
  asksManagerFollowUp: 'no',
  ...overrides,
});

export const sessionForm = (date: string, overrides: Record<string, string | string[]> = {}) => ({
  ...dateParts('date', date),
  startTime: '09:30',
  endTime: '12:30',
  where: 'venue',
  venue: 'Riverside House, Main Street, Rotherham S60 1AE',
  joiningLink: '',
  capacity: '20',
  'bookingClosesDate-day': '',
  'bookingClosesDate-month': '',
  'bookingClosesDate-year': '',
  bookingClosesTime: '',
  trainerName: '',
  ...overrides,
});

/** Every row of every table a Manage page writes, in a stable order. */
export async function snapshot(db: Database) {
  return {
    prospectuses: await db.select().from(prospectuses).orderBy(asc(prospectuses.id)),
    courses: await db.select().from(courses).orderBy(asc(courses.id)),
    courseWorkforceGroups: await db.select().from(courseWorkforceGroups).orderBy(asc(courseWorkforceGroups.courseId), asc(courseWorkforceGroups.workforceGroupId)),
    courseCompetencies: await db.select().from(courseCompetencies).orderBy(asc(courseCompetencies.courseId), asc(courseCompetencies.competencyId)),
    sessions: await db.select().from(sessions).orderBy(asc(sessions.id)),
    sessionTrainers: await db.select().from(sessionTrainers).orderBy(asc(sessionTrainers.sessionId), asc(sessionTrainers.personId)),
    organisations: await db.select().from(organisations).orderBy(asc(organisations.id)),
    personRoles: await db.select().from(personRoles).orderBy(asc(personRoles.personId), asc(personRoles.role)),
    auditLog: await db.select().from(auditLog).orderBy(asc(auditLog.id)),
  };
}

export async function auditFor(db: Database, subjectId: string) {
  return db.select().from(auditLog).where(eq(auditLog.subjectId, subjectId)).orderBy(asc(auditLog.at), asc(auditLog.seq));
}

/** The error summary's messages and links; each link must land on a field of the page. */
export function errorSummary(html: string) {
  const summary = html.match(/<div class="govuk-error-summary"[\s\S]*?<\/ul>/)?.[0] ?? '';
  return [...summary.matchAll(/<a href="#([^"]+)">([^<]+)<\/a>/g)].map((m) => ({ field: m[1], message: m[2], hasTarget: html.includes(`id="${m[1]}"`) }));
}
