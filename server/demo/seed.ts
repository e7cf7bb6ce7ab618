// The demo: this year's prospectus, published, with sessions spread over the year (some past, some
// full with a waiting list), demo accounts for each role and a pool of practitioners who have used
// it as people do. Nothing is written here directly: the seed calls the services, as the people
// would have, in time order on a fixed clock that runs from before the year starts up to `now`.
// The coordinator builds and publishes the prospectus; practitioners book places (or join the
// waiting list) before booking closes, and some cancel; trainers mark the register after each
// session; attendees give feedback; the scheduled jobs send the reminders and the three-month
// surveys when they fall due, and close them; two in three answer. So the demo keeps every promise
// the services keep, and a change to a rule changes the demo with it.
import { and, asc, eq } from 'drizzle-orm';
import { asOneTransaction, type Database } from '../../db/database';
import * as ref from '../../db/reference-data';
import { bookings, competencies, competencyFrameworks, partnerships, prospectuses, workforceGroups, type DeliveryMode, type Role } from '../../db/schema';
import { setUpPartnership } from '../admin/partnership';
import { findPersonByEmail } from '../accounts/people';
import { createPerson, personInput } from '../accounts/service';
import { recordAttendance, type AttendanceMark } from '../attendance/service';
import { bookPlace, cancelBooking, decideApprovalAsCoordinator } from '../bookings/service';
import { createCourse } from '../catalogue/manage/course-service';
import { createProspectus, publishProspectus } from '../catalogue/manage/prospectus-service';
import { createSession } from '../catalogue/manage/session-service';
import { courseInput, prospectusInput, sessionInput } from '../catalogue/schemas';
import { importCompletions } from '../elearning/service';
import { feedbackInput, giveFeedback } from '../feedback/service';
import { followUpDueAt } from '../follow-ups/service';
import { listOrganisations } from '../organisations/service';
import { DAY, HOUR, MINUTE } from '../shared/clock';
import { configFrom, parseEnvironment, type Config } from '../shared/config';
import type { Actor, Partnership, PersonalContext, ServiceContext } from '../shared/context';
import { startYearReview } from './review';
import { agreePastReview, importPastYears } from './history';
import { addMinutes, weekdayOnOrBefore } from './days';
import { fromLondon, londonDay, toLondonFields, yearContaining, yearStarting } from '../shared/dates';
import { ALL_JOBS, answerAsPractitioner, answerDelay, answerSurvey, jobMoments, reviewAnswers, runJobs, surveysJustSent, type JobName } from './follow-ups';
import { pendingMail, settleSeededMail } from './mail';
import { timeline } from './timeline';

interface CourseSpec {
  summary: string;
  outcomes: string[];
  mode: DeliveryMode;
  minutes: number;
  groups: string[];
  competencies: string[];
  approval?: boolean;
  capacity?: number;
}

