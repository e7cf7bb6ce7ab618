// The authorization matrix: for every route of the app, each case (whose object the path points
// at) and the exact answer each caller gets. Split by area so the three test files run in
// parallel; test/accounts/access.test.ts checks that together they name every route there is.
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { competencies, competencyFrameworks, people, workforceGroups, type Role } from '../../db/schema';
import * as manage from '../manage/helpers';
import { anyone, but, callAs, EVERYONE, only, signedIn, UNKNOWN, type Body, type Case, type Expect, type Matrix, type Params, type Who, type World } from './access-world';

const C = ['coordinator'] as const satisfies readonly Role[];
const T = ['trainer', 'coordinator'] as const satisfies readonly Role[];
const R = ['reviewer'] as const satisfies readonly Role[];
const RC = ['reviewer', 'coordinator'] as const satisfies readonly Role[];
const CL = ['coordinator', 'organisation lead'] as const satisfies readonly Role[];
const CRL = ['coordinator', 'reviewer', 'organisation lead'] as const satisfies readonly Role[];

type ParamsOf = (w: World, who: Who) => Params | Promise<Params>;
type BodyOf = (w: World, who: Who) => Body | Promise<Body>;

/** One case. */
const at = (object: string, expect: Record<Who, Expect>, params?: ParamsOf, body?: BodyOf): Case => ({ object, expect, params, body });
/** A route without an object in its path. */
const plain = (expect: Record<Who, Expect>, body?: BodyOf): Case[] => [at('-', expect, undefined, body)];
/**
 * A role-only route's object of this partnership (`ok` for the roles), and the same kind of object
 * of another partnership: not found to the roles, refused to the rest before anything is looked up.
 */
const partnershipObject = (roles: readonly Role[], ok: Expect, mine: ParamsOf, theirs: ParamsOf, body?: BodyOf): Case[] => [
  at('this partnership’s', only(roles, ok), mine, body),
  at('another partnership’s', only(roles, 404), theirs, body),
];
/**
 * A person's own object (`ok` to each signed-in caller for their own), another person's and
 * another partnership's: not found to everyone, coordinators too, as nobody else's is shown.
 */
const personal = (ok: Expect, mine: ParamsOf, someoneElses: ParamsOf, theirs: ParamsOf, body?: BodyOf): Case[] => [
  at('own', signedIn(ok), mine, body),
  at('another person’s', signedIn(404), someoneElses, body),
  at('another partnership’s', signedIn(404), theirs, body),
];
const role = (who: Who): Role => (who === 'anonymous' ? 'practitioner' : who);

// ---------------------------------------------------------------------------------------------
// Pages for everyone and for a person's own things.

/** Each caller's own address for a form that takes one (the sign-in and manager limits count per address). */
const addressOf = (who: Who, what: string) => `${what}.${who.replace(' ', '-')}@partner.example`;
/** Feedback on the day, every question answered, for a course with the test course's outcomes. */
const feedbackForm = (w: World) => ({
  ...Object.fromEntries(w.course.learningOutcomes.map((_, i) => [`outcomesMet-${i}`, '4'])),
  relevance: '5',
  delivery: '4',
  confidenceBefore: '5',
  confidenceAfter: '8',
  willDoDifferently: '',
  comments: '',
});
/** The three-month survey, every required question answered. */
const impactForm = () => ({
  practiceChanged: 'yes',
  practiceChangeHow: 'I ask more questions at home visits',
  outcomeImproved: 'not applicable',
  outcomeExample: '',
  sharedLearning: 'no',
  sharedHow: '',
  barriers: '',
  confidenceNow: '7',
  quotationConsent: 'no',
  // Each of the course's competencies rated (fields past the course's last are not read).
  ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`competency-${i}`, 'confident'])),
});
/** A new attended place of the caller's own, without feedback. */
const freshAttended = async (w: World, who: Who) => (await w.newBooking(w.personOf[role(who)], w.sessions.past, 'attended')).id;

/** The caller's own booking of a kind, the stranger's, and the other partnership's: the three personal cases' ids. */
const bookingsOf = (kind: 'booking' | 'attended' | 'certified'): [ParamsOf, ParamsOf, ParamsOf] => [
  (w, who) => ({ bookingId: w.own[role(who)][kind] }),
  (w) => ({ bookingId: w.strangers[kind] }),
  (w) => ({ bookingId: kind === 'certified' ? w.elsewhere.certified : w.elsewhere.booking }),
];

