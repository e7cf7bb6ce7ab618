import { Button, ErrorSummary, Form, NotificationBanner, SummaryList } from '../../web/components';
import { formatDate, formatSessionTime, formatTime } from '../shared/dates';
import { tokenParam, uuidParam } from '../http/params';
import { isDomainError, notFound, type DomainError } from '../shared/errors';
import { scope, type AppContext } from '../http/context';
import { parseForm } from '../http/forms';
import { render, seeOther } from '../http/render';
import { get, post } from '../http/routes';
import { findBooking, listPersonBookings, type PersonBooking } from './queries';
import { bookPlace, cancelBooking, decideApproval, findApproval } from './service';
import { ApprovalChoices, approvalDecisionInput } from './register-views';
import { BookingTag, where } from '../../web/domain';
import { csrfToken } from '../http/security';


/** A booking failure a person can act on (full, closed, already booked) is shown on a page, not as an error. */
function cannotBook(c: AppContext, error: DomainError, sessionId: string) {
  return render(
    c,
    { title: 'You cannot book this session', status: 409 },
    <>
      <h1 class="govuk-heading-l">You cannot book this session</h1>
      <p class="govuk-body">{error.message}.</p>
      <p class="govuk-body">
        <a class="govuk-link" href={`/sessions/${sessionId}`}>Back to the session</a>
      </p>
    </>,
  );
}

async function book(c: AppContext) {
  const sessionId = uuidParam(c, 'sessionId', 'Session');
  const viewer = c.get('viewer')!;
  try {
    const booking = await bookPlace(scope(c), { sessionId, personId: viewer.id });
    return seeOther(c, `/bookings?done=${encodeURIComponent(booking.status)}`);
  } catch (error) {
    if (isDomainError(error, 'conflict')) return cannotBook(c, error, sessionId);
    throw error;
  }
}

/** The viewer's own booking; anyone else's is "not found", so its existence is not revealed. */
async function ownBooking(c: AppContext) {
  const booking = await findBooking(scope(c), uuidParam(c, 'bookingId', 'Booking'));
  if (booking.personId !== c.get('viewer')!.id) throw notFound('Booking');
  return booking;
}

async function confirmCancel(c: AppContext) {
  const booking = await ownBooking(c);
  if (!booking.canCancel) return seeOther(c, '/bookings');
  const leaving = booking.status === 'waitlisted';
  return render(
    c,
    { title: leaving ? 'Leave the waiting list' : 'Cancel your place', backLink: '/bookings' },
    <>
      <h1 class="govuk-heading-l">{leaving ? 'Are you sure you want to leave the waiting list?' : 'Are you sure you want to cancel your place?'}</h1>
      <SummaryList rows={[
        { key: 'Course', value: booking.course.title },
        { key: 'When', value: formatSessionTime(booking.session.startsAt, booking.session.endsAt) },
        { key: 'Where', value: where(booking.session) },
      ]} />
      {leaving ? null : <p class="govuk-body">Your place will go to the first person on the waiting list.</p>}
      <Form action={`/bookings/${booking.id}/cancel`} csrfToken={csrfToken(c)}>
        <Button warning>{leaving ? 'Leave the waiting list' : 'Cancel my place'}</Button>
      </Form>
      <p class="govuk-body">
        <a class="govuk-link" href="/bookings">Keep my {leaving ? 'place on the list' : 'place'}</a>
      </p>
    </>,
  );
}

async function cancel(c: AppContext) {
  const result = await cancelBooking(scope(c), uuidParam(c, 'bookingId', 'Booking'));
  return seeOther(c, `/bookings?done=${result.late ? 'cancelled-late' : 'cancelled'}`);
}

async function approvalPage(c: AppContext, errors: Record<string, string> = {}) {
  const token = tokenParam.safeParse(c.req.param('token'));
  const found = token.success ? await findApproval(scope(c), token.data) : undefined;
  if (!found || !found.open) {
    return render(
      c,
      { title: 'This request has been dealt with', status: found ? 200 : 404 },
      <>
        <h1 class="govuk-heading-l">{found ? 'This request has been dealt with' : 'Approval request not found'}</h1>
        <p class="govuk-body">
          {found
            ? found.approval.decision
              ? `You ${found.approval.decision} this request on ${formatDate(found.approval.decidedAt!)}.`
              : 'The time to decide has passed, or the booking was cancelled, so the place has been released.'
            : 'Check you used the whole link from the email.'}
        </p>
      </>,
    );
  }
  const { session } = found;
  return render(
    c,
    { title: 'Approve a place on a course', hasErrors: Object.keys(errors).length > 0 },
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <ErrorSummary errors={errors} />
        <h1 class="govuk-heading-l">Approve a place on a course</h1>
        <SummaryList rows={[
          { key: 'Who', value: `${found.personName}, ${found.jobTitle}` },
          { key: 'Course', value: session.courseTitle },
          { key: 'When', value: formatSessionTime(session.startsAt, session.endsAt) },
          { key: 'Where', value: where(session) },
          { key: 'Decide by', value: `${formatDate(found.approval.expiresAt)}, ${formatTime(found.approval.expiresAt)}` },
        ]} />
        <Form action={`/approvals/${token.data}`} csrfToken={csrfToken(c)}>
          <ApprovalChoices error={errors.decision} />
          <Button>Send decision</Button>
        </Form>
      </div>
    </div>,
  );
}

