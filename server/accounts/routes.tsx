import { deleteCookie } from 'hono/cookie';
import { z } from 'zod';
import { Button, ErrorSummary, Form, NotificationBanner, Select, SummaryList, Table, TextInput } from '../../web/components';
import { groupName } from '../../web/domain';
import { formatShortDate } from '../shared/dates';
import { listWorkforceGroups } from '../catalogue/service';
import { clientAddress, personalScope, scope, type AppContext } from '../http/context';
import { fieldsOf, type FormValues, one, parseForm } from '../http/forms';
import { render, seeOther } from '../http/render';
import { get, post } from '../http/routes';
import { csrfToken, setSessionCookie } from '../http/security';
import { listOrganisations } from '../organisations/service';
import { uuidParam } from '../http/params';
import { apiTokenInput, createApiToken, listApiTokens, revokeApiToken, signOutEverywhere, TOKEN_LIFETIMES } from './api-tokens';
import { changeMyLineManager, confirmLineManager, findManagerRequest, lineManagerInput, myLineManager } from './line-manager';
import { personInput, register, requestSignIn, safeNext, signInInput, signInWithLink } from './service';
import { endSession, SESSION_COOKIE } from './sessions';
import { myErasureRequest, requestErasure } from './erasure';
import { isDomainError } from '../shared/errors';

function signInForm(c: AppContext, values: FormValues = {}, errors: Record<string, string> = {}) {
  const field = fieldsOf(values, errors);
  return render(
    c,
    { title: 'Sign in', hasErrors: Object.keys(errors).length > 0, status: errors.email?.startsWith('Too many') ? 429 : undefined },
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <ErrorSummary errors={errors} />
        <h1 class="govuk-heading-l">Sign in</h1>
        <p class="govuk-body">We will email you a link to sign in. You do not need a password.</p>
        <Form action="/sign-in" csrfToken={csrfToken(c)}>
          {safeNext(one(values, 'next') || c.req.query('next')) ? <input type="hidden" name="next" value={safeNext(one(values, 'next') || c.req.query('next'))} /> : null}
          <TextInput {...field.one('email')} label="Work email address" type="email" autocomplete="email" spellcheck={false} />
          <Button>Email me a sign-in link</Button>
        </Form>
        <p class="govuk-body">
          New here? <a class="govuk-link" href={withNext('/register', one(values, 'next') || c.req.query('next'))}>Register for an account</a>.
        </p>
      </div>
    </div>,
  );
}

/** The same page whether or not the email has an account, so nobody can find out who does. */
function checkEmail(c: AppContext, email: string) {
  const { config } = c.get('deps');
  return render(
    c,
    { title: 'Check your email' },
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <h1 class="govuk-heading-l">Check your email</h1>
        <p class="govuk-body">If {email} has an account, we have sent it a link to sign in.</p>
        <p class="govuk-body">The link works once and stops working after {config.signInLinkMinutes} minutes.</p>
        <p class="govuk-body">
          No email? Check your junk folder, or <a class="govuk-link" href="/sign-in">ask for another link</a>.
        </p>
      </div>
    </div>,
  );
}

async function registerForm(c: AppContext, values: FormValues = {}, errors: Record<string, string> = {}) {
  const field = fieldsOf(values, errors);
  const s = scope(c);
  const [orgs, groups] = await Promise.all([listOrganisations(s, { activeOnly: true }), listWorkforceGroups(s)]);
  return render(
    c,
    { title: 'Register', hasErrors: Object.keys(errors).length > 0, backLink: '/sign-in' },
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <ErrorSummary errors={errors} />
        <h1 class="govuk-heading-l">Register for safeguarding training</h1>
        <p class="govuk-body">Training is free for {s.partnership.freeTrainingFor || 'partner organisations'}.</p>
        <Form action="/register" csrfToken={csrfToken(c)}>
          {safeNext(one(values, 'next') || c.req.query('next')) ? <input type="hidden" name="next" value={safeNext(one(values, 'next') || c.req.query('next'))} /> : null}
          <TextInput {...field.one('name')} label="Full name" autocomplete="name" spellcheck={false} />
          <TextInput {...field.one('email')} label="Work email address" type="email" autocomplete="email" spellcheck={false} hint="We will send your sign-in links and booking details here" />
          <Select name="organisationId" label="Organisation" placeholder="Choose your organisation" options={orgs.map((o) => ({ value: o.id, text: o.name }))} value={one(values, 'organisationId')} error={errors.organisationId} />
          <TextInput {...field.one('jobTitle')} label="Job title" autocomplete="organization-title" />
          <Select
            name="workforceGroupId"
            label="Workforce group"
            hint="The group in the partnership’s competency framework that fits your role. If your role straddles two, choose the higher."
            placeholder="Choose your workforce group"
            options={groups.map((g) => ({ value: g.id, text: groupName(g) }))}
            value={one(values, 'workforceGroupId')}
            error={errors.workforceGroupId}
          />
          <TextInput {...field.one('lineManagerEmail')} label="Line manager’s email address (optional)" type="email" spellcheck={false} hint="Some courses ask your line manager to approve your place or to say whether your practice changed" />
          <Button>Register</Button>
        </Form>
      </div>
    </div>,
  );
}

