// npm run bench:impact: the impact dashboard's figures over a database the size of ten
// partnerships' five years (about 1,000,000 bookings on PostgreSQL; a tenth of that on PGlite,
// which holds it all in memory), beside the raw aggregate SQL of the same headline figures, run on
// the same database in the same run. The goal: the figures in under a second, within 1.5x the raw
// SQL. Prints medians of five runs after one to warm the caches.
//
//   TEST_DATABASE_URL=postgres://... npm run bench:impact     (the figures that matter)
//   BENCH_IMPACT_BOOKINGS=200000 npm run bench:impact        (another size)
import { pathToFileURL } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/database';
import { partnerships } from '../db/schema';
import { impactDashboard, impactFigures, previousRange } from '../server/impact/service';
import { fixedClock } from '../server/shared/clock';
import type { ServiceContext } from '../server/shared/context';
import { testConfig } from '../test/support/app';
import { createTestDatabase } from '../test/support/database';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const BOOKINGS = Number(process.env.BENCH_IMPACT_BOOKINGS ?? (engine === 'PostgreSQL' ? 1_000_000 : 100_000));
const PARTNERSHIPS = 10;
const YEARS = 5;
const PLACES = 25;
const PEOPLE = 4000;
const COURSES = 40;

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

/** Ten partnerships' five years, made in SQL with generate_series: a loop of inserts from Node would take longer than the bench. */
export async function buildImpactData(db: Database, bookings = BOOKINGS) {
  /** Sessions a partnership runs in a year, for the bookings across them all. */
  const SESSIONS = Math.max(1, Math.round(bookings / (PARTNERSHIPS * YEARS * PLACES)));
  const run = (statement: string) => db.execute(sql.raw(statement));
  await run(`insert into partnerships (slug, name, short_name, area) select 'bench-' || p, 'Bench partnership ' || p, 'B' || p, 'Benchshire' from generate_series(1, ${PARTNERSHIPS}) p`);
  await run(`insert into organisations (partnership_id, name, short_name, sector, partner_status)
    select pa.id, pa.slug || ' organisation ' || o, 'O' || o, (array['Local authority', 'Police', 'Health', 'Education', 'Voluntary and community'])[1 + o % 5], 'statutory partner'
    from partnerships pa cross join generate_series(1, 20) o`);
  await run(`insert into people (partnership_id, name, email, organisation_id, job_title)
    select org.partnership_id, 'Person ' || n, 'p' || n || '.' || org.id || '@bench.example', org.id, 'Practitioner'
    from organisations org cross join generate_series(1, ${PEOPLE / 20}) n`);
  await run(`create temporary table numbered_people as select id, partnership_id, row_number() over (partition by partnership_id order by id) as n from people`);
  await run(`create index on numbered_people (partnership_id, n)`);
  await run(`insert into prospectuses (partnership_id, year, title, starts_on, ends_on, status)
    select pa.id, (2021 + y) || '-' || lpad(((22 + y) % 100)::text, 2, '0'), 'Prospectus', (2021 + y) || '-04-01', (2022 + y) || '-03-31', 'published'
    from partnerships pa cross join generate_series(0, ${YEARS - 1}) y`);
  await run(`insert into courses (partnership_id, prospectus_id, title, summary, learning_outcomes, themes, delivery_mode, duration_minutes)
    select pr.partnership_id, pr.id, 'Course ' || c, 'A course', '["One", "Two"]', jsonb_build_array((array['Neglect', 'Domestic abuse', 'Online safety', 'Early help', 'Core safeguarding'])[1 + c % 5]),
      (array['Face to face', 'Live online', 'Briefing'])[1 + c % 3], 180
    from prospectuses pr cross join generate_series(1, ${COURSES}) c`);
  await run(`insert into sessions (partnership_id, course_id, starts_at, ends_at, capacity, booking_closes_at, status)
    select c.partnership_id, c.id, t, t + interval '3 hours', ${PLACES}, t, case when k % 20 = 0 then 'cancelled' else 'delivered' end
    from courses c join prospectuses pr on pr.id = c.prospectus_id cross join generate_series(1, ${Math.ceil(SESSIONS / COURSES)}) k
    cross join lateral (select pr.starts_on::timestamptz + ((abs(hashtext(c.id::text || k)) % 360) || ' days')::interval + interval '9 hours' as t) starts`);
  await run(`insert into bookings (partnership_id, session_id, person_id, status, late_cancellation, walk_in)
    select s.partnership_id, s.id, np.id,
      case when s.status = 'cancelled' then 'cancelled' when b % 10 = 0 then 'did not attend' when b % 23 = 0 then 'cancelled' else case when b % 7 = 0 then 'partly attended' else 'attended' end end,
      s.status <> 'cancelled' and b % 23 = 0 and b % 2 = 0, b = ${PLACES}
    from sessions s cross join generate_series(1, ${PLACES}) b
    join numbered_people np on np.partnership_id = s.partnership_id and np.n = 1 + (abs(hashtext(s.id::text)) + b * 37) % ${PEOPLE}`);
  await run(`insert into feedback (partnership_id, booking_id, outcomes_met, relevance, delivery, confidence_before, confidence_after)
    select b.partnership_id, b.id, '[4, 3]', 3 + abs(hashtext(b.id::text)) % 3, 4, 3 + abs(hashtext(b.id::text)) % 4, 6 + abs(hashtext(b.id::text)) % 5
    from bookings b where b.status in ('attended', 'partly attended') and abs(hashtext(b.id::text)) % 5 <> 0`);
  await run(`insert into follow_up_surveys (partnership_id, booking_id, respondent, status, due_at, sent_at, answered_at)
    select b.partnership_id, b.id, 'attendee', case when abs(hashtext(b.id::text)) % 5 < 3 then 'answered' else 'closed' end, s.ends_at + interval '91 days', s.ends_at + interval '91 days',
      case when abs(hashtext(b.id::text)) % 5 < 3 then s.ends_at + interval '95 days' end
    from bookings b join sessions s on s.id = b.session_id where b.status in ('attended', 'partly attended')`);
  await run(`insert into impact_responses (partnership_id, survey_id, practice_changed, outcome_improved, shared_learning, confidence_now, competencies, quotation_consent)
    select f.partnership_id, f.id, (array['yes', 'not yet', 'no'])[1 + abs(hashtext(f.id::text)) % 3], (array['yes', 'not yet', 'no', 'not applicable'])[1 + abs(hashtext(f.id::text)) % 4],
      abs(hashtext(f.id::text)) % 2 = 0, 5 + abs(hashtext(f.id::text)) % 5, '{"a": "confident", "b": "developing"}', false
    from follow_up_surveys f where f.status = 'answered'`);
  await run('analyze');
}

