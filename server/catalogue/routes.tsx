import { Button, ErrorSummary, Select, SummaryList, TextInput } from '../../web/components';
import { formatDate, formatSessionTime, formatTime, monthName, duration, toLondonFields } from '../shared/dates';
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { cachedPage, pageFromCache } from '../http/page-cache';
import { DELIVERY_MODES, THEMES } from '../../db/schema';
import { givenValues, uuid, uuidParam } from '../http/params';
import { fieldErrors } from '../http/forms';
import { scope, type AppContext, type AppEnv, type CachedPage } from '../http/context';
import { render } from '../http/render';
import { get } from '../http/routes';
import { filtersSchema } from './schemas';
import { currentProspectus, getCourse, publicPageVersion, getSession, listCourses, listWorkforceGroups, prospectusMonths } from './service';
import { BookingPanel, NextDates, PlacesLeft, SessionTable } from './views';

import { liveBookingFor } from '../bookings/service';
import { SESSION_COOKIE } from '../accounts/sessions';
import { groupName, where } from '../../web/domain';
import { csrfToken } from '../http/security';

/** Reads the query; a bad value is reported and left out rather than failing the page. */
export function readFilters(c: AppContext) {
  const raw = givenValues(c.req.query());
  const parsed = filtersSchema.safeParse(raw);
  if (parsed.success) return { filters: parsed.data, errors: {} as Record<string, string> };
  const errors = fieldErrors(parsed.error);
  const kept = Object.fromEntries(Object.entries(raw).filter(([k]) => !errors[k]));
  return { filters: filtersSchema.parse(kept), errors };
}


/** What a signed-out page's version is read with: the partnership served is named by the app's configuration. */
const versionScope = (c: AppContext) => {
  const { db, clock, config } = c.get('deps');
  return { db, clock, partnershipSlug: config.partnership };
};

/** The prospectus page as the cache knows it: the London day (its words say "today") and the filters in the key; none when a filter is wrong. */
async function prospectusEntry(c: AppContext, { filters, errors }: ReturnType<typeof readFilters>): Promise<CachedPage | undefined> {
  if (Object.keys(errors).length) return undefined;
  const version = await publicPageVersion(versionScope(c), { year: filters.year });
  return { key: `/courses|${toLondonFields(c.get('deps').clock.now()).date}|${JSON.stringify(Object.entries(filters).filter(([, v]) => v).sort())}`, version: version?.version };
}

/** A course page as the cache knows it. */
async function courseEntry(c: AppContext, courseId: string): Promise<CachedPage> {
  const version = await publicPageVersion(versionScope(c), { courseId });
  return { key: `/courses/${courseId}`, version: version?.version };
}

/** The prospectus; signed out, from the page cache while the prospectus is unchanged (filters in the key). */
async function prospectusPage(c: AppContext) {
  const read = readFilters(c);
  const entry = c.get('viewer') ? undefined : (c.get('cachedPage') ?? (await prospectusEntry(c, read)));
  return cachedPage(c, entry, () => renderProspectus(c, read.filters, read.errors));
}