const tokenQuery = z.string().regex(/^[a-z2-7]{32}$/);

/** A link that carries where to return after signing in. */
const withNext = (path: string, next: string | undefined) => (safeNext(next) ? `${path}?next=${encodeURIComponent(safeNext(next)!)}` : path);

function linkNotValid(c: AppContext) {
  return render(
    c,
    { title: 'This sign-in link has expired', status: 400 },
    <>
      <h1 class="govuk-heading-l">This sign-in link has expired</h1>
      <p class="govuk-body">Sign-in links work once, for a short time. This one has been used or is too old.</p>
      <p class="govuk-body">
        <a class="govuk-link" href="/sign-in">Ask for a new sign-in link</a>
      </p>
    </>,
  );
}

/** Following the link shows a button, so mail scanners that open links do not use them up. */
function confirmSignIn(c: AppContext) {
  const token = tokenQuery.safeParse(c.req.query('token'));
  if (!token.success) return linkNotValid(c);
  return render(
    c,
    { title: 'Sign in' },
    <>
      <h1 class="govuk-heading-l">Sign in</h1>
      <Form action="/sign-in/link" csrfToken={csrfToken(c)}>
        <input type="hidden" name="token" value={token.data} />
        {safeNext(c.req.query('next')) ? <input type="hidden" name="next" value={safeNext(c.req.query('next'))} /> : null}
        <Button>Continue to sign in</Button>
      </Form>
    </>,
  );
}

async function completeSignIn(c: AppContext) {
  const form = await parseForm(c, z.object({ token: tokenQuery, next: z.string().optional() }));
  if (!form.ok) return linkNotValid(c);
  const s = scope(c);
  const started = await signInWithLink(s, form.data.token);
  if (!started) return linkNotValid(c);
  if (c.get('sessionId')) await endSession(s.db, c.get('sessionId')!);
  setSessionCookie(c, started.token, started.session.idleExpiresAt);
  return seeOther(c, safeNext(form.data.next) ?? '/account');
}

async function signOut(c: AppContext) {
  const sessionId = c.get('sessionId');
  if (sessionId) await endSession(c.get('deps').db, sessionId);
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: c.get('deps').config.cookieSecure });
  return seeOther(c, '/');
}

async function signOutOnAllDevices(c: AppContext) {
  await signOutEverywhere(personalScope(c));
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: c.get('deps').config.cookieSecure });
  return seeOther(c, '/');
}

