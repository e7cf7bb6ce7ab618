// The service context: what every feature service is called with. It is built by the HTTP
// edge for a request, and by the jobs, the command lines and the demo seed for their work.
import type { Database } from '../../db/database';
import type { partnerships, Role } from '../../db/schema';
import type { Clock } from './clock';
import type { Config } from './config';

export type Partnership = typeof partnerships.$inferSelect;

export interface SignedInPerson {
  id: string;
  name: string;
  email: string;
  organisationId: string;
  roles: Role[];
}

/**
 * Who is acting: a signed-in person, or null when the partnership itself acts (the
 * scheduled jobs, the command lines, the demo seed), which may do what a coordinator may.
 */
export type Actor = Pick<SignedInPerson, 'id' | 'roles'> | null;

export interface ServiceContext {
  db: Database;
  clock: Clock;
  config: Config;
  partnership: Partnership;
  actor: Actor;
}

/** A context whose actor is a signed-in person, for what only a person can do for themselves. */
export type PersonalContext = ServiceContext & { actor: NonNullable<Actor> };
