// Copies the files the Node entry serves with serveStatic into one folder for wrangler's [assets]:
//   /assets/*                        <- node_modules/govuk-frontend/dist/govuk/assets
//   /static/govuk-frontend.min.*     <- node_modules/govuk-frontend/dist/govuk
//   /static/*                        <- web/static
// Usage: node scripts/build-assets.mjs [outDir]   (default dist/assets)
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(root, process.argv[2] ?? 'dist/assets');
const govuk = join(root, 'node_modules/govuk-frontend/dist/govuk');

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'static'), { recursive: true });
cpSync(join(govuk, 'assets'), join(out, 'assets'), { recursive: true });
// The same files as the Node route /static/govuk-frontend.min.* (the .css, the .js and their source maps).
for (const file of readdirSync(govuk).filter((f) => f.startsWith('govuk-frontend.min.'))) cpSync(join(govuk, file), join(out, 'static', file));
cpSync(join(root, 'web/static'), join(out, 'static'), { recursive: true });
console.log(`Static files for the Worker written to ${out}`);
