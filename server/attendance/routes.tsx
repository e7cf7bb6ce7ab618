// The trainer's pages: the sessions they train, marking a session's register (each
// person, everyone not yet marked, someone who came without booking), a printable
// sign-in sheet and the session's feedback summary. Coordinators can use them for any
// session. The rules are in ./service and ../feedback/service; these pages only
// translate HTTP.
import { z } from 'zod';
import { Button, Form, SummaryList, WarningText } from '../../web/components';
import { formatDate, formatTime } from '../shared/dates';
import type { Role } from '../../db/schema';
import { maskEmail, searchPeople } from '../accounts/people';
import { registerEntries, type SessionRegister } from '../bookings/queries';
import { Done, formPage, submitForm } from '../http/form-pages';
import { uuidParam } from '../http/params';
import { sessionFeedbackSummary, SUMMARY_THRESHOLD } from '../feedback/service';
import type { FieldErrors } from '../shared/errors';
import { personalScope, scope, type AppContext } from '../http/context';
import { one, type FormValues } from '../http/forms';
import { render, seeOther } from '../http/render';
import { get, post } from '../http/routes';
import { attendanceSheet, markableSheet, RECENT_DAYS, readableRegister, trainerSessions, type AttendanceSheet } from './queries';
import { addWalkIn, markUnmarkedAttended, recordAttendance, type AttendanceMark, ON_REGISTER } from './service';
import { FeedbackSummaryView, isMark, isMarkField, markField, markingDoneMessages, MarkingForm, MARKS_ANCHOR, RegisterTable, sessionDetails, sessionName, SessionsTable, sessionPath, SignInSheet } from './views';
import { PersonChooser, plural, where } from '../../web/domain';
import { csrfToken } from '../http/security';

const TRAINER: Role[] = ['trainer', 'coordinator'];
const BASE = '/trainer/sessions/:sessionId';
const HOME = '/trainer/sessions';

const viewer = (c: AppContext) => c.get('viewer')!;
const sessionId = (c: AppContext) => uuidParam(c, 'sessionId', 'Session');
const loadSheet = (c: AppContext) => attendanceSheet(personalScope(c), sessionId(c));
/** For a change: refused (403, with the reason) before the form is read when marking is not allowed now. */
const loadMarkable = (c: AppContext) => markableSheet(personalScope(c), sessionId(c));
const registerPath = (register: SessionRegister) => sessionPath(register.session.id, 'register');
/** The search for a walk-in, as typed, within reason. */
const searchText = (q: string | undefined) => (q ?? '').trim().slice(0, 100);

// ---- Your sessions ------------------------------------------------------------------

async function sessionsPage(c: AppContext) {
  const now = c.get('deps').clock.now();
  const { upcoming, past } = await trainerSessions(personalScope(c));
  return render(
    c,
    { title: 'Your sessions' },
    <>
      <h1 class="govuk-heading-l">Your sessions</h1>
      {viewer(c).roles.includes('coordinator') ? (
        <div class="govuk-inset-text">
          As a coordinator you can open the register of any session from <a class="govuk-link" href="/manage">Manage</a>. This page lists the sessions you train.
        </div>
      ) : null}
      <SessionsTable title="Upcoming" empty="You have no upcoming sessions." sessions={upcoming} now={now} />
      <SessionsTable title={`In the last ${RECENT_DAYS} days`} empty={`You have trained no sessions in the last ${RECENT_DAYS} days.`} sessions={past} now={now} />
    </>,
  );
}

// ---- The register -------------------------------------------------------------------

/**
 * The posted marks: one radio per person on the register, named by their booking. A mark
 * for a booking not on this register, or a value that is not a mark, changes nothing.
 */
