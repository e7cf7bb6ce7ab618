import type { MailMessage } from '../mail/mailer';
import { calendarText } from '../shared/ical';

export interface CalendarSession {
  bookingId: string;
  sessionId: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string;
  description: string;
  organiser: { name: string; email: string };
  /** When the invite is made (DTSTAMP), by the service's clock. */
  stamp: Date;
}

/**
 * A calendar invite (.ics). The UID is stable for a booking on a session, so a
 * cancellation (METHOD:CANCEL, a higher SEQUENCE) removes the same event from calendars.
 */
export function calendarInvite(session: CalendarSession, kind: 'request' | 'cancel'): MailMessage['attachments'][number] {
  const method = kind === 'request' ? 'REQUEST' : 'CANCEL';
  const content = calendarText({
    productId: 'safeguarding-training',
    uid: `${session.bookingId}.${session.sessionId}@safeguarding-training`,
    method,
    status: kind === 'request' ? 'CONFIRMED' : 'CANCELLED',
    sequence: kind === 'request' ? 0 : 1,
    stamp: session.stamp,
    start: session.startsAt,
    end: session.endsAt,
    summary: session.title,
    description: session.description,
    location: session.location,
    organiser: session.organiser,
  });
  return { filename: kind === 'request' ? 'invite.ics' : 'cancel.ics', contentType: `text/calendar; method=${method}`, content };
}
