// Builds the static files both runtimes serve (the Node entry with serveStatic, the Worker
// through wrangler's [assets]) into one folder:
//   /assets/images/*                 <- node_modules/govuk-frontend/dist/govuk/assets/images
//   /static/govuk-frontend.min.*     <- node_modules/govuk-frontend/dist/govuk, without GDS Transport
//   /static/*                        <- web/static
// The GDS Transport typeface is only for services on GOV.UK, so the CSS drops its
// @font-face rules and falls back to Arial, as the Design System says other services should.
// Each /static file is also written under a name with a hash of its content (app.3f2a9c01d4.css),
// with .gz and .br beside it; web/static-files.json (imported by the layout) and
// <outDir>/static-files.json map each name to its fingerprinted one, so those can be kept by
// browsers for a year (Cache-Control: immutable): a change makes a new name. Files keep their
// sources' modification times, so Last-Modified does not change on every start.
// Usage: node scripts/build-assets.mjs [outDir]   (default dist/assets)
//        node scripts/build-assets.mjs --check    exits 1 when web/static-files.json is out of date
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** For a fingerprinted file: its name changes with its content, so it may be kept for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv[2] === '--check';
const out = resolve(root, check ? 'dist/assets-check' : (process.argv[2] ?? 'dist/assets'));
const govuk = join(root, 'node_modules/govuk-frontend/dist/govuk');

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'static'), { recursive: true });
cpSync(join(govuk, 'assets/images'), join(out, 'assets/images'), { recursive: true, preserveTimestamps: true });
cpSync(join(govuk, 'assets/manifest.json'), join(out, 'assets/manifest.json'), { preserveTimestamps: true });
cpSync(join(govuk, 'govuk-frontend.min.js'), join(out, 'static/govuk-frontend.min.js'), { preserveTimestamps: true });
const css = readFileSync(join(govuk, 'govuk-frontend.min.css'), 'utf8')
  .replace(/@font-face\{font-family:GDS Transport;[^}]*\}/g, '')
  .replaceAll('GDS Transport,arial,sans-serif', 'arial,sans-serif')
  .replace(/\/\*# sourceMappingURL=[^*]*\*\//, '');
if (css.includes('GDS Transport')) throw new Error('GDS Transport is still in the CSS: check the govuk-frontend version');
writeFileSync(join(out, 'static/govuk-frontend.min.css'), css);
const cssSource = statSync(join(govuk, 'govuk-frontend.min.css'));
utimesSync(join(out, 'static/govuk-frontend.min.css'), cssSource.atime, cssSource.mtime);
cpSync(join(root, 'web/static'), join(out, 'static'), { recursive: true, preserveTimestamps: true });

// Fingerprinted copies, each with its gzip and brotli forms, and the map the layout reads.
const fingerprinted = {};
for (const name of readdirSync(join(out, 'static')).sort()) {
  const path = join(out, 'static', name);
  let bytes = readFileSync(path);
  // A script's imports of files fingerprinted before it (init.js imports govuk-frontend.min.js) name their copies.
  if (name.endsWith('.js')) {
    let text = bytes.toString('utf8');
    for (const [plain, copy] of Object.entries(fingerprinted)) text = text.replaceAll(`'/static/${plain}'`, `'/static/${copy}'`);
    bytes = Buffer.from(text);
  }
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 10);
  const dot = name.lastIndexOf('.');
  const hashed = `${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
  fingerprinted[name] = hashed;
  const { atime, mtime } = statSync(path);
  const variants = [
    [hashed, bytes],
    [`${hashed}.gz`, gzipSync(bytes, { level: 9 })],
    [`${hashed}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } })],
  ];
  for (const [file, content] of variants) {
    writeFileSync(join(out, 'static', file), content);
    utimesSync(join(out, 'static', file), atime, mtime);
  }
}
const manifest = `${JSON.stringify(fingerprinted, null, 2)}\n`;
if (check) {
  rmSync(out, { recursive: true, force: true });
  if (readFileSync(join(root, 'web/static-files.json'), 'utf8') !== manifest) {
    console.error('web/static-files.json is out of date: run npm run build:assets and commit it');
    process.exit(1);
  }
  console.log('web/static-files.json is up to date');
  process.exit(0);
}
writeFileSync(join(out, 'static-files.json'), manifest);
writeFileSync(join(root, 'web/static-files.json'), manifest);
// The Worker's static files never reach the app: wrangler's [assets] gives them the app's
// security headers from this file (HSTS too: a Worker is served over https).
const headers = JSON.parse(readFileSync(join(root, 'server/http/security-headers.json'), 'utf8'));
const lines = Object.entries({ ...headers.always, ...headers.httpsOnly }).map(([name, value]) => `  ${name}: ${value}`);
const immutable = Object.values(fingerprinted).flatMap((file) => [`/static/${file}`, `  Cache-Control: ${IMMUTABLE}`]);
writeFileSync(join(out, '_headers'), ['/*', ...lines, ...immutable, ''].join('\n'));
console.log(`Static files written to ${out}`);
