// The coordinator's Manage pages: the dashboard, and every page for building the
// prospectus (its prospectuses, courses and sessions), as one list for the app.
import { render } from '../../http/render';
import type { AppContext } from '../../http/context';
import { get } from '../../http/routes';
import { courseRoutes } from './course-routes';
import { prospectusRoutes } from './prospectus-routes';
import { sessionRoutes } from './session-routes';
import type { Role } from '../../../db/schema';

const COORDINATOR: Role[] = ['coordinator'];

function dashboard(c: AppContext) {
  const sections = [
    { href: '/manage/prospectuses', title: 'Prospectuses', text: 'Create a year’s prospectus, publish it, and add and change its courses and dates.' },
    { href: '/manage/organisations', title: 'Organisations', text: 'The partner agencies and settings people choose from when they register.' },
    { href: '/manage/people', title: 'People', text: 'Find people and give them roles: trainer, coordinator, reviewer or organisation lead.' },
    { href: '/manage/framework', title: 'Competency framework', text: 'The workforce groups and the competencies each needs: change them in a draft, publish it, and import or export it as CSV.' },
    { href: '/manage/e-learning', title: 'E-learning completions', text: 'Import the e-learning provider’s CSV of who completed which course.' },
    { href: '/manage/history', title: 'Past years’ records', text: 'Import the training records of years before this system, for the dashboard and the year-end review.' },
    { href: '/manage/non-attendance', title: 'Non-attendance', text: 'Who did not attend or cancelled late, by organisation and session, and the charges to invoice.' },
    { href: '/manage/workforce-group-requests', title: 'Workforce group changes', text: 'Approve or decline people’s requests to change their workforce group.' },
    { href: '/manage/competency-confirmations', title: 'Line managers’ confirmations', text: 'Whether people can ask their line managers, by email, to confirm competencies they apply in practice.' },
    { href: '/manage/retention', title: 'How long information is kept', text: 'How many years written answers and training records are kept, and how long the text of sent email, as the privacy notice tells people.' },
  ];
  return render(
    c,
    { title: 'Manage training' },
    <>
      <h1 class="govuk-heading-l">Manage training</h1>
      {sections.map((x) => (
        <>
          <h2 class="govuk-heading-m">
            <a class="govuk-link" href={x.href}>{x.title}</a>
          </h2>
          <p class="govuk-body">{x.text}</p>
        </>
      ))}
    </>,
  );
}

export const manageRoutes = [get('/manage', COORDINATOR, dashboard), ...prospectusRoutes, ...courseRoutes, ...sessionRoutes];
