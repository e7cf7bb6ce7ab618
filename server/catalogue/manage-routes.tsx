// The coordinator's pages for building the prospectus: prospectuses, courses and
// sessions. The rules live in manage-service.ts; these pages only translate HTTP.
import { ActionLink, Button, ButtonLink, Choices, Form, StatusTag, Table, Textarea, TextInput, WarningText } from '../../web/components';
import { formatDate, formatSessionTime, fromLondon, toLondonFields, duration } from '../shared/dates';
import { DELIVERY_MODES, THEMES, type Role } from '../../db/schema';
import type { FieldErrors } from '../shared/errors';
import { scope, type AppContext } from '../http/context';
import { many, one, type FormValues } from '../http/forms';
import { render, seeOther } from '../http/render';
import { get, post } from '../http/routes';
import { ChangeableSummary, DateInput, dateValues, Done, formPage, submitForm, TargetForm, withDateParts, type FormTarget } from '../http/form-pages';
import {
  cancelInput,
  cancelSession,
  courseInput,
  createCourse,
  createProspectus,
  createSession,
  getProspectus,
  getSessionForManaging,
  listCoursesForManaging,
  listProspectusesWithCounts,
  listTrainers,
  nextProspectusYear,
  prospectusInput,
  publishProspectus,
  sessionInput,
  upcomingSessionCount,
  updateCourse,
  updateProspectus,
  updateSession,
  withdrawCourse,
} from './manage-service';
import { uuidParam } from '../http/params';
import { getCourse, listCompetencies, listWorkforceGroups, type Prospectus } from './service';
import { where } from '../../web/domain';

const COORDINATOR: Role[] = ['coordinator'];
const prospectusId = (c: AppContext) => uuidParam(c, 'prospectusId', 'Prospectus');
const courseId = (c: AppContext) => uuidParam(c, 'courseId', 'Course');
const sessionId = (c: AppContext) => uuidParam(c, 'sessionId', 'Session');
const yesNo = (v: boolean) => (v ? 'yes' : 'no');
const YES_NO = [
  { value: 'yes', text: 'Yes' },
  { value: 'no', text: 'No' },
];
/** "Thursday 1 April 2027" for a stored "2027-04-01". */
const dayOf = (iso: string) => formatDate(fromLondon(iso, '12:00'));

// ---- Dashboard ----------------------------------------------------------------------

function dashboard(c: AppContext) {
  const sections = [
    { href: '/manage/prospectuses', title: 'Prospectuses', text: 'Create a year’s prospectus, publish it, and add and change its courses and dates.' },
    { href: '/manage/organisations', title: 'Organisations', text: 'The partner agencies and settings people choose from when they register.' },
    { href: '/manage/people', title: 'People', text: 'Find people and give them roles: trainer, coordinator, reviewer or organisation lead.' },
    { href: '/manage/e-learning', title: 'E-learning completions', text: 'Import the e-learning provider’s CSV of who completed which course.' },
    { href: '/manage/non-attendance', title: 'Non-attendance', text: 'Who did not attend or cancelled late, by organisation and session, and the charges to invoice.' },
  ];
  return render(
    c,
    { title: 'Manage training' },
    <>
      <h1 class="govuk-heading-l">Manage training</h1>
      {sections.map((x) => (
        <>
          <h2 class="govuk-heading-m">
            <a class="govuk-link" href={x.href}>{x.title}</a>
          </h2>
          <p class="govuk-body">{x.text}</p>
        </>
      ))}
    </>,
  );
}

// ---- Prospectuses -------------------------------------------------------------------

async function prospectusList(c: AppContext) {
  const list = await listProspectusesWithCounts(scope(c));
  return render(
    c,
    { title: 'Prospectuses', backLink: '/manage' },
    <>
      <h1 class="govuk-heading-l">Prospectuses</h1>
      <ButtonLink href="/manage/prospectuses/new">Create a draft prospectus</ButtonLink>
      {list.length ? (
        <Table
          head={['Year', 'Title', 'Courses', 'Status']}
          rows={list.map((p) => [p.year, <a class="govuk-link" href={`/manage/prospectuses/${p.id}`}>{p.title}</a>, String(p.courseCount), <StatusTag status={p.status} />])}
        />
      ) : (
        <p class="govuk-body">There are no prospectuses yet.</p>
      )}
    </>,
  );
}