export const peopleMatrix: Matrix = {
  'GET /': plain(anyone(200)),
  'GET /accessibility': plain(anyone(200)),
  'GET /privacy': plain(anyone(200)),
  // Someone signed in is sent on to their account.
  'GET /sign-in': plain(but(anyone(303), { anonymous: 200 })),
  'POST /sign-in': plain(anyone(200), (_w, who) => ({ email: addressOf(who, 'signing-in') })),
  'GET /sign-in/link': [
    at('a live link', anyone(200), async (w) => ({ '?': `token=${await w.links.signIn(w.stranger.id)}` })),
    // The page only carries the token to the form (nothing is looked up until it is posted).
    at('another partnership’s person’s link', anyone(200), async (w) => ({ '?': `token=${await w.links.signIn(w.elsewhere.person)}` })),
  ],
  'POST /sign-in/link': [
    at('a live link', anyone(303), undefined, async (w) => ({ token: await w.links.signIn(w.stranger.id) })),
    at('another partnership’s person’s link', anyone(400), undefined, async (w) => ({ token: await w.links.signIn(w.elsewhere.person) })),
  ],
  'GET /register': plain(anyone(200)),
  // "Check your email": the sign-in link is sent to the new address.
  'POST /register': plain(anyone(200), (w, who) => ({
    name: 'New Person',
    email: addressOf(who, 'registering'),
    organisationId: w.otherOrganisation,
    jobTitle: 'Youth worker',
    workforceGroupId: w.group.id,
    lineManagerEmail: '',
  })),
  'POST /sign-out': plain(anyone(303)),
  'GET /line-manager/:token': [
    at('a live link', anyone(200), async (w) => ({ token: await w.links.manager() })),
    at('another partnership’s link', anyone(404), async (w) => ({ token: await w.links.manager(w.elsewhere.person) })),
  ],
  'POST /line-manager/:token': [
    at('a live link', anyone(200), async (w) => ({ token: await w.links.manager() })),
    at('another partnership’s link', anyone(404), async (w) => ({ token: await w.links.manager(w.elsewhere.person) })),
  ],
  'POST /account/line-manager': plain(signedIn(303), (_w, who) => ({ lineManagerEmail: addressOf(who, 'new-manager') })),
  'GET /account': plain(signedIn(200)),
  'POST /account/sign-out-everywhere': plain(signedIn(303)),
  'POST /account/erasure-request': plain(signedIn(303)),
  // The new token is shown once, on the page the form answers with.
  'POST /account/api-tokens': plain(signedIn(200), () => ({ name: 'Script' })),
  'POST /account/api-tokens/:tokenId/revoke': personal(
    303,
    async (w, who) => ({ tokenId: await w.newApiToken(w.personOf[role(who)]) }),
    async (w) => ({ tokenId: await w.newApiToken(w.stranger.id) }),
    async (w) => ({ tokenId: await w.newApiToken(w.elsewhere.person, w.elsewhere.partnership.id) }),
  ),
  'GET /account/my-data': plain(signedIn(200)),
  'GET /account/my-data.json': plain(signedIn(200)),
  'GET /courses': plain(anyone(200)),
  'GET /courses/:courseId': [at('this partnership’s', anyone(200), (w) => ({ courseId: w.course.id })), at('another partnership’s', anyone(404), (w) => ({ courseId: w.elsewhere.course }))],
  'GET /sessions/:sessionId': [
    at('this partnership’s', anyone(200), (w) => ({ sessionId: w.sessions.bookable })),
    at('another partnership’s', anyone(404), (w) => ({ sessionId: w.elsewhere.session })),
  ],
  'GET /bookings': plain(signedIn(200)),
  'POST /sessions/:sessionId/book': [
    at('this partnership’s', signedIn(303), async (w) => ({ sessionId: await w.newSession({ trainerId: null }) })),
    at('another partnership’s', signedIn(404), (w) => ({ sessionId: w.elsewhere.session })),
  ],
  'GET /bookings/:bookingId/cancel': personal(200, ...bookingsOf('booking')),
  // The page to confirm is the person's own (another's is not found), but coordinators may cancel
  // anyone's place (the booking service's rule, which the register's cancel uses too).
  'POST /bookings/:bookingId/cancel': [
    at('own', signedIn(303), async (w, who) => ({ bookingId: (await w.newBooking(w.personOf[role(who)], await w.newSession({ trainerId: null }))).id })),
    at('another person’s', but(signedIn(404), { coordinator: 303 }), async (w) => ({ bookingId: (await w.newBooking(w.stranger.id, await w.newSession({ trainerId: null }))).id })),
    at('another partnership’s', signedIn(404), (w) => ({ bookingId: w.elsewhere.booking })),
  ],
  // The decision page answers 200 ("Place approved") rather than redirecting: the manager has no account to go to.
  'GET /approvals/:token': [
    at('a live link', anyone(200), async (w) => ({ token: await w.links.approval() })),
    at('another partnership’s link', anyone(404), async (w) => ({ token: await w.links.approval(true) })),
  ],
  'POST /approvals/:token': [
    at('a live link', anyone(200), async (w) => ({ token: await w.links.approval() }), () => ({ decision: 'approved' })),
    at('another partnership’s link', anyone(404), async (w) => ({ token: await w.links.approval(true) }), () => ({ decision: 'approved' })),
  ],
  'GET /feedback/:bookingId': personal(200, ...bookingsOf('attended')),
  // "Feedback sent" is a page of its own (with the certificate's links), not a redirect.
  'POST /feedback/:bookingId': personal(
    200,
    async (w, who) => ({ bookingId: await freshAttended(w, who) }),
    (w) => ({ bookingId: w.strangers.attended }),
    (w) => ({ bookingId: w.elsewhere.booking }),
    feedbackForm,
  ),
  'GET /learning': plain(signedIn(200)),
  'GET /certificates/:bookingId': personal(200, ...bookingsOf('certified')),
  'GET /certificates/:bookingId/pdf': personal(200, ...bookingsOf('certified')),
  'GET /verify': plain(anyone(200)),
  'GET /verify/:code': [
    at('a certificate’s code', anyone(200), (w) => ({ code: w.certificateCode })),
    at('another partnership’s certificate', anyone(404), (w) => ({ code: w.elsewhere.certificateCode })),
  ],
  'GET /follow-up/:token': [
    at('a sent survey’s link', anyone(200), (w) => ({ token: w.strangers.survey.token })),
    at('another partnership’s link', anyone(404), (w) => ({ token: w.elsewhere.survey.token })),
  ],
  'POST /follow-up/:token': [
    at('a sent survey’s link', anyone(200), async (w) => ({ token: (await w.newSurvey(await freshAttended(w, 'practitioner'))).token }), impactForm),
    at('another partnership’s link', anyone(404), (w) => ({ token: w.elsewhere.survey.token }), impactForm),
  ],
  'GET /learning/follow-ups/:surveyId': personal(
    200,
    (w, who) => ({ surveyId: w.own[role(who)].survey.id }),
    (w) => ({ surveyId: w.strangers.survey.id }),
    (w) => ({ surveyId: w.elsewhere.survey.id }),
  ),
  'POST /learning/follow-ups/:surveyId': personal(
    200,
    async (w, who) => ({ surveyId: (await w.newSurvey(await freshAttended(w, who))).id }),
    (w) => ({ surveyId: w.strangers.survey.id }),
    (w) => ({ surveyId: w.elsewhere.survey.id }),
    impactForm,
  ),
  'GET /learning/competencies': plain(signedIn(200)),
  'GET /learning/competencies.csv': plain(signedIn(200)),
  'GET /learning/competencies/print': plain(signedIn(200)),
  'GET /learning/competencies/confirmations/new': plain(signedIn(200)),
  'POST /learning/competencies/confirmations': plain(signedIn(303), (w) => ({ competencyId: w.competency.id, note: 'Discussed in supervision' })),
  'GET /competency-confirmations/:token': [at('a live link', anyone(200), async (w) => ({ token: await w.links.confirmation() })), at('another partnership’s link', anyone(404), (w) => ({ token: w.elsewhere.confirmationToken }))],
  'POST /competency-confirmations/:token': [
    at('a live link', anyone(200), async (w) => ({ token: await w.links.confirmation() }), () => ({ decision: 'confirmed', managerNote: 'Seen in practice' })),
    at('another partnership’s link', anyone(404), (w) => ({ token: w.elsewhere.confirmationToken }), () => ({ decision: 'confirmed', managerNote: 'Seen in practice' })),
  ],
  'GET /account/workforce-group': plain(signedIn(200)),
  'POST /account/workforce-group': plain(signedIn(303), (w) => ({ workforceGroupId: w.group.id, reason: 'My role changed' })),
  'GET /dev/mailbox': plain(anyone(200)),
  'GET /dev/mailbox/:messageId': [at('a message', anyone(200), (w) => ({ messageId: w.message.id })), at('unknown message', anyone(404), () => ({ messageId: UNKNOWN }))],
};

