// The people and objects the authorization matrix (test/accounts/access-*.test.ts) asks about:
// the demo partnership with one person per role, objects each of them owns, another person's,
// another trainer's session, and a second partnership holding one of everything. Built once per
// test file over the demo template; the cases call the app as each role through `callAs`.
import { and, asc, eq, isNull, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import {
  answerThemes,
  apiTokens,
  bookingApprovals,
  bookings,
  competencyConfirmationRequests,
  competencies,
  competencyFrameworks,
  courses,
  feedback,
  followUpLinks,
  followUpSurveys,
  impactResponses,
  organisations,
  outbox,
  partnerships,
  people,
  prospectuses,
  ROLES,
  sessions,
  sessionTrainers,
  signInTokens,
  workforceGroupRequests,
  workforceGroups,
  type BookingStatus,
  type Role,
} from '../../db/schema';
import { createApiToken } from '../../server/accounts/api-tokens';
import { createSession, loadSignedInPerson, sessionPolicy } from '../../server/accounts/sessions';
import { routeTable } from '../../server/app';
import { isApiPath } from '../../server/http/routes';
import { generateToken, hashToken, hmac } from '../../server/shared/tokens';
import { buildApp, makePerson, TestClient } from './app';
import { createTestDatabase } from './database';

export type Who = 'anonymous' | Role;
export const EVERYONE: readonly Who[] = ['anonymous', ...ROLES];

/** The demo's holder of each role (each is a practitioner too). */
const ROLE_HOLDERS: Record<Role, string> = {
  practitioner: 'practitioner@rscp.example',
  trainer: 'trainer@rscp.example',
  coordinator: 'coordinator@rscp.example',
  reviewer: 'reviewer@rscp.example',
  'organisation lead': 'lead@rscp.example',
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** An id nothing has. */
export const UNKNOWN = '00000000-0000-4000-8000-000000000000';

export type World = Awaited<ReturnType<typeof buildWorld>>;

/** A certificate's code as the app prints them, XXXX-XXXX-XX. */
const certificateCode = () => {
  const code = generateToken().slice(0, 10).toUpperCase();
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
};

export async function buildWorld() {
  const database: OpenDatabase = await createTestDatabase({ demo: true });
  const { db } = database;
  const built = buildApp(db);
  const now = built.clock.now();
  const [home] = await db.select().from(partnerships).where(eq(partnerships.slug, 'rotherham'));

  const personOf = {} as Record<Role, string>;
  for (const role of ROLES) {
    const [p] = await db.select({ id: people.id }).from(people).where(eq(people.email, ROLE_HOLDERS[role]));
    if (!p) throw new Error(`The demo has no ${ROLE_HOLDERS[role]}`);
    personOf[role] = p.id;
  }
  // People may ask their line managers to confirm competencies, and each role holder has one.
  await db.update(partnerships).set({ managerConfirmations: true }).where(eq(partnerships.id, home.id));
  home.managerConfirmations = true;
  for (const role of ROLES) await db.update(people).set({ lineManagerEmail: `manager.of.${role.replace(' ', '-')}@partner.example` }).where(eq(people.id, personOf[role]));
  const [lead] = await db.select().from(people).where(eq(people.id, personOf['organisation lead']));
  const leadsOrganisation = lead.organisationId;
  const [elsewhere] = await db
    .select({ id: organisations.id })
    .from(organisations)
    .where(and(eq(organisations.partnershipId, home.id), ne(organisations.id, leadsOrganisation)))
    .orderBy(asc(organisations.name))
    .limit(1);
  const otherOrganisation = elsewhere.id;

  // People who hold nothing but are someone else: one in the lead's organisation, one outside it.
  const colleague = await makePerson(db, [], { name: 'Colleague In Leads Organisation' });
  await db.update(people).set({ organisationId: leadsOrganisation }).where(eq(people.id, colleague.id));
  const stranger = await makePerson(db, [], { name: 'Someone Elsewhere' });
  await db.update(people).set({ organisationId: otherOrganisation }).where(eq(people.id, stranger.id));
  const otherTrainer = await makePerson(db, ['trainer'], { name: 'Another Trainer' });

  const [prospectus] = await db.select().from(prospectuses).where(and(eq(prospectuses.partnershipId, home.id), eq(prospectuses.status, 'published'), isNull(prospectuses.importedAt))).orderBy(asc(prospectuses.startsOn));
  const [course] = await db.select().from(courses).where(and(eq(courses.prospectusId, prospectus.id), eq(courses.deliveryMode, 'Face to face'), eq(courses.requiresManagerApproval, false))).limit(1);
  const [eLearning] = await db.select().from(courses).where(and(eq(courses.partnershipId, home.id), eq(courses.deliveryMode, 'E-learning'))).limit(1);

  /** A session of the course, starting `fromNow` after the test's now, trained by `trainerId`. */
  const newSession = async (options: { fromNow?: number; trainerId?: string | null; partnershipId?: string; courseId?: string } = {}) => {
    const startsAt = new Date(now.getTime() + (options.fromNow ?? 20 * DAY));
    const [session] = await db
      .insert(sessions)
      .values({
        partnershipId: options.partnershipId ?? home.id,
        courseId: options.courseId ?? course.id,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 3 * HOUR),
        venue: 'Riverside House',
        capacity: 20,
        bookingClosesAt: new Date(startsAt.getTime() - DAY),
      })
      .returning();
    if (options.trainerId !== null) await db.insert(sessionTrainers).values({ sessionId: session.id, personId: options.trainerId ?? personOf.trainer });
    return session.id;
  };
  /** A booking of the person's, counted in the session's places when it holds one. */
  const newBooking = async (personId: string, sessionId: string, status: BookingStatus = 'confirmed', partnershipId = home.id) => {
    const [booking] = await db
      .insert(bookings)
      .values({
        partnershipId,
        sessionId,
        personId,
        status,
        attendanceRecordedAt: status === 'attended' ? now : null,
        approvalExpiresAt: status === 'pending approval' ? new Date(now.getTime() + 5 * DAY) : null,
        certificateCode: status === 'attended' ? certificateCode() : null,
      })
      .returning();
    if (status === 'confirmed' || status === 'pending approval') {
      const [s] = await db.select().from(sessions).where(eq(sessions.id, sessionId));
      await db.update(sessions).set({ placesTaken: s.placesTaken + 1 }).where(eq(sessions.id, sessionId));
    }
    return booking;
  };
  /** A sent three-month survey of an attended booking, with the token its email carried. */
  const newSurvey = async (bookingId: string, partnershipId = home.id) => {
    const [survey] = await db
      .insert(followUpSurveys)
      .values({ partnershipId, bookingId, respondent: 'attendee', status: 'sent', dueAt: new Date(now.getTime() - DAY), sentAt: new Date(now.getTime() - DAY), closesAt: new Date(now.getTime() + 40 * DAY) })
      .returning();
    const token = generateToken();
    await db.insert(followUpLinks).values({ tokenHash: hashToken(token), surveyId: survey.id });
    return { id: survey.id, token };
  };

  // Sessions: the trainer's own one running now (its register open), another trainer's, one to book.
  const trainersSession = await newSession({ fromNow: -HOUR / 2 });
  const otherTrainersSession = await newSession({ fromNow: -HOUR / 2, trainerId: otherTrainer.id });
  const bookable = await newSession({ fromNow: 30 * DAY, trainerId: null });
  const pastSession = await newSession({ fromNow: -10 * DAY });

  // Each role's own objects: a place to cancel, an attended place (feedback, certificate, survey).
  const own = {} as Record<Role, { booking: string; attended: string; certified: string; survey: { id: string; token: string }; apiToken: string }>;
  /** An attended place with its feedback given, so its certificate can be had. */
  const newCertified = async (personId: string, sessionId = pastSession, partnershipId = home.id) => {
    const booking = await newBooking(personId, sessionId, 'attended', partnershipId);
    await db.insert(feedback).values({ partnershipId, bookingId: booking.id, outcomesMet: course.learningOutcomes.map(() => 4), relevance: 5, delivery: 5, confidenceBefore: 5, confidenceAfter: 8 });
    return booking.id;
  };
  const ownedBy = async (personId: string) => {
    const booking = (await newBooking(personId, bookable)).id;
    const attended = (await newBooking(personId, pastSession, 'attended')).id;
    const certified = await newCertified(personId);
    const survey = await newSurvey(attended);
    return { booking, attended, certified, survey };
  };
  for (const role of ROLES) {
    const made = await ownedBy(personOf[role]);
    const [token] = await db.insert(apiTokens).values({ partnershipId: home.id, personId: personOf[role], name: 'Own token', tokenHash: hashToken(generateToken()), prefix: 'sct_own' }).returning();
    own[role] = { ...made, apiToken: token.id };
  }
  const strangers = await ownedBy(stranger.id);
  const [strangersToken] = await db.insert(apiTokens).values({ partnershipId: home.id, personId: stranger.id, name: 'Their token', tokenHash: hashToken(generateToken()), prefix: 'sct_their' }).returning();
  // A booking on the trainer's session (to mark), on the other trainer's session.
  const onTrainersSession = await newBooking(stranger.id, trainersSession);
  const onOtherTrainersSession = await newBooking(stranger.id, otherTrainersSession);

  // A second partnership in the same database, with one of everything.
  const [other] = await db.insert(partnerships).values({ slug: 'sheffield', name: 'Sheffield Children Safeguarding Partnership', shortName: 'SCSP', area: 'Sheffield' }).returning();
  const [otherOrg] = await db.insert(organisations).values({ partnershipId: other.id, name: 'Sheffield City Council', shortName: 'SCC', sector: 'Local authority', partnerStatus: 'statutory partner' }).returning();
  const [otherPerson] = await db.insert(people).values({ partnershipId: other.id, name: 'Sian Sheffield', email: 'sian@sheffield.example', organisationId: otherOrg.id, jobTitle: 'Social worker' }).returning();
  const [otherProspectus] = await db.insert(prospectuses).values({ partnershipId: other.id, year: '2099-00', title: 'Sheffield prospectus', startsOn: '2026-04-01', endsOn: '2027-03-31', status: 'published' }).returning();
  const [otherCourse] = await db
    .insert(courses)
    .values({ partnershipId: other.id, prospectusId: otherProspectus.id, title: 'Sheffield course', summary: 'Elsewhere', learningOutcomes: ['Learn'], themes: ['Neglect'], deliveryMode: 'Face to face', durationMinutes: 180 })
    .returning();
  const otherSession = await newSession({ fromNow: -HOUR / 2, trainerId: personOf.trainer, partnershipId: other.id, courseId: otherCourse.id });
  const otherBooking = await newBooking(otherPerson.id, otherSession, 'attended', other.id);
  const otherCertified = await newCertified(otherPerson.id, otherSession, other.id);
  const otherSurvey = await newSurvey(otherBooking.id, other.id);
  const [otherToken] = await db.insert(apiTokens).values({ partnershipId: other.id, personId: otherPerson.id, name: 'Sheffield token', tokenHash: hashToken(generateToken()), prefix: 'sct_shef' }).returning();
  const [otherFramework] = await db.insert(competencyFrameworks).values({ partnershipId: other.id, version: 1, title: 'Sheffield framework', current: true, publishedAt: now }).returning();
  const [otherGroup] = await db.insert(workforceGroups).values({ partnershipId: other.id, frameworkId: otherFramework.id, code: '1', name: 'Everyone', who: 'Everyone', sortOrder: 1 }).returning();

  // Objects the demo made: a framework version, an answer, a theme, a message in the mailbox.
  const [framework] = await db.select().from(competencyFrameworks).where(and(eq(competencyFrameworks.partnershipId, home.id), eq(competencyFrameworks.current, true)));
  const [competency] = await db.select().from(competencies).where(eq(competencies.frameworkId, framework.id)).limit(1);
  const [answer] = await db.select({ id: impactResponses.id }).from(impactResponses).limit(1);
  const [theme] = await db.select().from(answerThemes).where(eq(answerThemes.partnershipId, home.id)).limit(1);
  const [message] = await db.select({ id: outbox.id }).from(outbox).limit(1);

  const [group] = await db.select().from(workforceGroups).where(eq(workforceGroups.frameworkId, framework.id)).orderBy(asc(workforceGroups.sortOrder)).limit(1);
  const later = new Date(now.getTime() + DAY);
  /** An emailed link's token, stored as its SHA-256 as the app stores it. */
  const link = () => {
    const token = generateToken();
    return { token, tokenHash: hashToken(token) };
  };
  const links = {
    signIn: async (personId: string) => {
      const { token, tokenHash } = link();
      await db.insert(signInTokens).values({ tokenHash, personId, expiresAt: new Date(now.getTime() + 10 * 60_000) });
      return token;
    },
    /** A line manager's link to approve a place waiting for approval, in this partnership or another. */
    approval: async (elsewhere = false) => {
      const { token, tokenHash } = link();
      const booking = elsewhere
        ? await newBooking(otherPerson.id, await newSession({ trainerId: null, partnershipId: other.id, courseId: otherCourse.id }), 'pending approval', other.id)
        : await newBooking(await newPerson(), bookable, 'pending approval');
      await db.insert(bookingApprovals).values({ tokenHash, bookingId: booking.id, managerEmail: 'boss@partner.example', expiresAt: later });
      return token;
    },
    /** A line manager's link to confirm they manage someone who gave their address. */
    manager: async (personId?: string) => {
      const { token, tokenHash } = link();
      await db
        .update(people)
        .set({ pendingLineManagerEmail: 'boss@partner.example', pendingManagerTokenHash: tokenHash, pendingManagerExpiresAt: later })
        .where(eq(people.id, personId ?? (await newPerson())));
      return token;
    },
    /** A line manager's link to confirm a competency. */
    confirmation: async () => {
      const { token, tokenHash } = link();
      await db.insert(competencyConfirmationRequests).values({
        partnershipId: home.id,
        personId: await newPerson(),
        competencyId: competency.id,
        managerEmail: 'boss@partner.example',
        note: 'Seen in supervision',
        tokenHash,
        requestedAt: now,
        expiresAt: new Date(now.getTime() + 30 * DAY),
      });
      return token;
    },
  };
  async function newPerson(roles: Role[] = [], organisationId?: string) {
    const p = await makePerson(db, roles);
    if (organisationId) await db.update(people).set({ organisationId }).where(eq(people.id, p.id));
    return p.id;
  }
  /** A person's open request to change their workforce group. */
  const newGroupRequest = async (personId: string) => {
    const [request] = await db.insert(workforceGroupRequests).values({ partnershipId: home.id, personId, workforceGroupId: group.id, reason: 'My role changed', requestedAt: now }).returning();
    return request.id;
  };
  const newApiToken = async (personId: string, partnershipId = home.id) => {
    const [token] = await db.insert(apiTokens).values({ partnershipId, personId, name: 'A token', tokenHash: hashToken(generateToken()), prefix: 'sct_abc' }).returning();
    return token.id;
  };
  let made = 0;
  /** A draft prospectus of its own year, for a change that should not touch the others. */
  const newProspectus = async () => {
    made++;
    const [p] = await db.insert(prospectuses).values({ partnershipId: home.id, year: `${2040 + made}-${String(41 + made).slice(-2)}`, title: `Draft ${made}`, startsOn: `${2040 + made}-04-01`, endsOn: `${2041 + made}-03-31` }).returning();
    return p.id;
  };
  /** A course of the published prospectus, like the test course. */
  const newCourse = async () => {
    const { id: _id, createdAt: _c, updatedAt: _u, ...copy } = course;
    const [c] = await db.insert(courses).values({ ...copy, title: `${course.title} (copy ${++made})` }).returning();
    return c.id;
  };
  // The other partnership's own theme, answer, competency, group change request and confirmation link.
  const [otherTheme] = await db.insert(answerThemes).values({ partnershipId: other.id, name: 'Sheffield theme' }).returning();
  const [otherAnswer] = await db
    .insert(impactResponses)
    .values({ partnershipId: other.id, surveyId: otherSurvey.id, practiceChanged: 'yes', practiceChangeHow: 'Elsewhere', sharedLearning: false, confidenceNow: 7, competencies: {}, quotationConsent: true })
    .returning();
  const [otherCompetency] = await db.insert(competencies).values({ partnershipId: other.id, frameworkId: otherFramework.id, code: 'S1', domain: 'Sheffield', statement: 'A Sheffield competency' }).returning();
  const [otherGroupRequest] = await db.insert(workforceGroupRequests).values({ partnershipId: other.id, personId: otherPerson.id, workforceGroupId: otherGroup.id, reason: 'Elsewhere', requestedAt: now }).returning();
  const otherConfirmation = link();
  await db.insert(competencyConfirmationRequests).values({
    partnershipId: other.id,
    personId: otherPerson.id,
    competencyId: otherCompetency.id,
    managerEmail: 'boss@sheffield.example',
    note: 'Elsewhere',
    tokenHash: otherConfirmation.tokenHash,
    requestedAt: now,
    expiresAt: new Date(now.getTime() + 30 * DAY),
  });
  const [ownCertificate] = await db.select({ code: bookings.certificateCode }).from(bookings).where(eq(bookings.id, own.practitioner.certified));
  const [otherCertificate] = await db.select({ code: bookings.certificateCode }).from(bookings).where(eq(bookings.id, otherCertified));

  const groupRequests = { leads: await newGroupRequest(colleague.id), notLeads: await newGroupRequest(stranger.id) };

  return {
    database,
    db,
    ...built,
    now,
    home,
    other,
    personOf,
    leadsOrganisation,
    otherOrganisation,
    colleague,
    stranger,
    prospectus,
    course,
    eLearning,
    framework,
    competency,
    answer,
    theme,
    message,
    sessions: { trainers: trainersSession, otherTrainers: otherTrainersSession, bookable, past: pastSession },
    own,
    strangers: { ...strangers, apiToken: strangersToken.id },
    onTrainersSession: onTrainersSession.id,
    onOtherTrainersSession: onOtherTrainersSession.id,
    elsewhere: { partnership: other, organisation: otherOrg.id, person: otherPerson.id, prospectus: otherProspectus.id, course: otherCourse.id, session: otherSession, booking: otherBooking.id, certified: otherCertified, survey: otherSurvey, apiToken: otherToken.id,
      framework: otherFramework.id,
      group: otherGroup.id,
      theme: otherTheme.id,
      answer: otherAnswer.id,
      competency: otherCompetency.id,
      groupRequest: otherGroupRequest.id,
      confirmationToken: otherConfirmation.token,
      certificateCode: otherCertificate.code!,
    },
    certificateCode: ownCertificate.code!,
    newSession,
    newBooking,
    newSurvey,
    newPerson,
    newProspectus,
    newCourse,
    newGroupRequest,
    newApiToken,
    group,
    groupRequests,
    links,
  };
}

export type Expect = number | 'sign-in';
export type Params = Record<string, string>;
export type Form = Record<string, string | string[]>;
export type Body = Form | { json: unknown } | { raw: BodyInit; type: string };

/** One object-level case of a route: what the path's ids point at, the body, and each caller's answer. */
export interface Case {
  object: string;
  params?: (w: World, who: Who) => Params | Promise<Params>;
  body?: (w: World, who: Who) => Body | Promise<Body>;
  expect: Record<Who, Expect>;
}

/** Each route's cases, keyed "METHOD /path" as the route table has it. */
export type Matrix = Record<string, Case[]>;

export const routeKeys = (w: World) => routeTable(w.deps).map((r) => `${r.method} ${r.path}`);

const CSRF_SECRET = 'a'.repeat(32);

/**
 * Calls the route as `who` (a fresh session or API token, and a valid CSRF token on forms), giving
 * the status, or 'sign-in' for a page's redirect to sign in (and back) or the API's 401 problem.
 */
export async function callAs(w: World, key: string, who: Who, params: Params, body: Body | undefined): Promise<Expect> {
  const [method, template] = key.split(' ');
  const query = params['?'] ? `?${new URLSearchParams(params['?'])}` : '';
  const path = template.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`${key}: no value for :${name}`);
    return encodeURIComponent(params[name]);
  });
  const client = new TestClient(w.app);
  const headers = new Headers();
  let csrf = '';
  if (who !== 'anonymous') {
    const personId = w.personOf[who];
    if (isApiPath(path)) {
      const viewer = (await loadSignedInPerson(w.db, personId, w.home.id))!;
      headers.set('authorization', `Bearer ${await createApiToken({ db: w.db, clock: w.clock, config: w.config, partnership: w.home, actor: viewer }, 'matrix')}`);
    } else {
      const { token, session } = await createSession(w.db, personId, w.now, sessionPolicy(w.config));
      client.cookies.set('session', token);
      csrf = hmac(w.config.secret, `${CSRF_SECRET}|${session.id}`);
    }
  } else {
    csrf = hmac(w.config.secret, `${CSRF_SECRET}|`);
  }
  client.cookies.set('csrf', CSRF_SECRET);
  let init: RequestInit = { method, headers };
  if (method !== 'GET') {
    if (body && 'json' in body) {
      headers.set('content-type', 'application/json');
      init = { ...init, body: JSON.stringify(body.json) };
    } else if (body && 'raw' in body) {
      init = { ...init, body: body.raw as BodyInit };
      headers.set('content-type', body.type as string);
    } else if (!isApiPath(path)) {
      const form = new URLSearchParams({ _csrf: csrf });
      for (const [k, v] of Object.entries((body ?? {}) as Form)) for (const item of Array.isArray(v) ? v : [v]) form.append(k, item);
      headers.set('content-type', 'application/x-www-form-urlencoded');
      init = { ...init, body: form };
    }
  }
  const res = await client.request(path + query, init);
  await res.arrayBuffer();
  // Sent to sign in and brought back: a page's redirect with the page to return to, the API's 401 problem.
  if (!isApiPath(path) && res.status === 303 && res.headers.get('location') === `/sign-in?next=${encodeURIComponent(path)}`) return 'sign-in';
  if (isApiPath(path) && res.status === 401 && who === 'anonymous' && res.headers.get('content-type')?.includes('application/problem+json')) return 'sign-in';
  return res.status;
}

