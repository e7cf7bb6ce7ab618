import type { Context } from 'hono';
import type { partnerships, Role } from '../../db/schema';
import type { AppDeps } from '../deps';

export type Partnership = typeof partnerships.$inferSelect;

export interface SignedInPerson {
  id: string;
  name: string;
  email: string;
  organisationId: string;
  roles: Role[];
}

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    partnership: Partnership;
    viewer: SignedInPerson | undefined;
    /** The hash of the session token, when signed in through a cookie. */
    sessionId: string | undefined;
    csrfToken: string;
  };
}

export type AppContext = Context<AppEnv>;

/** The service context a request hands to feature services. */
export function scope(c: AppContext) {
  const { db, clock, config } = c.get('deps');
  return { db, clock, config, partnership: c.get('partnership'), viewer: c.get('viewer') };
}
export type Scope = ReturnType<typeof scope>;

/** The client's address for rate limits: the proxy's header only when the proxy is trusted. */
export function clientAddress(c: AppContext): string | undefined {
  const { config, clientAddress: fromRuntime } = c.get('deps');
  if (config.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  return fromRuntime?.(c.req.raw, c.env);
}
