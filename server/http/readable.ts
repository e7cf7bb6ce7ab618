// Input no page or service can use, refused before any of them sees it: a null character (which
// PostgreSQL cannot store in text, so it would fail the write with a 500) in the address or a
// form field, or a form body that cannot be parsed at all (multipart without its boundary).
import type { MiddlewareHandler } from 'hono';
import type { AppContext, AppEnv, PostedForm } from './context';
import { RequestError } from './errors';

const NULL_CHARACTER = '\u0000';

function decodedQuery(url: string): string {
  const query = url.slice(url.indexOf('?') + 1);
  try {
    return decodeURIComponent(query.replace(/\+/g, ' '));
  } catch {
    // Malformed percent-encoding: the query readers take such a value as it is.
    return query;
  }
}

export const readableInput: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.url.includes('?') && decodedQuery(c.req.url).includes(NULL_CHARACTER)) {
    throw new RequestError(400, 'The web address holds a null character, which cannot be read. Check the address and try again.');
  }
  c.set('form', undefined);
  const type = c.req.header('content-type') ?? '';
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && /form/i.test(type)) {
    let body: PostedForm;
    try {
      body = await c.req.parseBody({ all: true });
    } catch {
      throw new RequestError(400, 'The form could not be read. Go back, refresh the page and try again.');
    }
    const values = Object.values(body).flat();
    if (values.some((v) => typeof v === 'string' && v.includes(NULL_CHARACTER))) {
      throw new RequestError(400, 'The form holds a null character, which cannot be saved. Remove it (it can come with text pasted from another program) and try again.');
    }
    c.set('form', body);
  }
  return next();
};

/** The posted form, as the edge parsed it (an empty one where nothing was posted as a form). */
export const postedForm = (c: AppContext): PostedForm => c.get('form') ?? {};
