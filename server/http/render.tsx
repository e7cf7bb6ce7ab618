import type { Child } from 'hono/jsx';
import { Layout } from '../../web/layout';
import type { AppContext } from './context';
import { showsDevMailbox } from '../deps';
import { csrfToken, keepCsrfCookieFor } from './security';

export interface PageOptions {
  title: string;
  hasErrors?: boolean;
  backLink?: string;
  status?: 200 | 400 | 401 | 403 | 404 | 409 | 422 | 429 | 500 | 503;
}

/** Renders a page in the shared layout. */
export function render(c: AppContext, options: PageOptions, body: Child) {
  return c.html(pageHtml(c, options, body), options.status ?? (options.hasErrors ? 422 : 200));
}

/** A page in the shared layout, as HTML; the CSRF cookie goes with it when it holds a form. */
export function pageHtml(c: AppContext, options: PageOptions, body: Child): string {
  const { config } = c.get('deps');
  const viewer = c.get('viewer');
  const partnership = c.var.partnership;
  const frame = {
    serviceName: partnership ? `${partnership.shortName} safeguarding training` : 'Safeguarding training',
    viewer: viewer && { name: viewer.name, roles: viewer.roles },
    path: c.req.path,
    // Only a signed-in page's header holds a form (signing out).
    csrfToken: viewer ? csrfToken(c) : '',
    demo: config.demo,
    devMailbox: showsDevMailbox(c.get('deps')),
  };
  const html = (
    <Layout frame={frame} title={options.title} hasErrors={options.hasErrors} backLink={options.backLink}>
      {body}
    </Layout>
  );
  const page = `<!DOCTYPE html>${html}`;
  keepCsrfCookieFor(c, page);
  return page;
}

/** A problem+json body (RFC 9457) for the API. */
export function problem(c: AppContext, status: number, title: string, extra: { detail?: string; errors?: Record<string, string> } = {}) {
  return c.body(JSON.stringify({ type: 'about:blank', title, status, ...extra }), status as 400, {
    'content-type': 'application/problem+json; charset=utf-8',
  });
}

/** A file to download: its type, and a file name (made safe by the caller, see ../shared/file-names) to save it as. */
export const attachment = (c: AppContext, body: string | Uint8Array<ArrayBuffer>, contentType: string, filename: string) =>
  c.body(body, 200, { 'content-type': contentType, 'content-disposition': `attachment; filename="${filename}"`, 'cache-control': 'no-store' });

/** Redirect after a successful POST. */
export const seeOther = (c: AppContext, location: string) => c.redirect(location, 303);
