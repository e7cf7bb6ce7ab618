import type { Clock } from '../shared/clock';
import type { Config } from '../shared/config';
import { formatDate, formatSessionTime, formatTime } from '../shared/dates';
import type { QueuedMail } from '../mail/outbox';
import type { Partnership } from '../shared/context';
import { calendarInvite } from './calendar';

/** What every booking email needs to know about the session. */
export interface SessionDetails {
  sessionId: string;
  courseId: string;
  courseTitle: string;
  startsAt: Date;
  endsAt: Date;
  online: boolean;
  venue: string;
  joiningLink: string;
}

export interface Recipient {
  bookingId: string;
  name: string;
  email: string;
}

interface Context {
  config: Pick<Config, 'baseUrl' | 'mailFrom'>;
  /** The invite's DTSTAMP. */
  clock: Clock;
  partnership: Pick<Partnership, 'name' | 'shortName'>;
}

const place = (s: SessionDetails) => (s.online ? 'Online' : s.venue || 'Venue to be confirmed');

function joiningInstructions(s: SessionDetails): string[] {
  return s.online
    ? ['This session is online.', s.joiningLink ? `Join here: ${s.joiningLink}` : 'We will email the joining link before the session.', 'Join 5 minutes early to check your sound and camera.']
    : [`Where: ${place(s)}`, 'Arrive 10 minutes early to sign in. Tell us in advance if you need any adjustments.'];
}

function invite(c: Context, r: Recipient, s: SessionDetails, kind: 'request' | 'cancel') {
  return calendarInvite(
    {
      bookingId: r.bookingId,
      sessionId: s.sessionId,
      title: s.courseTitle,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
      location: s.online ? s.joiningLink || 'Online' : s.venue,
      description: `${c.partnership.name} training. Your bookings: ${c.config.baseUrl}/bookings`,
      organiser: { name: `${c.partnership.shortName} training`, email: c.config.mailFrom.match(/<([^>]+)>/)?.[1] ?? c.config.mailFrom },
      stamp: c.clock.now(),
    },
    kind,
  );
}

function letter(c: Context, r: Recipient, subject: string, lines: string[], attachments: QueuedMail['attachments'] = []): QueuedMail {
  return {
    to: r.email,
    subject,
    text: [`Hello ${r.name},`, '', ...lines, '', `See and manage your bookings: ${c.config.baseUrl}/bookings`, '', c.partnership.name].join('\n'),
    attachments,
  };
}

type Decider = 'line manager' | 'coordinator';
const deciderName: Record<Decider, string> = { 'line manager': 'Your line manager', coordinator: 'The partnership’s training coordinator' };

const when = (s: SessionDetails) => formatSessionTime(s.startsAt, s.endsAt);