async function suggestedProspectus(c: AppContext): Promise<FormValues> {
  const next = await nextProspectusYear(scope(c));
  return { year: next.year, title: `Learning and development prospectus ${next.year}`, ...dateValues('startsOn', next.startsOn), ...dateValues('endsOn', next.endsOn) };
}

const prospectusForm = withDateParts(['startsOn', 'endsOn'], prospectusInput);

function prospectusFormPage(c: AppContext, target: FormTarget, values: FormValues, errors: FieldErrors = {}) {
  return formPage(
    c,
    { ...target, errors },
    <TargetForm c={c} target={target}>
      <TextInput name="year" label="Year" hint="The partnership’s year, like 2027-28" width="5" value={one(values, 'year')} error={errors.year} />
      <TextInput name="title" label="Title" value={one(values, 'title')} error={errors.title} />
      <Textarea name="introduction" label="Introduction (optional)" hint="Shown on the home page above the link to the prospectus" value={one(values, 'introduction')} error={errors.introduction} />
      <DateInput name="startsOn" label="First day" values={values} error={errors.startsOn} hint="For example, 1 4 2027" />
      <DateInput name="endsOn" label="Last day" values={values} error={errors.endsOn} hint="For example, 31 3 2028" />
    </TargetForm>,
  );
}

const newProspectusTarget: FormTarget = { action: '/manage/prospectuses', backLink: '/manage/prospectuses', title: 'Create a draft prospectus', caption: 'Prospectuses', submit: 'Create draft' };
const editProspectusTarget = (p: Prospectus): FormTarget => ({ action: `/manage/prospectuses/${p.id}`, backLink: `/manage/prospectuses/${p.id}`, title: 'Change the prospectus', caption: p.title, submit: 'Save changes' });

async function prospectusPage(c: AppContext) {
  const s = scope(c);
  const p = await getProspectus(s, prospectusId(c));
  const list = await listCoursesForManaging(s, p.id);
  const edit = `/manage/prospectuses/${p.id}/edit`;
  return render(
    c,
    { title: p.title, backLink: '/manage/prospectuses' },
    <>
      <Done c={c} messages={{ created: 'Draft prospectus created', changed: 'Prospectus changed', published: 'Prospectus published: everyone can now see it' }} />
      <span class="govuk-caption-l">Prospectus {p.year}</span>
      <h1 class="govuk-heading-l">{p.title}</h1>
      <p class="govuk-body">
        <StatusTag status={p.status} />{' '}
        {p.status === 'draft'
          ? 'Only coordinators can see a draft.'
          : `Published${p.publishedAt ? ` on ${formatDate(p.publishedAt)}` : ''}. Everyone can see it. You can still change it and add courses.`}
      </p>
      {p.status === 'draft' ? (
        <Form action={`/manage/prospectuses/${p.id}/publish`} csrfToken={c.get('csrfToken')}>
          <WarningText>Publishing shows this prospectus and its courses to everyone. You cannot make it a draft again.</WarningText>
          <Button>Publish the prospectus</Button>
        </Form>
      ) : null}
      <ChangeableSummary
        rows={[
          { key: 'Year', value: p.year, change: `${edit}#year` },
          { key: 'Title', value: p.title, change: `${edit}#title` },
          { key: 'Introduction', value: p.introduction || 'None', change: `${edit}#introduction` },
          { key: 'First day', value: dayOf(p.startsOn), change: `${edit}#startsOn` },
          { key: 'Last day', value: dayOf(p.endsOn), change: `${edit}#endsOn` },
        ]}
      />
      <h2 class="govuk-heading-m">Courses</h2>
      <ButtonLink href={`/manage/prospectuses/${p.id}/courses/new`} secondary>
        Add a course
      </ButtonLink>
      {list.length ? (
        <Table
          head={['Course', 'Delivery', 'Dates scheduled', 'Status']}
          rows={list.map((x) => [
            <a class="govuk-link" href={`/manage/courses/${x.id}`}>{x.title}</a>,
            x.deliveryMode,
            String(x.scheduledSessions),
            <StatusTag status={x.withdrawn ? 'withdrawn' : 'listed'} />,
          ])}
        />
      ) : (
        <p class="govuk-body">This prospectus has no courses yet.</p>
      )}
    </>,
  );
}

