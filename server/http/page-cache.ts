import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { parseAccept } from 'hono/utils/accept';
import type { Database } from '../../db/database';
import type { AppContext, CachedPage } from './context';

/**
 * Pages that are the same for everyone signed out (the prospectus, a course), rendered once per
 * version and kept in this process's memory (decision 20). The version comes from the database
 * on every request, in one query, so a change on any instance is seen by every instance at once;
 * memory only saves the rendering. Nothing personal is kept: a signed-in viewer's page is never
 * read from or written to the cache.
 */
interface Entry {
  version: string;
  etag: string;
  html: string;
  /** The HTML gzipped, made the first time a client asks for it and then kept beside it. */
  gzip?: Uint8Array;
}

/** The client takes gzip (Accept-Encoding names it, or `*`, with a weight above 0), read as Hono's compress reads it. */
const takesGzip = (header: string | undefined) => Boolean(header && parseAccept(header).some((a) => ['gzip', '*'].includes(a.type.toLowerCase()) && a.q > 0));

const gzip = async (text: string) => new Uint8Array(await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer());

const MAX_ENTRIES = 500;
const caches = new WeakMap<Database, Map<string, Entry>>();

const cacheFor = (db: Database) => {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  return cache;
};

/** The If-None-Match header names this ETag (weak comparison, as RFC 9110 asks for GET). */
const matches = (header: string | undefined, etag: string) =>
  Boolean(header && (header.trim() === '*' || header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag.replace(/^W\//, ''))));

/** The cache's name for a page: the partnership served (by its slug, known before its row is read) and the page's key. */
const cacheKeyOf = (c: AppContext, key: string) => `${c.get('deps').config.partnership}|${key}`;

/**
 * The page at `page.key` for a signed-out viewer: from the cache while `page.version` is the one
 * it was rendered at, else rendered by `renderPage` (and kept when it is a 200). No page or no
 * version, or a signed-in viewer, renders the page as usual and keeps nothing. Answers carry an ETag, and
 * an If-None-Match that names it gets 304 Not Modified.
 */
export async function cachedPage(c: AppContext, page: CachedPage | undefined, renderPage: () => Response | Promise<Response>): Promise<Response> {
  const version = page?.version;
  if (!page || version === undefined || c.get('viewer') || c.req.method !== 'GET') return renderPage();
  const hit = pageFromCache(c, page);
  if (hit) return hit;
  const response = await renderPage();
  if (response.status !== 200 || response.headers.has('set-cookie')) return response;
  const html = await response.text();
  const entry = { version, html, etag: `W/"${encodeHexLowerCase(sha256(new TextEncoder().encode(html))).slice(0, 32)}"` };
  const cache = cacheFor(c.get('deps').db);
  const cacheKey = cacheKeyOf(c, page.key);
  cache.delete(cacheKey);
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(cacheKey, entry);
  return answerFrom(c, entry);
}

/**
 * The page when the cache holds it at its version, else undefined: for a signed-out
 * request answered before anything else is read (see cachedPage for what is kept).
 */
export function pageFromCache(c: AppContext, page: CachedPage | undefined): Promise<Response> | undefined {
  const entry = page && cacheFor(c.get('deps').db).get(cacheKeyOf(c, page.key));
  return entry && page.version !== undefined && entry.version === page.version ? answerFrom(c, entry) : undefined;
}

async function answerFrom(c: AppContext, entry: Entry): Promise<Response> {
  // Shared caches may keep it, but must ask again each time (the ETag makes that cheap), and
  // must not give it to someone who sends a session cookie.
  const headers = { ETag: entry.etag, 'Cache-Control': 'public, no-cache', Vary: 'Cookie, Accept-Encoding' };
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  if (matches(c.req.header('if-none-match'), entry.etag)) return c.body(null, 304);
  // Compressed once per version rather than on every answer (the Node front's compress leaves a
  // body that already has its Content-Encoding alone).
  if (takesGzip(c.req.header('accept-encoding'))) {
    entry.gzip ??= await gzip(entry.html);
    return new Response(entry.gzip as Uint8Array<ArrayBuffer>, {
      status: 200,
      headers: { ...headers, 'Content-Type': 'text/html; charset=UTF-8', 'Content-Encoding': 'gzip' },
      // workerd compresses a body by its Content-Encoding unless told it already is (Node ignores this).
      encodeBody: 'manual',
    } as ResponseInit);
  }
  return c.html(entry.html);
}
