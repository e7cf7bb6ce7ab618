import { Button, Form, Tag } from '../../web/components';
import { formatDate, formatTime } from '../shared/dates';
import type { BookingStatus } from '../../db/schema';
import type { SessionSummary } from '../catalogue/service';
import type { liveBookingFor } from './service';

type LiveBooking = NonNullable<Awaited<ReturnType<typeof liveBookingFor>>>;

export function StatusTag({ status, position }: { status: BookingStatus; position?: number }) {
  switch (status) {
    case 'confirmed':
      return <Tag colour="green">Booked</Tag>;
    case 'pending approval':
      return <Tag colour="yellow">Waiting for approval</Tag>;
    case 'waitlisted':
      return <Tag colour="orange">Waiting list{position ? `: number ${position}` : ''}</Tag>;
    case 'cancelled':
      return <Tag colour="grey">Cancelled</Tag>;
    case 'attended':
      return <Tag colour="blue">Attended</Tag>;
    case 'partly attended':
      return <Tag colour="light-blue">Partly attended</Tag>;
    case 'did not attend':
      return <Tag colour="red">Did not attend</Tag>;
  }
}

/** What the session page offers: sign in, book, join the waiting list, or the booking already held. */
export function BookingPanel(props: { session: SessionSummary; signedIn: boolean; booking?: LiveBooking; csrfToken: string; requiresApproval: boolean }) {
  const { session, booking } = props;
  if (booking) {
    const message =
      booking.status === 'confirmed'
        ? 'You have a place on this session.'
        : booking.status === 'pending approval'
          ? `Your place is held while your line manager decides, until ${formatDate(booking.approvalExpiresAt!)}, ${formatTime(booking.approvalExpiresAt!)}.`
          : `You are number ${booking.position} on the waiting list. If a place comes up, it is yours and we will email you.`;
    return (
      <div class="govuk-inset-text">
        <p class="govuk-body">
          <StatusTag status={booking.status} position={booking.position} /> {message}
        </p>
        <p class="govuk-body">
          <a class="govuk-link" href="/bookings">Manage your bookings</a>
        </p>
      </div>
    );
  }
  if (!session.bookable) return null;
  if (!props.signedIn) {
    return (
      <p class="govuk-body">
        <a class="govuk-button" data-module="govuk-button" role="button" draggable="false" href={`/sign-in?next=${encodeURIComponent(`/sessions/${session.id}`)}`}>
          Sign in to book a place
        </a>
      </p>
    );
  }
  return (
    <Form action={`/sessions/${session.id}/book`} csrfToken={props.csrfToken}>
      {props.requiresApproval ? <p class="govuk-body">This course needs your line manager’s approval. We will email them when you book, and hold your place while they decide.</p> : null}
      <Button>{session.placesLeft > 0 ? 'Book a place' : 'Join the waiting list'}</Button>
    </Form>
  );
}
