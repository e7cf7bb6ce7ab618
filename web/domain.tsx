// The domain's own pieces that the pages of several features show: a booking's status, where
// a session is, a workforce group's name, the 1-10 confidence scale, and the chooser that finds a person to act on.
import type { Child } from 'hono/jsx';
import type { BookingStatus } from '../db/schema';
import { Button, Form, Table, Tag, TextInput } from './components';

/** "1 place", "3 places" */
export const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "Online", the venue, or "Venue to be confirmed". */
export const where = (session: { online: boolean; venue: string }) => (session.online ? 'Online' : session.venue || 'Venue to be confirmed');

/** A workforce group as people see it: its name, and its level in an outside scheme beside it when it has one. */
export const groupName = (group: { name: string; outsideScheme: string }) => (group.outsideScheme ? `${group.name} (${group.outsideScheme})` : group.name);

/** The 1 to 10 confidence scale, asked on the day and again three months on (the same words both times). */
export const CONFIDENCE = Array.from({ length: 10 }, (_, i) => ({ value: String(i + 1), text: String(i + 1) }));
export const CONFIDENCE_HINT = '1 means not at all confident, 10 means completely confident';

/** A booking's status as a tag: "Booked", "Waiting list: number 3", "Did not attend". */
export function BookingTag({ status, position }: { status: BookingStatus; position?: number }) {
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

export type FoundPeople = { people: { id: string; name: string; email: string; organisation: string }[]; more: boolean };

/**
 * Find a person and act on them (book them, add them as a walk-in): a search form, then a
 * table of matches with the action's button, or their current booking if they have one.
 */
export function PersonChooser(props: {
  searchAction: string;
  searchLabel: string;
  searchButton: string;
  ariaLabel: string;
  prompt: string;
  q: string;
  found?: FoundPeople;
  entries: Map<string, { status: BookingStatus; position: number | null }>;
  action: string;
  actionLabel: (name: string) => Child;
  bookingColumn: string;
  csrfToken: string;
}) {
  const { found, q } = props;
  return (
    <>
      <form method="get" action={props.searchAction} role="search" aria-label={props.ariaLabel}>
        <TextInput name="q" label={props.searchLabel} width="20" spellcheck={false} value={q} />
        <Button secondary>{props.searchButton}</Button>
      </form>
      {/* The error summary's link for a refused choice lands here, above the list. */}
      <p class="govuk-body" role="status" id="personId">
        {!found
          ? props.prompt
          : `${found.people.length ? `${found.more ? 'The first ' : ''}${plural(found.people.length, 'person', 'people')}` : 'Nobody'} matching ‘${q}’${found.more ? '. Search to narrow the list.' : ''}`}
      </p>
      {found?.people.length ? (
        <Table
          head={['Name', 'Email', 'Organisation', props.bookingColumn]}
          rows={found.people.map((p) => {
            const entry = props.entries.get(p.id);
            return [
              p.name,
              p.email,
              p.organisation,
              entry ? (
                <BookingTag status={entry.status} position={entry.position ?? undefined} />
              ) : (
                <Form action={props.action} csrfToken={props.csrfToken}>
                  <input type="hidden" name="personId" value={p.id} />
                  <input type="hidden" name="q" value={q} />
                  <Button secondary>{props.actionLabel(p.name)}</Button>
                </Form>
              ),
            ];
          })}
        />
      ) : null}
    </>
  );
}