// ---- Courses ------------------------------------------------------------------------

async function courseFormPage(c: AppContext, target: FormTarget, values: FormValues, errors: FieldErrors = {}) {
  const s = scope(c);
  const [groups, comps] = await Promise.all([listWorkforceGroups(s), listCompetencies(s)]);
  return formPage(
    c,
    { ...target, errors },
    <TargetForm c={c} target={target}>
      <TextInput name="title" label="Course title" value={one(values, 'title')} error={errors.title} />
      <Textarea name="summary" label="Summary" hint="One or two sentences for the course list" rows={3} value={one(values, 'summary')} error={errors.summary} />
      <Textarea name="learningOutcomes" label="Learning outcomes" hint="Put each outcome on its own line" value={one(values, 'learningOutcomes')} error={errors.learningOutcomes} />
      <Choices type="checkbox" name="themes" label="Themes" hint="Select all that apply" small options={THEMES.map((t) => ({ value: t, text: t }))} values={many(values, 'themes')} error={errors.themes} />
      <Choices type="radio" name="deliveryMode" label="How it is delivered" small options={DELIVERY_MODES.map((m) => ({ value: m, text: m }))} values={many(values, 'deliveryMode')} error={errors.deliveryMode} />
      <TextInput name="durationMinutes" label="Length in minutes" hint="For example, 180 for 3 hours" width="4" inputmode="numeric" value={one(values, 'durationMinutes')} error={errors.durationMinutes} />
      <TextInput name="provider" label="Provided by" hint="Partnership trainer, or the name of the commissioned provider" value={one(values, 'provider')} error={errors.provider} />
      <Textarea name="prerequisites" label="Prerequisites (optional)" hint="What people need to have done before they book" rows={3} value={one(values, 'prerequisites')} error={errors.prerequisites} />
      <Choices type="radio" name="requiresManagerApproval" label="Must a line manager approve each place?" inline small options={YES_NO} values={many(values, 'requiresManagerApproval')} error={errors.requiresManagerApproval} />
      <Choices
        type="radio"
        name="asksManagerFollowUp"
        label="Ask the attendee’s line manager about changes in practice three months on?"
        hint="If yes, we email a short survey to the line manager of each attendee who has given one"
        inline
        small
        options={YES_NO}
        values={many(values, 'asksManagerFollowUp')}
        error={errors.asksManagerFollowUp}
      />
      <Choices
        type="checkbox"
        name="workforceGroupIds"
        label="Who it is for (optional)"
        hint="The workforce groups in the competency framework. Leave all unticked for everyone."
        small
        options={groups.map((g) => ({ value: g.id, text: g.name, hint: g.who }))}
        values={many(values, 'workforceGroupIds')}
        error={errors.workforceGroupIds}
      />
      <Choices
        type="checkbox"
        name="competencyIds"
        label="Competencies it develops (optional)"
        small
        options={comps.map((x) => ({ value: x.id, text: `${x.code}: ${x.statement}`, hint: x.domain }))}
        values={many(values, 'competencyIds')}
        error={errors.competencyIds}
      />
    </TargetForm>,
  );
}

async function newCourseTarget(c: AppContext) {
  const p = await getProspectus(scope(c), prospectusId(c));
  return { action: `/manage/prospectuses/${p.id}/courses`, backLink: `/manage/prospectuses/${p.id}`, title: 'Add a course', caption: p.title, submit: 'Add course' };
}

async function editCourseTarget(c: AppContext) {
  const course = await getCourse(scope(c), courseId(c));
  return { course, target: { action: `/manage/courses/${course.id}`, backLink: `/manage/courses/${course.id}`, title: 'Change the course', caption: course.title, submit: 'Save changes' } };
}

type ManagedCourse = Awaited<ReturnType<typeof getCourse>>;

