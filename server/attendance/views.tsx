// The pieces of the trainer's pages: the list of their sessions, the marking form, the
// printable sign-in sheet and the feedback summary. The pages are in ./routes.
import type { Child } from 'hono/jsx';
import { ActionLink, Button, Choices, Form, SummaryList, Table, Tag } from '../../web/components';
import { formatSessionTime } from '../shared/dates';
import type { RegisterEntry, SessionRegister } from '../bookings/queries';
import { BookingTag, where, plural } from '../../web/domain';
import type { sessionFeedbackSummary } from '../feedback/service';
import { one, type FormValues } from '../http/forms';
import type { RegisterState, TrainerSession } from './queries';
import { ATTENDANCE_MARKS, type AttendanceMark } from './service';

export const sessionPath = (sessionId: string, page: 'register' | 'sign-in-sheet' | 'feedback') => `/trainer/sessions/${sessionId}/${page}`;
/** "Child exploitation: Tuesday 15 December 2026, 10am to 1pm" */
export const sessionName = (session: { courseTitle: string; startsAt: Date; endsAt: Date }) => `${session.courseTitle}: ${formatSessionTime(session.startsAt, session.endsAt)}`;

// ---- Your sessions ------------------------------------------------------------------

const STATE_TAGS: Record<RegisterState, { text: string; colour: string }> = {
  'not open yet': { text: 'Not open yet', colour: 'grey' },
  open: { text: 'Open', colour: 'green' },
  locked: { text: 'Locked', colour: 'orange' },
  cancelled: { text: 'Cancelled', colour: 'red' },
};
const RegisterStateTag = ({ state }: { state: RegisterState }) => <Tag colour={STATE_TAGS[state].colour}>{STATE_TAGS[state].text}</Tag>;

function SessionLinks({ session, now }: { session: TrainerSession; now: Date }) {
  const about = `for ${sessionName(session)}`;
  const links = [
    <ActionLink href={sessionPath(session.id, 'register')} text="Register" about={about} />,
    session.online ? null : <ActionLink href={sessionPath(session.id, 'sign-in-sheet')} text="Sign-in sheet" about={about} />,
    // Feedback can only come once the session has started.
    session.startsAt <= now ? <ActionLink href={sessionPath(session.id, 'feedback')} text="Feedback" about={about} /> : null,
  ].filter(Boolean);
  return <ul class="govuk-list govuk-!-margin-bottom-0">{links.map((link) => <li>{link}</li>)}</ul>;
}

export function SessionsTable({ title, empty, sessions, now }: { title: string; empty: string; sessions: TrainerSession[]; now: Date }) {
  return (
    <>
      <h2 class="govuk-heading-m">{title}</h2>
      {sessions.length ? (
        <Table
          head={['Course', 'Date and time', 'Where', 'Places taken', 'Register', 'Links']}
          rows={sessions.map((x) => [
            x.courseTitle,
            formatSessionTime(x.startsAt, x.endsAt),
            where(x),
            `${x.placesTaken} of ${x.capacity}`,
            <RegisterStateTag state={x.register} />,
            <SessionLinks session={x} now={now} />,
          ])}
        />
      ) : (
        <p class="govuk-body">{empty}</p>
      )}
    </>
  );
}

// ---- The register -------------------------------------------------------------------

const MARK_LABELS: Record<AttendanceMark, string> = { attended: 'Attended', 'partly attended': 'Partly attended', 'did not attend': 'Did not attend' };
export const isMark = (value: unknown): value is AttendanceMark => (ATTENDANCE_MARKS as readonly unknown[]).includes(value);
const MARK_PREFIX = 'mark-';
/** The name of an entry's radios; the service names its errors the same way. */
export const markField = (entry: Pick<RegisterEntry, 'id'>) => `${MARK_PREFIX}${entry.id}`;
export const isMarkField = (field: string) => field.startsWith(MARK_PREFIX);
/** Where the error summary links for a problem with the marks as a whole. */
export const MARKS_ANCHOR = 'marks';

/** A fieldset per person, pre-selected with their attendance (or what was just posted). */
export function MarkingForm({ register, action, csrfToken, values, errors }: { register: SessionRegister; action: string; csrfToken: string; values: FormValues; errors: Record<string, string> }) {
  return (
    <Form action={action} csrfToken={csrfToken}>
      <h2 class="govuk-heading-m" id={MARKS_ANCHOR}>
        Who came
      </h2>
      {register.confirmed.map((entry) => {
        const name = markField(entry);
        const chosen = name in values ? one(values, name) : isMark(entry.status) ? entry.status : undefined;
        return (
          <Choices
            type="radio"
            name={name}
            label={entry.person.name}
            hint={entry.person.organisation.name}
            inline
            small
            options={ATTENDANCE_MARKS.map((mark) => ({ value: mark, text: MARK_LABELS[mark] }))}
            values={chosen ? [chosen] : []}
            error={errors[name]}
          />
        );
      })}
      <Button>Save attendance</Button>
    </Form>
  );
}