async function accountPage(c: AppContext, created?: string, errors: Record<string, string> = {}, values: FormValues = {}) {
  const field = fieldsOf(values, errors);
  const viewer = c.get('viewer')!;
  const [tokens, manager, erasure] = await Promise.all([listApiTokens(personalScope(c)), myLineManager(personalScope(c)), myErasureRequest(personalScope(c))]);
  return render(
    c,
    { title: 'Your account', hasErrors: Object.keys(errors).length > 0 },
    <>
      <ErrorSummary errors={errors} />
      {created ? (
        <NotificationBanner title="Token created">
          <h3 class="govuk-notification-banner__heading">Copy your API token now: it will not be shown again</h3>
          <p class="govuk-body"><code>{created}</code></p>
        </NotificationBanner>
      ) : null}
      <h1 class="govuk-heading-l">Your account</h1>
      <SummaryList rows={[
        { key: 'Name', value: viewer.name },
        { key: 'Email', value: viewer.email },
        { key: 'Roles', value: viewer.roles.join(', ') },
      ]} />
      <p class="govuk-body"><a class="govuk-link" href="/account/workforce-group">Ask to change your workforce group</a></p>
      <h2 class="govuk-heading-m">Your line manager</h2>
      <p class="govuk-body">
        {manager.confirmed ? <>Your line manager’s address is {manager.confirmed}.</> : 'Your account has no confirmed line manager’s address, so a coordinator approves places on courses that need approval.'}
      </p>
      {manager.waiting ? (
        <p class="govuk-body">We have asked {manager.waiting.email} to confirm they are your line manager. The address is used once they confirm, by {formatShortDate(manager.waiting.until)}.</p>
      ) : null}
      <Form action="/account/line-manager" csrfToken={csrfToken(c)}>
        <TextInput {...field.one('lineManagerEmail')} label="Line manager’s email address" type="email" spellcheck={false} hint="We email them a link to confirm they are your line manager" />
        <Button secondary>Ask them to confirm</Button>
      </Form>
      <Form action="/account/sign-out-everywhere" csrfToken={csrfToken(c)}>
        <p class="govuk-body">This also revokes your API tokens.</p>
        <Button secondary>Sign out on all devices</Button>
      </Form>
      <>
          <h2 class="govuk-heading-m">API tokens</h2>
          <p class="govuk-body">Scripts and integrations use a personal token to use the API at <a class="govuk-link" href="/api/v1/openapi.json">/api/v1</a>. Treat a token like a password.</p>
          {tokens.length ? (
            <Table head={['Name', 'Starts with', 'Created', 'Last used', 'Expires', '']} rows={tokens.map((t) => [
              t.name,
              <code>{t.prefix}</code>,
              formatShortDate(t.createdAt),
              t.lastUsedAt ? formatShortDate(t.lastUsedAt) : 'Never',
              t.expiresAt ? formatShortDate(t.expiresAt) : 'Never',
              <Form action={`/account/api-tokens/${t.id}/revoke`} csrfToken={csrfToken(c)}>
                <button type="submit" class="govuk-button govuk-button--warning govuk-!-margin-bottom-0" data-module="govuk-button">
                  Revoke<span class="govuk-visually-hidden"> {t.name}</span>
                </button>
              </Form>,
            ])} />
          ) : <p class="govuk-body">You have no API tokens.</p>}
          <Form action="/account/api-tokens" csrfToken={csrfToken(c)}>
            <TextInput {...field.one('name')} label="Name for a new token" hint="What it is for, like ‘Monthly report script’" />
            <Select
              name="expiresInDays"
              label="How long it works"
              options={[{ value: '', text: 'Until I revoke it' }, ...TOKEN_LIFETIMES.map((d) => ({ value: d, text: `${d} days` }))]}
              value={one(values, 'expiresInDays')}
              error={errors.expiresInDays}
            />
            <Button secondary>Create token</Button>
          </Form>
        </>
      <h2 class="govuk-heading-m">Your data</h2>
      <p class="govuk-body">
        <a class="govuk-link" href="/account/my-data">See everything we hold about you</a>, or <a class="govuk-link" href="/account/my-data.json">download it as JSON</a>.
      </p>
      {erasure ? (
        <p class="govuk-body">You asked on {formatShortDate(erasure.requestedAt)} for your account to be erased. A coordinator will erase it: your name and email address go, and your training records stay without them.</p>
      ) : (
        <Form action="/account/erasure-request" csrfToken={csrfToken(c)}>
          <p class="govuk-body">You can ask for your account to be erased. A coordinator erases it: your name, email address and anything you wrote go; your training records stay without your name, so the partnership’s figures do not change. You will not be able to sign in again.</p>
          <Button warning>Ask for my account to be erased</Button>
        </Form>
      )}
    </>,
  );
}

const managerToken = z.string().regex(/^[a-z2-7]{32}$/);