function courseValues(course: ManagedCourse): FormValues {
  return {
    title: course.title,
    summary: course.summary,
    learningOutcomes: course.learningOutcomes.join('\n'),
    themes: course.themes,
    deliveryMode: course.deliveryMode,
    durationMinutes: String(course.durationMinutes),
    provider: course.provider,
    prerequisites: course.prerequisites,
    requiresManagerApproval: yesNo(course.requiresManagerApproval),
    asksManagerFollowUp: yesNo(course.asksManagerFollowUp),
    workforceGroupIds: course.workforceGroups.map((g) => g.id),
    competencyIds: course.competencies.map((x) => x.id),
  };
}

function SessionRows({ course }: { course: ManagedCourse }) {
  if (!course.sessions.length) return <p class="govuk-body">This course has no dates yet.</p>;
  return (
    <Table
      head={['Date and time', 'Where', 'Places taken', 'Status', 'Actions']}
      rows={course.sessions.map((x) => {
        const when = formatSessionTime(x.startsAt, x.endsAt);
        return [
          <a class="govuk-link" href={`/sessions/${x.id}`}>{when}</a>,
          where(x),
          `${x.placesTaken} of ${x.capacity}`,
          <>
            <StatusTag status={x.status} />
            {x.status === 'cancelled' && x.cancelledReason ? <p class="govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0">{x.cancelledReason}</p> : null}
          </>,
          <ul class="govuk-list govuk-!-margin-bottom-0">
            <li>
              <ActionLink href={`/manage/sessions/${x.id}/register`} text="Register" about={when} />
            </li>
            {x.status === 'cancelled' ? null : (
              <li>
                <ActionLink href={`/manage/sessions/${x.id}/edit`} text="Change" about={when} />
              </li>
            )}
            {x.status === 'scheduled' ? (
              <li>
                <ActionLink href={`/manage/sessions/${x.id}/cancel`} text="Cancel" about={when} />
              </li>
            ) : null}
          </ul>,
        ];
      })}
    />
  );
}

async function coursePage(c: AppContext) {
  const course = await getCourse(scope(c), courseId(c));
  const edit = `/manage/courses/${course.id}/edit`;
  const list = (items: string[]) => (items.length ? <ul class="govuk-list">{items.map((i) => <li>{i}</li>)}</ul> : 'None');
  return render(
    c,
    { title: course.title, backLink: `/manage/prospectuses/${course.prospectus.id}` },
    <>
      <Done c={c} messages={{ created: 'Course added', changed: 'Course changed', withdrawn: 'Course withdrawn', 'session-added': 'Date added', 'session-changed': 'Date changed', 'session-cancelled': 'Date cancelled' }} />
      <span class="govuk-caption-l">{course.prospectus.title}</span>
      <h1 class="govuk-heading-l">{course.title}</h1>
      <p class="govuk-body">
        {course.withdrawn ? <StatusTag status="withdrawn" /> : <StatusTag status={course.prospectus.status} />}{' '}
        <a class="govuk-link" href={`/courses/${course.id}`}>See the course as practitioners do</a>
      </p>
      <ChangeableSummary
        rows={[
          { key: 'Title', value: course.title, change: `${edit}#title` },
          { key: 'Summary', value: course.summary, change: `${edit}#summary` },
          { key: 'Learning outcomes', value: list(course.learningOutcomes), change: `${edit}#learningOutcomes` },
          { key: 'Themes', value: course.themes.join(', '), change: `${edit}#themes` },
          { key: 'Delivery', value: course.deliveryMode, change: `${edit}#deliveryMode` },
          { key: 'Length', value: duration(course.durationMinutes), change: `${edit}#durationMinutes` },
          { key: 'Provided by', value: course.provider, change: `${edit}#provider` },
          { key: 'Prerequisites', value: course.prerequisites || 'None', change: `${edit}#prerequisites` },
          { key: 'Line manager approval', value: course.requiresManagerApproval ? 'Needed' : 'Not needed', change: `${edit}#requiresManagerApproval` },
          { key: 'Line manager follow-up', value: course.asksManagerFollowUp ? 'Asked three months on' : 'Not asked', change: `${edit}#asksManagerFollowUp` },
          { key: 'Who it is for', value: course.workforceGroups.length ? list(course.workforceGroups.map((g) => g.name)) : 'Everyone', change: `${edit}#workforceGroupIds` },
          { key: 'Competencies', value: list(course.competencies.map((x) => `${x.code}: ${x.statement}`)), change: `${edit}#competencyIds` },
        ]}
      />
      <h2 class="govuk-heading-m">Dates</h2>
      {course.withdrawn ? null : (
        <ButtonLink href={`/manage/courses/${course.id}/sessions/new`} secondary>
          Add a date
        </ButtonLink>
      )}
      <SessionRows course={course} />
      {course.withdrawn ? null : (
        <p class="govuk-body">
          <a class="govuk-link" href={`/manage/courses/${course.id}/withdraw`}>Withdraw this course</a>
        </p>
      )}
    </>,
  );
}