/** The register as it stands, for someone who may not change it now. */
export const RegisterTable = ({ register }: { register: SessionRegister }) => (
  <Table head={['Name', 'Organisation', 'Attendance']} rows={register.confirmed.map((e) => [e.person.name, e.person.organisation.name, <BookingTag status={e.status} />])} />
);

/** The success messages for the register page's ?done=, built from the register and checked counts. */
export function markingDoneMessages(register: SessionRegister, done: { changed: number; invited: number; booking?: string }): Record<string, string> {
  const { changed, invited } = done;
  const walkIn = register.confirmed.find((e) => e.id === done.booking);
  return {
    marked: changed ? `${plural(changed, 'person', 'people')} marked${invited ? `, ${invited} invited to give feedback` : ''}.` : 'Nothing changed: the register already said that.',
    ...(walkIn ? { 'walk-in': `${walkIn.person.name} added to the register as attended, and invited to give feedback.` } : {}),
  };
}

// ---- The sign-in sheet --------------------------------------------------------------

/** Empty rows at the foot of the sheet, for people who come without booking. */
const SPARE_ROWS = 5;

export function SignInSheet({ register }: { register: SessionRegister }) {
  const rows: [string, string][] = [...register.confirmed.map((e): [string, string] => [e.person.name, e.person.organisation.name]), ...Array.from({ length: SPARE_ROWS }, (): [string, string] => ['', ''])];
  return (
    <table class="govuk-table app-sign-in-sheet">
      <caption class="govuk-table__caption govuk-table__caption--m">
        {plural(register.confirmed.length, 'person', 'people')} booked, and space for people who came without booking
      </caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          <th scope="col" class="govuk-table__header">Name</th>
          <th scope="col" class="govuk-table__header">Organisation</th>
          <th scope="col" class="govuk-table__header app-sign-in-sheet__signature">Signature</th>
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {rows.map(([name, organisation]) => (
          <tr class="govuk-table__row">
            <td class="govuk-table__cell">{name}</td>
            <td class="govuk-table__cell">{organisation}</td>
            <td class="govuk-table__cell app-sign-in-sheet__signature"></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export const sessionDetails = (session: SessionRegister['session']) => [
  { key: 'Course', value: session.courseTitle },
  { key: 'Date and time', value: formatSessionTime(session.startsAt, session.endsAt) },
  { key: 'Where', value: where(session) },
];

// ---- The feedback summary -----------------------------------------------------------

type FeedbackSummary = Awaited<ReturnType<typeof sessionFeedbackSummary>>;

const outOf = (value: number | null, max: number) => (value === null ? 'No answers' : `${value} out of ${max}`);

function Answers({ title, answers }: { title: string; answers: string[] }) {
  return (
    <>
      <h2 class="govuk-heading-m">{title}</h2>
      {answers.length ? (
        <ul class="govuk-list govuk-list--bullet">
          {answers.map((a) => (
            <li>{a}</li>
          ))}
        </ul>
      ) : (
        <p class="govuk-body">Nobody wrote an answer.</p>
      )}
    </>
  );
}

export function FeedbackSummaryView({ feedback, threshold }: { feedback: FeedbackSummary; threshold: number }): Child {
  const { summary, responses } = feedback;
  if (!summary) {
    return (
      <p class="govuk-body">
        {plural(responses, 'response', 'responses')} so far; the summary appears from {threshold} so no answer can be traced to one person.
      </p>
    );
  }
  return (
    <>
      <SummaryList
        rows={[
          { key: 'Responses', value: String(responses) },
          { key: 'Relevance to their role', value: outOf(summary.relevance, 5) },
          { key: 'Delivery', value: outOf(summary.delivery, 5) },
          { key: 'Confidence before → after', value: `${summary.confidenceBefore ?? '–'} → ${summary.confidenceAfter ?? '–'} out of 10` },
        ]}
      />
      <Table caption="Learning outcomes met" head={['Learning outcome', 'Average']} rows={summary.outcomesMet.map((o) => [o.outcome, outOf(o.average, 4)])} />
      <p class="govuk-body">Written answers are shown without names, in no particular order.</p>
      <Answers title="What they will do differently" answers={summary.willDoDifferently} />
      <Answers title="Other comments" answers={summary.comments} />
    </>
  );
}
