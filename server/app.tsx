import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { partnerships } from '../db/schema';
import { accountRoutes } from './accounts/routes';
import { bookingRoutes } from './bookings/routes';
import { feedbackRoutes } from './feedback/routes';
import { cachedFirst, catalogueRoutes } from './catalogue/routes';
import { showsDevMailbox, type AppDeps } from './deps';
import { devMailboxRoutes } from './mail/routes';
import { describeFailure, isDatabaseUnavailable, isEdgeError, RETRY_AFTER_SECONDS, statusOf, titleOf } from './http/errors';
import type { AppContext, AppEnv } from './http/context';
import { problem, render } from './http/render';
import { allows, DEFAULT_BODY_LIMIT, isApiPath, type RouteDef } from './http/routes';
import { readableInput } from './http/readable';
import { authenticate, csrf, noStoreWhenSignedIn, securityHeaders } from './http/security';
import { siteRoutes } from './site/routes';
import { manageRoutes } from './catalogue/manage/routes';
import { organisationRoutes } from './organisations/routes';
import { peopleRoutes } from './accounts/manage-people';
import { myDataRoutes } from './accounts/my-data-routes';
import { apiRoutes } from './api/routes';
import { registerRoutes } from './bookings/register-routes';
import { eLearningRoutes } from './elearning/routes';
import { historyRoutes } from './history/routes';
import { nonAttendanceRoutes } from './attendance/non-attendance-routes';
import { attendanceRoutes } from './attendance/routes';
import { followUpRoutes } from './follow-ups/routes';
import { competencyRoutes } from './competencies/routes';
import { confirmationRoutes } from './competencies/confirmation-routes';
import { groupChangeRoutes } from './competencies/group-change-routes';
import { impactRoutes } from './impact/routes';
import { answerRoutes } from './impact/answer-routes';
import { yearsRoutes } from './impact/years-routes';
import { frameworkRoutes } from './competencies/framework/routes';
import { needsRoutes } from './competencies/needs-routes';
import { reviewRoutes } from './review/routes';
import { reportRoutes } from './review/report-routes';
import { retentionRoutes } from './retention/routes';

/** Every route of the app, each with who may use it. */
export function routeTable(deps: AppDeps): RouteDef[] {
  return [
    ...siteRoutes,
    ...accountRoutes,
    ...myDataRoutes,
    ...catalogueRoutes,
    ...bookingRoutes,
    ...feedbackRoutes,
    ...manageRoutes,
    ...organisationRoutes,
    ...peopleRoutes,
    ...registerRoutes,
    ...eLearningRoutes,
    ...historyRoutes,
    ...nonAttendanceRoutes,
    ...attendanceRoutes,
    ...followUpRoutes,
    ...competencyRoutes,
    ...confirmationRoutes,
    ...groupChangeRoutes,
    ...impactRoutes,
    ...answerRoutes,
    ...yearsRoutes,
    ...frameworkRoutes,
    ...needsRoutes,
    ...reviewRoutes,
    ...reportRoutes,
    ...retentionRoutes,
    ...apiRoutes,
    // Only when mail is kept rather than sent: the mailbox shows everyone's sign-in links.
    ...(showsDevMailbox(deps) ? devMailboxRoutes : []),
  ];
}

function errorPage(c: AppContext, status: number, title: string, message: string) {
  if (isApiPath(c.req.path)) return problem(c, status, title, { detail: message });
  return render(
    c,
    { title, status: status as 404 },
    <>
      <h1 class="govuk-heading-l">{title}</h1>
      <p class="govuk-body">{message}</p>
    </>,
  );
}

/**
 * Refuses a body larger than its route reads before anything parses it: from Content-Length
 * alone when it is sent, else as soon as the streamed body passes the limit.
 */
