// Builds the Node entry (server/node.ts) into one JavaScript file, dist/server/node.mjs, with the
// migrations beside it, for `npm start`: the server then runs without tsx, whose loader thread and
// on-the-fly compiling cost some 60 MB of memory for as long as it runs (docs/decisions/0021).
// The packages in node_modules stay outside the file and are loaded from there as usual.
// Usage: node scripts/build-server.mjs   (about a second)
import { cpSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/server');

rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'server/node.ts')],
  outfile: join(out, 'node.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  tsconfig: join(root, 'tsconfig.json'),
  logLevel: 'warning',
});
// db/migrate.ts finds them next to itself (import.meta.url), which is now the built file.
cpSync(join(root, 'db/migrations'), join(out, 'migrations'), { recursive: true });
