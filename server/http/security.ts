import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { partnershipServed, personForApiToken, SESSION_COOKIE, sessionPolicy, validateSession } from '../accounts/sessions';
import type { Partnership } from '../shared/context';
import { generateToken, hmac, sameText } from '../shared/tokens';
import type { AppEnv } from './context';
import { postedForm } from './readable';
import { RequestError } from './errors';
import { isApiPath } from './routes';
import SECURITY_HEADERS from './security-headers.json';

/**
 * The security headers of every answer, pages, API and static files alike (the Worker's static
 * files get the same list from dist/assets/_headers, written from the same JSON). One framing
 * rule: CSP frame-ancestors 'none', and no X-Frame-Options to contradict it. HSTS only over
 * https: the request's own scheme, or the proxy's X-Forwarded-Proto when the proxy is trusted.
 */
const ALWAYS = Object.entries(SECURITY_HEADERS.always);
const HTTPS_ONLY = Object.entries(SECURITY_HEADERS.httpsOnly);

export const securityHeaders = (options: { trustProxy: boolean }): MiddlewareHandler => async (c, next) => {
  await next();
  const https = c.req.url.startsWith('https:') || (options.trustProxy && c.req.header('x-forwarded-proto')?.split(',')[0].trim() === 'https');
  for (const [name, value] of ALWAYS) c.res.headers.set(name, value);
  for (const [name, value] of HTTPS_ONLY) {
    if (https) c.res.headers.set(name, value);
    else c.res.headers.delete(name);
  }
};

/** Nothing a signed-in person sees, and no API answer, is kept by the browser or a shared cache. */
export const noStoreWhenSignedIn: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (c.get('viewer') || isApiPath(c.req.path)) c.res.headers.set('Cache-Control', 'no-store');
};

const CSRF_COOKIE = 'csrf';

/**
 * The partnership served and who is asking: a session cookie on pages, a bearer token on the
 * API. One statement reads the partnership with the credential (or alone, without one).
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { db, clock, config, tokenUses } = c.get('deps');
  const now = clock.now();
  const served = (partnership: Partnership | undefined) => {
    if (!partnership) throw new Error(`No partnership "${config.partnership}": run the seed or set PARTNERSHIP`);
    c.set('partnership', partnership);
  };
  c.set('viewer', undefined);
  c.set('sessionId', undefined);
  const bearer = c.req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer && isApiPath(c.req.path)) {
    const { partnership, person } = await personForApiToken(db, bearer, now, config.partnership, tokenUses);
    served(partnership);
    if (!person) throw new RequestError(401, 'The API token is not valid, has expired or has been revoked');
    c.set('viewer', person);
    return next();
  }
  // The API never accepts the session cookie: it has no CSRF token, so a cookie there would let
  // another site act as the signed-in person.
  const cookie = isApiPath(c.req.path) ? undefined : getCookie(c, SESSION_COOKIE);
  if (!cookie) {
    served(await partnershipServed(db, config.partnership));
    return next();
  }
  const { partnership, signedIn } = await validateSession(db, cookie, now, sessionPolicy(config), config.partnership);
  served(partnership);
  if (signedIn?.person) {
    c.set('viewer', signedIn.person);
    c.set('sessionId', signedIn.session.id);
    setSessionCookie(c, cookie, signedIn.session.idleExpiresAt);
  } else {
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: config.cookieSecure });
  }
  return next();
};

export function setSessionCookie(c: Parameters<MiddlewareHandler<AppEnv>>[0], token: string, expires: Date) {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: c.get('deps').config.cookieSecure,
    sameSite: 'Lax',
    path: '/',
    expires,
  });
}

/**
 * CSRF protection for forms: a random cookie, and in each form an HMAC of it bound to
 * the session. A POST whose token does not match changes nothing. A new cookie is only sent
 * with a page that holds a form (see `keepCsrfCookieFor`): a page without one sets no cookie,
 * so a shared cache may keep it.
 */
export const csrf: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (isApiPath(c.req.path)) return next(); // the API authenticates by bearer token, never by cookie
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
    const { _csrf: token } = postedForm(c);
    const sent = typeof token === 'string' ? token : (c.req.header('x-csrf-token') ?? '');
    if (!sameText(sent, csrfToken(c))) {
      throw new RequestError(403, 'This form has expired. Go back, refresh the page and try again.');
    }
  }
  return next();
};

/**
 * The token this request's forms carry, made when first asked for: a page served from the page
 * cache, a redirect or a page without a form never makes one (or a cookie to go with it).
 */
export function csrfToken(c: Context<AppEnv>): string {
  let token = c.get('csrfToken');
  if (token === undefined) {
    let secret = getCookie(c, CSRF_COOKIE);
    if (!secret || !/^[a-z0-9]{32}$/.test(secret)) {
      secret = generateToken();
      c.set('newCsrfSecret', secret);
    }
    token = hmac(c.get('deps').config.secret, `${secret}|${c.get('sessionId') ?? ''}`);
    c.set('csrfToken', token);
  }
  return token;
}

/** Sends the CSRF cookie made for this request when the page about to be sent holds its token (a form). */
export function keepCsrfCookieFor(c: Context<AppEnv>, html: string) {
  const secret = c.get('newCsrfSecret');
  if (!secret || !html.includes(c.get('csrfToken')!)) return;
  setCookie(c, CSRF_COOKIE, secret, { httpOnly: true, secure: c.get('deps').config.cookieSecure, sameSite: 'Lax', path: '/' });
}
