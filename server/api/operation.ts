import type { z } from 'zod';
import { notFound, type FieldErrors } from '../shared/errors';
import { RequestError } from '../http/errors';
import { readQuery } from '../http/params';
import type { AppContext } from '../http/context';
import { del, get, patch, post, type Access, type RouteDef } from '../http/routes';

export const TAGS = {
  Prospectus: 'The prospectus, its courses and their sessions (drafts only for coordinators)',
  Bookings: 'Places on sessions, waiting lists and registers',
  'Reference data': 'Organisations and the competency framework’s workforce groups',
  Account: 'The holder of the API token',
  Competencies: 'The competency framework, and the token holder’s competency profile',
  People: 'People with accounts (coordinators only)',
  Impact: 'What the training delivered and what it changed (reviewers and coordinators)',
  'Learning needs': 'Organisations’ learning-needs analyses and the partnership’s gap map: figures only, small numbers suppressed',
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
  /** Path parameters, checked before anything else; a malformed value is answered 404 like an unknown one. */
  params?: z.ZodObject;
  /** The query, checked before the handler runs (which gets its values); a bad one is a 400 problem naming each parameter. */
  query?: z.ZodObject;
  /** A JSON request body, checked before the handler runs; a bad one is a 400 problem naming each field. */
  body?: z.ZodObject;
  /** The status of a successful answer. */
  status: 200 | 201;
  response: z.ZodType;
  /** When the operation can answer 403 beyond the route's roles: who is refused, as "the token holder is ...". */
  forbidden?: string;
  /** When the operation can answer 404: what that means. */
  notFound?: string;
  /** When the operation can answer 409: what that means. */
  conflict?: string;
  /** When the operation can answer 422 (a rule the request breaks, with `errors`): what that means. */
  unprocessable?: string;
}

type Doc<R extends z.ZodType, P extends z.ZodObject> = Omit<Operation, 'route' | 'response' | 'params' | 'query' | 'body' | 'status'> & { response: R; params?: P };
type QueryDoc<R extends z.ZodType, P extends z.ZodObject, Q extends z.ZodObject> = Doc<R, P> & { query?: Q };
type BodyDoc<R extends z.ZodType, P extends z.ZodObject, B extends z.ZodObject> = Doc<R, P> & { body: B; status?: 200 | 201 };
type NoParams = z.ZodObject<Record<never, never>>;
type RouteMaker = typeof get;

/** "sessionId" is about a Session: the thing a 404 says was not found. */
const thingNamed = (param: string) => param.charAt(0).toUpperCase() + param.slice(1).replace(/Id$/, '');

/** The path parameters checked against their schema; a malformed one is a 404 like an unknown id. */
function readParams<P extends z.ZodObject>(c: AppContext, schema: P | undefined): z.output<P> {
  if (!schema) return {} as z.output<P>;
  const parsed = schema.safeParse(c.req.param());
  if (!parsed.success) throw notFound(thingNamed(String(parsed.error.issues[0].path[0])));
  return parsed.data;
}

function operation(define: RouteMaker, path: string, access: Access, doc: Omit<Operation, 'route'>, answer: (c: AppContext) => Promise<unknown>): Operation {
  // c.json cannot check a generic value as JSON; the response schema's output type already says it is.
  return { ...doc, route: define(path, access, async (c) => c.json((await answer(c)) as object, doc.status)) };
}

/**
 * A documented JSON operation without a body: the path parameters are checked first (404),
 * then the query (400), so a declared query is always the one the handler reads.
 */
const withoutBody =
  (define: RouteMaker) =>
  <R extends z.ZodType, P extends z.ZodObject = NoParams, Q extends z.ZodObject = NoParams>(
    path: string,
    access: Access,
    doc: QueryDoc<R, P, Q>,
    handler: (c: AppContext, params: z.output<P>, query: z.output<Q>) => Promise<z.output<R>>,
  ): Operation =>
    operation(define, path, access, { ...doc, status: 200 }, async (c) => {
      const params = readParams(c, doc.params);
      return handler(c, params, doc.query ? readQuery(c, doc.query) : ({} as z.output<Q>));
    });

/** A documented JSON operation with a body: the path parameters are checked first (404), then the body (400). */
const withBody =
  (define: RouteMaker) =>
  <R extends z.ZodType, B extends z.ZodObject, P extends z.ZodObject = NoParams>(
    path: string,
    access: Access,
    doc: BodyDoc<R, P, B>,
    handler: (c: AppContext, params: z.output<P>, body: z.output<B>) => Promise<z.output<R>>,
  ): Operation =>
    operation(define, path, access, { status: 200, ...doc }, async (c) => {
      const params = readParams(c, doc.params);
      return handler(c, params, await readBody(c, doc.body));
    });

export const apiGet = withoutBody(get);
export const apiDelete = withoutBody(del);
export const apiPost = withBody(post);
export const apiPatch = withBody(patch);

const badBody = (errors: FieldErrors) => new RequestError(400, 'The request body is not valid', errors);

/** The first message per field; a field the schema does not know is named as such rather than ignored. */
function bodyErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') for (const key of issue.keys) errors[key] ??= 'This field is not recognised';
    else errors[String(issue.path[0] ?? 'body')] ??= issue.message;
  }
  return errors;
}

/** The JSON body checked against its schema. An empty body is an empty object. */
async function readBody<S extends z.ZodObject>(c: AppContext, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
  let raw: unknown = {};
  try {
    if (text.trim()) raw = JSON.parse(text);
  } catch {
    raw = undefined;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw badBody({ body: 'Send the body as a JSON object' });
  // PostgreSQL cannot store a null character in text: refuse it here rather than fail the write.
  if (text.includes('\u0000') || /\\u0000/i.test(text)) throw badBody({ body: 'Remove the null character (\\u0000): no field can hold it' });
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw badBody(bodyErrors(parsed.error));
  return parsed.data;
}