async function renderProspectus(c: AppContext, filters: ReturnType<typeof readFilters>['filters'], errors: Record<string, string>) {
  const s = scope(c);
  const prospectus = await currentProspectus(s, filters.year);
  if (!prospectus) {
    return render(c, { title: 'Training prospectus' }, <>
      <h1 class="govuk-heading-l">Training prospectus</h1>
      <p class="govuk-body">The prospectus has not been published yet. Check back soon.</p>
    </>);
  }
  const [list, groups] = await Promise.all([listCourses(s, prospectus.id, filters), listWorkforceGroups(s)]);
  const now = s.clock.now();
  const filtered = Boolean(filters.theme || filters.mode || filters.group || filters.month || filters.q);
  return render(
    c,
    { title: prospectus.title, hasErrors: Object.keys(errors).length > 0, status: 200 },
    <>
      <ErrorSummary errors={errors} />
      <span class="govuk-caption-l">Free inter-agency safeguarding training</span>
      <h1 class="govuk-heading-l">{prospectus.title}</h1>
      {prospectus.status === 'draft' ? <p class="govuk-body"><strong class="govuk-tag govuk-tag--yellow">Draft</strong> Only coordinators can see this prospectus until it is published.</p> : null}
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-one-third">
          <form method="get" action="/courses" class="app-filter-panel" role="search" aria-label="Filter courses">
            <h2 class="govuk-heading-m">Filter courses</h2>
            {filters.year ? <input type="hidden" name="year" value={filters.year} /> : null}
            <TextInput name="q" label="Search" value={filters.q} error={errors.q} />
            <Select name="theme" label="Theme" placeholder="All themes" value={filters.theme} error={errors.theme} options={THEMES.map((t) => ({ value: t, text: t }))} />
            <Select name="mode" label="How it is delivered" placeholder="Any way" value={filters.mode} error={errors.mode} options={DELIVERY_MODES.map((t) => ({ value: t, text: t }))} />
            <Select name="group" label="Workforce group" placeholder="All groups" value={filters.group} error={errors.group} options={groups.map((g) => ({ value: g.id, text: groupName(g) }))} />
            <Select name="month" label="Month" placeholder="Any month" value={filters.month} error={errors.month} options={prospectusMonths(prospectus).map((m) => ({ value: m, text: monthName(m) }))} />
            <Button secondary>Apply filters</Button>
            {filtered ? <p class="govuk-body"><a class="govuk-link" href={filters.year ? `/courses?year=${filters.year}` : '/courses'}>Clear filters</a></p> : null}
          </form>
        </div>
        <div class="govuk-grid-column-two-thirds">
          <p class="govuk-body" role="status">
            {list.length} {list.length === 1 ? 'course' : 'courses'}{filtered ? ' match your filters' : ''}
          </p>
          <ul class="app-course-list">
            {list.map((course) => (
              <li>
                <h2 class="govuk-heading-m">
                  <a class="govuk-link" href={`/courses/${course.id}`}>{course.title}</a>
                </h2>
                <p class="govuk-body">{course.summary}</p>
                <SummaryList noBorder rows={[
                  { key: 'Themes', value: course.themes.join(', ') },
                  { key: 'Delivery', value: `${course.deliveryMode}, ${duration(course.durationMinutes)}` },
                  { key: 'Next dates', value: <NextDates sessions={course.sessions} now={now} /> },
                ]} />
              </li>
            ))}
          </ul>
          {list.length === 0 ? <p class="govuk-body">No courses match. Try fewer filters or other words.</p> : null}
        </div>
      </div>
    </>,
  );
}

/** A course; signed out, from the page cache while its prospectus is unchanged. */
async function coursePage(c: AppContext) {
  const courseId = uuidParam(c, 'courseId', 'Course');
  const entry = c.get('viewer') ? undefined : (c.get('cachedPage') ?? (await courseEntry(c, courseId)));
  return cachedPage(c, entry, () => renderCourse(c, courseId));
}