const COURSES: Record<string, CourseSpec> = {
  'Designated Safeguarding Lead Workshop': {
    summary: 'For designated safeguarding leads in schools and colleges: the role, record keeping, referrals and working with partners.',
    outcomes: ['Describe the statutory duties of a designated safeguarding lead', 'Keep safeguarding records that stand up to scrutiny', 'Know when and how to refer to children’s social care'],
    mode: 'Face to face', minutes: 360, groups: ['4'], competencies: ['B2', 'C1', 'E2'], approval: true,
  },
  'Attachment Training': {
    summary: 'How early relationships shape children’s development and behaviour, and what that means for practice.',
    outcomes: ['Explain attachment theory in plain terms', 'Recognise attachment difficulties in children you work with', 'Plan responses that build secure relationships'],
    mode: 'Face to face', minutes: 180, groups: ['2', '3'], competencies: ['A1', 'C3'],
  },
  'Group 3 Safeguarding Core Workshop': {
    summary: 'The partnership’s core course for practitioners who work predominantly with children and families.',
    outcomes: ['Recognise abuse and neglect and the factors that increase risk', 'Respond to concerns and make a good referral', 'Contribute to multi-agency child protection processes'],
    mode: 'Face to face', minutes: 390, groups: ['3'], competencies: ['A1', 'B1', 'B2', 'C1', 'C2'], capacity: 24,
  },
  'Graded Care Profile': {
    summary: 'Training in the Graded Care Profile 2, the partnership’s tool for assessing neglect.',
    outcomes: ['Use the Graded Care Profile 2 with a family', 'Evidence neglect clearly in assessments', 'Agree a plan with the family and partners'],
    mode: 'Face to face', minutes: 360, groups: ['3', '4'], competencies: ['D1', 'C2'],
  },
  'Safeguarding Young People at Risk of Child Sexual Exploitation - A Multi-Agency Approach': {
    summary: 'Recognising and responding to child sexual exploitation together, with lessons from Rotherham’s own history.',
    outcomes: ['Recognise the indicators of child sexual exploitation', 'Know the partnership’s exploitation pathway', 'Work together to disrupt exploitation'],
    mode: 'Face to face', minutes: 360, groups: ['2', '3', '4'], competencies: ['A1', 'A3', 'B2', 'C1'],
  },
  'Safer Recruitment for Schools': {
    summary: 'Safer recruitment for school leaders and governors, meeting Keeping Children Safe in Education.',
    outcomes: ['Plan a recruitment that deters unsuitable people', 'Carry out checks and references properly', 'Keep a single central record'],
    mode: 'Face to face', minutes: 360, groups: ['4', '5', '6'], competencies: ['E1'],
  },
  'Child Death Review Process': {
    summary: 'What happens after the death of a child, and each agency’s part in the child death review.',
    outcomes: ['Describe the stages of the child death review process', 'Know what information to share and when', 'Support families through the process'],
    mode: 'Briefing', minutes: 120, groups: ['3', '4', '5'], competencies: ['C1', 'C2'],
  },
  'Digital Safeguarding Training': {
    summary: 'Keeping children safe online: apps, grooming, sharing images and what to do when things go wrong.',
    outcomes: ['Recognise online risks to children', 'Respond to incidents of image sharing', 'Give parents practical advice'],
    mode: 'Live online', minutes: 150, groups: ['1', '2', '3'], competencies: ['A3', 'B1'],
  },
  'Early Help Pathway Workshop': {
    summary: 'Using the early help pathway and assessment to support families before problems escalate.',
    outcomes: ['Know the early help offer in the area', 'Start an early help assessment', 'Lead or contribute to a team around the family'],
    mode: 'Live online', minutes: 180, groups: ['2', '3'], competencies: ['B2', 'C2'],
  },
  'Working with Resistant Families': {
    summary: 'Practical approaches to families who are hard to engage, keeping the child in focus.',
    outcomes: ['Recognise disguised compliance', 'Use respectful challenge', 'Keep the child at the centre of the work'],
    mode: 'Face to face', minutes: 360, groups: ['3', '4'], competencies: ['C3', 'C2'],
  },
  'Prevent Training': {
    summary: 'Recognising and responding to radicalisation: the Prevent duty and Channel.',
    outcomes: ['Describe the Prevent duty', 'Recognise vulnerability to radicalisation', 'Know how to make a Prevent referral'],
    mode: 'Briefing', minutes: 90, groups: ['1', '2', '3'], competencies: ['A1', 'B1'],
  },
  'Safer Recruitment (evening)': {
    summary: 'Safer recruitment for voluntary and community groups, in the evening for volunteers.',
    outcomes: ['Plan a safer recruitment', 'Take up references and checks', 'Build a safer culture in your group'],
    mode: 'Face to face', minutes: 180, groups: ['4', '5'], competencies: ['E1'],
  },
  'The Toxic Trio: Parental Domestic Abuse, Substance Misuse and Mental Health': {
    summary: 'How the combination of domestic abuse, substance misuse and mental ill health affects children, and how to respond.',
    outcomes: ['Understand the impact of the toxic trio on children', 'Assess risk where the three overlap', 'Work with adult services for the child'],
    mode: 'Conference', minutes: 300, groups: ['2', '3', '4'], competencies: ['A2', 'C1', 'C2'], capacity: 80,
  },
};

const E_LEARNING: Omit<CourseSpec, 'summary'> = {
  outcomes: ['Understand the key facts and the law', 'Recognise the signs in children and families', 'Know how to respond and who to tell'],
  mode: 'E-learning',
  minutes: 90,
  groups: ['1', '2'],
  competencies: ['A1', 'B1'],
};

const PRACTITIONER_EMAIL = 'practitioner@rscp.example';

