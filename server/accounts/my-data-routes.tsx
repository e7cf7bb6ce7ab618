// A person's own data: a readable page and the same as JSON, from their account page.
import { SummaryList, Table } from '../../web/components';
import { formatSessionTime, formatShortDate } from '../shared/dates';
import { personalScope, type AppContext } from '../http/context';
import { render } from '../http/render';
import { get } from '../http/routes';
import { myData, type MyData } from './my-data';

const when = (d: Date | null) => (d ? formatShortDate(d) : '');
const orNone = (text: string | null | undefined) => text || 'None';

function Section({ title, empty, head, rows }: { title: string; empty: string; head: string[]; rows: (string | number)[][] }) {
  return (
    <>
      <h2 class="govuk-heading-m">{title}</h2>
      {rows.length ? <Table head={head} rows={rows} /> : <p class="govuk-body">{empty}</p>}
    </>
  );
}

function myDataPage(c: AppContext, data: MyData) {
  const { account } = data;
  return render(
    c,
    { title: 'Your data', backLink: '/account' },
    <>
      <h1 class="govuk-heading-l">Your data</h1>
      <p class="govuk-body">
        Everything {data.partnership} holds about you. <a class="govuk-link" href="/account/my-data.json">Download it as JSON</a>.
      </p>
      <h2 class="govuk-heading-m">Your account</h2>
      <SummaryList
        rows={[
          { key: 'Name', value: account.name },
          { key: 'Email', value: account.email },
          { key: 'Job title', value: orNone(account.jobTitle) },
          { key: 'Organisation', value: account.organisation },
          { key: 'Workforce group', value: orNone(account.workforceGroup) },
          { key: 'Line manager', value: orNone(account.lineManagerEmail) },
          { key: 'Line manager waiting to confirm', value: orNone(account.lineManagerEmailWaitingForConfirmation) },
          { key: 'Roles', value: data.roles.join(', ') || 'None' },
          { key: 'Registered', value: formatShortDate(account.createdAt) },
          { key: 'Last signed in', value: account.lastSignedInAt ? formatShortDate(account.lastSignedInAt) : 'Not yet' },
        ]}
      />
      <Section
        title="Bookings and attendance"
        empty="You have no bookings."
        head={['Course', 'When', 'Status', 'Your feedback']}
        rows={data.bookings.map((b) => [
          b.course,
          formatSessionTime(b.startsAt, b.endsAt),
          b.status,
          b.feedback ? `Relevance ${b.feedback.relevance}, delivery ${b.feedback.delivery}, confidence ${b.feedback.confidenceBefore} to ${b.feedback.confidenceAfter}${b.feedback.comments ? `: ${b.feedback.comments}` : ''}` : 'None',
        ])}
      />
      <Section
        title="Three-month surveys"
        empty="No surveys."
        head={['Course', 'Asked of', 'Status', 'Answer']}
        rows={data.surveys.map((sv) => [
          data.bookings.find((b) => b.id === sv.bookingId)?.course ?? '',
          sv.askedOf,
          sv.status,
          sv.answer ? Object.entries(sv.answer).filter(([, v]) => v !== '' && v !== null && typeof v !== 'object').map(([k, v]) => `${k}: ${v instanceof Date ? formatShortDate(v) : String(v)}`).join('; ') : 'Not answered',
        ])}
      />
      <Section title="E-learning" empty="None recorded." head={['Course', 'Completed', 'Source']} rows={data.eLearning.map((e) => [e.course, e.completedOn, e.source])} />
      <Section
        title="Competencies confirmed"
        empty="None."
        head={['Competency', 'Confirmed by', 'On', 'Note']}
        rows={data.competencyConfirmations.map((x) => [x.competency, x.confirmedByEmail, when(x.confirmedAt), x.note])}
      />
      <Section
        title="Requests to confirm a competency"
        empty="None."
        head={['Competency', 'Sent to', 'Asked on', 'Decision']}
        rows={data.competencyConfirmationRequests.map((x) => [x.competency, x.managerEmail, when(x.requestedAt), x.decision ?? 'Waiting'])}
      />
      <Section
        title="Requests to change your workforce group"
        empty="None."
        head={['Group', 'Reason', 'Asked on', 'Decision']}
        rows={data.workforceGroupRequests.map((x) => [x.workforceGroup, x.reason, when(x.requestedAt), x.decision ?? 'Waiting'])}
      />
      <Section title="API tokens" empty="None." head={['Name', 'Created', 'Last used', 'Revoked']} rows={data.apiTokens.map((t) => [t.name, when(t.createdAt), when(t.lastUsedAt), when(t.revokedAt)])} />
      <Section title="Changes recorded about you" empty="None." head={['When', 'What', 'By']} rows={data.auditEntries.map((a) => [when(a.at), a.action, a.by])} />
    </>,
  );
}

export const myDataRoutes = [
  get('/account/my-data', 'signed-in', async (c) => myDataPage(c, await myData(personalScope(c)))),
  get('/account/my-data.json', 'signed-in', async (c) => {
    const data = await myData(personalScope(c));
    c.header('content-disposition', 'attachment; filename="my-data.json"');
    return c.json(data);
  }),
];
