import type { Child } from 'hono/jsx';
import type { Role } from '../db/schema';
import STATIC_FILES from './static-files.json';

/** A static file's fingerprinted address (scripts/build-assets.mjs), which browsers may keep for a year. */
export const staticFile = (name: keyof typeof STATIC_FILES) => `/static/${STATIC_FILES[name]}`;

export interface Viewer {
  name: string;
  roles: Role[];
}

export interface PageFrame {
  serviceName: string;
  /** The signed-in person, if any. */
  viewer?: Viewer;
  /** The current path, to mark the navigation item. */
  path: string;
  csrfToken: string;
  demo: boolean;
  /** Mail is kept in the dev mailbox rather than sent. */
  devMailbox: boolean;
}

export interface LayoutProps {
  frame: PageFrame;
  title: string;
  /** Errors make the title start with "Error:", as GOV.UK pages do. */
  hasErrors?: boolean;
  backLink?: string;
  children?: Child;
}

function navigation(frame: PageFrame) {
  const items: { href: string; text: string }[] = [{ href: '/courses', text: 'Prospectus' }];
  const roles = frame.viewer?.roles ?? [];
  if (frame.viewer) items.push({ href: '/bookings', text: 'Your bookings' }, { href: '/learning', text: 'Your learning' }, { href: '/account', text: 'Your account' });
  if (roles.includes('trainer')) items.push({ href: '/trainer/sessions', text: 'Your sessions' });
  if (roles.includes('reviewer') || roles.includes('coordinator')) items.push({ href: '/impact', text: 'Impact' }, { href: '/review', text: 'Year-end review' });
  if (roles.includes('coordinator')) items.push({ href: '/manage', text: 'Manage' });
  if (roles.some((r) => r === 'coordinator' || r === 'reviewer' || r === 'organisation lead')) items.push({ href: '/learning-needs', text: 'Learning needs' });
  return items;
}

export function Layout({ frame, title, hasErrors, backLink, children }: LayoutProps) {
  const fullTitle = `${hasErrors ? 'Error: ' : ''}${title} - ${frame.serviceName}`;
  return (
    <html lang="en" class="govuk-template">
      <head>
        <meta charset="utf-8" />
        <title>{fullTitle}</title>
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
        <meta name="theme-color" content="#1d70b8" />
        <link rel="icon" sizes="48x48" href="/assets/images/favicon.ico" />
        <link rel="stylesheet" href={staticFile('govuk-frontend.min.css')} />
        <link rel="stylesheet" href={staticFile('app.css')} />
      </head>
      <body class="govuk-template__body">
        <script src={staticFile('supported.js')}></script>
        <a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link">
          Skip to main content
        </a>
        <header class="govuk-template__header">
          <section aria-label="Service information" class="govuk-service-navigation" data-module="govuk-service-navigation">
            <div class="govuk-width-container">
              <div class="govuk-service-navigation__container">
                <span class="govuk-service-navigation__service-name">
                  <a href="/" class="govuk-service-navigation__link">
                    {frame.serviceName}
                  </a>
                </span>
                <nav aria-label="Menu" class="govuk-service-navigation__wrapper">
                  <button type="button" class="govuk-service-navigation__toggle govuk-js-service-navigation-toggle" aria-controls="navigation" hidden aria-hidden="true">
                    Menu
                  </button>
                  <ul class="govuk-service-navigation__list" id="navigation">
                    {navigation(frame).map((item) => {
                      const active = frame.path === item.href || frame.path.startsWith(`${item.href}/`);
                      return (
                        <li class={`govuk-service-navigation__item${active ? ' govuk-service-navigation__item--active' : ''}`}>
                          <a class="govuk-service-navigation__link" href={item.href} aria-current={active ? 'page' : undefined}>
                            {active ? <strong class="govuk-service-navigation__active-fallback">{item.text}</strong> : item.text}
                          </a>
                        </li>
                      );
                    })}
                    <li class="govuk-service-navigation__item">
                      {frame.viewer ? (
                        <form method="post" action="/sign-out" class="app-inline-form">
                          <input type="hidden" name="_csrf" value={frame.csrfToken} />
                          <button type="submit" class="app-link-button govuk-service-navigation__link">
                            Sign out
                          </button>
                        </form>
                      ) : (
                        <a class="govuk-service-navigation__link" href="/sign-in">
                          Sign in
                        </a>
                      )}
                    </li>
                  </ul>
                </nav>
              </div>
            </div>
          </section>
        </header>
        <div class="govuk-width-container">
          {frame.demo ? (
            <div class="govuk-phase-banner">
              <p class="govuk-phase-banner__content">
                <strong class="govuk-tag govuk-phase-banner__content__tag">Demo</strong>
                <span class="govuk-phase-banner__text">
                  This is demonstration data.
                  {frame.devMailbox ? (
                    <>
                      {' '}Emails are not sent: read them in the <a class="govuk-link" href="/dev/mailbox">dev mailbox</a>.
                    </>
                  ) : null}
                </span>
              </p>
            </div>
          ) : null}
          {backLink ? (
            <a href={backLink} class="govuk-back-link">
              Back
            </a>
          ) : null}
          <main class="govuk-main-wrapper" id="main-content">
            {children}
          </main>
        </div>
        <footer class="govuk-footer">
          <div class="govuk-width-container">
            <div class="govuk-footer__meta">
              <div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
                <h2 class="govuk-visually-hidden">Support links</h2>
                <ul class="govuk-footer__inline-list">
                  <li class="govuk-footer__inline-list-item">
                    <a class="govuk-footer__link" href="/accessibility">
                      Accessibility statement
                    </a>
                  </li>
                  <li class="govuk-footer__inline-list-item">
                    <a class="govuk-footer__link" href="/privacy">
                      Privacy notice
                    </a>
                  </li>
                  <li class="govuk-footer__inline-list-item">
                    <a class="govuk-footer__link" href="/api/v1/openapi.json">
                      API
                    </a>
                  </li>
                </ul>
              </div>
            </div>
          </div>
        </footer>
        <script type="module" src={staticFile('init.js')}></script>
      </body>
    </html>
  );
}
