// The coordinator's register of a session: who has a place, who waits for approval, the
// waiting list and who cancelled; the coordinator's booking actions on it (book someone on
// their behalf, change the number of places, move or cancel a booking); and the register
// as CSV. The rules are in ./service; these pages only translate HTTP.
import { z } from 'zod';
import { Button, ErrorSummary, Form, Select, StatusTag, SummaryList, TextInput, WarningText } from '../../web/components';
import { formatDate, formatSessionTime, formatTime } from '../shared/dates';
import { LIVE_BOOKING_STATUSES, type Role } from '../../db/schema';
import { searchPeople } from '../accounts/people';
import { Done, formPage, submitForm, TargetForm, type FormTarget } from '../http/form-pages';
import { uuidParam } from '../http/params';
import { capacityField } from '../catalogue/schemas';
import { getCourse, placesLeft } from '../catalogue/service';
import { notFound, type FieldErrors } from '../shared/errors';
import { scope, type AppContext } from '../http/context';
import { one, type FormValues } from '../http/forms';
import { render, seeOther } from '../http/render';
import { get, post } from '../http/routes';
import { registerEntries, sessionRegister, type RegisterEntry, type SessionRegister } from './queries';
import { registerCsv, registerFilename } from './register-csv';
import { ApprovalChoices, approvalDecisionInput, registerDoneMessages, RegisterTables } from './register-views';
import { bookPlace, cancelBooking, changeCapacity, decideApprovalAsCoordinator, moveBooking } from './service';
import { BookingTag, where, PersonChooser, plural } from '../../web/domain';
import { csrfToken } from '../http/security';

const COORDINATOR: Role[] = ['coordinator'];
const BASE = '/manage/sessions/:sessionId/register';

const loadRegister = (c: AppContext) => sessionRegister(scope(c), uuidParam(c, 'sessionId', 'Session'));
const registerPath = (r: SessionRegister) => `/manage/sessions/${r.session.id}/register`;
const entryPath = (r: SessionRegister, e: RegisterEntry, action: 'move' | 'cancel' | 'approve') => `${registerPath(r)}/bookings/${e.id}/${action}`;
const sessionName = ({ session }: SessionRegister) => `${session.courseTitle}: ${formatSessionTime(session.startsAt, session.endsAt)}`;
const started = (c: AppContext, r: SessionRegister) => r.session.startsAt <= c.get('deps').clock.now();

/** Places can be booked and moved in while the session is scheduled and has not started. */
const isOpen = (c: AppContext, r: SessionRegister) => r.session.status === 'scheduled' && !started(c, r);
/** The booking rules' own limits, so the page offers only what they allow. */
const canMove = (c: AppContext, r: SessionRegister, e: RegisterEntry) => isOpen(c, r) && e.status === 'confirmed';
const canCancel = (c: AppContext, r: SessionRegister, e: RegisterEntry) => !started(c, r) && LIVE_BOOKING_STATUSES.includes(e.status);
/** A place waiting for approval; never the coordinator's own, which another coordinator decides. */
const canApprove = (c: AppContext, r: SessionRegister, e: RegisterEntry) => e.status === 'pending approval' && e.person.id !== c.get('viewer')?.id;

/** A booking on this session's register; one on another session is not found. */
async function loadEntry(c: AppContext) {
  const register = await loadRegister(c);
  const bookingId = uuidParam(c, 'bookingId', 'Booking');
  const entry = registerEntries(register).find((e) => e.id === bookingId);
  if (!entry) throw notFound('Booking');
  return { register, entry };
}

// ---- The register -------------------------------------------------------------------

const capacityInput = z.object({ capacity: capacityField });

/** What the success banner may say: a booking of this register and a count, both checked. */
const doneQuery = z.object({ booking: z.uuid().optional().catch(undefined), promoted: z.coerce.number().int().min(0).max(1000).catch(0) });