const DEMO_PEOPLE: { name: string; email: string; org: string; jobTitle: string; group: string; roles: Role[] }[] = [
  { name: 'Chris Coordinator', email: 'coordinator@rscp.example', org: 'RMBC', jobTitle: 'Learning and development officer', group: '4', roles: ['coordinator'] },
  { name: 'Tariq Trainer', email: 'trainer@rscp.example', org: 'RMBC', jobTitle: 'Safeguarding trainer', group: '4', roles: ['trainer'] },
  { name: 'Rowan Reviewer', email: 'reviewer@rscp.example', org: 'SY ICB', jobTitle: 'Designated nurse, safeguarding children', group: '4', roles: ['reviewer'] },
  { name: 'Olu Lead', email: 'lead@rscp.example', org: 'TRFT', jobTitle: 'Named nurse, safeguarding', group: '4', roles: ['organisation lead'] },
  { name: 'Priya Practitioner', email: PRACTITIONER_EMAIL, org: 'TRFT', jobTitle: 'Health visitor', group: '3', roles: [] },
];

/**
 * The demo lead's organisation's own staff, beyond those in the pool: people in groups 2 to 5 whose
 * only training recorded is e-learning, some of it more than three years ago, so the
 * organisation's learning-needs analysis has real gaps and refreshes due (and group 5 needs a
 * competency no course develops).
 */
const LEAD_ORGANISATION = 'TRFT';
const STAFF_JOBS: [string, string][] = [
  ['Staff nurse', '2'],
  ['Healthcare assistant', '2'],
  ['Midwife', '3'],
  ['Paediatric nurse', '3'],
  ['Health visitor', '3'],
  ['Consultant paediatrician', '4'],
  ['Named midwife, safeguarding', '4'],
  ['Head of safeguarding', '5'],
];
const STAFF_SIZE = 24;

const FIRST_NAMES = ['Alex', 'Sam', 'Jo', 'Amina', 'Ben', 'Ciara', 'Dev', 'Ellie', 'Farah', 'Gareth', 'Hannah', 'Imran', 'Jade', 'Kofi', 'Leah', 'Marek', 'Nadia', 'Owen', 'Poppy', 'Rhys'];
const LAST_NAMES = ['Ahmed', 'Brown', 'Clarke', 'Dawson', 'Evans', 'Fletcher', 'Green', 'Hussain', 'Iqbal', 'Jones', 'Khan', 'Lee', 'Morris', 'Nowak', 'Patel', 'Quinn', 'Roberts', 'Shaw', 'Taylor', 'Walker'];
const JOBS = ['Social worker', 'School nurse', 'Teaching assistant', 'Youth worker', 'Police constable', 'Family support worker', 'Early years practitioner', 'GP practice manager', 'Designated safeguarding lead', 'Housing officer'];
const VENUES = ['Riverside House, Main Street, Rotherham S60 1AE', 'Rotherham Town Hall, Moorgate Street, Rotherham S60 2TH', 'Wath Library, Montgomery Road, Wath-upon-Dearne S63 7RZ', 'Maltby Leisure Centre, Braithwell Road, Maltby S66 8JE'];
const POOL_SIZE = 60;

/** The pool of practitioners who fill the sessions, across the organisations and workforce groups 1 to 4. */
const POOL = Array.from({ length: POOL_SIZE }, (_, i) => {
  const first = FIRST_NAMES[i % FIRST_NAMES.length];
  const last = LAST_NAMES[(i * 7) % LAST_NAMES.length];
  return {
    name: `${first} ${last}`,
    email: `${first}.${last}.${i}@partner.example`.toLowerCase(),
    org: ref.organisations[i % ref.organisations.length].shortName,
    jobTitle: JOBS[i % JOBS.length],
    group: String((i % 4) + 1),
    roles: [] as Role[],
  };
});

const STAFF = Array.from({ length: STAFF_SIZE }, (_, i) => {
  const [jobTitle, group] = STAFF_JOBS[i % STAFF_JOBS.length];
  const first = FIRST_NAMES[(i * 3 + 1) % FIRST_NAMES.length];
  const last = LAST_NAMES[(i * 11 + 2) % LAST_NAMES.length];
  return { name: `${first} ${last}`, email: `${first}.${last}.${i}@trft.example`.toLowerCase(), org: LEAD_ORGANISATION, jobTitle, group, roles: [] as Role[] };
});

/** The settings the services read (links in emails start with `baseUrl`): the defaults, as an empty environment gives them. */
function demoConfig(baseUrl?: string): Config {
  return configFrom(parseEnvironment(baseUrl ? { BASE_URL: baseUrl } : {}), () => 'the demo seed signs nothing');
}

const prospectusFor = async (db: Database, partnershipId: string, year: string) =>
  (await db.select({ id: prospectuses.id }).from(prospectuses).where(and(eq(prospectuses.partnershipId, partnershipId), eq(prospectuses.year, year))))[0];