/** The same headline figures (delivery, on the day, three months on) as one hand-written statement. */
const rawFigures = (partnershipId: string, range: { from: string; to: string }) => `
  with range_sessions as (
    select s.* from sessions s where s.partnership_id = '${partnershipId}' and s.starts_at >= '${range.from}' and s.starts_at < '${range.to}'
  ), session_figures as (
    select count(distinct course_id) filter (where status = 'delivered') as courses, count(*) filter (where status = 'delivered') as delivered,
      count(*) filter (where status = 'cancelled') as cancelled, sum(capacity) filter (where status = 'delivered') as places,
      sum(extract(epoch from ends_at - starts_at)) filter (where status = 'delivered') as seconds
    from range_sessions
  ), booking_figures as (
    select count(*) filter (where not b.walk_in) as bookings, count(*) filter (where b.status in ('attended', 'partly attended')) as attendances,
      count(*) filter (where b.status = 'did not attend') as dna, count(distinct b.person_id) filter (where b.status in ('attended', 'partly attended')) as people,
      count(f.id) as responses, avg(f.confidence_after - f.confidence_before) as change, stddev_samp(f.confidence_after - f.confidence_before) as change_sd
    from bookings b join range_sessions s on s.id = b.session_id left join feedback f on f.booking_id = b.id
  ), survey_figures as (
    select count(*) filter (where fs.sent_at is not null) as sent, count(ir.id) as answered, count(*) filter (where ir.practice_changed = 'yes') as changed,
      count(*) filter (where ir.shared_learning) as shared, avg(ir.confidence_now) as now
    from follow_up_surveys fs join bookings b on b.id = fs.booking_id join range_sessions s on s.id = b.session_id left join impact_responses ir on ir.survey_id = fs.id
    where fs.respondent = 'attendee'
  )
  select * from session_figures, booking_figures, survey_figures`;