function registerPage(c: AppContext, register: SessionRegister, values: FormValues = {}, errors: FieldErrors = {}) {
  const { session } = register;
  const base = registerPath(register);
  const open = isOpen(c, register);
  const query = doneQuery.parse(c.req.query());
  const done = { booking: registerEntries(register).find((e) => e.id === query.booking), promoted: query.promoted };
  return render(
    c,
    { title: `Register: ${sessionName(register)}`, hasErrors: Object.keys(errors).length > 0, backLink: `/manage/courses/${session.courseId}` },
    <>
      <ErrorSummary errors={errors} />
      <Done c={c} messages={registerDoneMessages(register, done)} />
      <span class="govuk-caption-l">{sessionName(register)}</span>
      <h1 class="govuk-heading-l">Register</h1>
      <SummaryList
        rows={[
          { key: 'Where', value: where(session) },
          { key: 'Status', value: <StatusTag status={session.status} /> },
          { key: 'Places', value: `${session.placesTaken} of ${session.capacity} taken, ${placesLeft(session)} left` },
          { key: 'Waiting list', value: register.waitingList.length ? plural(register.waitingList.length, 'person', 'people') : 'Nobody' },
        ]}
      />
      <ul class="govuk-list">
        <li>
          <a class="govuk-link" href={`${base}.csv`}>Download the register (CSV)</a>
        </li>
        {session.status === 'scheduled' ? (
          <li>
            <a class="govuk-link" href={`/manage/sessions/${session.id}/cancel`}>Cancel this date</a>
          </li>
        ) : null}
      </ul>
      {open ? (
        <div class="govuk-grid-row">
          <div class="govuk-grid-column-one-half">
            <h2 class="govuk-heading-m">Book someone on their behalf</h2>
            <form method="get" action={`${base}/book`} role="search" aria-label="People to book">
              <TextInput name="q" label="Their name or email" spellcheck={false} />
              <Button secondary>Find a person</Button>
            </form>
          </div>
          <div class="govuk-grid-column-one-half">
            <h2 class="govuk-heading-m">Change the number of places</h2>
            <Form action={`${base}/capacity`} csrfToken={csrfToken(c)}>
              <TextInput
                name="capacity"
                label="Number of places"
                hint="Raising it gives the new places to the waiting list, in order"
                width="3"
                inputmode="numeric"
                value={'capacity' in values ? one(values, 'capacity') : String(session.capacity)}
                error={errors.capacity}
              />
              <Button secondary>Change the number of places</Button>
            </Form>
          </div>
        </div>
      ) : null}
      <RegisterTables register={register} actions={{ move: (e) => canMove(c, register, e), cancel: (e) => canCancel(c, register, e), approve: (e) => canApprove(c, register, e), path: (e, action) => entryPath(register, e, action) }} />
    </>,
  );
}

function registerCsvFile(c: AppContext, register: SessionRegister) {
  return c.body(registerCsv(register), 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${registerFilename(register.session)}"`,
    // Personal details: not kept in shared caches or the browser's.
    'cache-control': 'no-store',
  });
}

// ---- Booking someone on their behalf ------------------------------------------------

const bookInput = z.object({ personId: z.uuid('Choose a person from the list') });

async function choosePage(c: AppContext, register: SessionRegister, q: string, errors: FieldErrors = {}) {
  const base = registerPath(register);
  const frame = { title: 'Book someone on their behalf', caption: sessionName(register), backLink: base };
  if (!isOpen(c, register)) {
    return formPage(c, frame, <p class="govuk-body">This date has been cancelled or has started, so no more places can be booked.</p>);
  }
  const found = q ? await searchPeople(scope(c), q) : undefined;
  const booked = new Map(registerEntries(register).filter((e) => LIVE_BOOKING_STATUSES.includes(e.status)).map((e) => [e.person.id, e]));
  const left = placesLeft(register.session);
  return formPage(
    c,
    { ...frame, errors },
    <>
      <p class="govuk-body">
        {left ? `${plural(left, 'place', 'places')} left.` : 'The session is full: the person you book joins the waiting list.'} Their place is confirmed even when the course needs a line manager’s
        approval or booking has closed, and we email them the details.
      </p>
      <PersonChooser
        searchAction={`${base}/book`}
        searchLabel="Search by name or email"
        searchButton="Search"
        ariaLabel="People to book"
        prompt="Search for the person by their name or work email."
        q={q}
        found={found}
        entries={booked}
        action={`${base}/book`}
        actionLabel={(name) => <>Book<span class="govuk-visually-hidden"> {name}</span></>}
        bookingColumn="Booking"
        csrfToken={csrfToken(c)}
      />
    </>,
  );
}

