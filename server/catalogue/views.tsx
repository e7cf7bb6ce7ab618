import type { Child } from 'hono/jsx';
import { Tag } from '../../web/components';
import { formatSessionTime, formatShortDate, formatTime } from '../shared/dates';
import type { SessionSummary } from './service';

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

export const where = (session: Pick<SessionSummary, 'online' | 'venue'>) => (session.online ? 'Online' : session.venue || 'Venue to be confirmed');

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
