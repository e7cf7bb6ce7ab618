import { scope, type AppContext } from '../http/context';
import { render } from '../http/render';
import { get } from '../http/routes';
import { currentProspectus } from '../catalogue/service';

async function home(c: AppContext) {
  const s = scope(c);
  const prospectus = await currentProspectus(s);
  return render(
    c,
    { title: 'Home' },
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <h1 class="govuk-heading-xl">{s.partnership.name} training</h1>
        <p class="govuk-body-l">Free inter-agency safeguarding training for everyone who works or volunteers with children, young people and families in {s.partnership.area}.</p>
        {prospectus ? (
          <>
            <p class="govuk-body">{prospectus.introduction}</p>
            <a href="/courses" role="button" draggable="false" class="govuk-button govuk-button--start" data-module="govuk-button">
              Browse the {prospectus.year} prospectus
              <svg class="govuk-button__start-icon" xmlns="http://www.w3.org/2000/svg" width="17.5" height="19" viewBox="0 0 33 40" aria-hidden="true" focusable="false">
                <path fill="currentColor" d="M0 0h13l20 20-20 20H0l20-20z" />
              </svg>
            </a>
          </>
        ) : (
          <p class="govuk-body">This year’s prospectus has not been published yet.</p>
        )}
        <h2 class="govuk-heading-m">After a course</h2>
        <p class="govuk-body">{s.partnership.name} asks everyone who attends for feedback on the day, and again three months later, so it can see what difference the training makes to practice and to outcomes for children.</p>
      </div>
    </div>,
  );
}

function accessibility(c: AppContext) {
  const { partnership } = scope(c);
  return render(
    c,
    { title: 'Accessibility statement' },
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <h1 class="govuk-heading-l">Accessibility statement</h1>
        <p class="govuk-body">{partnership.name} wants as many people as possible to be able to use this service. You should be able to:</p>
        <ul class="govuk-list govuk-list--bullet">
          <li>change colours, contrast levels and fonts using your browser or device settings</li>
          <li>zoom in up to 400% without the text spilling off the screen</li>
          <li>navigate the whole service using just a keyboard</li>
          <li>use the whole service without JavaScript</li>
          <li>listen to the service using a screen reader</li>
        </ul>
        <h2 class="govuk-heading-m">How accessible this service is</h2>
        <p class="govuk-body">The service is built with the GOV.UK Design System and aims to meet the Web Content Accessibility Guidelines (WCAG) version 2.2 to the AA standard. Every page is checked with automated accessibility testing (axe-core) in a real browser before each release.</p>
        <h2 class="govuk-heading-m">Reporting accessibility problems</h2>
        <p class="govuk-body">If you find a problem, or need information in a different format, contact the partnership’s business unit and tell us the web address of the page, what the problem is and what you were trying to do.</p>
        <h2 class="govuk-heading-m">Enforcement procedure</h2>
        <p class="govuk-body">The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018. If you are not happy with how we respond to your complaint, contact the Equality Advisory and Support Service (EASS).</p>
      </div>
    </div>,
  );
}

export const siteRoutes = [get('/', 'public', home), get('/accessibility', 'public', accessibility)];
