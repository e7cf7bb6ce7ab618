// The tables of a session's register on the coordinator's register page, and the
// success messages its actions lead back to.
import type { Child } from 'hono/jsx';
import { z } from 'zod';
import { ActionLink, Choices, Table } from '../../web/components';
import { formatShortDate, formatTime } from '../shared/dates';
import type { RegisterEntry, SessionRegister } from './queries';
import { BookingTag, plural } from '../../web/domain';

/** A decision on a place waiting for approval, the manager's or a coordinator's. */
export const approvalDecisionInput = z.object({ decision: z.enum(['approved', 'declined'], 'Select yes to approve or no to decline') });

/** The question on both approval pages. */
export const ApprovalChoices = ({ error }: { error?: string }) => (
  <Choices
    type="radio"
    name="decision"
    label="Do you approve this place?"
    legendSize="m"
    error={error}
    options={[
      { value: 'approved', text: 'Yes, approve it' },
      { value: 'declined', text: 'No, decline it', hint: 'The place goes to the next person waiting' },
    ]}
  />
);

/** "23 Nov 2026, 10am" */
const shortWhen = (d: Date) => `${formatShortDate(d)}, ${formatTime(d)}`;

const CANCEL_REASONS: Record<string, string> = {
  cancelled: 'Cancelled',
  declined: 'Line manager declined',
  lapsed: 'Not approved in time',
  moved: 'Moved to another date',
};

/** What a coordinator may do with each booking, decided by the page from the session's state. */
export interface EntryActions {
  move(e: RegisterEntry): boolean;
  cancel(e: RegisterEntry): boolean;
  approve(e: RegisterEntry): boolean;
  path(e: RegisterEntry, action: 'move' | 'cancel' | 'approve'): string;
}

function Actions({ entry, actions }: { entry: RegisterEntry; actions: EntryActions }) {
  const links = [
    actions.approve(entry) ? <ActionLink href={actions.path(entry, 'approve')} text="Approve or decline" about={`${entry.person.name}’s place`} /> : null,
    actions.move(entry) ? <ActionLink href={actions.path(entry, 'move')} text="Move" about={`${entry.person.name} to another date`} /> : null,
    actions.cancel(entry) ? (
      <ActionLink href={actions.path(entry, 'cancel')} text={entry.status === 'waitlisted' ? 'Remove' : 'Cancel'} about={`${entry.person.name}’s booking`} />
    ) : null,
  ].filter(Boolean);
  return links.length ? <ul class="govuk-list govuk-!-margin-bottom-0">{links.map((l) => <li>{l}</li>)}</ul> : '';
}

/** A section: its heading, then the table, or a line saying it is empty. */
function Section({ title, empty, head, rows }: { title: string; empty: string; head: string[]; rows: Child[][] }) {
  return (
    <>
      <h2 class="govuk-heading-m">
        {title} ({rows.length})
      </h2>
      {rows.length ? <Table head={head} rows={rows} /> : <p class="govuk-body">{empty}</p>}
    </>
  );
}

const person = (e: RegisterEntry) => [e.person.name, e.person.organisation.name, e.person.jobTitle, e.person.email];
const PERSON_HEAD = ['Name', 'Organisation', 'Job title', 'Email'];

export function RegisterTables({ register, actions }: { register: SessionRegister; actions: EntryActions }) {
  const { confirmed, pendingApproval, waitingList, cancelled } = register;
  return (
    <>
      <Section
        title="Places booked"
        empty="Nobody has a place yet."
        head={[...PERSON_HEAD, 'Booked on', 'Booked by someone else?', 'Actions']}
        rows={confirmed.map((e) => [
          // After the session the place shows its attendance.
          e.status === 'confirmed' ? e.person.name : <>{e.person.name} <BookingTag status={e.status} /></>,
          ...person(e).slice(1),
          shortWhen(e.bookedAt),
          e.bookedBy ? `Yes, by ${e.bookedBy.name}` : 'No',
          <Actions entry={e} actions={actions} />,
        ])}
      />
      <Section
        title="Waiting for a line manager’s approval"
        empty="Nobody is waiting for approval."
        head={[...PERSON_HEAD, 'Booked on', 'Place held until', 'Who decides', 'Actions']}
        rows={pendingApproval.map((e) => [...person(e), shortWhen(e.bookedAt), e.approvalExpiresAt ? shortWhen(e.approvalExpiresAt) : '', e.managerAsked ? 'Their line manager' : 'A coordinator', <Actions entry={e} actions={actions} />])}
      />
      <Section
        title="Waiting list"
        empty="Nobody is on the waiting list."
        head={['Position', ...PERSON_HEAD, 'Joined on', 'Actions']}
        rows={waitingList.map((e) => [String(e.position), ...person(e), shortWhen(e.bookedAt), <Actions entry={e} actions={actions} />])}
      />
      <Section
        title="Cancelled"
        empty="No bookings have been cancelled."
        head={[...PERSON_HEAD, 'Cancelled on', 'Reason', 'Late cancellation']}
        rows={cancelled.map((e) => [...person(e), e.cancelledAt ? shortWhen(e.cancelledAt) : '', CANCEL_REASONS[e.cancelReason ?? ''] ?? 'Cancelled', e.late ? 'Yes' : 'No'])}
      />
    </>
  );
}

const promotedSentence = (n: number) => (n ? ` ${plural(n, 'person', 'people')} from the waiting list ${n === 1 ? 'was' : 'were'} given a place and emailed.` : '');

/**
 * The success messages for the page's ?done=, built from the register itself and a checked
 * count, so nothing typed into the address becomes page text.
 */
export function registerDoneMessages(register: SessionRegister, done: { booking?: RegisterEntry; promoted: number }): Record<string, string> {
  const { booking, promoted } = done;
  const more = promotedSentence(promoted);
  const messages: Record<string, string> = { capacity: `The session now has ${plural(register.session.capacity, 'place', 'places')}.${more}` };
  if (!booking) return messages;
  const name = booking.person.name;
  messages.booked =
    booking.status === 'waitlisted'
      ? `The session is full, so ${name} is number ${booking.position} on the waiting list. We have emailed them.`
      : booking.status === 'pending approval'
        ? `${name}’s place is held while their line manager decides. We have emailed them both.`
        : `${name} has a place on this session. We have emailed them the details.`;
  messages.approved = `${name}’s place is approved. We have emailed them.`;
  messages.declined = `${name}’s place is declined and released.${more} We have emailed them.`;
  messages.moved = `${name} has been moved to the other date, and we have emailed them.${more}`;
  messages.cancelled = `${name}’s booking has been cancelled${booking.late ? ', as a late cancellation' : ''}. We have emailed them.${more}`;
  return messages;
}
