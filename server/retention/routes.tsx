// The retention policy's pages: the coordinator's form to change it, and the public privacy
// notice that says, from the policy in force, what is kept and for how long.
import type { Role } from '../../db/schema';
import { TextInput } from '../../web/components';
import { plural } from '../../web/domain';
import { scope, type AppContext } from '../http/context';
import { Done, formPage, submitForm, TargetForm, type FormTarget } from '../http/form-pages';
import { fieldsOf, type FormValues } from '../http/forms';
import { render } from '../http/render';
import { get, post } from '../http/routes';
import type { FieldErrors } from '../shared/errors';
import { retentionPolicyInput } from './schemas';
import { RETENTION_BOUNDS, retentionPolicy, setRetentionPolicy, type RetentionPolicy } from './service';

const POLICY_PATH = '/manage/retention';
export const PRIVACY_PATH = '/privacy';
const COORDINATOR: Role[] = ['coordinator'];
const target: FormTarget = { action: POLICY_PATH, backLink: '/manage', title: 'How long information is kept', caption: 'Settings', submit: 'Save policy' };

const years = (n: number) => plural(n, 'year', 'years');
const days = (n: number) => plural(n, 'day', 'days');
const bounds = (key: keyof RetentionPolicy, unit: (n: number) => string) => `From ${unit(RETENTION_BOUNDS[key].min)} to ${unit(RETENTION_BOUNDS[key].max)}.`;

const asValues = (policy: RetentionPolicy): FormValues => Object.fromEntries(Object.entries(policy).map(([k, v]) => [k, String(v)]));

function policyPage(c: AppContext, values: FormValues, errors: FieldErrors = {}) {
  const field = fieldsOf(values, errors);
  return formPage(
    c,
    { ...target, errors, banner: <Done c={c} messages={{ saved: 'Retention policy saved' }} /> },
    <TargetForm c={c} target={target}>
      <p class="govuk-body">
        Every night the service removes what this policy no longer keeps. Expired sign-in links and sessions, and records of sign-in requests older than a day, always go. The{' '}
        <a class="govuk-link" href={PRIVACY_PATH}>
          privacy notice
        </a>{' '}
        tells people what you choose here.
      </p>
      <TextInput
        {...field.one('freeTextYears')}
        label="Years to keep written answers"
        hint={`What people write in their feedback and three-month surveys, and their line managers’ examples, counted from when it was written. Their ratings and choices stay, and so do the themes answers were coded with, so no figure changes. ${bounds('freeTextYears', years)}`}
        width="2"
        inputmode="numeric"
      />
      <TextInput
        {...field.one('trainingYears')}
        label="Years to keep training records"
        hint={`Counted from a person’s last activity: signing in, a booking, a course or e-learning. After that their name and details are removed as when a person is erased, and their records stay only as anonymous figures. ${bounds('trainingYears', years)}`}
        width="2"
        inputmode="numeric"
      />
      <TextInput
        {...field.one('sentMailDays')}
        label="Days to keep the text of sent email"
        hint={`After this the text and attachments go, and the record of who it went to stays. 0 removes it the night after sending. Email with a personal link loses it as soon as it is sent. ${bounds('sentMailDays', days)}`}
        width="2"
        inputmode="numeric"
      />
    </TargetForm>,
  );
}

function privacyNotice(c: AppContext) {
  const s = scope(c);
  const policy = retentionPolicy(s);
  const { partnership, config } = s;
  return render(
    c,
    { title: 'Privacy notice' },
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <h1 class="govuk-heading-l">Privacy notice</h1>
        <p class="govuk-body">
          {partnership.name} runs this service to offer safeguarding training, book places and find out what difference the training makes. This page says what we keep about you and for how long.
        </p>
        <h2 class="govuk-heading-m">Your account and training records</h2>
        <p class="govuk-body">We keep your name, email address, organisation, job title, workforce group and your line manager’s email address, with the courses you booked, came to or completed as e-learning, and your certificates.</p>
        <p class="govuk-body" id="training-records">
          We keep these for {years(policy.trainingYears)} after you last use the service (sign in, book a place, come to a course or complete e-learning). Then we remove your name and details, as we do if you ask us to erase you. What you did stays only as anonymous numbers in the partnership’s figures.
        </p>
        <h2 class="govuk-heading-m">Your feedback and survey answers</h2>
        <p class="govuk-body" id="written-answers">
          We keep what you write in your feedback on the day and in the survey three months later, and what your line manager writes, for {years(policy.freeTextYears)}. Then we delete the words. Your ratings and choices stay as anonymous numbers, so the figures we have published do not change. If we quoted your words, with your agreement, the quotation goes too.
        </p>
        <h2 class="govuk-heading-m">Emails we send you</h2>
        <p class="govuk-body" id="sent-mail">
          An email with a personal link (to sign in or to answer a survey) loses its text as soon as it has been sent.{' '}
          {policy.sentMailDays === 0 ? 'We remove the text of every other email the night after we send it.' : `We remove the text of every other email ${days(policy.sentMailDays)} after we send it.`} We keep a record of
          who it went to, its subject and when.
        </p>
        <h2 class="govuk-heading-m">Signing in</h2>
        <p class="govuk-body">
          A sign-in link works for {plural(config.signInLinkMinutes, 'minute', 'minutes')}. You stay signed in until you sign out, or for {days(config.sessionAbsoluteDays)} at most. We delete links and sessions that have ended every night. To stop people guessing, we count sign-in
          requests by email address and network address, and delete those counts after a day.
        </p>
        <h2 class="govuk-heading-m">Records of changes</h2>
        <p class="govuk-body">We keep a record of changes made in the service (who changed what, and when) to show that it is run properly. It does not hold what you wrote. If you are erased, your email address is removed from it.</p>
        <h2 class="govuk-heading-m">Seeing and removing your information</h2>
        <p class="govuk-body">
          Once signed in, you can see everything we hold about you on{' '}
          <a class="govuk-link" href="/account/my-data">
            your data
          </a>{' '}
          and ask to be erased from your account page. A training coordinator will act on your request.
        </p>
      </div>
    </div>,
  );
}

export const retentionRoutes = [
  get(POLICY_PATH, COORDINATOR, (c) => policyPage(c, asValues(retentionPolicy(scope(c))))),
  post(POLICY_PATH, COORDINATOR, (c) =>
    submitForm(c, retentionPolicyInput, (values, errors) => policyPage(c, values, errors), (input) => setRetentionPolicy(scope(c), input), () => `${POLICY_PATH}?done=saved`),
  ),
  get(PRIVACY_PATH, 'public', privacyNotice),
];