function marksInput(register: SessionRegister) {
  const onRegister = new Map(register.confirmed.map((e) => [markField(e), e]));
  return z.record(z.string(), z.unknown()).transform((form, ctx) => {
    const marks: Record<string, AttendanceMark> = {};
    for (const [field, value] of Object.entries(form)) {
      if (!isMarkField(field)) continue;
      const entry = onRegister.get(field);
      if (!entry) ctx.addIssue({ code: 'custom', path: [MARKS_ANCHOR], message: 'Some of the people marked are not on this register. Check the register and save again.' });
      else if (!isMark(value)) ctx.addIssue({ code: 'custom', path: [field], message: `Select whether ${entry.person.name} attended, partly attended or did not attend` });
      else marks[entry.id] = value;
    }
    if (!Object.keys(marks).length && !ctx.issues.length) {
      const first = register.confirmed[0];
      ctx.addIssue({ code: 'custom', path: [first ? markField(first) : MARKS_ANCHOR], message: 'Select whether each person attended, partly attended or did not attend' });
    }
    return marks;
  });
}

const walkInInput = z.object({ personId: z.uuid('Choose a person from the list'), q: z.string().optional() });

/** What the success banner may say: counts and a booking, all checked, so nothing typed into the address becomes page text. */
const count = z.coerce.number().int().min(0).max(10_000).catch(0);
const doneQuery = z.object({ changed: count, invited: count, booking: z.uuid().optional().catch(undefined) });

function windowText({ window }: AttendanceSheet['permission']) {
  const at = (d: Date) => `${formatDate(d)}, ${formatTime(d)}`;
  return `Opens ${at(window.opensAt)}. Trainers can change it until ${at(window.locksAt)}; after that, only a coordinator.`;
}

type Found = Awaited<ReturnType<typeof searchPeople>>;

function WalkInSearch({ c, register, q, found }: { c: AppContext; register: SessionRegister; q: string; found?: Found }) {
  const base = registerPath(register);
  // Anyone booked or already marked is shown as such; someone still waiting for a place can be added (their booking becomes the attendance).
  const listed = new Map(registerEntries(register).filter((e) => ON_REGISTER.includes(e.status)).map((e) => [e.person.id, e]));
  return (
    <>
      <h2 class="govuk-heading-m">Add someone who came without booking</h2>
      <PersonChooser
        searchAction={base}
        searchLabel="Their name or email"
        searchButton="Find a person"
        ariaLabel="People who came without booking"
        prompt="They need an account: search for them by name or work email."
        q={q}
        found={found}
        entries={listed}
        action={`${base}/walk-in`}
        actionLabel={(name) => <>Add<span class="govuk-visually-hidden"> {name} as attended</span></>}
        bookingColumn="Register"
        csrfToken={csrfToken(c)}
      />
    </>
  );
}

async function registerPage(c: AppContext, { register, permission }: AttendanceSheet, options: { values?: FormValues; errors?: FieldErrors; q?: string } = {}) {
  const errors = options.errors ?? {};
  const base = registerPath(register);
  const q = options.q ?? searchText(c.req.query('q'));
  const matches = q && permission.allowed ? await searchPeople(scope(c), q) : undefined;
  // Trainers see enough of an email to tell people apart; only coordinators see addresses in full.
  const found = matches && !c.get('viewer')!.roles.includes('coordinator') ? { ...matches, people: matches.people.map((p) => ({ ...p, email: maskEmail(p.email) })) } : matches;
  const unmarked = register.confirmed.filter((e) => e.status === 'confirmed').length;
  const done = doneQuery.parse(c.req.query());
  return formPage(
    c,
    { title: 'Register', caption: sessionName(register.session), backLink: HOME, errors, banner: <Done c={c} messages={markingDoneMessages(register, done)} /> },
    <>
      <SummaryList
        rows={[
          { key: 'Where', value: where(register.session) },
          { key: 'People booked', value: String(register.confirmed.length) },
          { key: 'Marking', value: windowText(permission) },
        ]}
      />
      {!permission.allowed ? (
        <>
          <WarningText>{permission.reason}.</WarningText>
          {register.confirmed.length ? <RegisterTable register={register} /> : <p class="govuk-body">Nobody is booked on this session.</p>}
        </>
      ) : (
        <>
          {register.confirmed.length ? (
            <MarkingForm register={register} action={base} csrfToken={csrfToken(c)} values={options.values ?? {}} errors={errors} />
          ) : (
            <p class="govuk-body">Nobody is booked on this session.</p>
          )}
          {unmarked ? (
            <Form action={`${base}/all-attended`} csrfToken={csrfToken(c)}>
              <p class="govuk-body">{plural(unmarked, 'person is', 'people are')} not marked yet. If they all came, mark them at once.</p>
              <Button secondary>Mark everyone not yet marked as attended</Button>
            </Form>
          ) : null}
          <WalkInSearch c={c} register={register} q={q} found={found} />
        </>
      )}
    </>,
  );
}