// ---------------------------------------------------------------------------------------------
// Coordinators', trainers', reviewers' and leads' pages.

const prospectusIds = (w: World) => ({ prospectusId: w.prospectus.id });
const elsewhereProspectus = (w: World) => ({ prospectusId: w.elsewhere.prospectus });
const courseIds = (w: World) => ({ courseId: w.course.id });
const elsewhereCourse = (w: World) => ({ courseId: w.elsewhere.course });
const bookableSession = (w: World) => ({ sessionId: w.sessions.bookable });
const elsewhereSession = (w: World) => ({ sessionId: w.elsewhere.session });
const organisationIds = (w: World) => ({ organisationId: w.otherOrganisation });
const elsewhereOrganisation = (w: World) => ({ organisationId: w.elsewhere.organisation });
const strangerIds = (w: World) => ({ personId: w.stranger.id });
const elsewherePerson = (w: World) => ({ personId: w.elsewhere.person });
const registerBooking = (w: World) => ({ sessionId: w.sessions.bookable, bookingId: w.strangers.booking });
const elsewhereRegisterBooking = (w: World) => ({ sessionId: w.elsewhere.session, bookingId: w.elsewhere.booking });

/**
 * A trainer's session: their own (the register open now), another trainer's (not found to a
 * trainer, who is not told it exists; a coordinator's to see), another partnership's. The body
 * may name the booking on the session it is sent to.
 */
const trainerSession = (ok: Expect, body?: (w: World, bookingId: string) => Body | Promise<Body>): Case[] => [
  at('own session', only(T, ok), (w) => ({ sessionId: w.sessions.trainers }), body && ((w) => body(w, w.onTrainersSession))),
  at('another trainer’s session', but(only(T, ok), { trainer: 404 }), (w) => ({ sessionId: w.sessions.otherTrainers }), body && ((w) => body(w, w.onOtherTrainersSession))),
  at('another partnership’s session', only(T, 404), elsewhereSession, body && ((w) => body(w, w.elsewhere.booking))),
];

/** A lead's own organisation's object, another organisation's (refused to the lead), another partnership's. */
const organisationObject = (roles: readonly Role[], ok: Expect, leads: ParamsOf, notLeads: ParamsOf, theirs: ParamsOf, body?: BodyOf, notLeadsAnswer: Expect = 403): Case[] => [
  at('lead’s own organisation’s', only(roles, ok), leads, body),
  at('another organisation’s', but(only(roles, ok), { 'organisation lead': notLeadsAnswer }), notLeads, body),
  at('another partnership’s', only(roles, 404), theirs, body),
];

const reviewYear = (w: World) => ({ year: w.prospectus.year });
const elsewhereYear = () => ({ year: '2099-00' });

