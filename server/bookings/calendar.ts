import { createEvent } from 'ics';
import type { MailMessage } from '../mail/mailer';

export interface CalendarSession {
  bookingId: string;
  sessionId: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string;
  description: string;
  organiser: { name: string; email: string };
}

/**
 * A calendar invite (.ics). The UID is stable for a booking on a session, so a
 * cancellation (METHOD:CANCEL, a higher SEQUENCE) removes the same event from calendars.
 */
export function calendarInvite(session: CalendarSession, kind: 'request' | 'cancel'): MailMessage['attachments'][number] {
  const utc = (d: Date): [number, number, number, number, number] => [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()];
  const { error, value } = createEvent({
    productId: 'safeguarding-training',
    uid: `${session.bookingId}.${session.sessionId}@safeguarding-training`,
    method: kind === 'request' ? 'REQUEST' : 'CANCEL',
    status: kind === 'request' ? 'CONFIRMED' : 'CANCELLED',
    sequence: kind === 'request' ? 0 : 1,
    title: session.title,
    description: session.description,
    location: session.location,
    start: utc(session.startsAt),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: utc(session.endsAt),
    endInputType: 'utc',
    endOutputType: 'utc',
    organizer: session.organiser,
  });
  if (error || !value) throw error ?? new Error('Could not make the calendar invite');
  return { filename: kind === 'request' ? 'invite.ics' : 'cancel.ics', contentType: `text/calendar; method=${kind === 'request' ? 'REQUEST' : 'CANCEL'}`, content: value };
}
