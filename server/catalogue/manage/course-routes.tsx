// The coordinator's course pages: adding a course to a prospectus, the course with its
// dates, changing it and withdrawing it. The rules live in course-service.ts; these pages
// only translate HTTP.
import { ActionLink, ButtonLink, Choices, StatusTag, Table, Tag, Textarea, TextInput } from '../../../web/components';
import { formatSessionTime, duration } from '../../shared/dates';
import { DELIVERY_MODES, THEMES, type Role } from '../../../db/schema';
import type { FieldErrors } from '../../shared/errors';
import { scope, type AppContext } from '../../http/context';
import { fieldsOf, many, type FormValues } from '../../http/forms';
import { render, seeOther } from '../../http/render';
import { get, post } from '../../http/routes';
import { ChangeableSummary, Done, formPage, submitForm, TargetForm, type FormTarget } from '../../http/form-pages';
import { courseInput } from '../schemas';
import { getCourse, listCompetencies, listWorkforceGroups } from '../service';
import { where } from '../../../web/domain';
import { createCourse, upcomingSessionCount, updateCourse, withdrawCourse } from './course-service';
import { getProspectus } from './prospectus-service';
import { uuidParam } from '../../http/params';
import { csrfToken } from '../../http/security';

const COORDINATOR: Role[] = ['coordinator'];
const courseId = (c: AppContext) => uuidParam(c, 'courseId', 'Course');
const prospectusId = (c: AppContext) => uuidParam(c, 'prospectusId', 'Prospectus');

/** A stored yes/no as the radios' value. */
const asYesNo = (v: boolean) => (v ? 'yes' : 'no');
const YES_NO = [
  { value: 'yes', text: 'Yes' },
  { value: 'no', text: 'No' },
];

async function courseFormPage(c: AppContext, target: FormTarget, values: FormValues, errors: FieldErrors = {}) {
  const field = fieldsOf(values, errors);
  const s = scope(c);
  const [groups, comps] = await Promise.all([listWorkforceGroups(s), listCompetencies(s)]);
  return formPage(
    c,
    { ...target, errors },
    <TargetForm c={c} target={target}>
      <TextInput {...field.one('title')} label="Course title" />
      <Textarea {...field.one('summary')} label="Summary" hint="One or two sentences for the course list" rows={3} />
      <Textarea {...field.one('learningOutcomes')} label="Learning outcomes" hint="Put each outcome on its own line" />
      <Choices type="checkbox" name="themes" label="Themes" hint="Select all that apply" small options={THEMES.map((t) => ({ value: t, text: t }))} values={many(values, 'themes')} error={errors.themes} />
      <Choices type="radio" name="deliveryMode" label="How it is delivered" small options={DELIVERY_MODES.map((m) => ({ value: m, text: m }))} values={many(values, 'deliveryMode')} error={errors.deliveryMode} />
      <TextInput {...field.one('durationMinutes')} label="Length in minutes" hint="For example, 180 for 3 hours" width="4" inputmode="numeric" />
      <TextInput {...field.one('provider')} label="Provided by" hint="Partnership trainer, or the name of the commissioned provider" />
      <Textarea {...field.one('prerequisites')} label="Prerequisites (optional)" hint="What people need to have done before they book" rows={3} />
      <Choices type="radio" {...field.many('requiresManagerApproval')} label="Must a line manager approve each place?" inline small options={YES_NO} />
      <Choices
        type="radio"
        {...field.many('asksManagerFollowUp')}
        label="Ask the attendee’s line manager about changes in practice three months on?"
        hint="If yes, we email a short survey to the line manager of each attendee who has given one"
        inline
        small
        options={YES_NO}
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
    requiresManagerApproval: asYesNo(course.requiresManagerApproval),
    asksManagerFollowUp: asYesNo(course.asksManagerFollowUp),
    workforceGroupIds: course.workforceGroups.map((g) => g.id),
    competencyIds: course.competencies.map((x) => x.id),
  };
}

function SessionRows({ course, csrfToken }: { course: ManagedCourse; csrfToken: string }) {
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
            {x.proposed && x.status !== 'cancelled' ? <Tag colour="yellow">Proposed</Tag> : <StatusTag status={x.status} />}
            {x.status === 'cancelled' && x.cancelledReason ? <p class="govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0">{x.cancelledReason}</p> : null}
          </>,
          <ul class="govuk-list govuk-!-margin-bottom-0">
            {x.proposed && x.status !== 'cancelled' ? (
              <li>
                <form method="post" action={`/manage/sessions/${x.id}/confirm`} class="app-inline-form">
                  <input type="hidden" name="_csrf" value={csrfToken} />
                  <button type="submit" class="app-link-button govuk-link">
                    Confirm<span class="govuk-visually-hidden"> {when}</span>
                  </button>
                </form>
              </li>
            ) : null}
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
      <Done c={c} messages={{ created: 'Course added', changed: 'Course changed', withdrawn: 'Course withdrawn', 'session-added': 'Date added', 'session-changed': 'Date changed', 'session-cancelled': 'Date cancelled', 'session-confirmed': 'Date confirmed' }} />
      <span class="govuk-caption-l">{course.prospectus.title}</span>
      <h1 class="govuk-heading-l">{course.title}</h1>
      <p class="govuk-body">
        {course.withdrawn ? <StatusTag status="withdrawn" /> : <StatusTag status={course.prospectus.status} />}{' '}
        <a class="govuk-link" href={`/courses/${course.id}`}>See the course as practitioners do</a>
      </p>
      {course.reviewNote ? <div class="govuk-inset-text">{course.reviewNote}</div> : null}
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
      {course.sessions.some((x) => x.proposed && x.status !== 'cancelled') ? (
        <p class="govuk-body">The dates marked proposed are in the same months as last year’s. Confirm each, or change it (saving confirms it), or cancel it: the prospectus cannot be published while any is proposed.</p>
      ) : null}
      <SessionRows course={course} csrfToken={csrfToken(c)} />
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

export const courseRoutes = [
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
];