const courseForm = (w: World) => manage.courseForm({ workforceGroupIds: [w.group.id], competencyIds: [w.competency.id] });
const sessionForm = (w: World) => manage.sessionForm('2027-01-19', { trainerIds: [w.personOf.trainer] });
/** A session of its own for a change to it, or for a booking of the stranger's on it. */
const freshSession = async (w: World) => ({ sessionId: await w.newSession({ trainerId: null }) });
const freshEntry = async (w: World, status: 'confirmed' | 'pending approval' = 'confirmed') => {
  const sessionId = await w.newSession({ trainerId: null });
  return { sessionId, bookingId: (await w.newBooking(w.stranger.id, sessionId, status)).id };
};
/** The draft framework (started through the app when there is none), its first group and competency. */
async function draft(w: World) {
  await callAs(w, 'POST /manage/framework/draft', 'coordinator', {}, {});
  const [version] = await w.db.select().from(competencyFrameworks).where(and(eq(competencyFrameworks.partnershipId, w.home.id), isNull(competencyFrameworks.publishedAt)));
  const [group] = await w.db.select().from(workforceGroups).where(eq(workforceGroups.frameworkId, version.id)).orderBy(asc(workforceGroups.sortOrder));
  const [competency] = await w.db.select().from(competencies).where(eq(competencies.frameworkId, version.id)).orderBy(asc(competencies.code));
  return { versionId: version.id, groupId: group.id, competencyId: competency.id };
}
/** No draft, as before anyone starts one: whatever an earlier case left is thrown away. */
async function noDraft(w: World) {
  const drafts = w.db.select({ id: competencyFrameworks.id }).from(competencyFrameworks).where(and(eq(competencyFrameworks.partnershipId, w.home.id), isNull(competencyFrameworks.publishedAt)));
  await w.db.delete(competencies).where(inArray(competencies.frameworkId, drafts));
  await w.db.delete(workforceGroups).where(inArray(workforceGroups.frameworkId, drafts));
  await w.db.delete(competencyFrameworks).where(and(eq(competencyFrameworks.partnershipId, w.home.id), isNull(competencyFrameworks.publishedAt)));
  return {};
}
/** The draft, started if there is none, for a route about the draft without an id in its path. */
const inDraft = async (w: World) => {
  await draft(w);
  return {};
};
let added = 0;
const groupForm = (_who: Who) => ({ code: `G${++added}`, name: 'A new group', who: 'People who need it', outsideScheme: '', position: '9' });
const competencyForm = (_who: Who) => ({ code: `Z${++added}`, domain: 'New domain', statement: 'Do the new thing', refreshMonths: '', requiredFor: [], continuesId: '' });
/** A group or competency of the draft's own, added through the app, for a case that removes it. */
async function addedToDraft(w: World, what: 'groups' | 'competencies') {
  const { versionId } = await draft(w);
  const table = what === 'groups' ? workforceGroups : competencies;
  const code = what === 'groups' ? 'GX' : 'ZX';
  const find = () => w.db.select({ id: table.id }).from(table).where(and(eq(table.frameworkId, versionId), eq(table.code, code)));
  if (!(await find()).length) await callAs(w, `POST /manage/framework/draft/${what}`, 'coordinator', {}, what === 'groups' ? { ...groupForm('anonymous'), code } : { ...competencyForm('anonymous'), code });
  const [made] = await find();
  return made.id;
}
const gapParams = (w: World) => ({ ...reviewYear(w), kind: 'theme', key: 'Neglect' });

