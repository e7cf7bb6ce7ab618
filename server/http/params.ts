import { z } from 'zod';
import { notFound } from '../shared/errors';
import type { AppContext } from './context';
import { RequestError } from './errors';
import { fieldErrors } from './forms';

export const uuid = z.uuid();

/** A path parameter that must be an id; anything else is the page not being there. */
export function uuidParam(c: AppContext, name: string, what: string) {
  const parsed = uuid.safeParse(c.req.param(name));
  if (!parsed.success) throw notFound(what);
  return parsed.data;
}

/** A token from an emailed link (32 characters of base32, as generateToken makes): anything else is not looked up. */
export const tokenParam = z.string().regex(/^[a-z2-7]{32}$/);

/** The query string's values; an empty one means "not given", as a GET form sends it. */
export const givenValues = (query: Record<string, string>) => Object.fromEntries(Object.entries(query).filter(([, v]) => v !== ''));

/** The query checked against its schema: the values, or each bad one's message by name. */
export function parseQuery<S extends z.ZodType>(c: AppContext, schema: S): { ok: true; data: z.output<S> } | { ok: false; errors: Record<string, string> } {
  const parsed = schema.safeParse(givenValues(c.req.query()));
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, errors: fieldErrors(parsed.error) };
}

/** The query checked against its schema; a bad value is a 400 naming the parameter. */
export function readQuery<S extends z.ZodType>(c: AppContext, schema: S): z.output<S> {
  const parsed = parseQuery(c, schema);
  if (!parsed.ok) throw new RequestError(400, 'The query is not valid', parsed.errors);
  return parsed.data;
}
