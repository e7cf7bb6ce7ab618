// The coordinator's session pages: adding a date to a course, changing it and cancelling
// it. The rules live in session-service.ts, and cancelling (which ends the bookings and
// tells everyone) in the booking rules; these pages only translate HTTP.
import { Choices, Textarea, TextInput } from '../../../web/components';
import { formatSessionTime, toLondonFields } from '../../shared/dates';
import type { FieldErrors } from '../../shared/errors';
import { scope, type AppContext } from '../../http/context';
import { fieldsOf, many, type FormValues } from '../../http/forms';
import { seeOther } from '../../http/render';
import { get, post } from '../../http/routes';
import { DateInput, dateValues, formPage, submitForm, TargetForm, withDateParts, type FormTarget } from '../../http/form-pages';
import { cancelSession } from '../../bookings/service';
import { cancelInput, sessionInput } from '../schemas';
import { getCourse } from '../service';
import { confirmProposedSession, createSession, getSessionForManaging, listTrainers, updateSession } from './session-service';
import type { Role } from '../../../db/schema';
import { uuidParam } from '../../http/params';

const COORDINATOR: Role[] = ['coordinator'];
const courseId = (c: AppContext) => uuidParam(c, 'courseId', 'Course');
const sessionId = (c: AppContext) => uuidParam(c, 'sessionId', 'Session');

const sessionForm = withDateParts(['date', 'bookingClosesDate'], sessionInput);

async function sessionFormPage(
  c: AppContext,
  target: FormTarget & { placesTaken?: number },
  values: FormValues,
  errors: FieldErrors = {},
) {
  const field = fieldsOf(values, errors);
  const trainers = await listTrainers(scope(c));
  const taken = target.placesTaken ?? 0;
  return formPage(
    c,
    { ...target, errors },
    <TargetForm c={c} target={target}>
      <DateInput name="date" label="Date" values={values} error={errors.date} />
      <TextInput {...field.one('startTime')} label="Start time" hint="London time, on the 24-hour clock, for example 09:30" width="5" />
      <TextInput {...field.one('endTime')} label="End time" hint="For example, 12:30" width="5" />
      <Choices
        type="radio"
        {...field.many('where')}
        label="Where is it?"
        options={[
          { value: 'venue', text: 'At a venue' },
          { value: 'online', text: 'Online' },
        ]}
      />
      <TextInput {...field.one('venue')} label="Venue (for a session at a venue)" hint="The building, street and postcode" />
      <TextInput {...field.one('joiningLink')} label="Joining link (for an online session)" hint="Starting https://" type="url" spellcheck={false} />
      <TextInput
        {...field.one('capacity')}
        label="Number of places"
        hint={taken ? `${taken} ${taken === 1 ? 'place is' : 'places are'} already taken: the number cannot be lower` : undefined}
        width="3"
        inputmode="numeric"
      />
      <DateInput name="bookingClosesDate" label="Date booking closes (optional)" hint="Leave blank to close booking at 5pm on the working day before" values={values} error={errors.bookingClosesDate} />
      <TextInput {...field.one('bookingClosesTime')} label="Time booking closes (optional)" hint="For example, 17:00. Leave blank for 17:00." width="5" />
      {trainers.length ? (
        <Choices type="checkbox" name="trainerIds" label="Trainers (optional)" hint="People who hold the trainer role" small options={trainers.map((t) => ({ value: t.id, text: t.name }))} values={many(values, 'trainerIds')} error={errors.trainerIds} />
      ) : (
        <p class="govuk-body">Nobody holds the trainer role yet. Give someone the role on the people page to choose them here.</p>
      )}
      <TextInput {...field.one('trainerName')} label="Trainer from a commissioned provider (optional)" hint="Their name or the provider’s, when they do not have an account" />
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
  const field = fieldsOf(values, errors);
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
      <Textarea {...field.one('reason')} label="Why is it cancelled?" hint="Shown on the prospectus and in the email. Do not include anyone’s personal details." rows={3} />
    </TargetForm>,
  );
}

const managedSession = (c: AppContext) => getSessionForManaging(scope(c), sessionId(c));

/** A cancelled date cannot be changed or cancelled again: its form sends the coordinator back to the course. */
async function unlessCancelled(c: AppContext, page: (managed: ManagedSession) => Response | Promise<Response>) {
  const managed = await managedSession(c);
  return managed.session.status === 'cancelled' ? seeOther(c, `/manage/courses/${managed.course.id}`) : page(managed);
}

export const sessionRoutes = [
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
  post('/manage/sessions/:sessionId/confirm', COORDINATOR, async (c) => {
    const { session, course } = await managedSession(c);
    await confirmProposedSession(scope(c), session.id);
    return seeOther(c, `/manage/courses/${course.id}?done=session-confirmed`);
  }),
  get('/manage/sessions/:sessionId/cancel', COORDINATOR, (c) => unlessCancelled(c, (managed) => cancelFormPage(c, managed, {}))),
  post('/manage/sessions/:sessionId/cancel', COORDINATOR, async (c) => {
    const managed = await managedSession(c);
    const { session, course } = managed;
    return submitForm(c, cancelInput, (values, errors) => cancelFormPage(c, managed, values, errors), (input) => cancelSession(scope(c), session.id, input.reason), () => `/manage/courses/${course.id}?done=session-cancelled`);
  }),
];