async function withdrawPage(c: AppContext) {
  const s = scope(c);
  const course = await getCourse(s, courseId(c));
  if (course.withdrawn) return seeOther(c, `/manage/courses/${course.id}`);
  const upcoming = await upcomingSessionCount(s, course.id);
  const target: FormTarget = { action: `/manage/courses/${course.id}/withdraw`, backLink: `/manage/courses/${course.id}`, title: `Withdraw ${course.title}`, caption: course.prospectus.title, submit: 'Withdraw course' };
  return formPage(
    c,
    target,
    upcoming ? (
      <>
        <p class="govuk-body">
          This course has {upcoming} upcoming {upcoming === 1 ? 'date' : 'dates'}. Cancel {upcoming === 1 ? 'it' : 'them'} first, so the people booked are told.
        </p>
        <p class="govuk-body">
          <a class="govuk-link" href={`/manage/courses/${course.id}`}>Back to the course</a>
        </p>
      </>
    ) : (
      <TargetForm c={c} target={target} warning>
        <p class="govuk-body">The course will no longer show in the prospectus. Its past dates and their records stay.</p>
      </TargetForm>
    ),
  );
}

// ---- Sessions -----------------------------------------------------------------------

const sessionForm = withDateParts(['date', 'bookingClosesDate'], sessionInput);

async function sessionFormPage(
  c: AppContext,
  target: FormTarget & { placesTaken?: number },
  values: FormValues,
  errors: FieldErrors = {},
) {
  const trainers = await listTrainers(scope(c));
  const taken = target.placesTaken ?? 0;
  return formPage(
    c,
    { ...target, errors },
    <TargetForm c={c} target={target}>
      <DateInput name="date" label="Date" values={values} error={errors.date} />
      <TextInput name="startTime" label="Start time" hint="London time, on the 24-hour clock, for example 09:30" width="5" value={one(values, 'startTime')} error={errors.startTime} />
      <TextInput name="endTime" label="End time" hint="For example, 12:30" width="5" value={one(values, 'endTime')} error={errors.endTime} />
      <Choices
        type="radio"
        name="where"
        label="Where is it?"
        options={[
          { value: 'venue', text: 'At a venue' },
          { value: 'online', text: 'Online' },
        ]}
        values={many(values, 'where')}
        error={errors.where}
      />
      <TextInput name="venue" label="Venue (for a session at a venue)" hint="The building, street and postcode" value={one(values, 'venue')} error={errors.venue} />
      <TextInput name="joiningLink" label="Joining link (for an online session)" hint="Starting https://" type="url" spellcheck={false} value={one(values, 'joiningLink')} error={errors.joiningLink} />
      <TextInput
        name="capacity"
        label="Number of places"
        hint={taken ? `${taken} ${taken === 1 ? 'place is' : 'places are'} already taken: the number cannot be lower` : undefined}
        width="3"
        inputmode="numeric"
        value={one(values, 'capacity')}
        error={errors.capacity}
      />
      <DateInput name="bookingClosesDate" label="Date booking closes (optional)" hint="Leave blank to close booking at 5pm on the working day before" values={values} error={errors.bookingClosesDate} />
      <TextInput name="bookingClosesTime" label="Time booking closes (optional)" hint="For example, 17:00. Leave blank for 17:00." width="5" value={one(values, 'bookingClosesTime')} error={errors.bookingClosesTime} />
      {trainers.length ? (
        <Choices type="checkbox" name="trainerIds" label="Trainers (optional)" hint="People who hold the trainer role" small options={trainers.map((t) => ({ value: t.id, text: t.name }))} values={many(values, 'trainerIds')} error={errors.trainerIds} />
      ) : (
        <p class="govuk-body">Nobody holds the trainer role yet. Give someone the role on the people page to choose them here.</p>
      )}
      <TextInput name="trainerName" label="Trainer from a commissioned provider (optional)" hint="Their name or the provider’s, when they do not have an account" value={one(values, 'trainerName')} error={errors.trainerName} />
    </TargetForm>,
  );
}