/** The page a manager's confirmation link leads to: a button, so mail scanners do not use it up. */
async function managerRequestPage(c: AppContext) {
  const token = managerToken.safeParse(c.req.param('token'));
  const found = token.success ? await findManagerRequest(scope(c), token.data) : undefined;
  if (!found) {
    return render(
      c,
      { title: 'This link has expired', status: 404 },
      <>
        <h1 class="govuk-heading-l">This link has expired</h1>
        <p class="govuk-body">It has been used, or is too old, or the person has given another address. Check you used the whole link from the email.</p>
      </>,
    );
  }
  return render(
    c,
    { title: 'Confirm you are their line manager' },
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <h1 class="govuk-heading-l">Confirm you are their line manager</h1>
        <SummaryList rows={[
          { key: 'Who', value: `${found.name}, ${found.jobTitle}` },
          { key: 'Your email address', value: found.email },
        ]} />
        <p class="govuk-body">Their line manager approves their places on some courses and is asked, three months after a course, whether their practice changed.</p>
        <Form action={`/line-manager/${token.data}`} csrfToken={csrfToken(c)}>
          <Button>I am their line manager</Button>
        </Form>
        <p class="govuk-body">If you are not, close this page: the address will not be used.</p>
      </div>
    </div>,
  );
}

async function confirmManager(c: AppContext) {
  const token = managerToken.safeParse(c.req.param('token'));
  if (!token.success) return managerRequestPage(c);
  try {
    const found = await confirmLineManager(scope(c), token.data);
    return render(
      c,
      { title: 'Line manager confirmed' },
      <div class="govuk-panel govuk-panel--confirmation">
        <h1 class="govuk-panel__title">Thank you</h1>
        <div class="govuk-panel__body">You are now {found.name}’s line manager for training</div>
      </div>,
    );
  } catch (error) {
    if (isDomainError(error, 'not_found')) return managerRequestPage(c);
    throw error;
  }
}

export const accountRoutes = [
  get('/line-manager/:token', 'public', managerRequestPage),
  post('/line-manager/:token', 'public', confirmManager),
  post('/account/line-manager', 'signed-in', async (c) => {
    const form = await parseForm(c, lineManagerInput);
    if (!form.ok) return accountPage(c, undefined, form.errors, form.values);
    try {
      await changeMyLineManager(personalScope(c), form.data.lineManagerEmail);
    } catch (error) {
      if (isDomainError(error) && Object.keys(error.fields).length) return accountPage(c, undefined, error.fields, form.values);
      throw error;
    }
    return seeOther(c, '/account');
  }),
  get('/sign-in', 'public', (c) => (c.get('viewer') ? seeOther(c, safeNext(c.req.query('next')) ?? '/account') : signInForm(c))),
  post('/sign-in', 'public', async (c) => {
    const form = await parseForm(c, signInInput);
    if (!form.ok) return signInForm(c, form.values, form.errors);
    try {
      await requestSignIn(scope(c), form.data.email, clientAddress(c), safeNext(form.data.next));
    } catch (error) {
      if (isDomainError(error, 'rate_limited')) return signInForm(c, form.values, { email: error.message });
      throw error;
    }
    return checkEmail(c, form.data.email);
  }),
  get('/sign-in/link', 'public', confirmSignIn),
  post('/sign-in/link', 'public', completeSignIn),
  get('/register', 'public', (c) => registerForm(c)),
  post('/register', 'public', async (c) => {
    const form = await parseForm(c, personInput);
    if (!form.ok) return registerForm(c, form.values, form.errors);
    try {
      await register(scope(c), form.data, clientAddress(c), safeNext(one(form.values, 'next')));
    } catch (error) {
      if (isDomainError(error, 'invalid', 'rate_limited')) {
        return registerForm(c, form.values, Object.keys(error.fields).length ? error.fields : { email: error.message });
      }
      throw error;
    }
    return checkEmail(c, form.data.email);
  }),
  post('/sign-out', 'public', signOut),
  get('/account', 'signed-in', (c) => accountPage(c)),
  post('/account/sign-out-everywhere', 'signed-in', signOutOnAllDevices),
  post('/account/erasure-request', 'signed-in', async (c) => {
    await requestErasure(personalScope(c));
    return seeOther(c, '/account');
  }),
  post('/account/api-tokens', 'signed-in', async (c) => {
    const form = await parseForm(c, apiTokenInput);
    if (!form.ok) return accountPage(c, undefined, form.errors, form.values);
    const token = await createApiToken(personalScope(c), form.data.name, form.data.expiresInDays);
    return accountPage(c, token);
  }),
  post('/account/api-tokens/:tokenId/revoke', 'signed-in', async (c) => {
    await revokeApiToken(personalScope(c), uuidParam(c, 'tokenId', 'API token'));
    return seeOther(c, '/account');
  }),
];