// ---- Moving and cancelling a booking ------------------------------------------------

const moveInput = z.object({ toSessionId: z.uuid('Choose the date to move them to') });

async function movePage(c: AppContext, register: SessionRegister, entry: RegisterEntry, values: FormValues = {}, errors: FieldErrors = {}) {
  const s = scope(c);
  const now = s.clock.now();
  const course = await getCourse(s, register.session.courseId);
  const others = course.sessions.filter((x) => x.id !== register.session.id && x.status === 'scheduled' && x.startsAt > now);
  const target: FormTarget = { action: entryPath(register, entry, 'move'), backLink: registerPath(register), title: `Move ${entry.person.name} to another date`, caption: sessionName(register), submit: 'Move the booking' };
  if (!others.length) {
    return formPage(
      c,
      target,
      <p class="govuk-body">
        This course has no other upcoming dates. <a class="govuk-link" href={`/manage/courses/${course.id}/sessions/new`}>Add a date</a> first.
      </p>,
    );
  }
  return formPage(
    c,
    { ...target, errors },
    <TargetForm c={c} target={target}>
      <p class="govuk-body">Their place here goes to the first person on this date’s waiting list. We email them the new date.</p>
      <Select
        name="toSessionId"
        label="New date"
        placeholder="Choose a date"
        value={one(values, 'toSessionId')}
        error={errors.toSessionId}
        options={others.map((x) => ({ value: x.id, text: `${formatSessionTime(x.startsAt, x.endsAt)}, ${where(x)}: ${x.placesLeft ? `${plural(x.placesLeft, 'place', 'places')} left` : 'full'}` }))}
      />
    </TargetForm>,
  );
}

function cancelPage(c: AppContext, register: SessionRegister, entry: RegisterEntry) {
  const leaving = entry.status === 'waitlisted';
  const name = entry.person.name;
  const target: FormTarget = {
    action: entryPath(register, entry, 'cancel'),
    backLink: registerPath(register),
    title: leaving ? `Remove ${name} from the waiting list` : `Cancel ${name}’s place`,
    caption: sessionName(register),
    submit: leaving ? 'Remove from the waiting list' : 'Cancel their place',
  };
  return formPage(
    c,
    target,
    <>
      <SummaryList
        rows={[
          { key: 'Email', value: entry.person.email },
          { key: 'Organisation', value: entry.person.organisation.name },
          { key: 'Booking', value: <BookingTag status={entry.status} position={entry.position ?? undefined} /> },
        ]}
      />
      {leaving ? null : <WarningText>Their place goes to the first person on the waiting list. Close to the session it is recorded as a late cancellation.</WarningText>}
      <TargetForm c={c} target={target} warning>
        <p class="govuk-body">We will email them to say their booking is cancelled.</p>
      </TargetForm>
    </>,
  );
}

function approvePage(c: AppContext, register: SessionRegister, entry: RegisterEntry, errors: FieldErrors = {}) {
  const target: FormTarget = { action: entryPath(register, entry, 'approve'), backLink: registerPath(register), title: `Approve ${entry.person.name}’s place`, caption: sessionName(register), submit: 'Send decision' };
  return formPage(
    c,
    { ...target, errors },
    <>
      <SummaryList
        rows={[
          { key: 'Job title', value: entry.person.jobTitle },
          { key: 'Organisation', value: entry.person.organisation.name },
          { key: 'Place held until', value: entry.approvalExpiresAt ? `${formatDate(entry.approvalExpiresAt)}, ${formatTime(entry.approvalExpiresAt)}` : '' },
        ]}
      />
      <TargetForm c={c} target={target}>
        <ApprovalChoices error={errors.decision} />
        <p class="govuk-body">We will email them your decision.</p>
      </TargetForm>
    </>,
  );
}