export const bookingMail = {
  confirmed: (c: Context, r: Recipient, s: SessionDetails, intro = 'Your place is booked.') =>
    letter(c, r, `Booking confirmed: ${s.courseTitle}, ${formatDate(s.startsAt)}`, [intro, '', `Course: ${s.courseTitle}`, `When: ${when(s)}`, ...joiningInstructions(s), '', 'The calendar invite is attached. If you cannot come, cancel your place so someone on the waiting list can have it.'], [invite(c, r, s, 'request')]),

  promoted: (c: Context, r: Recipient, s: SessionDetails) =>
    bookingMail.confirmed(c, r, s, 'Good news: a place has come up and it is yours. You have been moved from the waiting list and your place is booked.'),

  waitlisted: (c: Context, r: Recipient, s: SessionDetails, position: number) =>
    letter(c, r, `On the waiting list: ${s.courseTitle}, ${formatDate(s.startsAt)}`, [`The session is full, so you are on the waiting list. You are number ${position}.`, '', `Course: ${s.courseTitle}`, `When: ${when(s)}`, '', 'If a place comes up it goes to the first person on the list, and we will email you straight away.']),

  pendingApproval: (c: Context, r: Recipient, s: SessionDetails, managerEmail: string | null, holdUntil: Date) =>
    letter(c, r, `Waiting for approval: ${s.courseTitle}, ${formatDate(s.startsAt)}`, [
      managerEmail
        ? `This course needs your line manager’s approval. We have emailed ${managerEmail}.`
        : 'This course needs approval. Your account has no confirmed line manager’s address, so the partnership’s training coordinator will decide.',
      `Your place is held until ${formatDate(holdUntil)}, ${formatTime(holdUntil)}. We will email you when ${managerEmail ? 'they decide' : 'it is decided'}.`,
      '',
      `Course: ${s.courseTitle}`,
      `When: ${when(s)}`,
    ]),

  coordinatorApprovalRequest: (c: Context, to: string, person: { name: string; jobTitle: string }, s: SessionDetails, holdUntil: Date): QueuedMail => ({
    to,
    subject: `Place to approve: ${person.name} on ${s.courseTitle}`,
    text: [
      'Hello,',
      '',
      `${person.name} (${person.jobTitle}) has asked for a place on ${s.courseTitle}, which needs approval. Their account has no confirmed line manager’s address, so a coordinator decides.`,
      `When: ${when(s)}`,
      '',
      `Approve or decline it on the session’s register: ${c.config.baseUrl}/manage/sessions/${s.sessionId}/register`,
      '',
      `The place is held until ${formatDate(holdUntil)}, ${formatTime(holdUntil)}. If nobody decides by then it goes to the next person waiting.`,
      '',
      c.partnership.name,
    ].join('\n'),
    attachments: [],
  }),

  approvalRequest: (c: Context, manager: { email: string }, person: { name: string; jobTitle: string }, s: SessionDetails, token: string, holdUntil: Date): QueuedMail => ({
    to: manager.email,
    subject: `Please approve: ${person.name} on ${s.courseTitle}`,
    text: [
      'Hello,',
      '',
      `${person.name} (${person.jobTitle}) has asked for a place on ${s.courseTitle}, and gave you as their line manager.`,
      `When: ${when(s)}`,
      `Where: ${place(s)}`,
      '',
      `Approve or decline here: ${c.config.baseUrl}/approvals/${token}`,
      '',
      `The place is held until ${formatDate(holdUntil)}, ${formatTime(holdUntil)}. If nobody decides by then it goes to the next person waiting. You do not need an account.`,
      '',
      c.partnership.name,
    ].join('\n'),
    attachments: [],
    clearAfterSending: true,
  }),

  approved: (c: Context, r: Recipient, s: SessionDetails, by: Decider = 'line manager') => bookingMail.confirmed(c, r, s, `${deciderName[by]} approved your place, and it is booked.`),

  declined: (c: Context, r: Recipient, s: SessionDetails, by: Decider = 'line manager') =>
    letter(c, r, `Not approved: ${s.courseTitle}, ${formatDate(s.startsAt)}`, [`${deciderName[by]} did not approve your place on this session, so it has been released.`, '', `Course: ${s.courseTitle}`, `When: ${when(s)}`, '', `Talk to ${by === 'line manager' ? 'your line manager' : 'the training coordinator'} if you think this is a mistake.`]),

  lapsed: (c: Context, r: Recipient, s: SessionDetails) =>
    letter(c, r, `Place released: ${s.courseTitle}, ${formatDate(s.startsAt)}`, ['Your place was not approved in time, so it has been released to the next person waiting.', '', `Course: ${s.courseTitle}`, `When: ${when(s)}`, '', 'You can book again if places are left.']),

  cancelled: (c: Context, r: Recipient, s: SessionDetails, heldPlace: boolean) =>
    letter(c, r, `Booking cancelled: ${s.courseTitle}, ${formatDate(s.startsAt)}`, [heldPlace ? 'Your place has been cancelled.' : 'You have left the waiting list.', '', `Course: ${s.courseTitle}`, `When: ${when(s)}`], heldPlace ? [invite(c, r, s, 'cancel')] : []),

  sessionCancelled: (c: Context, r: Recipient, s: SessionDetails, heldPlace: boolean, reason: string) =>
    letter(c, r, `Session cancelled: ${s.courseTitle}, ${formatDate(s.startsAt)}`, ['We are sorry: this session has been cancelled.', reason ? `Reason: ${reason}` : '', '', `Course: ${s.courseTitle}`, `When: ${when(s)}`, '', `Other dates: ${c.config.baseUrl}/courses/${s.courseId}`].filter((l, i, all) => l || all[i - 1] !== ''), heldPlace ? [invite(c, r, s, 'cancel')] : []),

  moved: (c: Context, r: Recipient, from: SessionDetails, to: SessionDetails) => ({
    ...bookingMail.confirmed(c, r, to, `Your booking has moved from ${when(from)} to the session below.`),
    attachments: [invite(c, r, to, 'request'), invite(c, r, from, 'cancel')],
  }),

  reminder: (c: Context, r: Recipient, s: SessionDetails, days: number) =>
    letter(c, r, `Reminder: ${s.courseTitle} ${days === 1 ? 'tomorrow' : `in ${days} days`}`, [`This is a reminder that you are booked on ${s.courseTitle}.`, `When: ${when(s)}`, ...joiningInstructions(s), '', 'If you can no longer come, please cancel so someone on the waiting list can have your place.']),
};
