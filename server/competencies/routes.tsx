// "Your competency profile": the signed-in person's own profile as a page, a CSV download and a
// page to print. The rules are in ./service; these pages only translate HTTP to its calls.
import { formatDay } from '../shared/dates';
import { personalScope, type AppContext } from '../http/context';
import { render } from '../http/render';
import { get } from '../http/routes';
import { Done } from '../http/form-pages';
import { confirmationSection } from './confirmation-routes';
import { profileCsv, profileFilename } from './profile-csv';
import { myCompetencyProfile, needsLearning, suggestedSessions, type CompetencyProfile } from './service';
import { AwaitingFeedbackList, countsSentence, NoGroup, ProfileTables, StatusRules, Suggestions } from './views';

export const PROFILE_PATH = '/learning/competencies';

const DONE = { asked: 'We have emailed your line manager a link to confirm the competency. We will email you when they answer.' };

/** "Group 3: direct contact, in Partnership safeguarding competency framework (version 1)" */
const groupLine = (profile: CompetencyProfile) => `${profile.workforceGroup!.name}, in the ${profile.framework!.title} (version ${profile.framework!.version})`;

async function profilePage(c: AppContext) {
  const s = personalScope(c);
  const profile = await myCompetencyProfile(s);
  const title = 'Your competency profile';
  if (!profile.workforceGroup) {
    return render(
      c,
      { title, backLink: '/learning' },
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">{title}</h1>
          <NoGroup profile={profile} />
        </div>
      </div>,
    );
  }
  const [suggestions, confirmations] = await Promise.all([suggestedSessions(s, profile), confirmationSection(s)]);
  return render(
    c,
    { title, backLink: '/learning' },
    <div class="app-competency-profile">
      <Done c={c} messages={DONE} />
      <h1 class="govuk-heading-l">{title}</h1>
      <p class="govuk-body">
        Your workforce group is {groupLine(profile)}.{' '}
        <a class="govuk-link app-no-print" href="/account/workforce-group">
          Ask to change it
        </a>
      </p>
      <p class="govuk-body">{countsSentence(profile)}</p>
      <AwaitingFeedbackList rows={profile.awaitingFeedback} />
      <Suggestions rows={suggestions} needed={profile.competencies.filter(needsLearning).length} />
      <h2 class="govuk-heading-m">Your competencies</h2>
      <StatusRules defaultRefreshMonths={profile.framework!.defaultRefreshMonths} />
      <ProfileTables profile={profile} />
      {confirmations}
      <h2 class="govuk-heading-m app-no-print">Download or print your profile</h2>
      <ul class="govuk-list app-no-print">
        <li>
          <a class="govuk-link" href={`${PROFILE_PATH}.csv`} download>
            Download your profile (CSV)
          </a>
        </li>
        <li>
          <a class="govuk-link" href={`${PROFILE_PATH}/print`}>
            Print your profile
          </a>
        </li>
      </ul>
    </div>,
  );
}

/** The profile alone, to print: printed, the page leaves out the service's header and footer. */
async function printPage(c: AppContext) {
  const profile = await myCompetencyProfile(personalScope(c));
  return render(
    c,
    { title: `Competency profile: ${profile.person.name}`, backLink: PROFILE_PATH },
    <div class="app-printable-profile">
      <span class="govuk-caption-l">Competency profile</span>
      <h1 class="govuk-heading-l">{profile.person.name}</h1>
      {profile.workforceGroup ? (
        <>
          <p class="govuk-body">
            {groupLine(profile)}. As at {formatDay(profile.asOf)}.
          </p>
          <p class="govuk-body">{countsSentence(profile)}</p>
          <ProfileTables profile={profile} />
        </>
      ) : (
        <NoGroup profile={profile} />
      )}
      <p class="govuk-body app-no-print">Use your browser’s print command to print this page.</p>
    </div>,
  );
}

async function profileDownload(c: AppContext) {
  const profile = await myCompetencyProfile(personalScope(c));
  return c.body(profileCsv(profile), 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${profileFilename(profile)}"`,
    // Personal details: not kept in shared caches or the browser's.
    'cache-control': 'no-store',
  });
}

export const competencyRoutes = [
  get(PROFILE_PATH, 'signed-in', profilePage),
  get(`${PROFILE_PATH}.csv`, 'signed-in', profileDownload),
  get(`${PROFILE_PATH}/print`, 'signed-in', printPage),
];