/** The median of five runs, after one to warm the caches. */
async function median(work: () => Promise<unknown>): Promise<number> {
  await work();
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    await work();
    times.push(ms(t));
  }
  return times.sort((a, b) => a - b)[2];
}

/** Times one partnership's year of figures and the whole dashboard beside the raw SQL, on a database of its own. */
export async function benchImpact(bookings = BOOKINGS) {
  const database = await createTestDatabase();
  const { db } = database;
  try {
    const SESSIONS = Math.max(1, Math.round(bookings / (PARTNERSHIPS * YEARS * PLACES)));
    console.log(`\nImpact dashboard on ${engine}: ${PARTNERSHIPS} partnerships x ${YEARS} years, ${SESSIONS} sessions of ${PLACES} a year each (${(PARTNERSHIPS * YEARS * SESSIONS * PLACES).toLocaleString('en-GB')} bookings).`);
    const start = process.hrtime.bigint();
    await buildImpactData(db, bookings);
    console.log(`Made in ${(ms(start) / 1000).toFixed(1)} s.`);
    await measureImpact(db);
  } finally {
    await database.close();
  }
}

/** The timings on a database built by buildImpactData. */
export async function measureImpact(db: Database) {
  const [partnership] = await db.select().from(partnerships).where(eq(partnerships.slug, 'bench-1'));
  const s: ServiceContext = { db, clock: fixedClock('2026-06-01T09:00:00Z'), config: testConfig(), partnership, actor: null };
  const range = { from: '2023-04-01', to: '2024-04-01' };
  const raw = await median(() => db.execute(sql.raw(rawFigures(partnership.id, range))));
  // The dashboard's headline figures are of two periods: the raw SQL run for each.
  const rawBoth = await median(async () => {
    await db.execute(sql.raw(rawFigures(partnership.id, range)));
    await db.execute(sql.raw(rawFigures(partnership.id, previousRange(range))));
  });
  const figures = await median(() => impactFigures(s, range, {}));
  const dashboard = await median(() => impactDashboard(s, range, {}));
  const sample = await impactFigures(s, range, {});
  console.log(`One partnership's year (${sample.delivery.sessionsDelivered} sessions delivered, ${JSON.stringify(sample.delivery.attendances)} attendances, ${JSON.stringify(sample.followUp.answered)} surveys answered), medians of 5:`);
  console.log(`  raw aggregate SQL of the headline figures: ${raw.toFixed(1)} ms`);
  console.log(`  impactFigures (the same figures, with their intervals): ${figures.toFixed(1)} ms; ratio ${(figures / raw).toFixed(2)}`);
  console.log(`  impactDashboard (and the year before, breakdowns, the non-response check): ${dashboard.toFixed(1)} ms; ratio ${(dashboard / raw).toFixed(2)}`);
  console.log(`  the raw SQL for the year and the year before: ${rawBoth.toFixed(1)} ms; the dashboard's ratio to it ${(dashboard / rawBoth).toFixed(2)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await benchImpact();
