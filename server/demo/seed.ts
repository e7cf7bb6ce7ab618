import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/database';
import * as ref from '../../db/reference-data';
import {
  bookings,
  competencies,
  competencyFrameworks,
  competencyRequirements,
  courseCompetencies,
  courses,
  courseWorkforceGroups,
  feedback,
  organisations,
  partnerships,
  people,
  personRoles,
  prospectuses,
  sessions,
  sessionTrainers,
  workforceGroups,
  type BookingStatus,
  type DeliveryMode,
  type Role,
} from '../../db/schema';
import { fromLondon, yearContaining } from '../shared/dates';
import { seedFollowUps } from './follow-ups';

// Competency statements in the shape partnerships publish: domains, each needed from a group up.
const COMPETENCIES: { code: string; domain: string; statement: string; fromGroup: number }[] = [
  { code: 'A1', domain: 'Recognising harm', statement: 'Recognise the signs and indicators of abuse, neglect and exploitation', fromGroup: 1 },
  { code: 'A2', domain: 'Recognising harm', statement: 'Understand how parental domestic abuse, substance misuse and mental ill health affect children', fromGroup: 2 },
  { code: 'A3', domain: 'Recognising harm', statement: 'Recognise risks to children online and in the community (contextual safeguarding)', fromGroup: 2 },
  { code: 'B1', domain: 'Responding and referring', statement: 'Know what to do and who to tell when worried about a child', fromGroup: 1 },
  { code: 'B2', domain: 'Responding and referring', statement: 'Make a clear, evidence-based referral to children’s social care or early help', fromGroup: 2 },
  { code: 'C1', domain: 'Working together', statement: 'Share information lawfully and in good time with partner agencies', fromGroup: 2 },
  { code: 'C2', domain: 'Working together', statement: 'Contribute to multi-agency assessment, planning and review for a child', fromGroup: 3 },
  { code: 'C3', domain: 'Working together', statement: 'Work with families who are hard to engage, keeping the child at the centre', fromGroup: 3 },
  { code: 'D1', domain: 'Assessment', statement: 'Use assessment tools such as the Graded Care Profile to evidence neglect', fromGroup: 3 },
  { code: 'E1', domain: 'Leadership and safer workforce', statement: 'Apply safer recruitment practice and manage allegations against staff', fromGroup: 4 },
  { code: 'E2', domain: 'Leadership and safer workforce', statement: 'Give safeguarding supervision and advice to colleagues', fromGroup: 4 },
  { code: 'E3', domain: 'Leadership and safer workforce', statement: 'Lead an organisation’s safeguarding arrangements and learning culture', fromGroup: 5 },
];

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

/** The partnership, its organisations and its competency framework: what any deployment starts from. */
export async function seedPartnership(db: Database): Promise<{ partnershipId: string; created: boolean }> {
  const [existing] = await db.select({ id: partnerships.id }).from(partnerships).where(eq(partnerships.slug, ref.partnership.slug));
  if (existing) return { partnershipId: existing.id, created: false };
  return db.transaction(async (tx) => {
    const [p] = await tx.insert(partnerships).values({ ...ref.partnership }).returning({ id: partnerships.id });
    await tx.insert(organisations).values(ref.organisations.map((o) => ({ partnershipId: p.id, ...o })));
    const [framework] = await tx
      .insert(competencyFrameworks)
      .values({ partnershipId: p.id, version: 1, title: 'Partnership safeguarding competency framework', current: true, refreshYears: 3 })
      .returning({ id: competencyFrameworks.id });
    const groups = await tx
      .insert(workforceGroups)
      .values(ref.workforceGroups.map((g, i) => ({ partnershipId: p.id, frameworkId: framework.id, code: g.code, name: g.name, who: g.who, sortOrder: i + 1 })))
      .returning({ id: workforceGroups.id, code: workforceGroups.code });
    const comps = await tx
      .insert(competencies)
      .values(COMPETENCIES.map((c) => ({ partnershipId: p.id, frameworkId: framework.id, code: c.code, domain: c.domain, statement: c.statement })))
      .returning({ id: competencies.id, code: competencies.code });
    await tx.insert(competencyRequirements).values(
      COMPETENCIES.flatMap((c) => {
        const competencyId = comps.find((x) => x.code === c.code)!.id;
        return groups.filter((g) => Number(g.code) >= c.fromGroup).map((g) => ({ competencyId, workforceGroupId: g.id }));
      }),
    );
    return { partnershipId: p.id, created: true };
  });
}

