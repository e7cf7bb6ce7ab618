import type { Context } from 'hono';
import type { AppDeps } from '../deps';
import { forbidden } from '../shared/errors';
import type { Partnership, PersonalContext, ServiceContext, SignedInPerson } from '../shared/context';

/** A form as posted: each name's value, or its values where the name repeats (checkboxes). */
export type PostedForm = Record<string, string | File | (string | File)[]>;

/** A page as the page cache knows it (./page-cache): its key, and the version it is at now (undefined: not to be cached). */
export interface CachedPage {
  key: string;
  version: string | undefined;
}

export interface AppEnv {
  Variables: {
    /** A signed-out page as the cache-first handler found it when the cache did not hold it, so its route need not read it again. */
    cachedPage: CachedPage | undefined;
    deps: AppDeps;
    partnership: Partnership;
    viewer: SignedInPerson | undefined;
    /** The hash of the session token, when signed in through a cookie. */
    sessionId: string | undefined;
    /** Made when first asked for: read it through `csrfToken(c)` (./security). */
    csrfToken: string | undefined;
    /** A CSRF cookie made for this request (none came with it), sent only with a page that holds a form. */
    newCsrfSecret: string | undefined;
    /** The request's reference, in its X-Request-Id header and in the log of any failure. */
    requestId: string;
    /** A posted form, parsed once at the edge (./readable), for the CSRF check and the page alike. */
    form: PostedForm | undefined;
  };
}

export type AppContext = Context<AppEnv>;

/** The service context for a request: the signed-in person (if any) is the actor. */
export function scope(c: AppContext): ServiceContext {
  const { db, clock, config } = c.get('deps');
  const viewer = c.get('viewer');
  return { db, clock, config, partnership: c.get('partnership'), actor: viewer ? { id: viewer.id, roles: viewer.roles } : null };
}

/** The service context for a route that is only for signed-in people. */
export function personalScope(c: AppContext): PersonalContext {
  const s = scope(c);
  if (!s.actor) throw forbidden('Sign in to do that');
  return { ...s, actor: s.actor };
}

/**
 * The client's address for rate limits: the proxy's header only when the proxy is trusted, and
 * then its last entry, the one the proxy appended itself. Entries before it are whatever the
 * client sent, so a client could name any address there and escape a per-address limit.
 */
export function clientAddress(c: AppContext): string | undefined {
  const { config, clientAddress: fromRuntime } = c.get('deps');
  if (config.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  return fromRuntime?.(c.req.raw, c.env);
}
