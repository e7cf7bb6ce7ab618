// Builds the static files both runtimes serve (the Node entry with serveStatic, the Worker
// through wrangler's [assets]) into one folder:
//   /assets/images/*                 <- node_modules/govuk-frontend/dist/govuk/assets/images
//   /static/govuk-frontend.min.*     <- node_modules/govuk-frontend/dist/govuk, without GDS Transport
//   /static/*                        <- web/static
// The GDS Transport typeface is only for services on GOV.UK, so the CSS drops its
// @font-face rules and falls back to Arial, as the Design System says other services should.
// Usage: node scripts/build-assets.mjs [outDir]   (default dist/assets)
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(root, process.argv[2] ?? 'dist/assets');
const govuk = join(root, 'node_modules/govuk-frontend/dist/govuk');

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'static'), { recursive: true });
cpSync(join(govuk, 'assets/images'), join(out, 'assets/images'), { recursive: true });
cpSync(join(govuk, 'assets/manifest.json'), join(out, 'assets/manifest.json'));
cpSync(join(govuk, 'govuk-frontend.min.js'), join(out, 'static/govuk-frontend.min.js'));
const css = readFileSync(join(govuk, 'govuk-frontend.min.css'), 'utf8')
  .replace(/@font-face\{font-family:GDS Transport;[^}]*\}/g, '')
  .replaceAll('GDS Transport,arial,sans-serif', 'arial,sans-serif')
  .replace(/\/\*# sourceMappingURL=[^*]*\*\//, '');
if (css.includes('GDS Transport')) throw new Error('GDS Transport is still in the CSS: check the govuk-frontend version');
writeFileSync(join(out, 'static/govuk-frontend.min.css'), css);
cpSync(join(root, 'web/static'), join(out, 'static'), { recursive: true });
// The Worker's static files never reach the app: wrangler's [assets] gives them the app's
// security headers from this file (HSTS too: a Worker is served over https).
const headers = JSON.parse(readFileSync(join(root, 'server/http/security-headers.json'), 'utf8'));
const lines = Object.entries({ ...headers.always, ...headers.httpsOnly }).map(([name, value]) => `  ${name}: ${value}`);
writeFileSync(join(out, '_headers'), ['/*', ...lines, ''].join('\n'));
console.log(`Static files written to ${out}`);