/** After a change, back to the register with what changed. */
const afterMarking = (register: SessionRegister, { changed, invited }: { changed: number; invited: number }) => `${registerPath(register)}?done=marked&changed=${changed}&invited=${invited}`;

// ---- The sign-in sheet and the feedback summary -------------------------------------

async function signInSheetPage(c: AppContext) {
  const register = await readableRegister(personalScope(c), sessionId(c));
  const { session } = register;
  return render(
    c,
    { title: `Sign-in sheet: ${sessionName(session)}`, backLink: HOME },
    <>
      <h1 class="govuk-heading-l">Sign-in sheet</h1>
      <SummaryList rows={sessionDetails(session)} />
      {session.online ? (
        <p class="govuk-body">
          This session is online, so a sign-in sheet isn’t needed. <a class="govuk-link" href={registerPath(register)}>Mark the register</a> during the session instead.
        </p>
      ) : (
        <>
          <p class="govuk-body app-no-print">Print this page from your browser: only the sheet and the details above are printed.</p>
          <SignInSheet register={register} />
        </>
      )}
    </>,
  );
}

async function feedbackPage(c: AppContext) {
  const feedback = await sessionFeedbackSummary(personalScope(c), sessionId(c));
  const { session, course } = feedback;
  return formPage(
    c,
    { title: 'Feedback', caption: sessionName({ ...session, courseTitle: course.title }), backLink: HOME },
    <FeedbackSummaryView feedback={feedback} threshold={SUMMARY_THRESHOLD} />,
  );
}

export const attendanceRoutes = [
  get(HOME, TRAINER, sessionsPage),
  get(`${BASE}/register`, TRAINER, async (c) => registerPage(c, await loadSheet(c))),
  post(`${BASE}/register`, TRAINER, async (c) => {
    const sheet = await loadMarkable(c);
    const { register } = sheet;
    return submitForm(
      c,
      marksInput(register),
      (values, errors) => registerPage(c, sheet, { values, errors }),
      (marks) => recordAttendance(scope(c), register.session.id, marks),
      (result) => afterMarking(register, result),
    );
  }),
  post(`${BASE}/register/all-attended`, TRAINER, async (c) => {
    const { register } = await loadMarkable(c);
    return seeOther(c, afterMarking(register, await markUnmarkedAttended(scope(c), register.session.id)));
  }),
  post(`${BASE}/register/walk-in`, TRAINER, async (c) => {
    const sheet = await loadMarkable(c);
    const { register } = sheet;
    return submitForm(
      c,
      walkInInput,
      (values, errors) => registerPage(c, sheet, { errors, q: searchText(one(values, 'q')) }),
      (input) => addWalkIn(scope(c), register.session.id, input.personId),
      (booking) => `${registerPath(register)}?done=walk-in&booking=${booking.id}`,
    );
  }),
  get(`${BASE}/sign-in-sheet`, TRAINER, signInSheetPage),
  get(`${BASE}/feedback`, TRAINER, feedbackPage),
];
