import type { z } from 'zod';
import { DomainError } from '../errors';
import type { AppContext } from '../http/context';
import { fieldErrors } from '../http/forms';
import { get, type Access, type RouteDef } from '../http/routes';

export const TAGS = {
  Prospectus: 'The prospectus, its courses and their sessions (drafts only for coordinators)',
  'Reference data': 'Organisations and the competency framework’s workforce groups',
  Account: 'The holder of the API token',
  People: 'People with accounts (coordinators only)',
  Documentation: 'This API’s description',
} as const;
export type Tag = keyof typeof TAGS;

/** A route together with what the OpenAPI document says about it. */
export interface Operation {
  route: RouteDef;
  /** Unique across the API; client generators name their methods after it. */
  operationId: string;
  tag: Tag;
  summary: string;
  description?: string;
  /** Path parameters; a malformed value is answered 404 like an unknown one. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  response: z.ZodType;
  /** When the operation can answer 404: what that means. */
  notFound?: string;
}

type Doc<R extends z.ZodType> = Omit<Operation, 'route' | 'response'> & { response: R };

/** A documented JSON GET; the handler returns a value of the response schema's type. */
export function apiGet<R extends z.ZodType>(path: string, access: Access, doc: Doc<R>, handler: (c: AppContext) => Promise<z.output<R>>): Operation {
  // c.json cannot check a generic value as JSON; the schema's output type already says it is.
  return { ...doc, route: get(path, access, async (c) => c.json((await handler(c)) as object)) };
}

/** The query checked against its schema; a bad value is a 400 problem naming the parameter. */
export function readQuery<S extends z.ZodObject>(c: AppContext, schema: S): z.output<S> {
  // An empty value means "not given", as it does for the page's filter form.
  const raw = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ''));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new DomainError(400, 'The query is not valid', fieldErrors(parsed.error));
  return parsed.data;
}
