import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { withStaticFiles } from '../../server/runtime';
import { createTestDatabase } from '../support/database';
import { buildApp } from '../support/app';

let database: OpenDatabase;
let assets: string;
let root: ReturnType<typeof withStaticFiles>;

beforeAll(async () => {
  database = await createTestDatabase({ demo: true });
  assets = mkdtempSync(join(tmpdir(), 'assets-'));
  execFileSync('node', ['scripts/build-assets.mjs', assets]);
  const built = buildApp(database.db);
  root = withStaticFiles(built.app, built.config, assets);
});
afterAll(async () => {
  rmSync(assets, { recursive: true, force: true });
  await database.close();
});

const linked = (html: string) => [...html.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => m[1]);

describe('static files', () => {
  it('are linked by fingerprinted names, kept for a year by encoding, with their hash as ETag and 304 when it is sent back', async () => {
    const paths = linked(await (await root.request('/courses')).text());
    expect(paths).toHaveLength(4);
    for (const path of paths) {
      expect(path).toMatch(/\.[0-9a-f]{10}\.(css|js)$/);
      const res = await root.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      // A shared cache must keep a copy per encoding, though this client took none.
      expect(res.headers.get('vary')).toBe('Accept-Encoding');
      const etag = res.headers.get('etag')!;
      expect(etag).toBe(`"${path.match(/\.([0-9a-f]{10})\./)![1]}"`);
      expect((await root.request(path, { headers: { 'if-none-match': etag } })).status).toBe(304);
      // The name is the content's: the same bytes as the file it copies (a script's imports aside).
      const plain = readFileSync(join(assets, 'static', path.replace(/^\/static\//, '').replace(/\.[0-9a-f]{10}\./, '.')), 'utf8');
      if (path.endsWith('.css')) expect(await res.text()).toBe(plain);
    }
  });

  it('send brotli or gzip to a client that takes it, and the module script imports the fingerprinted library', async () => {
    const [css] = linked(await (await root.request('/courses')).text()).filter((p) => p.includes('govuk-frontend.min'));
    const br = await root.request(css, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toBe('Accept-Encoding');
    const body = brotliDecompressSync(Buffer.from(await br.arrayBuffer())).toString('utf8');
    expect(body).toContain('.govuk-');
    expect(body.length).toBeGreaterThan(100_000);
    const init = linked(await (await root.request('/courses')).text()).find((p) => p.includes('init'))!;
    expect(await (await root.request(init)).text()).toMatch(/from '\/static\/govuk-frontend\.min\.[0-9a-f]{10}\.js'/);
  });

  it('keep their Last-Modified from one build (one start) to the next', async () => {
    const before = (await root.request('/static/app.css')).headers.get('last-modified');
    expect(before).toBeTruthy();
    execFileSync('node', ['scripts/build-assets.mjs', assets]);
    expect((await root.request('/static/app.css')).headers.get('last-modified')).toBe(before);
    // A file that is not fingerprinted is checked again each time.
    expect((await root.request('/static/app.css')).headers.get('cache-control')).toBe('public, no-cache');
  });

  it('are listed in web/static-files.json as the build makes them, and in the Worker’s _headers as kept for a year', () => {
    expect(execFileSync('node', ['scripts/build-assets.mjs', '--check']).toString()).toContain('up to date');
    const headers = readFileSync(join(assets, '_headers'), 'utf8');
    for (const file of Object.values(JSON.parse(readFileSync('web/static-files.json', 'utf8')) as Record<string, string>)) {
      expect(headers).toContain(`/static/${file}\n  Cache-Control: public, max-age=31536000, immutable\n`);
    }
  });
});

describe('compression', () => {
  it('gzips pages and JSON for a client that asks, and sends them plain to one that does not', async () => {
    for (const [path, type] of [['/courses', /text\/html/], ['/accessibility', /text\/html/], ['/api/v1/openapi.json', /application\/json/]] as const) {
      const plain = await root.request(path);
      const text = await plain.text();
      expect(plain.headers.get('content-encoding'), path).toBeNull();
      const zipped = await root.request(path, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
      expect(zipped.headers.get('content-type')).toMatch(type);
      expect(zipped.headers.get('content-encoding'), path).toBe('gzip');
      expect(zipped.headers.get('vary')).toContain('Accept-Encoding');
      const bytes = Buffer.from(await zipped.arrayBuffer());
      expect(bytes.length).toBeLessThan(Buffer.byteLength(text));
      expect(gunzipSync(bytes).toString('utf8')).toBe(text);
    }
  });
});