const DEMO_PEOPLE: { name: string; email: string; org: string; jobTitle: string; group: string; roles: Role[] }[] = [
  { name: 'Chris Coordinator', email: 'coordinator@rscp.example', org: 'RMBC', jobTitle: 'Learning and development officer', group: '4', roles: ['coordinator'] },
  { name: 'Tariq Trainer', email: 'trainer@rscp.example', org: 'RMBC', jobTitle: 'Safeguarding trainer', group: '4', roles: ['trainer'] },
  { name: 'Rowan Reviewer', email: 'reviewer@rscp.example', org: 'SY ICB', jobTitle: 'Designated nurse, safeguarding children', group: '4', roles: ['reviewer'] },
  { name: 'Olu Lead', email: 'lead@rscp.example', org: 'TRFT', jobTitle: 'Named nurse, safeguarding', group: '4', roles: ['organisation lead'] },
  { name: 'Priya Practitioner', email: 'practitioner@rscp.example', org: 'TRFT', jobTitle: 'Health visitor', group: '3', roles: [] },
];

const FIRST_NAMES = ['Alex', 'Sam', 'Jo', 'Amina', 'Ben', 'Ciara', 'Dev', 'Ellie', 'Farah', 'Gareth', 'Hannah', 'Imran', 'Jade', 'Kofi', 'Leah', 'Marek', 'Nadia', 'Owen', 'Poppy', 'Rhys'];
const LAST_NAMES = ['Ahmed', 'Brown', 'Clarke', 'Dawson', 'Evans', 'Fletcher', 'Green', 'Hussain', 'Iqbal', 'Jones', 'Khan', 'Lee', 'Morris', 'Nowak', 'Patel', 'Quinn', 'Roberts', 'Shaw', 'Taylor', 'Walker'];
const JOBS = ['Social worker', 'School nurse', 'Teaching assistant', 'Youth worker', 'Police constable', 'Family support worker', 'Early years practitioner', 'GP practice manager', 'Designated safeguarding lead', 'Housing officer'];
const VENUES = ['Riverside House, Main Street, Rotherham S60 1AE', 'Rotherham Town Hall, Moorgate Street, Rotherham S60 2TH', 'Wath Library, Montgomery Road, Wath-upon-Dearne S63 7RZ', 'Maltby Leisure Centre, Braithwell Road, Maltby S66 8JE'];

function previousWorkingDay(date: string): string {
  const day = new Date(`${date}T12:00:00Z`);
  do day.setUTCDate(day.getUTCDate() - 1);
  while ([0, 6].includes(day.getUTCDay()));
  return day.toISOString().slice(0, 10);
}

/**
 * The demo: the current year's prospectus, published, with sessions spread over the year
 * (some past, some full), demo accounts for each role, and bookings. Does nothing if the
 * prospectus already exists, so every start can call it.
 */
