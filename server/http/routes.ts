import type { Handler } from 'hono';
import type { Role } from '../../db/schema';
import type { AppEnv } from './context';

/** Who may use a route: anyone, anyone signed in, or holders of one of the roles. */
export type Access = 'public' | 'signed-in' | readonly Role[];

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  access: Access;
  handler: Handler<AppEnv>;
  /** The largest body the route reads, in bytes, where it takes more than DEFAULT_BODY_LIMIT (a file import). */
  bodyLimit?: number;
}

/** The largest request body any route reads unless it says otherwise: forms and JSON are far smaller. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** The route, reading bodies up to `bytes` (a file import's documented size, with room for the form around it). */
export const withBodyLimit = (route: RouteDef, bytes: number): RouteDef => ({ ...route, bodyLimit: bytes });

/** Every route is declared with its access, so one guard checks it and one test covers all. */
export const get = (path: string, access: Access, handler: Handler<AppEnv>): RouteDef => ({ method: 'GET', path, access, handler });
export const post = (path: string, access: Access, handler: Handler<AppEnv>): RouteDef => ({ method: 'POST', path, access, handler });
export const patch = (path: string, access: Access, handler: Handler<AppEnv>): RouteDef => ({ method: 'PATCH', path, access, handler });
export const del = (path: string, access: Access, handler: Handler<AppEnv>): RouteDef => ({ method: 'DELETE', path, access, handler });

export function allows(access: Access, roles: readonly Role[] | undefined): 'yes' | 'sign in' | 'no' {
  if (access === 'public') return 'yes';
  if (!roles) return 'sign in';
  if (access === 'signed-in') return 'yes';
  return access.some((r) => roles.includes(r)) ? 'yes' : 'no';
}

export const isApiPath = (path: string) => path.startsWith('/api/');