/**
 * Seeds the demo for the partnership's year containing `now`, once: it does nothing when that
 * year's prospectus is already there, so every start can call it. The partnership is set up first
 * if it is not (as `npm run admin -- init` does). It all happens in one transaction, so a seed that
 * fails leaves nothing behind and the next start tries again.
 */
export async function seedDemo(db: Database, now: Date, options: { baseUrl?: string } = {}): Promise<{ created: boolean }> {
  const config = demoConfig(options.baseUrl);
  const seeded = async (executor: Database, partnership: Partnership) =>
    Boolean(await prospectusFor(executor, partnership.id, yearContaining(now, partnership.yearStartMonth).label));
  try {
    return await db.transaction(async (tx) => {
      // Each service's own transaction runs as part of this one, without a savepoint each (two
      // round trips per call, a tenth of the seed's time). Nothing is lost: the seed never catches
      // a service's error, so any failure rolls the whole seed back.
      const flat = asOneTransaction(tx);
      const { partnership } = await setUpPartnership(flat, { now: () => now });
      if (await seeded(flat, partnership)) return { created: false };
      await playYear(flat, config, partnership, now, yearContaining(now, partnership.yearStartMonth));
      return { created: true };
    });
  } catch (error) {
    // Another app instance seeding the same year at the same moment got there first.
    const [partnership] = await db.select().from(partnerships).where(eq(partnerships.slug, ref.partnership.slug));
    if (partnership && (await seeded(db, partnership))) return { created: false };
    throw error;
  }
}

type Year = ReturnType<typeof yearContaining>;