/** Runs every case of a route as every caller, giving what each answered beside what was expected. */
export async function runRoute(w: World, key: string, cases: Case[]) {
  const actual: Record<string, Record<Who, Expect>> = {};
  const expected: Record<string, Record<Who, Expect>> = {};
  for (const c of cases) {
    expected[c.object] = c.expect;
    actual[c.object] = {} as Record<Who, Expect>;
    for (const who of EVERYONE) {
      const params = (await c.params?.(w, who)) ?? {};
      const body = await c.body?.(w, who);
      actual[c.object][who] = await callAs(w, key, who, params, body);
    }
  }
  return { actual, expected };
}

// How the cases say who gets what.
/** Only these roles get `ok`; the rest of the signed-in get `refused` (403 unless the route hides the object), anonymous sign in. */
export function only(roles: readonly Role[], ok: Expect, refused: Expect = 403): Record<Who, Expect> {
  return Object.fromEntries(EVERYONE.map((who) => [who, who === 'anonymous' ? 'sign-in' : roles.includes(who) ? ok : refused])) as Record<Who, Expect>;
}
/** Every signed-in person gets `ok`, anonymous signs in. */
export const signedIn = (ok: Expect) => only(ROLES, ok);
/** Everyone, anonymous too, gets `ok`. */
export const anyone = (ok: Expect) => Object.fromEntries(EVERYONE.map((who) => [who, ok])) as Record<Who, Expect>;
/** The same with some callers answered differently. */
export const but = (base: Record<Who, Expect>, changes: Partial<Record<Who, Expect>>) => ({ ...base, ...changes });


/**
 * The matrix's cases as tests, one a route (its name lists the route covered), over one world
 * built for the file: each asserts every case's exact answer for every caller at once, so a
 * failure shows the whole route's table against what was expected.
 */
export function describeMatrix(title: string, matrix: Matrix, timeout = 60_000) {
  describe(title, () => {
    let w: World;
    beforeAll(async () => {
      w = await buildWorld();
    });
    afterAll(() => w?.database.close());

    it('names only routes the app has', () => {
      const known = new Set(routeKeys(w));
      expect(Object.keys(matrix).filter((key) => !known.has(key))).toEqual([]);
    });

    for (const [key, cases] of Object.entries(matrix)) {
      it(key, async () => {
        const { actual, expected } = await runRoute(w, key, cases);
        const wrong = Object.entries(expected).flatMap(([object, byWho]) =>
          EVERYONE.filter((who) => actual[object][who] !== byWho[who]).map((who) => `${object} as ${who}: ${actual[object][who]}, expected ${byWho[who]}`),
        );
        expect(wrong.join('\n'), key).toBe('');
      }, timeout);
    }
  });
}