async function decide(c: AppContext) {
  const form = await parseForm(c, approvalDecisionInput);
  if (!form.ok) return approvalPage(c, form.errors);
  const token = tokenParam.safeParse(c.req.param('token'));
  if (!token.success) return approvalPage(c);
  try {
    await decideApproval(scope(c), token.data, form.data.decision);
  } catch (error) {
    if (isDomainError(error, 'conflict', 'not_found')) return approvalPage(c);
    throw error;
  }
  return render(
    c,
    { title: 'Decision sent' },
    <div class="govuk-panel govuk-panel--confirmation">
      <h1 class="govuk-panel__title">{form.data.decision === 'approved' ? 'Place approved' : 'Place declined'}</h1>
      <div class="govuk-panel__body">We have told them by email</div>
    </div>,
  );
}

const DONE: Record<string, string> = {
  confirmed: 'Your place is booked. We have emailed you the details and a calendar invite.',
  'pending approval': 'Your place is held while it waits for approval, and we have emailed you the details.',
  waitlisted: 'The session is full, so you are on the waiting list. We will email you if a place comes up.',
  cancelled: 'Your booking has been cancelled.',
  'cancelled-late': 'Your booking has been cancelled. As it was close to the session, it is recorded as a late cancellation.',
};

function BookingsTable({ caption, rows }: { caption: string; rows: PersonBooking[] }) {
  if (!rows.length) return null;
  return (
    <table class="govuk-table">
      <caption class="govuk-table__caption govuk-table__caption--m">{caption}</caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          <th scope="col" class="govuk-table__header">Course</th>
          <th scope="col" class="govuk-table__header">When</th>
          <th scope="col" class="govuk-table__header">Status</th>
          <th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {rows.map((b) => (
          <tr class="govuk-table__row">
            <td class="govuk-table__cell">
              <a class="govuk-link" href={`/sessions/${b.session.id}`}>{b.course.title}</a>
              {b.status === 'confirmed' && b.session.joiningLink ? <><br /><a class="govuk-link" href={b.session.joiningLink}>Joining link<span class="govuk-visually-hidden"> for {b.course.title}</span></a></> : null}
            </td>
            <td class="govuk-table__cell">{formatSessionTime(b.session.startsAt, b.session.endsAt)}<br />{where(b.session)}</td>
            <td class="govuk-table__cell">
              {b.session.status === 'cancelled' ? <strong class="govuk-tag govuk-tag--red">Session cancelled</strong> : <BookingTag status={b.status} position={b.position ?? undefined} />}
              {b.late ? <><br /><span class="govuk-body-s">Late cancellation</span></> : null}
            </td>
            <td class="govuk-table__cell">
              {b.canCancel ? (
                <a class="govuk-link" href={`/bookings/${b.id}/cancel`}>
                  {b.status === 'waitlisted' ? 'Leave waiting list' : 'Cancel'}<span class="govuk-visually-hidden"> {b.course.title}, {formatSessionTime(b.session.startsAt, b.session.endsAt)}</span>
                </a>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

async function myBookings(c: AppContext) {
  const { upcoming, past } = await listPersonBookings(scope(c), c.get('viewer')!.id);
  const done = DONE[c.req.query('done') ?? ''];
  return render(
    c,
    { title: 'Your bookings' },
    <>
      {done ? <NotificationBanner>{<p class="govuk-notification-banner__heading">{done}</p>}</NotificationBanner> : null}
      <h1 class="govuk-heading-l">Your bookings</h1>
      {upcoming.length + past.length === 0 ? (
        <p class="govuk-body">
          You have no bookings yet. <a class="govuk-link" href="/courses">Browse the prospectus</a> to find a course.
        </p>
      ) : null}
      <BookingsTable caption="Upcoming" rows={upcoming} />
      <BookingsTable caption="Past" rows={past} />
    </>,
  );
}

export const bookingRoutes = [
  get('/bookings', 'signed-in', myBookings),
  post('/sessions/:sessionId/book', 'signed-in', book),
  get('/bookings/:bookingId/cancel', 'signed-in', confirmCancel),
  post('/bookings/:bookingId/cancel', 'signed-in', cancel),
  get('/approvals/:token', 'public', (c) => approvalPage(c)),
  post('/approvals/:token', 'public', decide),
];
