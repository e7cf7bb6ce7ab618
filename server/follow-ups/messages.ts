// The follow-up survey's emails. Each carries a personal link, so each is marked to be blanked
// in the outbox once the mail server has it: the token then exists only in the recipient's inbox.
import { formatDate } from '../shared/dates';
import type { Config } from '../shared/config';
import type { Partnership } from '../shared/context';
import type { QueuedMail } from '../mail/outbox';

interface Context {
  config: Pick<Config, 'baseUrl'>;
  partnership: Pick<Partnership, 'name'>;
}

/** What a survey's email needs to know. */
export interface SurveyDetails {
  survey: { respondent: 'attendee' | 'manager'; managerEmail: string | null };
  personName: string;
  personEmail: string;
  courseTitle: string;
  startsAt: Date;
}

function letter(c: Context, d: SurveyDetails, subject: string, opening: string[], token: string, closesAt: Date): QueuedMail {
  const manager = d.survey.respondent === 'manager';
  return {
    to: manager ? d.survey.managerEmail! : d.personEmail,
    subject,
    text: [
      manager ? 'Hello,' : `Hello ${d.personName},`,
      '',
      ...opening,
      '',
      `Answer here: ${c.config.baseUrl}/follow-up/${token}`,
      '',
      `It takes about ${manager ? '2' : '5'} minutes and you do not need to sign in. The link is yours alone: please do not forward it. It works once, and the survey closes on ${formatDate(closesAt)}.`,
      '',
      'Do not include the names of children or families, or anything else that could identify them.',
      '',
      c.partnership.name,
    ].join('\n'),
    attachments: [],
    clearAfterSending: true,
  };
}

const attended = (d: SurveyDetails) => `${d.courseTitle} on ${formatDate(d.startsAt)}`;

export const followUpMail = {
  invitation: (c: Context, d: SurveyDetails, token: string, closesAt: Date) =>
    d.survey.respondent === 'manager'
      ? letter(c, d, `How has ${d.personName}’s practice changed since ${d.courseTitle}?`, [
          `${d.personName} came to ${attended(d)}, and gave you as their line manager.`,
          'Three months on, we would like to know whether you have seen a change in their practice. Your answer helps the partnership understand what difference its training makes.',
        ], token, closesAt)
      : letter(c, d, `Three months on: what difference has ${d.courseTitle} made?`, [
          `Three months ago you came to ${attended(d)}.`,
          'Please tell us whether it has changed your practice, and whether things are better for the children and families you work with. Every answer helps the partnership improve its training.',
        ], token, closesAt),

  reminder: (c: Context, d: SurveyDetails, token: string, closesAt: Date) =>
    letter(c, d, `Reminder: ${d.survey.respondent === 'manager' ? `how has ${d.personName}’s practice changed` : `what difference has ${d.courseTitle} made`}?`, [
      d.survey.respondent === 'manager'
        ? `We recently asked whether you have seen a change in ${d.personName}’s practice since they came to ${attended(d)}, and have not had an answer yet.`
        : `We recently asked what difference ${attended(d)} has made to your practice, and have not had your answer yet.`,
      'This is a new link; the one in our earlier email still works too.',
    ], token, closesAt),
};