async function playYear(db: Database, config: Config, partnership: Partnership, now: Date, year: Year) {
  // The prospectus is built and published in the month before the year starts.
  const [firstYear, firstMonth] = year.startsOn.split('-').map(Number);
  const opening = fromLondon(new Date(Date.UTC(firstYear, firstMonth - 2, 2)).toISOString().slice(0, 10), '09:00');
  const { clock, at, play } = timeline(opening, now);
  const context = (actor: Actor): ServiceContext => ({ db, clock, config, partnership, actor });
  const personal = (personId: string, roles: Role[] = ['practitioner']): PersonalContext => ({ db, clock, config, partnership, actor: { id: personId, roles } });

  // The partnership may have data already (a demo from an earlier year). First the jobs run as at
  // `now`, as the app would on starting, so that running them at the demo's earlier moments finds
  // only the demo's own work; and the mail waiting to go is noted, so it is left alone at the end.
  await runJobs({ ...context(null), clock: { now: () => now } });
  const waitingBefore = await pendingMail(db, partnership.id);

  // ---- People: the demo accounts, one for each role, and the pool (accounts service) -----------
  // The current framework's workforce groups and competencies, by code.
  const current = and(eq(competencyFrameworks.partnershipId, partnership.id), eq(competencyFrameworks.current, true));
  const groups = await db.select({ id: workforceGroups.id, code: workforceGroups.code }).from(workforceGroups).innerJoin(competencyFrameworks, eq(competencyFrameworks.id, workforceGroups.frameworkId)).where(current);
  const comps = await db.select({ id: competencies.id, code: competencies.code }).from(competencies).innerJoin(competencyFrameworks, eq(competencyFrameworks.id, competencies.frameworkId)).where(current);
  const orgs = await listOrganisations(context(null));
  const groupId = (code: string) => groups.find((g) => g.code === code)!.id;
  const competencyId = (code: string) => comps.find((c) => c.code === code)!.id;
  const personIds = await db.transaction(async (tx) => {
    const ids = new Map<string, string>();
    for (const p of [...DEMO_PEOPLE, ...POOL, ...STAFF]) {
      // A demo left from an earlier year keeps its accounts.
      const existing = await findPersonByEmail(tx, partnership.id, p.email);
      if (existing) {
        ids.set(p.email, existing.id);
        continue;
      }
      const input = personInput.parse({ name: p.name, email: p.email, organisationId: orgs.find((o) => o.shortName === p.org)!.id, jobTitle: p.jobTitle, workforceGroupId: groupId(p.group) });
      ids.set(p.email, await createPerson(tx, partnership.id, input, p.roles, null));
    }
    return ids;
  });
  const idOf = (email: string) => personIds.get(email)!;
  const coordinator = { id: idOf('coordinator@rscp.example'), roles: ['coordinator', 'practitioner'] as Role[] };
  const trainer = { id: idOf('trainer@rscp.example'), roles: ['practitioner', 'trainer'] as Role[] };
  const practitionerId = idOf(PRACTITIONER_EMAIL);
  const pool = POOL.map((p) => idOf(p.email));
  const asCoordinator = context(coordinator);

  // ---- The prospectus, its courses and their dates (catalogue manage service) ------------------
  const prospectus = await createProspectus(
    asCoordinator,
    prospectusInput.parse({
      year: year.label,
      title: `Learning and development prospectus ${year.label}`,
      introduction: 'Our free inter-agency courses are open to everyone who works or volunteers with children and families. Every participant gives feedback on the day and again three months later, so we can see the difference training makes.',
      startsOn: year.startsOn,
      endsOn: year.endsOn,
    }),
  );
  const allCourses = [
    ...ref.themedCourses.map((c) => ({ title: c.title, theme: c.theme, spec: COURSES[c.title] })),
    ...ref.eLearningCourses.map((c) => ({ title: c.title, theme: c.theme, spec: { ...E_LEARNING, summary: `An e-learning course you can take at your own pace: ${c.title.toLowerCase()}.` } })),
  ];
  const made: { id: string; spec: CourseSpec; commissioned: boolean }[] = [];
  for (const [index, { title, theme, spec }] of allCourses.entries()) {
    const commissioned = index % 4 === 3;
    const course = await createCourse(
      asCoordinator,
      prospectus.id,
      courseInput.parse({
        title,
        summary: spec.summary,
        learningOutcomes: spec.outcomes,
        themes: [theme],
        deliveryMode: spec.mode,
        durationMinutes: spec.minutes,
        provider: commissioned ? 'Commissioned provider' : 'Partnership trainer',
        prerequisites: spec.groups.includes('3') && title !== 'Group 3 Safeguarding Core Workshop' ? 'Group 3 Safeguarding Core Workshop, or equivalent training in the last three years' : '',
        requiresManagerApproval: spec.approval ?? false,
        asksManagerFollowUp: false,
        workforceGroupIds: spec.groups.map(groupId),
        competencyIds: spec.competencies.map(competencyId),
      }),
    );
    made.push({ id: course.id, spec, commissioned });
  }

  const planned: Planned[] = [];
  /** A date of a course: weekday mornings London time, with a lunch break on a day longer than five hours. */
  const addDate = async (course: (typeof made)[number], date: string) => {
    const { spec, commissioned } = course;
    const online = spec.mode === 'Live online';
    const startTime = spec.minutes > 200 ? '09:30' : '10:00';
    const session = await createSession(
      asCoordinator,
      course.id,
      sessionInput.parse({
        date,
        startTime,
        endTime: addMinutes(startTime, spec.minutes + (spec.minutes > 300 ? 30 : 0)),
        where: online ? 'online' : 'venue',
        venue: online ? '' : VENUES[planned.length % VENUES.length],
        joiningLink: online ? 'https://meet.example/rscp-training' : '',
        capacity: spec.capacity ?? (online ? 30 : 20),
        trainerIds: commissioned ? [] : [trainer.id],
        trainerName: commissioned ? 'Commissioned provider' : '',
      }),
    );
    const p: Planned = { session, outcomes: spec.outcomes.length, marker: commissioned ? coordinator : trainer, index: planned.length };
    planned.push(p);
    return p;
  };
  // Three or four dates a year, staggered by course.
  for (const [index, course] of made.entries()) {
    if (course.spec.mode === 'E-learning') continue;
    const dates = index % 3 === 0 ? 4 : 3;
    for (let d = 0; d < dates; d++) {
      const monthOffset = (index + d * Math.floor(12 / dates)) % 12;
      const day = new Date(Date.UTC(firstYear, firstMonth - 1 + monthOffset, 8 + ((index * 5 + d * 3) % 18)));
      while ([0, 6].includes(day.getUTCDay())) day.setUTCDate(day.getUTCDate() + 1);
      await addDate(course, day.toISOString().slice(0, 10));
    }
  }
  await publishProspectus(asCoordinator, prospectus.id);

  // ---- Each session's year: bookings, cancellations, the register, feedback --------------------
  const booked = new Map<string, string>();
  /** The person books a place for themselves, or now and then a coordinator books it for them. */
  /**
   * The demo's people have no confirmed line manager, so a place on a course that needs approval
   * waits for a coordinator: the coordinator approves it straight away (another coordinator would
   * approve the coordinator's own).
   */
  const approvePending = async (sessionId: string) => {
    const pending = await db.select({ id: bookings.id, personId: bookings.personId }).from(bookings).where(and(eq(bookings.sessionId, sessionId), eq(bookings.status, 'pending approval')));
    for (const b of pending) if (b.personId !== coordinator.id) await decideApprovalAsCoordinator(asCoordinator, b.id, 'approved');
  };
  const book = (personId: string, sessionId: string, byCoordinator = false) => async () => {
    const booking = await bookPlace(byCoordinator ? asCoordinator : personal(personId), { sessionId, personId });
    booked.set(`${sessionId}:${personId}`, booking.id);
    await approvePending(sessionId);
  };
  const cancel = (personId: string, sessionId: string) => async () => {
    await cancelBooking(personal(personId), booked.get(`${sessionId}:${personId}`)!);
    await approvePending(sessionId); // a place given from the waiting list may need approval too
  };

  // Two of the sessions still to come (the second and the sixth to start) are full, with people waiting.
  const full = new Set(
    planned
      .filter((p) => p.session.startsAt >= now && p.session.capacity < POOL_SIZE)
      .sort((a, b) => a.session.startsAt.getTime() - b.session.startsAt.getTime())
      .filter((_, position) => position === 1 || position === 5),
  );

  /** Plans what happens in a session from when it is bookable, the demo practitioner's part in it included. */
  const playSession = (p: Planned, part: PractitionerPart) => {
    const { session } = p;
    const practitioner = part !== 'absent';
    const k = p.index;
    const past = session.startsAt < now;
    const room = session.capacity - (practitioner ? 1 : 0);
    // Between four and ten held a place at each past session; the others to come have a few bookings so far.
    const held = Math.min(POOL_SIZE, past ? Math.min(room, 4 + ((k * 5) % 7)) : full.has(p) ? room : k % 4);
    const isFull = held === session.capacity;
    const waiting = isFull ? Math.min(3 + (k % 3), POOL_SIZE - held) : 0;
    // Some book and later cancel (the first to book). In a full session one of its places is given
    // up after the waiting list formed, and goes to the first person waiting; in a third of the
    // others one or two cancel, the first in good time and the second at the last moment.
    const changesOfMind = k % 6 === 5 ? 2 : k % 6 === 1 ? 1 : 0;
    const cancelling = isFull ? 1 : Math.min(changesOfMind, room - held, POOL_SIZE - held);
    const people = Array.from({ length: (isFull ? held : cancelling + held) + waiting }, (_, j) => pool[(j + k * 3) % POOL_SIZE]);

    // Places are booked, in this order, over the weeks before booking closes (and by now).
    const until = Math.min(session.bookingClosesAt.getTime() - HOUR, now.getTime());
    let from = Math.max(clock.now().getTime() + HOUR, session.startsAt.getTime() - 10 * 7 * DAY);
    if (from > until - DAY) from = Math.max(clock.now().getTime() + HOUR, until - 14 * DAY);
    const slot = (n: number) => new Date(from + Math.round(((until - from) * n) / (people.length + 2)));
    if (practitioner) at(new Date(from), book(practitionerId, session.id));
    people.forEach((personId, j) => at(slot(j + 1), book(personId, session.id, (j + k) % 9 === 4)));
    for (let c = 0; c < cancelling; c++) {
      const personId = people[c];
      if (isFull) at(slot(people.length + 1), cancel(personId, session.id));
      else {
        const bookedAt = slot(c + 1).getTime();
        const lastMoment = session.startsAt.getTime() - (c === 0 ? (session.startsAt.getTime() - bookedAt) / 2 : 26 * HOUR);
        at(new Date(Math.max(bookedAt + MINUTE, lastMoment)), cancel(personId, session.id));
      }
    }

    // The register is marked soon after the end: about one in ten did not come, one in twenty left early.
    at(new Date(session.endsAt.getTime() + 20 * MINUTE), async () => {
      const register = await db
        .select({ id: bookings.id, personId: bookings.personId })
        .from(bookings)
        .where(and(eq(bookings.sessionId, session.id), eq(bookings.status, 'confirmed')))
        .orderBy(asc(bookings.createdAt));
      const others = register.filter((b) => b.personId !== practitionerId);
      const mark = (i: number): AttendanceMark => ((i + k) % 10 === 3 ? 'did not attend' : (i + k) % 20 === 7 ? 'partly attended' : 'attended');
      const marks = Object.fromEntries(register.map((b) => [b.id, b.personId === practitionerId ? 'attended' : mark(others.indexOf(b))] as const));
      await recordAttendance(context(p.marker), session.id, marks);
      const theirs = register.find((b) => b.personId === practitionerId);
      if (theirs && part === 'answers everything') {
        at(new Date(clock.now().getTime() + 2 * HOUR), async () => {
          await giveFeedback(personal(practitionerId), theirs.id, PRACTITIONER_FEEDBACK(p.outcomes));
        });
      }
      // Most who came give feedback that day or the next, with a spread of answers.
      let given = 0;
      others.forEach((b, i) => {
        if (marks[b.id] === 'did not attend' || i % 4 === 0) return;
        const f = given++;
        const quote = ref.feedbackQuotes[(f + k) % ref.feedbackQuotes.length];
        const answers = feedbackInput.parse({
          outcomesMet: Array.from({ length: p.outcomes }, (_, o) => 2 + ((f + o + k) % 3)),
          relevance: 3 + ((f + k) % 3),
          delivery: 3 + ((f * 2 + k) % 3),
          confidenceBefore: 3 + ((f + k) % 4),
          confidenceAfter: 4 + ((f + k) % 4) + ((f * 3 + k) % 4),
          willDoDifferently: f % 3 === 0 ? quote.text : '',
          comments: f % 5 === 0 ? 'Well paced, with time for questions.' : '',
        });
        at(new Date(clock.now().getTime() + (1 + ((f * 7) % 30)) * HOUR), async () => {
          await giveFeedback(personal(b.personId), b.id, answers);
        });
      });
    });
    plan(jobMoments(partnership, session, now));
  };

  // ---- The jobs at every moment they have work, and the surveys answered as they arrive ---------
  const out = new Set<string>();
  /** Runs the jobs due at a moment; the surveys it sends are answered (or not) as they arrive. */
  const tick = (jobs: Set<JobName>) => async () => {
    await runJobs(context(null), jobs);
    if (!jobs.has('send-follow-ups')) return;
    for (const survey of await surveysJustSent(context(null), prospectus.id)) {
      if (out.has(survey.surveyId)) continue;
      const n = out.size;
      out.add(survey.surveyId);
      if (survey.personId === practitionerId) {
        if (answering.has(survey.sessionId)) {
          at(new Date(survey.sentAt!.getTime() + 2 * DAY), async () => {
            await answerAsPractitioner(personal(practitionerId), survey.surveyId, PRACTITIONER_CONFIDENT_IN);
            practitionerAnswered = clock.now();
          });
        }
        continue;
      }
      const delay = answerDelay(n, survey.sector);
      if (delay === undefined) continue;
      at(new Date(survey.sentAt!.getTime() + delay), async () => {
        await answerSurvey(personal(survey.personId), survey.surveyId, n);
      });
    }
  };
  /** Moments planned and not yet reached, each with the jobs to run then. */
  const moments = new Map<number, Set<JobName>>();
  function plan(runs: { at: Date; job: JobName }[]) {
    for (const { at: when, job } of runs) {
      const t = when.getTime();
      if (t < clock.now().getTime()) continue;
      const jobs = moments.get(t);
      if (jobs) jobs.add(job);
      else {
        const planned = new Set([job]);
        moments.set(t, planned);
        at(when, async () => {
          moments.delete(t);
          await tick(planned)();
        });
      }
    }
  }

  // The demo practitioner came to a date the coordinator added to the core course six weeks
  // before it, a few days more than the follow-up delay ago: its surveys, theirs among them, are
  // just out. (Early in the year there is no such date, and no survey is out yet for anyone.)
  const addedOn = weekdayOnOrBefore(toLondonFields(new Date(now.getTime() - (partnership.followUpDelayDays + 4) * DAY)).date);
  const core = made[ref.themedCourses.findIndex((c) => c.title === 'Group 3 Safeguarding Core Workshop')];

  // Earlier in the year they came to the first session of the digital safeguarding course whose
  // survey they have had time to answer, gave feedback and answered it (when the year is far
  // enough on for there to be one).
  const digital = made[ref.themedCourses.findIndex((c) => c.title === PRACTITIONER_COURSE)];
  const answered = planned.find((p) => p.session.courseId === digital.id && followUpDueAt(partnership, p.session.endsAt).getTime() + 3 * DAY < now.getTime());
  const answering = new Set(answered ? [answered.session.id] : []);
  /** When they answered it: the mail kept for them is what came after (server/demo/mail.ts). */
  let practitionerAnswered = new Date(0);

  for (const p of planned) playSession(p, p === answered ? 'answers everything' : 'absent');
  if (addedOn >= year.startsOn) {
    const addedAt = new Date(Math.max(clock.now().getTime(), fromLondon(addedOn).getTime() - 6 * 7 * DAY));
    at(addedAt, async () => playSession(await addDate(core, addedOn), 'feedback to give'));
  }

  // The lead's organisation's staff did the e-learning, most this year and some more than three
  // years ago; so did the demo practitioner, long enough ago for it to be due for refresh. The
  // provider's file is imported the day before `now`, as a coordinator does.
  const eLearning = made.find((c) => c.spec.mode === 'E-learning')!;
  const daysAgo = (days: number) => londonDay(new Date(now.getTime() - days * DAY));
  const completions = [
    [PRACTITIONER_EMAIL, daysAgo(40 * 30)],
    ...STAFF.filter((_, i) => i % 4 !== 3).map((p, i) => [p.email, daysAgo(i % 3 === 2 ? 38 * 30 + i : 20 + 9 * i)]),
  ];
  at(new Date(now.getTime() - DAY), async () => {
    await importCompletions(asCoordinator, ['email,course,completed', ...completions.map(([email, on]) => `${email},${eLearning.id},${on}`)].join('\n'));
  });
  // The reviewer codes the answers in so far and features a few quotations, the morning before `now`.
  const reviewer = { id: idOf('reviewer@rscp.example'), roles: ['practitioner', 'reviewer'] as Role[] };
  at(new Date(now.getTime() - 2 * HOUR), () => reviewAnswers(context(reviewer), prospectus.id));
  // Earlier that morning the coordinator brought in the two years before the system from the
  // partnership's records, and the reviewer decided and agreed last year's review.
  const [first] = year.startsOn.split('-').map(Number);
  const pastCourses = ref.themedCourses.flatMap(({ title, theme }) => (COURSES[title] && COURSES[title].mode !== 'E-learning' ? [{ title, theme, mode: COURSES[title].mode, minutes: COURSES[title].minutes }] : []));
  at(new Date(now.getTime() - 4 * HOUR), async () => {
    const imported = await importPastYears(asCoordinator, [first - 2, first - 1], pastCourses, POOL);
    const lastYear = yearStarting(first - 1, partnership.yearStartMonth).label;
    if (imported.includes(lastYear)) await agreePastReview(personal(reviewer.id, reviewer.roles), lastYear);
  });
  // Then starts the year-end review: a decision on three of the courses, the review still in progress.
  at(new Date(now.getTime() - HOUR), () => startYearReview(context(reviewer), year.label, made.filter((c) => c.spec.mode !== 'E-learning').map((c) => c.id)));
  // And every job once more at `now`, as the app does when it starts: nothing is left overdue.
  plan(ALL_JOBS.map((job) => ({ at: now, job })));

  await play();

  await settleSeededMail(db, partnership.id, now, waitingBefore, { to: PRACTITIONER_EMAIL, link: `${config.baseUrl}/follow-up/`, since: practitionerAnswered });
}

/**
 * The demo practitioner's part in a session: none; they come and have their feedback still to give
 * (so "Your learning" shows it waiting, and their survey is the one left open); or they come, give
 * feedback and answer the three-month survey.
 */
type PractitionerPart = 'absent' | 'feedback to give' | 'answers everything';
const PRACTITIONER_COURSE = 'Digital Safeguarding Training';
/** The competency of PRACTITIONER_COURSE the demo practitioner rates themselves confident in. */
const PRACTITIONER_CONFIDENT_IN = 'A3';
const PRACTITIONER_FEEDBACK = (outcomes: number) =>
  feedbackInput.parse({
    outcomesMet: Array.from({ length: outcomes }, () => 4),
    relevance: 5,
    delivery: 4,
    confidenceBefore: 4,
    confidenceAfter: 8,
    willDoDifferently: ref.feedbackQuotes[0].text,
    comments: '',
  });

interface Planned {
  session: Awaited<ReturnType<typeof createSession>>;
  /** How many learning outcomes the course has: the feedback rates each. */
  outcomes: number;
  /** Who marks the register: the trainer, or a coordinator for a commissioned provider's session. */
  marker: NonNullable<Actor>;
  /** The session's place in the year's list, which varies what happens in it. */
  index: number;
}