const staffMatrix: Matrix = {
  'GET /manage': plain(only(C, 200)),
  'GET /manage/prospectuses': plain(only(C, 200)),
  'GET /manage/prospectuses/new': plain(only(C, 200)),
  'POST /manage/prospectuses': plain(only(C, 303), () => manage.prospectusForm('2035-36')),
  'GET /manage/prospectuses/:prospectusId': partnershipObject(C, 200, prospectusIds, elsewhereProspectus),
  'GET /manage/prospectuses/:prospectusId/edit': partnershipObject(C, 200, prospectusIds, elsewhereProspectus),
  'POST /manage/prospectuses/:prospectusId': partnershipObject(C, 303, async (w) => ({ prospectusId: await w.newProspectus() }), elsewhereProspectus, () => manage.prospectusForm('2036-37')),
  'POST /manage/prospectuses/:prospectusId/publish': partnershipObject(C, 303, async (w) => ({ prospectusId: await w.newProspectus() }), elsewhereProspectus),
  'GET /manage/prospectuses/:prospectusId/courses/new': partnershipObject(C, 200, prospectusIds, elsewhereProspectus),
  'POST /manage/prospectuses/:prospectusId/courses': partnershipObject(C, 303, async (w) => ({ prospectusId: await w.newProspectus() }), elsewhereProspectus, courseForm),
  'GET /manage/courses/:courseId': partnershipObject(C, 200, courseIds, elsewhereCourse),
  'GET /manage/courses/:courseId/edit': partnershipObject(C, 200, courseIds, elsewhereCourse),
  'POST /manage/courses/:courseId': partnershipObject(C, 303, async (w) => ({ courseId: await w.newCourse() }), elsewhereCourse, courseForm),
  'GET /manage/courses/:courseId/withdraw': partnershipObject(C, 200, courseIds, elsewhereCourse),
  'POST /manage/courses/:courseId/withdraw': partnershipObject(C, 303, async (w) => ({ courseId: await w.newCourse() }), elsewhereCourse),
  'GET /manage/courses/:courseId/sessions/new': partnershipObject(C, 200, courseIds, elsewhereCourse),
  'POST /manage/courses/:courseId/sessions': partnershipObject(C, 303, courseIds, elsewhereCourse, sessionForm),
  'GET /manage/sessions/:sessionId/edit': partnershipObject(C, 200, bookableSession, elsewhereSession),
  'POST /manage/sessions/:sessionId': partnershipObject(C, 303, freshSession, elsewhereSession, sessionForm),
  'GET /manage/sessions/:sessionId/cancel': partnershipObject(C, 200, bookableSession, elsewhereSession),
  // Confirming a date that is not proposed changes nothing, and says so the same way.
  'POST /manage/sessions/:sessionId/confirm': partnershipObject(C, 303, freshSession, elsewhereSession),
  'POST /manage/sessions/:sessionId/cancel': partnershipObject(C, 303, freshSession, elsewhereSession, () => ({ reason: 'The trainer is ill' })),
  'GET /manage/organisations': plain(only(C, 200)),
  'GET /manage/organisations/new': plain(only(C, 200)),
  'POST /manage/organisations': plain(only(C, 303), () => ({ name: 'A new charity', shortName: 'ANC', sector: 'Voluntary and community', partnerStatus: 'neither', active: 'yes' })),
  'GET /manage/organisations/:organisationId/edit': partnershipObject(C, 200, organisationIds, elsewhereOrganisation),
  'POST /manage/organisations/:organisationId': partnershipObject(C, 303, organisationIds, elsewhereOrganisation, () => ({ name: 'A renamed organisation', shortName: 'ARO', sector: 'Voluntary and community', partnerStatus: 'neither', active: 'yes' })),
  'GET /manage/people': plain(only(C, 200)),
  'GET /manage/people/:personId/erase': partnershipObject(C, 200, strangerIds, elsewherePerson),
  'POST /manage/people/:personId/erase': partnershipObject(C, 303, async (w) => ({ personId: await w.newPerson() }), elsewherePerson, () => ({ confirm: 'yes' })),
  'GET /manage/people/:personId': partnershipObject(C, 200, strangerIds, elsewherePerson),
  'POST /manage/people/:personId/roles': partnershipObject(C, 303, async (w) => ({ personId: await w.newPerson() }), elsewherePerson, () => ({ roles: ['practitioner', 'trainer'] })),
  'POST /manage/people/:personId/line-manager': partnershipObject(C, 303, strangerIds, elsewherePerson, () => ({ lineManagerEmail: 'their.manager@partner.example' })),
  'GET /manage/sessions/:sessionId/register/bookings/:bookingId/approve': partnershipObject(C, 200, (w) => freshEntry(w, 'pending approval'), elsewhereRegisterBooking),
  'POST /manage/sessions/:sessionId/register/bookings/:bookingId/approve': partnershipObject(C, 303, (w) => freshEntry(w, 'pending approval'), elsewhereRegisterBooking, () => ({ decision: 'approved' })),
  'GET /manage/sessions/:sessionId/register': partnershipObject(C, 200, bookableSession, elsewhereSession),
  'GET /manage/sessions/:sessionId/register.csv': partnershipObject(C, 200, bookableSession, elsewhereSession),
  'POST /manage/sessions/:sessionId/register/capacity': partnershipObject(C, 303, freshSession, elsewhereSession, () => ({ capacity: '30' })),
  'GET /manage/sessions/:sessionId/register/book': partnershipObject(C, 200, bookableSession, elsewhereSession),
  'POST /manage/sessions/:sessionId/register/book': partnershipObject(C, 303, freshSession, elsewhereSession, (w) => ({ personId: w.stranger.id })),
  'GET /manage/sessions/:sessionId/register/bookings/:bookingId/move': partnershipObject(C, 200, registerBooking, elsewhereRegisterBooking),
  'POST /manage/sessions/:sessionId/register/bookings/:bookingId/move': partnershipObject(C, 303, (w) => freshEntry(w), elsewhereRegisterBooking, async (w) => ({ toSessionId: await w.newSession({ trainerId: null }) })),
  'GET /manage/sessions/:sessionId/register/bookings/:bookingId/cancel': partnershipObject(C, 200, registerBooking, elsewhereRegisterBooking),
  'POST /manage/sessions/:sessionId/register/bookings/:bookingId/cancel': partnershipObject(C, 303, (w) => freshEntry(w), elsewhereRegisterBooking),
  'GET /manage/e-learning': plain(only(C, 200)),
  'GET /manage/history': plain(only(C, 200)),
  // Checked only (a dry run), so every coordinator's call can be answered the same.
  'POST /manage/history': plain(only(C, 200), () => ({ csv: 'course,session start,organisation,status\nA past course,2019-05-01 10:00,RMBC,attended\n', mode: 'check' })),
  'GET /manage/retention': plain(only(C, 200)),
  'POST /manage/retention': plain(only(C, 303), () => ({ freeTextYears: '3', trainingYears: '6', sentMailDays: '0' })),
  // The import answers with its own page of what was imported and skipped.
  'POST /manage/e-learning': plain(only(C, 200), async (w) => ({ csv: `email,course,completed\n${(await w.db.select().from(people).where(eq(people.id, w.stranger.id)))[0].email},${w.eLearning.title},2026-05-04\n` })),
  'GET /manage/non-attendance': plain(only(C, 200)),
  'GET /manage/non-attendance/charges.csv': plain(only(C, 200)),
  'GET /manage/settings/charges': plain(only(C, 200)),
  'POST /manage/settings/charges': plain(only(C, 303), () => ({ halfDay: '0', fullDay: '0', exemptSectors: [] })),
  'GET /trainer/sessions': plain(only(T, 200)),
  'GET /trainer/sessions/:sessionId/register': trainerSession(200),
  'POST /trainer/sessions/:sessionId/register': trainerSession(303, (_w, bookingId) => ({ [`mark-${bookingId}`]: 'attended' })),
  'POST /trainer/sessions/:sessionId/register/all-attended': trainerSession(303),
  'POST /trainer/sessions/:sessionId/register/walk-in': trainerSession(303, async (w) => ({ personId: await w.newPerson() })),
  'GET /trainer/sessions/:sessionId/sign-in-sheet': trainerSession(200),
  'GET /trainer/sessions/:sessionId/feedback': trainerSession(200),
  'GET /manage/competency-confirmations': plain(only(C, 200)),
  'POST /manage/competency-confirmations': plain(only(C, 303), () => ({ on: 'yes' })),
  'GET /manage/people/:personId/competency-confirmations': partnershipObject(C, 200, strangerIds, elsewherePerson),
  'POST /manage/people/:personId/competency-confirmations': partnershipObject(C, 303, async (w) => ({ personId: await w.newPerson() }), elsewherePerson, (w) => ({
    competencyId: w.competency.id,
    confirmedByEmail: 'their.manager@partner.example',
    note: 'Seen in supervision',
  })),
  'GET /manage/workforce-group-requests': plain(only(CL, 200)),
  'GET /manage/workforce-group-requests/:requestId': organisationObject(CL, 200, (w) => ({ requestId: w.groupRequests.leads }), (w) => ({ requestId: w.groupRequests.notLeads }), (w) => ({ requestId: w.elsewhere.groupRequest })),
  'POST /manage/workforce-group-requests/:requestId': organisationObject(
    CL,
    303,
    async (w) => ({ requestId: await w.newGroupRequest(await w.newPerson([], w.leadsOrganisation)) }),
    async (w) => ({ requestId: await w.newGroupRequest(await w.newPerson([], w.otherOrganisation)) }),
    (w) => ({ requestId: w.elsewhere.groupRequest }),
    () => ({ decision: 'declined', reason: 'Your role has not changed' }),
  ),
  'GET /manage/people/:personId/workforce-group': organisationObject(CL, 200, (w) => ({ personId: w.colleague.id }), strangerIds, elsewherePerson),
  'POST /manage/people/:personId/workforce-group': organisationObject(CL, 303, (w) => ({ personId: w.colleague.id }), strangerIds, elsewherePerson, (w) => ({ workforceGroupId: w.group.id })),
  'GET /impact': plain(only(RC, 200)),
  'GET /impact/years': plain(only(RC, 200)),
  ...Object.fromEntries(
    [
      'delivery.csv',
      'by-sector.csv',
      'by-organisation.csv',
      'by-month.csv',
      'on-the-day.csv',
      'confidence.csv',
      'three-months-attendees.csv',
      'by-theme.csv',
      'three-months-managers.csv',
      'who-answered-by-sector.csv',
      'who-answered-by-workforce-group.csv',
      'who-answered-confidence.csv',
      'coded-themes.csv',
      'impact.xlsx',
    ].map((file) => [`GET /impact/download/${file}`, plain(only(RC, 200))]),
  ),
  'GET /impact/answers': plain(only(RC, 200)),
  'GET /impact/answer-themes': plain(only(RC, 200)),
  'POST /impact/answer-themes': plain(only(RC, 303), (_w, who) => ({ name: `New theme ${EVERYONE.indexOf(who)}` })),
  'POST /impact/answer-themes/:themeId': partnershipObject(RC, 303, (w) => ({ themeId: w.theme.id }), (w) => ({ themeId: w.elsewhere.theme }), () => ({ retired: 'no' })),
  'GET /impact/answers/:answerId': partnershipObject(RC, 200, (w) => ({ answerId: w.answer.id }), (w) => ({ answerId: w.elsewhere.answer })),
  'POST /impact/answers/:answerId/codes': partnershipObject(R, 303, (w) => ({ answerId: w.answer.id }), (w) => ({ answerId: w.elsewhere.answer }), (w) => ({ themes: [w.theme.id] })),
  'POST /impact/answers/:answerId/feature': partnershipObject(R, 303, (w) => ({ answerId: w.answer.id }), (w) => ({ answerId: w.elsewhere.answer }), () => ({ checked: 'yes' })),
  'POST /impact/answers/:answerId/unfeature': partnershipObject(R, 303, (w) => ({ answerId: w.answer.id }), (w) => ({ answerId: w.elsewhere.answer })),
  'GET /manage/framework': plain(only(C, 200)),
  'GET /manage/framework/versions/:frameworkId': partnershipObject(C, 200, (w) => ({ frameworkId: w.framework.id }), (w) => ({ frameworkId: w.elsewhere.framework })),
  'GET /manage/framework/versions/:frameworkId/framework.csv': partnershipObject(C, 200, (w) => ({ frameworkId: w.framework.id }), (w) => ({ frameworkId: w.elsewhere.framework })),
  'POST /manage/framework/draft': [at('-', only(C, 303), noDraft)],
  'GET /manage/framework/draft/details': [at('-', only(C, 200), inDraft)],
  'POST /manage/framework/draft/details': [at('-', only(C, 303), inDraft, () => ({ title: 'Safeguarding competency framework', defaultRefreshMonths: '36' }))],
  'GET /manage/framework/draft/groups/new': [at('-', only(C, 200), inDraft)],
  'POST /manage/framework/draft/groups': [at('-', only(C, 303), inDraft, (_w, who) => groupForm(who))],
  'GET /manage/framework/draft/groups/:groupId': partnershipObject(C, 200, async (w) => ({ groupId: (await draft(w)).groupId }), (w) => ({ groupId: w.elsewhere.group })),
  'POST /manage/framework/draft/groups/:groupId': partnershipObject(C, 303, async (w) => ({ groupId: (await draft(w)).groupId }), (w) => ({ groupId: w.elsewhere.group }), async (w) => {
    const [group] = await w.db.select().from(workforceGroups).where(eq(workforceGroups.id, (await draft(w)).groupId));
    return { code: group.code, name: group.name, who: group.who, outsideScheme: group.outsideScheme, position: '1' };
  }),
  'POST /manage/framework/draft/groups/:groupId/remove': partnershipObject(C, 303, async (w) => ({ groupId: await addedToDraft(w, 'groups') }), (w) => ({ groupId: w.elsewhere.group })),
  'GET /manage/framework/draft/competencies/new': [at('-', only(C, 200), inDraft)],
  'POST /manage/framework/draft/competencies': [at('-', only(C, 303), inDraft, (_w, who) => competencyForm(who))],
  'GET /manage/framework/draft/competencies/:competencyId': partnershipObject(C, 200, async (w) => ({ competencyId: (await draft(w)).competencyId }), (w) => ({ competencyId: w.elsewhere.competency })),
  'POST /manage/framework/draft/competencies/:competencyId': partnershipObject(C, 303, async (w) => ({ competencyId: (await draft(w)).competencyId }), (w) => ({ competencyId: w.elsewhere.competency }), async (w) => {
    const [competency] = await w.db.select().from(competencies).where(eq(competencies.id, (await draft(w)).competencyId));
    return { code: competency.code, domain: competency.domain, statement: competency.statement, refreshMonths: '', requiredFor: [], continuesId: '' };
  }),
  'POST /manage/framework/draft/competencies/:competencyId/remove': partnershipObject(C, 303, async (w) => ({ competencyId: await addedToDraft(w, 'competencies') }), (w) => ({ competencyId: w.elsewhere.competency })),
  'GET /manage/framework/draft/import': [at('-', only(C, 200), inDraft)],
  // A whole framework as CSV is impractical here: an empty upload's exact answer, the form again.
  'POST /manage/framework/draft/import': [at('-', only(C, 422), inDraft)],
  'POST /manage/framework/draft/publish': [at('-', only(C, 303), inDraft)],
  // A lead is taken straight to their own organisation's needs.
  'GET /learning-needs': plain(but(only(CRL, 200), { 'organisation lead': 303 })),
  'GET /learning-needs.csv': plain(only(['coordinator', 'reviewer'], 200)),
  'GET /learning-needs/organisations/:organisationId': organisationObject(CRL, 200, (w) => ({ organisationId: w.leadsOrganisation }), organisationIds, elsewhereOrganisation),
  'GET /learning-needs/organisations/:organisationId/learning-needs.csv': organisationObject(CRL, 200, (w) => ({ organisationId: w.leadsOrganisation }), organisationIds, elsewhereOrganisation),
  'GET /review': plain(only(RC, 200)),
  'GET /review/:year': partnershipObject(RC, 200, reviewYear, elsewhereYear),
  'GET /review/:year/courses/:courseId': partnershipObject(R, 200, (w) => ({ ...reviewYear(w), ...courseIds(w) }), (w) => ({ ...elsewhereYear(), ...elsewhereCourse(w) })),
  'POST /review/:year/courses/:courseId': partnershipObject(R, 303, (w) => ({ ...reviewYear(w), ...courseIds(w) }), (w) => ({ ...elsewhereYear(), ...elsewhereCourse(w) }), () => ({ decision: 'keep', note: '' })),
  'GET /review/:year/gaps/:kind/:key': partnershipObject(R, 200, gapParams, () => ({ ...elsewhereYear(), kind: 'theme', key: 'Neglect' })),
  'POST /review/:year/gaps/:kind/:key': partnershipObject(R, 303, gapParams, () => ({ ...elsewhereYear(), kind: 'theme', key: 'Neglect' }), () => ({ decision: 'accepted', note: 'We will commission it' })),
  // Agreeing needs a decision on every course of the year; the exact refusal while some have none.
  'POST /review/:year/agree': partnershipObject(R, 422, reviewYear, elsewhereYear),
  'POST /review/:year/reopen': partnershipObject(R, 303, reviewYear, elsewhereYear),
  // Next year's prospectus starts from an agreed review; the exact refusal while it is a draft.
  'POST /review/:year/next-prospectus': partnershipObject(C, 409, reviewYear, elsewhereYear),
  'GET /review/:year/report': partnershipObject(RC, 200, reviewYear, elsewhereYear),
  'GET /review/:year/report.docx': partnershipObject(RC, 200, reviewYear, elsewhereYear),
  'GET /review/:year/report/wording': partnershipObject(R, 200, reviewYear, elsewhereYear),
  'POST /review/:year/report/wording': partnershipObject(R, 303, reviewYear, elsewhereYear, () => ({
    delivery: 'We delivered training.',
    reach: 'People came.',
    onTheDay: 'They liked it.',
    threeMonths: 'It helped.',
    managers: 'Managers saw change.',
  })),
  'POST /review/:year/report/restore': partnershipObject(R, 303, reviewYear, elsewhereYear),
};