/** A link followed after the booking changed (or an old page resubmitted) goes back to the register. */
async function withEntry(c: AppContext, allowed: typeof canMove, page: (register: SessionRegister, entry: RegisterEntry) => Response | Promise<Response>) {
  const { register, entry } = await loadEntry(c);
  return allowed(c, register, entry) ? page(register, entry) : seeOther(c, registerPath(register));
}

const afterward = (register: SessionRegister, done: string, bookingId: string, promoted: number) => `${registerPath(register)}?done=${done}&booking=${bookingId}&promoted=${promoted}`;

export const registerRoutes = [
  get(`${BASE}/bookings/:bookingId/approve`, COORDINATOR, (c) => withEntry(c, canApprove, (register, entry) => approvePage(c, register, entry))),
  post(`${BASE}/bookings/:bookingId/approve`, COORDINATOR, (c) =>
    withEntry(c, canApprove, (register, entry) =>
      submitForm(
        c,
        approvalDecisionInput,
        (_values, errors) => approvePage(c, register, entry, errors),
        (input) => decideApprovalAsCoordinator(scope(c), entry.id, input.decision),
        (decision) => afterward(register, decision, entry.id, 0),
      ),
    ),
  ),

  get(BASE, COORDINATOR, async (c) => registerPage(c, await loadRegister(c))),
  get(`${BASE}.csv`, COORDINATOR, async (c) => registerCsvFile(c, await loadRegister(c))),
  post(`${BASE}/capacity`, COORDINATOR, async (c) => {
    const register = await loadRegister(c);
    return submitForm(
      c,
      capacityInput,
      (values, errors) => registerPage(c, register, values, errors),
      (input) => changeCapacity(scope(c), register.session.id, input.capacity),
      ({ promoted }) => `${registerPath(register)}?done=capacity&promoted=${promoted}`,
    );
  }),

  get(`${BASE}/book`, COORDINATOR, async (c) => choosePage(c, await loadRegister(c), (c.req.query('q') ?? '').trim().slice(0, 100))),
  post(`${BASE}/book`, COORDINATOR, async (c) => {
    const register = await loadRegister(c);
    return submitForm(
      c,
      bookInput,
      (values, errors) => choosePage(c, register, one(values, 'q').trim().slice(0, 100), errors),
      (input) => bookPlace(scope(c), { sessionId: register.session.id, personId: input.personId }),
      (booking) => afterward(register, 'booked', booking.id, 0),
    );
  }),

  get(`${BASE}/bookings/:bookingId/move`, COORDINATOR, (c) => withEntry(c, canMove, (register, entry) => movePage(c, register, entry))),
  post(`${BASE}/bookings/:bookingId/move`, COORDINATOR, (c) =>
    withEntry(c, canMove, (register, entry) =>
      submitForm(
        c,
        moveInput,
        (values, errors) => movePage(c, register, entry, values, errors),
        (input) => moveBooking(scope(c), entry.id, input.toSessionId),
        ({ promoted }) => afterward(register, 'moved', entry.id, promoted),
      ),
    ),
  ),

  get(`${BASE}/bookings/:bookingId/cancel`, COORDINATOR, (c) => withEntry(c, canCancel, (register, entry) => cancelPage(c, register, entry))),
  post(`${BASE}/bookings/:bookingId/cancel`, COORDINATOR, (c) =>
    withEntry(c, canCancel, async (register, entry) => {
      const { promoted } = await cancelBooking(scope(c), entry.id);
      return seeOther(c, afterward(register, 'cancelled', entry.id, promoted));
    }),
  ),
];