async function newSessionTarget(c: AppContext) {
  const course = await getCourse(scope(c), courseId(c));
  return { action: `/manage/courses/${course.id}/sessions`, backLink: `/manage/courses/${course.id}`, title: 'Add a date', caption: course.title, submit: 'Add date' };
}

type ManagedSession = Awaited<ReturnType<typeof getSessionForManaging>>;

const editSessionTarget = ({ session, course }: ManagedSession): FormTarget & { placesTaken: number } => ({
  action: `/manage/sessions/${session.id}`,
  backLink: `/manage/courses/${course.id}`,
  title: 'Change the date',
  caption: course.title,
  submit: 'Save changes',
  placesTaken: session.placesTaken,
});

function sessionValues({ session, trainerIds }: ManagedSession): FormValues {
  const start = toLondonFields(session.startsAt);
  const closes = toLondonFields(session.bookingClosesAt);
  return {
    ...dateValues('date', start.date),
    startTime: start.time,
    endTime: toLondonFields(session.endsAt).time,
    where: session.online ? 'online' : 'venue',
    venue: session.venue,
    joiningLink: session.joiningLink,
    capacity: String(session.capacity),
    ...dateValues('bookingClosesDate', closes.date),
    bookingClosesTime: closes.time,
    trainerIds,
    trainerName: session.trainerName,
  };
}

function cancelFormPage(c: AppContext, managed: ManagedSession, values: FormValues, errors: FieldErrors = {}) {
  const { session, course } = managed;
  const target: FormTarget = {
    action: `/manage/sessions/${session.id}/cancel`,
    backLink: `/manage/courses/${course.id}`,
    title: 'Cancel this date',
    caption: `${course.title}: ${formatSessionTime(session.startsAt, session.endsAt)}`,
    submit: 'Cancel this date',
  };
  return formPage(
    c,
    { ...target, errors },
    <TargetForm c={c} target={target} warning>
      <p class="govuk-body">
        The date stays on the prospectus, marked Cancelled. Everyone booked or on the waiting list is emailed the reason.
      </p>
      <Textarea name="reason" label="Why is it cancelled?" hint="Shown on the prospectus and in the email. Do not include anyone’s personal details." rows={3} value={one(values, 'reason')} error={errors.reason} />
    </TargetForm>,
  );
}

const managedSession = (c: AppContext) => getSessionForManaging(scope(c), sessionId(c));

/** A cancelled date cannot be changed or cancelled again: its form sends the coordinator back to the course. */
async function unlessCancelled(c: AppContext, page: (managed: ManagedSession) => Response | Promise<Response>) {
  const managed = await managedSession(c);
  return managed.session.status === 'cancelled' ? seeOther(c, `/manage/courses/${managed.course.id}`) : page(managed);
}