export async function seedDemo(db: Database, now: Date, options: { baseUrl?: string } = {}): Promise<{ created: boolean }> {
  const { partnershipId } = await seedPartnership(db);
  const year = yearContaining(now, 4);
  const [existing] = await db
    .select({ id: prospectuses.id })
    .from(prospectuses)
    .where(and(eq(prospectuses.partnershipId, partnershipId), eq(prospectuses.year, year.label)));
  if (existing) return { created: false };

  await db.transaction(async (tx) => {
    const orgs = await tx.select().from(organisations).where(eq(organisations.partnershipId, partnershipId));
    const groups = await tx.select().from(workforceGroups).where(eq(workforceGroups.partnershipId, partnershipId));
    const comps = await tx.select().from(competencies).where(eq(competencies.partnershipId, partnershipId));
    const orgId = (short: string) => orgs.find((o) => o.shortName === short)!.id;
    const groupId = (code: string) => groups.find((g) => g.code === code)!.id;

    // Demo accounts, then a pool of practitioners to fill sessions.
    const peopleRows = [
      ...DEMO_PEOPLE.map((p) => ({ name: p.name, email: p.email, organisationId: orgId(p.org), jobTitle: p.jobTitle, workforceGroupId: groupId(p.group) })),
      ...Array.from({ length: 60 }, (_, i) => {
        const first = FIRST_NAMES[i % FIRST_NAMES.length];
        const last = LAST_NAMES[(i * 7) % LAST_NAMES.length];
        return {
          name: `${first} ${last}`,
          email: `${first}.${last}.${i}@partner.example`.toLowerCase(),
          organisationId: orgs[i % orgs.length].id,
          jobTitle: JOBS[i % JOBS.length],
          workforceGroupId: groupId(String((i % 4) + 1)),
        };
      }),
    ];
    const inserted = await tx
      .insert(people)
      .values(peopleRows.map((p) => ({ partnershipId, ...p })))
      .onConflictDoNothing()
      .returning({ id: people.id, email: people.email });
    const roles = inserted.flatMap((p) => {
      const demo = DEMO_PEOPLE.find((d) => d.email === p.email);
      return ['practitioner' as Role, ...(demo?.roles ?? [])].map((role) => ({ personId: p.id, role }));
    });
    if (roles.length) await tx.insert(personRoles).values(roles).onConflictDoNothing();
    const everyone = await tx.select({ id: people.id, email: people.email }).from(people).where(eq(people.partnershipId, partnershipId));
    const trainer = everyone.find((p) => p.email === 'trainer@rscp.example')!;
    const pool = everyone.filter((p) => p.email.endsWith('@partner.example'));

    const [prospectus] = await tx
      .insert(prospectuses)
      .values({
        partnershipId,
        year: year.label,
        title: `Learning and development prospectus ${year.label}`,
        introduction: 'Our free inter-agency courses are open to everyone who works or volunteers with children and families. Every participant gives feedback on the day and again three months later, so we can see the difference training makes.',
        startsOn: year.startsOn,
        endsOn: year.endsOn,
        status: 'published',
        publishedAt: fromLondon(year.startsOn, '09:00'),
      })
      .returning({ id: prospectuses.id });

    const allCourses = [
      ...ref.themedCourses.map((c) => ({ title: c.title, theme: c.theme, spec: COURSES[c.title] })),
      ...ref.eLearningCourses.map((c) => ({
        title: c.title,
        theme: c.theme,
        spec: <CourseSpec>{
          summary: `An e-learning course you can take at your own pace: ${c.title.toLowerCase()}.`,
          outcomes: ['Understand the key facts and the law', 'Recognise the signs in children and families', 'Know how to respond and who to tell'],
          mode: 'E-learning' as DeliveryMode,
          minutes: 90,
          groups: ['1', '2'],
          competencies: ['A1', 'B1'],
        },
      })),
    ];

    const yearStart = fromLondon(year.startsOn, '00:00');
    let sessionIndex = 0;
    for (const [index, { title, theme, spec }] of allCourses.entries()) {
      const [course] = await tx
        .insert(courses)
        .values({
          partnershipId,
          prospectusId: prospectus.id,
          title,
          summary: spec.summary,
          learningOutcomes: spec.outcomes,
          themes: [theme],
          deliveryMode: spec.mode,
          durationMinutes: spec.minutes,
          provider: index % 4 === 3 ? 'Commissioned provider' : 'Partnership trainer',
          prerequisites: spec.groups.includes('3') && title !== 'Group 3 Safeguarding Core Workshop' ? 'Group 3 Safeguarding Core Workshop, or equivalent training in the last three years' : '',
          requiresManagerApproval: spec.approval ?? false,
          createdAt: yearStart,
          updatedAt: yearStart,
        })
        .returning({ id: courses.id });
      await tx.insert(courseWorkforceGroups).values(spec.groups.map((g) => ({ courseId: course.id, workforceGroupId: groupId(g) })));
      await tx.insert(courseCompetencies).values(spec.competencies.map((code) => ({ courseId: course.id, competencyId: comps.find((x) => x.code === code)!.id })));
      if (spec.mode === 'E-learning') continue;

      // Three or four dates a year, staggered by course, on weekday mornings London time.
      const dates = index % 3 === 0 ? 4 : 3;
      for (let d = 0; d < dates; d++) {
        const monthOffset = (index + d * Math.floor(12 / dates)) % 12;
        const [firstYear, firstMonth] = year.startsOn.split('-').map(Number);
        const day = new Date(Date.UTC(firstYear, firstMonth - 1 + monthOffset, 8 + ((index * 5 + d * 3) % 18)));
        while ([0, 6].includes(day.getUTCDay())) day.setUTCDate(day.getUTCDate() + 1);
        const date = day.toISOString().slice(0, 10);
        const startsAt = fromLondon(date, spec.minutes > 200 ? '09:30' : '10:00');
        const endsAt = new Date(startsAt.getTime() + spec.minutes * 60_000 + (spec.minutes > 300 ? 30 * 60_000 : 0));
        const capacity = spec.capacity ?? (spec.mode === 'Live online' ? 30 : 20);
        const online = spec.mode === 'Live online';
        const past = startsAt < now;
        // Past sessions were well attended; every fifth upcoming one is full.
        const taken = past ? Math.min(capacity, 12 + (sessionIndex % 8)) : sessionIndex % 5 === 0 ? capacity : sessionIndex % 4;
        const [session] = await tx
          .insert(sessions)
          .values({
            partnershipId,
            courseId: course.id,
            startsAt,
            endsAt,
            venue: online ? '' : VENUES[sessionIndex % VENUES.length],
            online,
            joiningLink: online ? 'https://meet.example/rscp-training' : '',
            capacity,
            placesTaken: Math.min(taken, pool.length),
            bookingClosesAt: fromLondon(previousWorkingDay(date), '17:00'),
            trainerName: index % 4 === 3 ? 'Commissioned provider' : '',
            status: past ? 'delivered' : 'scheduled',
          })
          .returning({ id: sessions.id });
        if (index % 4 !== 3) await tx.insert(sessionTrainers).values({ sessionId: session.id, personId: trainer.id });
        // Past sessions have their attendance: about one in ten did not come, one in twenty left early.
        const attendance = (i: number): BookingStatus => (!past ? 'confirmed' : (i + sessionIndex) % 10 === 3 ? 'did not attend' : (i + sessionIndex) % 20 === 7 ? 'partly attended' : 'attended');
        const booked = pool.slice(0, Math.min(taken, pool.length)).map((_, i) => ({
          partnershipId,
          sessionId: session.id,
          personId: pool[(i + sessionIndex * 3) % pool.length].id,
          status: attendance(i),
          createdAt: new Date(Math.min(startsAt.getTime(), now.getTime()) - (30 - i) * 3_600_000),
          attendanceRecordedAt: past ? endsAt : null,
        }));
        const inserted = booked.length ? await tx.insert(bookings).values(booked).returning({ id: bookings.id, status: bookings.status }) : [];
        // Most who came gave feedback on the day, with a spread of answers.
        const feedbackRows = inserted
          .filter((b, i) => b.status !== 'did not attend' && b.status !== 'confirmed' && i % 4 !== 0)
          .map((b, i) => {
            const quote = ref.feedbackQuotes[(i + sessionIndex) % ref.feedbackQuotes.length];
            return {
              partnershipId,
              bookingId: b.id,
              outcomesMet: spec.outcomes.map((_, k) => 2 + ((i + k + sessionIndex) % 3)),
              relevance: 3 + ((i + sessionIndex) % 3),
              delivery: 3 + ((i * 2 + sessionIndex) % 3),
              confidenceBefore: 3 + ((i + sessionIndex) % 4),
              confidenceAfter: 6 + ((i + sessionIndex) % 4),
              willDoDifferently: i % 3 === 0 ? quote.text : '',
              comments: i % 5 === 0 ? 'Well paced, with time for questions.' : '',
              createdAt: endsAt,
            };
          });
        if (feedbackRows.length) await tx.insert(feedback).values(feedbackRows);
        sessionIndex++;
      }
    }
    const [partnership] = await tx.select().from(partnerships).where(eq(partnerships.id, partnershipId));
    await seedFollowUps(tx, partnership, now, 'practitioner@rscp.example', options.baseUrl);
  });
  return { created: true };
}
