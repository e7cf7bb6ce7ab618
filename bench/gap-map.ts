// The gap map for a partnership of BENCH_PEOPLE people (20,000 by default) with five years of
// records, timed against the one aggregate SQL query that counts the same thing (how many of the
// people needing each competency, by organisation, have learned it within its refresh period),
// on the same database. The gap map reads every kind of evidence, applies the profile's status
// rules to each person and competency on two days, and suppresses every figure together; the
// query only counts. Part of `npm run bench`.
import { asc, eq, sql } from 'drizzle-orm';
import { rowsOf } from '../db/database';
import { competencies, courseCompetencies, courses, prospectuses } from '../db/schema';
import { gapMap, isHidden } from '../server/competencies/needs';
import { seed } from '../test/support/app';
import { createTestDatabase } from '../test/support/database';
import { bookingScope } from '../test/support/fixtures';
import { median } from './percentile.mjs';

const NOW = '2026-11-23T10:00:00Z';
const YEARS = ['2022-23', '2023-24', '2024-25', '2025-26', '2026-27'];
const COURSES_A_YEAR = 4;
const SESSIONS_A_COURSE = 25;

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

/** The partnership's records, made in a few set-based statements (making them is not what is measured). */
export async function buildPartnership(db: Awaited<ReturnType<typeof createTestDatabase>>['db'], partnershipId: string, size: number) {
  const competencyIds = (await db.select({ id: competencies.id }).from(competencies).where(eq(competencies.partnershipId, partnershipId)).orderBy(asc(competencies.code))).map((r) => r.id);
  const years = await db
    .insert(prospectuses)
    .values(YEARS.map((year) => ({ partnershipId, year, title: `Prospectus ${year}`, startsOn: `${year.slice(0, 4)}-04-01`, endsOn: `${Number(year.slice(0, 4)) + 1}-03-31`, status: 'published' as const })))
    .returning({ id: prospectuses.id });
  const made = await db
    .insert(courses)
    .values(
      years.flatMap((p, y) =>
        Array.from({ length: COURSES_A_YEAR }, (_, k) => ({
          partnershipId,
          prospectusId: p.id,
          title: `Bench course ${y}.${k}`,
          summary: 'Bench',
          learningOutcomes: ['Learn'],
          themes: ['Core safeguarding'],
          deliveryMode: k === COURSES_A_YEAR - 1 ? ('E-learning' as const) : ('Face to face' as const),
          durationMinutes: 180,
        })),
      ),
    )
    .returning({ id: courses.id });
  // Each course develops three competencies; the last competency of the framework none, so one is uncovered.
  await db.insert(courseCompetencies).values(made.flatMap((c, i) => [0, 4, 8].map((step) => ({ courseId: c.id, competencyId: competencyIds[(i + step) % (competencyIds.length - 1)] }))));

  await db.execute(sql`
    insert into sessions (partnership_id, course_id, starts_at, ends_at, venue, capacity, booking_closes_at, status)
    select ${partnershipId}, c.id, t, t + interval '3 hours', 'Bench House', 1000, t - interval '1 day', 'delivered'
    from (select c.id, (substr(p.year, 1, 4)::int) as first, row_number() over (partition by p.id order by c.title) as k
          from courses c join prospectuses p on p.id = c.prospectus_id where c.title like 'Bench course %' and c.delivery_mode <> 'E-learning') c,
    lateral (select make_timestamptz(c.first, 4, 1, 10, 0, 0, 'UTC') + (n * 14 + c.k) * interval '1 day' as t from generate_series(0, ${SESSIONS_A_COURSE - 1}) n) s`);
  await db.execute(sql`
    insert into people (partnership_id, name, email, organisation_id, job_title, workforce_group_id)
    select ${partnershipId}, 'Bench person ' || i, 'bench' || i || '@bench.example', o.id, 'Practitioner', g.id
    from generate_series(1, ${size}) i
    join (select id, row_number() over (order by name) - 1 as n, count(*) over () as total from organisations where partnership_id = ${partnershipId}) o on o.n = i % o.total
    join (select wg.id, wg.sort_order - 1 as n from workforce_groups wg join competency_frameworks f on f.id = wg.framework_id and f.current) g on g.n = i % 6`);
  // One course a year for four people in five, a session of that year's chosen by the person's number.
  await db.execute(sql`
    insert into bookings (partnership_id, session_id, person_id, status)
    select ${partnershipId}, s.id, p.id, 'attended'
    from (select id, row_number() over (order by email) as i from people where email like 'bench%') p
    cross join generate_series(0, ${YEARS.length - 1}) as years(y)
    join (select s.id, substr(pr.year, 1, 4)::int - ${Number(YEARS[0].slice(0, 4))} as year_index, row_number() over (partition by pr.id order by s.starts_at, s.id) - 1 as n, count(*) over (partition by pr.id) as total
          from sessions s join courses c on c.id = s.course_id join prospectuses pr on pr.id = c.prospectus_id where c.title like 'Bench course %') s
      on s.year_index = years.y and s.n = (p.i * 7 + years.y) % s.total
    where (p.i + years.y) % 5 <> 0`);
  await db.execute(sql`
    insert into feedback (partnership_id, booking_id, outcomes_met, relevance, delivery, confidence_before, confidence_after)
    select ${partnershipId}, b.id, '[4]'::jsonb, 5, 5, 4, 8 from bookings b where b.partnership_id = ${partnershipId} and b.queue_number % 10 <> 0`);
  // A three-month answer on a third of the courses come to, practice changed on half of them.
  await db.execute(sql`
    insert into follow_up_surveys (partnership_id, booking_id, respondent, status, due_at)
    select ${partnershipId}, b.id, 'attendee', 'answered', s.starts_at + interval '91 days'
    from bookings b join sessions s on s.id = b.session_id where b.partnership_id = ${partnershipId} and b.queue_number % 3 = 0`);
  await db.execute(sql`
    insert into impact_responses (partnership_id, survey_id, practice_changed, shared_learning, confidence_now, competencies, quotation_consent, created_at)
    select ${partnershipId}, f.id, case when (f.due_at::date - date '2000-01-01') % 2 = 0 then 'yes' else 'not yet' end, false, 7, '{}'::jsonb, false, f.due_at
    from follow_up_surveys f where f.partnership_id = ${partnershipId}`);
  // E-learning for every other person, on a day in the five years.
  await db.execute(sql`
    insert into e_learning_completions (partnership_id, person_id, course_id, completed_on)
    select ${partnershipId}, p.id, c.id, to_char(date '2022-04-01' + ((p.i * 13) % 1680)::int, 'YYYY-MM-DD')
    from (select id, row_number() over (order by email) as i from people where email like 'bench%') p
    join (select id, row_number() over (order by title) - 1 as n, count(*) over () as total from courses where delivery_mode = 'E-learning' and title like 'Bench course %') c on c.n = p.i % c.total
    where p.i % 2 = 0`);
}