export const manageRoutes = [
  get('/manage', COORDINATOR, dashboard),

  get('/manage/prospectuses', COORDINATOR, prospectusList),
  get('/manage/prospectuses/new', COORDINATOR, async (c) => prospectusFormPage(c, newProspectusTarget, await suggestedProspectus(c))),
  post('/manage/prospectuses', COORDINATOR, (c) =>
    submitForm(c, prospectusForm, (values, errors) => prospectusFormPage(c, newProspectusTarget, values, errors), (input) => createProspectus(scope(c), input), (p) => `/manage/prospectuses/${p.id}?done=created`),
  ),
  get('/manage/prospectuses/:prospectusId', COORDINATOR, prospectusPage),
  get('/manage/prospectuses/:prospectusId/edit', COORDINATOR, async (c) => {
    const p = await getProspectus(scope(c), prospectusId(c));
    return prospectusFormPage(c, editProspectusTarget(p), { year: p.year, title: p.title, introduction: p.introduction, ...dateValues('startsOn', p.startsOn), ...dateValues('endsOn', p.endsOn) });
  }),
  post('/manage/prospectuses/:prospectusId', COORDINATOR, async (c) => {
    const p = await getProspectus(scope(c), prospectusId(c));
    return submitForm(c, prospectusForm, (values, errors) => prospectusFormPage(c, editProspectusTarget(p), values, errors), (input) => updateProspectus(scope(c), p.id, input), () => `/manage/prospectuses/${p.id}?done=changed`);
  }),
  post('/manage/prospectuses/:prospectusId/publish', COORDINATOR, async (c) => {
    const id = prospectusId(c);
    await publishProspectus(scope(c), id);
    return seeOther(c, `/manage/prospectuses/${id}?done=published`);
  }),

  get('/manage/prospectuses/:prospectusId/courses/new', COORDINATOR, async (c) => courseFormPage(c, await newCourseTarget(c), { provider: 'Partnership trainer', requiresManagerApproval: 'no', asksManagerFollowUp: 'no' })),
  post('/manage/prospectuses/:prospectusId/courses', COORDINATOR, async (c) => {
    const target = await newCourseTarget(c);
    const id = prospectusId(c);
    return submitForm(c, courseInput, (values, errors) => courseFormPage(c, target, values, errors), (input) => createCourse(scope(c), id, input), (course) => `/manage/courses/${course.id}?done=created`);
  }),
  get('/manage/courses/:courseId', COORDINATOR, coursePage),
  get('/manage/courses/:courseId/edit', COORDINATOR, async (c) => {
    const { course, target } = await editCourseTarget(c);
    return courseFormPage(c, target, courseValues(course));
  }),
  post('/manage/courses/:courseId', COORDINATOR, async (c) => {
    const { course, target } = await editCourseTarget(c);
    return submitForm(c, courseInput, (values, errors) => courseFormPage(c, target, values, errors), (input) => updateCourse(scope(c), course.id, input), () => `/manage/courses/${course.id}?done=changed`);
  }),
  get('/manage/courses/:courseId/withdraw', COORDINATOR, withdrawPage),
  post('/manage/courses/:courseId/withdraw', COORDINATOR, async (c) => {
    const id = courseId(c);
    await withdrawCourse(scope(c), id);
    return seeOther(c, `/manage/courses/${id}?done=withdrawn`);
  }),

  get('/manage/courses/:courseId/sessions/new', COORDINATOR, async (c) => sessionFormPage(c, await newSessionTarget(c), { where: 'venue' })),
  post('/manage/courses/:courseId/sessions', COORDINATOR, async (c) => {
    const target = await newSessionTarget(c);
    const id = courseId(c);
    return submitForm(c, sessionForm, (values, errors) => sessionFormPage(c, target, values, errors), (input) => createSession(scope(c), id, input), () => `/manage/courses/${id}?done=session-added`);
  }),
  get('/manage/sessions/:sessionId/edit', COORDINATOR, (c) => unlessCancelled(c, (managed) => sessionFormPage(c, editSessionTarget(managed), sessionValues(managed)))),
  post('/manage/sessions/:sessionId', COORDINATOR, async (c) => {
    const managed = await managedSession(c);
    const { session, course } = managed;
    return submitForm(c, sessionForm, (values, errors) => sessionFormPage(c, editSessionTarget(managed), values, errors), (input) => updateSession(scope(c), session.id, input), () => `/manage/courses/${course.id}?done=session-changed`);
  }),
  get('/manage/sessions/:sessionId/cancel', COORDINATOR, (c) => unlessCancelled(c, (managed) => cancelFormPage(c, managed, {}))),
  post('/manage/sessions/:sessionId/cancel', COORDINATOR, async (c) => {
    const managed = await managedSession(c);
    const { session, course } = managed;
    return submitForm(c, cancelInput, (values, errors) => cancelFormPage(c, managed, values, errors), (input) => cancelSession(scope(c), session.id, input.reason), () => `/manage/courses/${course.id}?done=session-cancelled`);
  }),
];
