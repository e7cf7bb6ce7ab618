import type { Child } from 'hono/jsx';
import { Button, Form, Tag } from '../../web/components';
import { BookingTag, where } from '../../web/domain';
import { formatDate, formatSessionTime, formatShortDate, formatTime } from '../shared/dates';
import type { liveBookingFor } from '../bookings/service';
import type { SessionSummary } from './service';

type LiveBooking = NonNullable<Awaited<ReturnType<typeof liveBookingFor>>>;

export function PlacesLeft({ session }: { session: SessionSummary }) {
  if (session.status === 'cancelled') return <Tag colour="red">Cancelled</Tag>;
  if (session.status === 'delivered') return <Tag colour="grey">Delivered</Tag>;
  if (!session.bookable) return <Tag colour="grey">Booking closed</Tag>;
  if (session.placesLeft === 0) return <Tag colour="orange">Full: waiting list</Tag>;
  return (
    <Tag colour="green">
      {session.placesLeft} {session.placesLeft === 1 ? 'place' : 'places'} left
    </Tag>
  );
}


export function SessionTable({ sessions, link }: { sessions: SessionSummary[]; link: (s: SessionSummary) => string }) {
  if (!sessions.length) return <p class="govuk-body">There are no dates for this course yet.</p>;
  return (
    <table class="govuk-table">
      <caption class="govuk-table__caption govuk-table__caption--m">Dates</caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          <th scope="col" class="govuk-table__header">Date and time</th>
          <th scope="col" class="govuk-table__header">Where</th>
          <th scope="col" class="govuk-table__header">Places</th>
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {sessions.map((x) => (
          <tr class="govuk-table__row">
            <td class="govuk-table__cell">
              <a class="govuk-link" href={link(x)}>
                {formatSessionTime(x.startsAt, x.endsAt)}
              </a>
            </td>
            <td class="govuk-table__cell">{where(x)}</td>
            <td class="govuk-table__cell">
              <PlacesLeft session={x} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function NextDates({ sessions, now }: { sessions: SessionSummary[]; now: Date }): Child {
  const upcoming = sessions.filter((x) => x.status === 'scheduled' && x.startsAt > now).slice(0, 3);
  if (!upcoming.length) return <span>No upcoming dates</span>;
  return (
    <ul class="govuk-list">
      {upcoming.map((x) => (
        <li>
          {formatShortDate(x.startsAt)}, {formatTime(x.startsAt)}: <PlacesLeft session={x} />
        </li>
      ))}
    </ul>
  );
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
          <BookingTag status={booking.status} position={booking.position} /> {message}
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