async function renderCourse(c: AppContext, courseId: string) {
  const course = await getCourse(scope(c), courseId);
  return render(
    c,
    { title: course.title, backLink: '/courses' },
    <>
      <span class="govuk-caption-l">{course.themes.join(', ')}</span>
      <h1 class="govuk-heading-l">{course.title}</h1>
      {course.withdrawn ? <p class="govuk-body"><strong class="govuk-tag govuk-tag--red">Withdrawn</strong></p> : null}
      <p class="govuk-body-l">{course.summary}</p>
      <h2 class="govuk-heading-m">What you will learn</h2>
      <ul class="govuk-list govuk-list--bullet">
        {course.learningOutcomes.map((o) => <li>{o}</li>)}
      </ul>
      <SummaryList rows={[
        { key: 'Who it is for', value: course.workforceGroups.length ? <ul class="govuk-list">{course.workforceGroups.map((g) => <li>{g.name}</li>)}</ul> : 'Everyone' },
        { key: 'Delivery', value: course.deliveryMode },
        { key: 'Length', value: duration(course.durationMinutes) },
        { key: 'Provided by', value: course.provider },
        { key: 'Before you book', value: course.prerequisites || 'Nothing' },
        ...(course.requiresManagerApproval ? [{ key: 'Approval', value: 'Your line manager must approve your place' }] : []),
        ...(course.competencies.length ? [{ key: 'Competencies', value: <ul class="govuk-list">{course.competencies.map((x) => <li>{x.code}: {x.statement}</li>)}</ul> }] : []),
        { key: 'Cost', value: 'Free' },
      ]} />
      <SessionTable sessions={course.sessions} link={(x) => `/sessions/${x.id}`} />
    </>,
  );
}

async function sessionPage(c: AppContext) {
  const s = scope(c);
  const { course, session } = await getSession(s, uuidParam(c, 'sessionId', 'Session'));
  const booking = s.actor ? await liveBookingFor(s.db, session.id, s.actor.id) : undefined;
  return render(
    c,
    { title: `${course.title}: ${formatSessionTime(session.startsAt, session.endsAt)}`, backLink: `/courses/${course.id}` },
    <>
      <span class="govuk-caption-l">{course.title}</span>
      <h1 class="govuk-heading-l">{formatSessionTime(session.startsAt, session.endsAt)}</h1>
      {session.status === 'cancelled' ? <p class="govuk-body"><strong class="govuk-tag govuk-tag--red">Cancelled</strong> {session.cancelledReason}</p> : null}
      <SummaryList rows={[
        { key: 'Date and time', value: formatSessionTime(session.startsAt, session.endsAt) },
        { key: 'Where', value: where(session) },
        { key: 'Trainer', value: session.trainers.join(', ') || 'To be confirmed' },
        { key: 'Places', value: <PlacesLeft session={session} /> },
        { key: 'Booking closes', value: `${formatDate(session.bookingClosesAt)}, ${formatTime(session.bookingClosesAt)}` },
      ]} />
      <BookingPanel session={session} signedIn={Boolean(s.actor)} booking={booking} csrfToken={csrfToken(c)} requiresApproval={course.requiresManagerApproval} />
      <p class="govuk-body">
        <a class="govuk-link" href={`/courses/${course.id}`}>More about {course.title}</a>
      </p>
    </>,
  );
}

/**
 * The same two pages for a visitor without a session cookie, answered from the page cache
 * before the partnership's row or anyone's session is read: one statement, the page's version
 * (decision 20). Whatever the cache does not hold at that version (or a wrong filter or address)
 * goes on to the routes above, which read, render and keep it.
 */
export const cachedFirst: { path: string; handler: MiddlewareHandler<AppEnv> }[] = [
  { path: '/courses', handler: fromCacheFirst((c) => prospectusEntry(c, readFilters(c))) },
  {
    path: '/courses/:courseId',
    handler: fromCacheFirst(async (c) => {
      const courseId = uuid.safeParse(c.req.param('courseId'));
      return courseId.success ? courseEntry(c, courseId.data) : undefined;
    }),
  },
];

function fromCacheFirst(entryOf: (c: AppContext) => Promise<CachedPage | undefined>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method !== 'GET' || getCookie(c, SESSION_COOKIE)) return next();
    const page = await entryOf(c);
    const hit = pageFromCache(c, page);
    if (hit) return hit;
    // Not held at this version: the route renders it, with the version already read.
    c.set('cachedPage', page);
    return next();
  };
}

export const catalogueRoutes = [
  get('/courses', 'public', prospectusPage),
  get('/courses/:courseId', 'public', coursePage),
  get('/sessions/:sessionId', 'public', sessionPage),
];