/** The same counts as the gap map's "meets" by organisation and competency, in one query. */
const aggregate = (partnershipId: string) => sql`
  with learning as (
    select b.person_id, cc.competency_id, s.starts_at::date as on_day
    from bookings b join sessions s on s.id = b.session_id join course_competencies cc on cc.course_id = s.course_id join feedback f on f.booking_id = b.id
    where b.partnership_id = ${partnershipId} and b.status in ('attended', 'partly attended')
    union all
    select e.person_id, cc.competency_id, e.completed_on::date from e_learning_completions e join course_competencies cc on cc.course_id = e.course_id
    where e.partnership_id = ${partnershipId}
  )
  select p.organisation_id, cr.competency_id, count(*)::int as required,
    (count(*) filter (where exists (
      select 1 from learning l where l.person_id = p.id and l.competency_id = cr.competency_id and l.on_day <= date '2026-11-23' and l.on_day > date '2026-11-23' - interval '36 months')))::int as meets
  from people p join competency_requirements cr on cr.workforce_group_id = p.workforce_group_id
  where p.partnership_id = ${partnershipId}
  group by 1, 2`;


export async function benchGapMap(size = Number(process.env.BENCH_PEOPLE ?? 20_000)) {
  const database = await createTestDatabase();
  const { db } = database;
  try {
    await seed(db, 'partnership');
    const s = await bookingScope(db, NOW);
    let start = process.hrtime.bigint();
    await buildPartnership(db, s.partnership.id, size);
    await db.execute(sql`analyze`);
    const building = ms(start);
    const coordinator = { ...s, actor: { id: '00000000-0000-4000-8000-000000000000', roles: ['coordinator' as const] } };

    const times: number[] = [];
    let map;
    for (let run = 0; run < 3; run++) {
      start = process.hrtime.bigint();
      map = (await gapMap(coordinator))!;
      times.push(ms(start));
    }
    const queryTimes: number[] = [];
    let rows: { required: number; meets: number }[] = [];
    for (let run = 0; run < 3; run++) {
      start = process.hrtime.bigint();
      rows = rowsOf<{ required: number; meets: number }>(await db.execute(aggregate(s.partnership.id)));
      queryTimes.push(ms(start));
    }
    const best = (list: number[]) => Math.min(...list);
    const shownMeets = map!.competencies.reduce((n, c) => n + (c.all && !isHidden(c.all) ? c.all.count : 0), 0);
    const queryMeets = rows.reduce((n, r) => n + r.meets, 0);
    console.log(`\n4. The gap map for ${size.toLocaleString('en-GB')} people and five years of records (built in ${(building / 1000).toFixed(1)} s)`);
    console.log(`   gap map service: best of 3 ${best(times).toFixed(0)} ms, median ${median(times).toFixed(0)} ms (first ${times[0].toFixed(0)} ms)`);
    console.log(`   the aggregate query of the same counts: best of 3 ${best(queryTimes).toFixed(0)} ms, median ${median(queryTimes).toFixed(0)} ms; ratio of the bests ${(best(times) / best(queryTimes)).toFixed(2)}, of the medians ${(median(times) / median(queryTimes)).toFixed(2)}`);
    console.log(`   people meeting a competency, summed over competencies: service ${shownMeets.toLocaleString('en-GB')}, query ${queryMeets.toLocaleString('en-GB')}`);
  } finally {
    await database.close();
  }
}
