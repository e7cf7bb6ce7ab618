// The competencies feature's emails: a line manager asked to confirm a competency (a personal
// link, so blanked in the outbox once sent), the person told of the answer, and requests to
// change a workforce group sent to those who decide them, with the decision sent back.
import { formatDate } from '../shared/dates';
import type { Config } from '../shared/config';
import type { Partnership } from '../shared/context';
import type { QueuedMail } from '../mail/outbox';

interface Context {
  config: Pick<Config, 'baseUrl'>;
  partnership: Pick<Partnership, 'name'>;
}

export interface Competency {
  code: string;
  statement: string;
}

const named = (c: Competency) => `${c.code}: ${c.statement}`;

function letter(c: Context, to: string, greeting: string, subject: string, lines: string[], personalLink = false): QueuedMail {
  return {
    to,
    subject,
    text: [`Hello${greeting ? ` ${greeting}` : ''},`, '', ...lines, '', c.partnership.name].join('\n'),
    attachments: [],
    clearAfterSending: personalLink,
  };
}

export const competencyMail = {
  confirmationRequest: (c: Context, managerEmail: string, person: { name: string; jobTitle: string }, competency: Competency, note: string, token: string, expiresAt: Date) =>
    letter(
      c,
      managerEmail,
      '',
      `Please confirm a competency: ${person.name}`,
      [
        `${person.name} (${person.jobTitle}) gave you as their line manager, and asks you to confirm that they apply this safeguarding competency in their practice:`,
        '',
        named(competency),
        '',
        `What they say shows it: ${note}`,
        '',
        `Confirm or decline here: ${c.config.baseUrl}/competency-confirmations/${token}`,
        '',
        `You do not need an account. The link is yours alone: please do not forward it. It works once, until ${formatDate(expiresAt)}. If you are not their line manager, decline it.`,
      ],
      true,
    ),

  confirmationAnswered: (c: Context, person: { name: string; email: string }, competency: Competency, decision: 'confirmed' | 'declined', managerNote: string) =>
    letter(
      c,
      person.email,
      person.name,
      decision === 'confirmed' ? `Competency confirmed: ${competency.code}` : `Competency not confirmed: ${competency.code}`,
      [
        decision === 'confirmed'
          ? `Your line manager confirmed that you apply ${named(competency)}. It now shows on your competency profile as evidence of practice.`
          : `Your line manager did not confirm that you apply ${named(competency)}.`,
        ...(managerNote ? ['', `Their note: ${managerNote}`] : []),
        '',
        `Your competency profile: ${c.config.baseUrl}/learning/competencies`,
      ],
    ),

  groupChangeRequested: (c: Context, to: string, person: { name: string; organisation: string }, from: string, wanted: string, reason: string) =>
    letter(c, to, '', `Workforce group change to decide: ${person.name}`, [
      `${person.name} (${person.organisation}) asks to change their workforce group from ${from} to ${wanted}.`,
      '',
      `Their reason: ${reason}`,
      '',
      `Approve or decline it here: ${c.config.baseUrl}/manage/workforce-group-requests`,
    ]),

  groupChangeDecided: (c: Context, person: { name: string; email: string }, wanted: string, decision: 'approved' | 'declined', reason: string) =>
    letter(c, person.email, person.name, decision === 'approved' ? 'Your workforce group has changed' : 'Your workforce group has not changed', [
      decision === 'approved' ? `Your request was approved: your workforce group is now ${wanted}.` : `Your request to change your workforce group to ${wanted} was declined.`,
      ...(reason ? ['', `The reason: ${reason}`] : []),
      '',
      `See the competencies your group needs: ${c.config.baseUrl}/learning/competencies`,
    ]),
};