// ---------------------------------------------------------------------------------------------
// The API: bearer tokens, anonymous answered 401 (here 'sign-in').

const json = (value: unknown): Body => ({ json: value });
const apiFeedback = (w: World) => json({ outcomesMet: w.course.learningOutcomes.map(() => 4), relevance: 5, delivery: 4, confidenceBefore: 5, confidenceAfter: 8, willDoDifferently: '', comments: '' });

export const apiMatrix: Matrix = {
  'GET /api/v1/prospectus': plain(anyone(200)),
  'GET /api/v1/courses': plain(anyone(200)),
  'GET /api/v1/courses/:courseId': [at('this partnership’s', anyone(200), courseIds), at('another partnership’s', anyone(404), elsewhereCourse)],
  'GET /api/v1/sessions/:sessionId': [at('this partnership’s', anyone(200), bookableSession), at('another partnership’s', anyone(404), elsewhereSession)],
  'GET /api/v1/bookings': plain(signedIn(200)),
  'POST /api/v1/sessions/:sessionId/bookings': [
    at('this partnership’s', signedIn(201), freshSession, () => json({})),
    at('another partnership’s', signedIn(404), elsewhereSession, () => json({})),
  ],
  // Coordinators may cancel anyone's place (the booking service's rule), so the other person's is theirs to cancel.
  'DELETE /api/v1/bookings/:bookingId': [
    at('own', signedIn(200), async (w, who) => ({ bookingId: (await w.newBooking(w.personOf[role(who)], await w.newSession({ trainerId: null }))).id })),
    at('another person’s', but(signedIn(404), { coordinator: 200 }), async (w) => ({ bookingId: (await freshEntry(w)).bookingId })),
    at('another partnership’s', signedIn(404), (w) => ({ bookingId: w.elsewhere.booking })),
  ],
  'GET /api/v1/sessions/:sessionId/register': partnershipObject(C, 200, bookableSession, elsewhereSession),
  'PATCH /api/v1/sessions/:sessionId': partnershipObject(C, 200, freshSession, elsewhereSession, () => json({ capacity: 25 })),
  'POST /api/v1/bookings/:bookingId/move': partnershipObject(C, 200, async (w) => ({ bookingId: (await freshEntry(w)).bookingId }), (w) => ({ bookingId: w.elsewhere.booking }), async (w) => json({ toSessionId: await w.newSession({ trainerId: null }) })),
  'POST /api/v1/sessions/:sessionId/cancel': partnershipObject(C, 200, freshSession, elsewhereSession, () => json({ reason: 'The trainer is ill' })),
  'GET /api/v1/learning': plain(signedIn(200)),
  'POST /api/v1/bookings/:bookingId/feedback': personal(
    201,
    async (w, who) => ({ bookingId: (await w.newBooking(w.personOf[role(who)], w.sessions.past, 'attended')).id }),
    async (w) => ({ bookingId: (await w.newBooking(w.stranger.id, w.sessions.past, 'attended')).id }),
    (w) => ({ bookingId: w.elsewhere.booking }),
    apiFeedback,
  ),
  'GET /api/v1/verify/:code': [
    at('a certificate’s code', anyone(200), (w) => ({ code: w.certificateCode })),
    at('another partnership’s certificate', anyone(404), (w) => ({ code: w.elsewhere.certificateCode })),
  ],
  'GET /api/v1/me/competencies': plain(signedIn(200)),
  'GET /api/v1/competency-framework': plain(anyone(200)),
  'GET /api/v1/organisations/:organisationId/learning-needs': organisationObject(CRL, 200, (w) => ({ organisationId: w.leadsOrganisation }), organisationIds, elsewhereOrganisation),
  'GET /api/v1/learning-needs': plain(only(['coordinator', 'reviewer'], 200)),
  'GET /api/v1/organisations': plain(anyone(200)),
  'GET /api/v1/workforce-groups': plain(anyone(200)),
  'GET /api/v1/me': plain(signedIn(200)),
  'GET /api/v1/people': plain(only(C, 200)),
  'POST /api/v1/e-learning/completions': plain(only(C, 200), async (w) => json({ csv: `email,course,completed\n${(await w.db.select().from(people).where(eq(people.id, w.stranger.id)))[0].email},${w.eLearning.title},2026-05-04\n` })),
  'GET /api/v1/reports/non-attendance': plain(only(C, 200)),
  'GET /api/v1/reports/charges': plain(only(C, 200)),
  'GET /api/v1/impact': plain(only(RC, 200)),
  'GET /api/v1/impact/answers': plain(only(RC, 200)),
  'GET /api/v1/trainer/sessions': plain(only(T, 200)),
  'GET /api/v1/sessions/:sessionId/attendance': trainerSession(200),
  'POST /api/v1/sessions/:sessionId/attendance': trainerSession(200, (_w, bookingId) => json({ marks: { [bookingId]: 'attended' } })),
  'POST /api/v1/sessions/:sessionId/walk-ins': trainerSession(201, async (w) => json({ personId: await w.newPerson() })),
  'GET /api/v1/sessions/:sessionId/feedback-summary': trainerSession(200),
  'GET /api/v1/openapi.json': plain(anyone(200)),
};

/** The staff pages in two halves that run in parallel: the coordinators' /manage pages, and the rest. */
const isManagePage = (key: string) => / \/manage(\/|$)/.test(key) && !key.includes('/manage/framework');
const pick = (matrix: Matrix, keep: (key: string) => boolean): Matrix => Object.fromEntries(Object.entries(matrix).filter(([key]) => keep(key)));
export const manageMatrix = pick(staffMatrix, isManagePage);
export const otherStaffMatrix = pick(staffMatrix, (key) => !isManagePage(key));