function bodyLimits(routes: RouteDef[]) {
  const tooLarge = (bytes: number) => (c: AppContext) =>
    errorPage(c, 413, 'The file or form is too large', `What was sent is larger than ${Math.round(bytes / 1024 / 1024)} MB, so none of it was read or saved. Send a smaller file, or split it into several.`);
  const limit = (bytes: number) => ({ bytes, streamed: bodyLimit({ maxSize: bytes, onError: tooLarge(bytes) }) });
  const standard = limit(DEFAULT_BODY_LIMIT);
  const larger = new Map(routes.filter((r) => r.bodyLimit).map((r) => [`${r.method} ${r.path}`, limit(r.bodyLimit!)]));
  return async (c: AppContext, next: () => Promise<void>) => {
    // A GET has no body, and asking for one would build the whole web Request for nothing.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const { bytes, streamed } = larger.get(`${c.req.method} ${c.req.path}`) ?? standard;
    // A declared length is judged from the header, as Hono's bodyLimit does, but without asking
    // for the body first: on Node that builds a web Request and its stream, and the route could no
    // longer read the body straight from the socket. (Node's parser holds a body to its length.)
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) return Number.parseInt(declared, 10) > bytes ? tooLarge(bytes)(c) : next();
    return streamed(c, next);
  };
}

export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const routes = routeTable(deps);

  app.use(requestId());
  app.use(securityHeaders(deps.config));

  app.use(async (c, next) => {
    c.set('deps', deps);
    await next();
    // A write may have queued mail: let the runtime send it now rather than on the next tick.
    if (c.req.method !== 'GET') deps.onMailQueued?.();
  });

  app.get('/healthz', async (c) => {
    try {
      await deps.db.select({ id: partnerships.id }).from(partnerships).limit(1);
      return c.json({ status: 'ok' });
    } catch {
      return c.json({ status: 'database unavailable' }, 503);
    }
  });

  // A signed-out visitor's prospectus and course pages, when the page cache holds them, are
  // answered here by one statement, before the partnership's row or any session is read.
  for (const page of cachedFirst) app.get(page.path, page.handler);

  // Every request reads the partnership, in the statement that reads who is asking.
  app.use(authenticate);
  app.use(bodyLimits(routes));
  app.use(readableInput);
  app.use(noStoreWhenSignedIn);
  app.use(csrf);

  for (const route of routes) {
    app.on(route.method, route.path, async (c, next) => {
      const verdict = allows(route.access, c.get('viewer')?.roles);
      if (verdict === 'sign in') {
        if (isApiPath(c.req.path)) return problem(c, 401, 'Sign-in required', { detail: 'Send an API token as "Authorization: Bearer TOKEN"' });
        return c.redirect(`/sign-in?next=${encodeURIComponent(c.req.path)}`, 303);
      }
      if (verdict === 'no') return errorPage(c, 403, 'You cannot view this page', 'Your account does not have the role this page needs. Ask the partnership’s training coordinator if you think it should.');
      return next();
    }, route.handler);
  }

  app.notFound((c) => errorPage(c, 404, 'Page not found', 'If you typed the web address, check it is correct. If you pasted the web address, check you copied the entire address.'));

  app.onError((error, c) => {
    if (isEdgeError(error)) {
      if (isApiPath(c.req.path)) return problem(c, statusOf(error), error.message, Object.keys(error.fields).length ? { errors: error.fields } : {});
      return errorPage(c, statusOf(error), titleOf(error), error.message);
    }
    const reference = c.var.requestId;
    console.error(`Request ${reference} (${c.req.method} ${c.req.path}) failed: ${describeFailure(error)}`);
    if (isDatabaseUnavailable(error)) {
      // The database went away mid-request (a restart, a dropped connection): nothing was half
      // written, and the same request will work again once it is back, which is what 503 says.
      c.header('Retry-After', String(RETRY_AFTER_SECONDS));
      const message = `Nothing is saved by halves: try again in a few seconds. If it keeps happening, tell the partnership’s training team this reference: ${reference}.`;
      if (!c.var.partnership && !isApiPath(c.req.path)) return c.text(`Sorry, the service is briefly unavailable. ${message}`, 503);
      return errorPage(c, 503, 'Sorry, the service is briefly unavailable', message);
    }
    // Never show a stack trace: the page only says what happened, and the reference to quote.
    const message = `Try again later. If it keeps happening, tell the partnership’s training team this reference: ${reference}.`;
    if (!c.var.partnership) return c.text(`Sorry, there is a problem with the service. ${message}`, 500);
    return errorPage(c, 500, 'Sorry, there is a problem with the service', message);
  });

  return app;
}
