import { z } from 'zod';
import { notFound } from '../shared/errors';
import type { AppContext } from './context';

const uuid = z.uuid();

/** A path parameter that must be an id; anything else is the page not being there. */
export function uuidParam(c: AppContext, name: string, what: string) {
  const parsed = uuid.safeParse(c.req.param(name));
  if (!parsed.success) throw notFound(what);
  return parsed.data;
}
