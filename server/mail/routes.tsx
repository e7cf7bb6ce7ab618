import { and, desc, eq } from 'drizzle-orm';
import { outbox } from '../../db/schema';
import { SummaryList, Table } from '../../web/components';
import { formatShortDate, formatTime } from '../shared/dates';
import { uuidParam } from '../http/params';
import { notFound } from '../shared/errors';
import type { AppContext } from '../http/context';
import { render } from '../http/render';
import { get } from '../http/routes';

// The dev mailbox: in demo mode mail is kept, not sent, and shown here so a newcomer can
// click their sign-in link. These routes are not mounted outside demo mode.

async function mailbox(c: AppContext) {
  const mail = await c
    .get('deps')
    .db.select({ id: outbox.id, to: outbox.to, subject: outbox.subject, createdAt: outbox.createdAt })
    .from(outbox)
    .where(eq(outbox.partnershipId, c.get('partnership').id))
    .orderBy(desc(outbox.createdAt))
    .limit(100);
  return render(
    c,
    { title: 'Dev mailbox' },
    <>
      <h1 class="govuk-heading-l">Dev mailbox</h1>
      <p class="govuk-body">In demo mode the service sends no email. Every message it would have sent is here, newest first.</p>
      {mail.length ? (
        <Table head={['Sent', 'To', 'Subject']} rows={mail.map((m) => [
          <span class="app-nowrap">{formatShortDate(m.createdAt)} {formatTime(m.createdAt)}</span>,
          m.to,
          <a class="govuk-link" href={`/dev/mailbox/${m.id}`}>{m.subject}</a>,
        ])} />
      ) : <p class="govuk-body">No mail yet.</p>}
    </>,
  );
}

async function message(c: AppContext) {
  const [mail] = await c
    .get('deps')
    .db.select()
    .from(outbox)
    .where(and(eq(outbox.id, uuidParam(c, 'messageId', 'Message')), eq(outbox.partnershipId, c.get('partnership').id)));
  if (!mail) throw notFound('Message');
  // Links in the text become real links so the demo's sign-in works with a click.
  const parts = mail.text.split(/(https?:\/\/\S+)/g);
  return render(
    c,
    { title: mail.subject, backLink: '/dev/mailbox' },
    <>
      <h1 class="govuk-heading-l">{mail.subject}</h1>
      <SummaryList rows={[
        { key: 'To', value: mail.to },
        { key: 'Attachments', value: mail.attachments.map((a) => a.filename).join(', ') || 'None' },
      ]} />
      <div class="app-mail-body">{parts.map((p, i) => (i % 2 ? <a class="govuk-link" href={p}>{p}</a> : p))}</div>
    </>,
  );
}

export const devMailboxRoutes = [get('/dev/mailbox', 'public', mailbox), get('/dev/mailbox/:messageId', 'public', message)];
