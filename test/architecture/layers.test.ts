// The layer rules in .dependency-cruiser.cjs can fail: each test below writes a small tree that
// mimics the project's layout into a temporary folder, cruises it with the real rules and checks
// which rules it breaks. The real tree is not cruised here (that is `npm run lint:layers`).
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseOptions, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CONFIG = fileURLToPath(new URL('../../.dependency-cruiser.cjs', import.meta.url));

/** A fixture: file path (relative to the fixture's root) to its source text. */
type Tree = Record<string, string>;

const TSCONFIG = JSON.stringify({
  compilerOptions: {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    jsx: 'preserve',
    strict: true,
    noEmit: true,
  },
  include: ['server', 'web', 'db', 'jobs'],
});

/** Stands in for the hono package, so an import of 'hono' resolves inside a fixture. */
const FAKE_HONO: Tree = {
  'node_modules/hono/package.json': JSON.stringify({ name: 'hono', version: '4.0.0', main: 'index.js', types: 'index.d.ts' }),
  'node_modules/hono/index.js': 'export class Hono {}\n',
  'node_modules/hono/index.d.ts': 'export declare class Hono {}\n',
};

let rules: ICruiseOptions;
let root: string;
let fixtures = 0;
const seen = new Set<string>();

beforeAll(async () => {
  rules = await extractDepcruiseOptions(CONFIG);
  // realpath: a temporary folder reached through a symlink (macOS's /var) would otherwise come
  // back from the resolver as a path outside the fixture.
  root = realpathSync(mkdtempSync(join(tmpdir(), 'layers-')));
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

/** Writes the tree, cruises it with the project's rules and returns its violations as `rule: from → to`. */
async function violations(tree: Tree): Promise<string[]> {
  const dir = join(root, String(++fixtures));
  for (const [path, text] of Object.entries({ 'tsconfig.json': TSCONFIG, ...tree })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const tsConfig = join(dir, 'tsconfig.json');
  const tops = ['server', 'db', 'web', 'jobs'].filter((top) => Object.keys(tree).some((path) => path.startsWith(`${top}/`)));
  const { output } = await cruise(
    tops,
    { ...rules, baseDir: dir, tsConfig: { fileName: tsConfig }, outputType: 'json' },
    undefined,
    { tsConfig: extractTSConfig(tsConfig) },
  );
  const result = (typeof output === 'string' ? JSON.parse(output) : output) as ICruiseResult;
  // Guards against a fixture that silently cruised nothing (and so broke no rule).
  const sources = Object.keys(tree).filter((path) => /\.tsx?$/.test(path) && !path.startsWith('node_modules/'));
  expect(result.summary.totalCruised, 'modules cruised').toBeGreaterThanOrEqual(sources.length);
  const found = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
  for (const v of result.summary.violations) seen.add(v.rule.name);
  return found;
}

describe('the layer rules', () => {
  it('let db/ import nothing from server/', async () => {
    expect(
      await violations({
        'db/x.ts': "import { y } from '../server/shared/y';\nexport const x = y;\n",
        'server/shared/y.ts': 'export const y = 1;\n',
      }),
    ).toEqual(['db-imports-nothing-above: db/x.ts → server/shared/y.ts']);
  });

  it('let web/ import no feature', async () => {
    expect(
      await violations({
        'web/a.tsx': "import { book } from '../server/bookings/service';\nexport const a = book;\n",
        'server/bookings/service.ts': 'export const book = 1;\n',
      }),
    ).toEqual(['web-imports-no-feature: web/a.tsx → server/bookings/service.ts']);
  });

  it('let server/shared/ import no feature', async () => {
    expect(
      await violations({
        'server/shared/z.ts': "import { book } from '../bookings/service';\nexport const z = book;\n",
        'server/bookings/service.ts': 'export const book = 1;\n',
      }),
    ).toEqual(['shared-imports-no-feature: server/shared/z.ts → server/bookings/service.ts']);
  });

  it('let server/http/ import no feature beyond the signed-in person', async () => {
    expect(
      await violations({
        'server/http/render.tsx': "import { book } from '../bookings/service';\nexport const render = book;\n",
        'server/bookings/service.ts': 'export const book = 1;\n',
      }),
    ).toEqual(['http-imports-only-infrastructure: server/http/render.tsx → server/bookings/service.ts']);
  });

  it('let a service import no page or HTTP helper', async () => {
    expect(
      await violations({
        'server/bookings/service.ts': "import { render } from '../http/render';\nexport const book = render;\n",
        'server/http/render.tsx': 'export const render = 1;\n',
      }),
    ).toEqual(['service-imports-no-edge: server/bookings/service.ts → server/http/render.tsx']);
  });

  it('let a service import no hono, not even a type', async () => {
    expect(
      await violations({
        ...FAKE_HONO,
        'server/bookings/service.ts': "import type { Hono } from 'hono';\nexport type App = Hono;\n",
      }),
    ).toEqual(['service-imports-no-edge: server/bookings/service.ts → node_modules/hono/index.js']);
  });

  it("let a feature import no other feature's pages", async () => {
    expect(
      await violations({
        'server/catalogue/routes.tsx': "import { CourseCard } from '../bookings/views';\nexport const routes = CourseCard;\n",
        'server/bookings/views.tsx': 'export const CourseCard = 1;\n',
      }),
    ).toEqual(['no-feature-imports-another-features-pages: server/catalogue/routes.tsx → server/bookings/views.tsx']);
  });

  it('let jobs/ import no page', async () => {
    expect(
      await violations({
        'jobs/registry.ts': "import { routes } from '../server/bookings/routes';\nexport const jobs = routes;\n",
        'server/bookings/routes.tsx': 'export const routes = 1;\n',
      }),
    ).toEqual(['jobs-only-services: jobs/registry.ts → server/bookings/routes.tsx']);
  });

  it('let nothing import an entry', async () => {
    expect(
      await violations({
        'server/app.tsx': "import { port } from './node';\nexport const createApp = port;\n",
        'server/node.ts': 'export const port = 8787;\n',
      }),
    ).toEqual(['nothing-imports-an-entry: server/app.tsx → server/node.ts']);
  });

  it('find a cycle, even one made of type-only imports', async () => {
    const found = await violations({
      'server/bookings/service.ts': "import type { Row } from './queries';\nexport type Booking = { row: Row };\n",
      'server/bookings/queries.ts': "import type { Booking } from './service';\nexport type Row = { booking?: Booking };\n",
    });
    // One violation per cycle, reported at whichever of its imports dependency-cruiser meets first.
    expect(found).toHaveLength(1);
    expect([
      'no-circular: server/bookings/queries.ts → server/bookings/service.ts',
      'no-circular: server/bookings/service.ts → server/bookings/queries.ts',
    ]).toContain(found[0]);
  });

  it('find an import that resolves to nothing', async () => {
    expect(
      await violations({
        'server/bookings/service.ts': "import { gone } from './moved-away';\nexport const book = gone;\n",
      }),
    ).toEqual(['not-to-unresolvable: server/bookings/service.ts → ./moved-away']);
  });

  it('allow routes → service → shared → db, and the app importing routes', async () => {
    expect(
      await violations({
        'server/app.tsx': "import { bookingRoutes } from './bookings/routes';\nexport const createApp = () => bookingRoutes;\n",
        'server/bookings/routes.tsx': "import { book } from './service';\nexport const bookingRoutes = book;\n",
        'server/bookings/service.ts': "import { notFound } from '../shared/errors';\nexport const book = notFound;\n",
        'server/shared/errors.ts': "import { bookings } from '../../db/schema';\nexport const notFound = bookings;\n",
        'db/schema.ts': 'export const bookings = 1;\n',
      }),
    ).toEqual([]);
  });

  it('allow the shared infrastructure each layer uses', async () => {
    expect(
      await violations({
        ...FAKE_HONO,
        // A feature's pages use its own views, the HTTP helpers and hono; the JSON API calls services.
        'server/bookings/routes.tsx':
          "import { Hono } from 'hono';\nimport { render } from '../http/render';\nimport { BookingPage } from './views';\nimport { book } from './service';\nexport const routes = [Hono, render, BookingPage, book];\n",
        'server/bookings/views.tsx': "import { Layout } from '../../web/layout';\nexport const BookingPage = Layout;\n",
        'server/bookings/service.ts': "import { queueMail } from '../mail/outbox';\nimport { audit } from '../audit/log';\nexport const book = [queueMail, audit];\n",
        'server/mail/outbox.ts': "import { outbox } from '../../db/schema';\nexport const queueMail = outbox;\n",
        'server/audit/log.ts': "import { now } from '../shared/clock';\nexport const audit = now;\n",
        'server/api/bookings.ts': "import type { Hono } from 'hono';\nimport { book } from '../bookings/service';\nexport const api = book;\nexport type Api = Hono;\n",
        // server/http/ loads the signed-in person and reads the app's dependencies.
        'server/http/render.tsx':
          "import { Layout } from '../../web/layout';\nimport type { AppDeps } from '../deps';\nexport const render = Layout;\nexport type Deps = AppDeps;\n",
        'server/http/security.ts':
          "import { loadSignedInPerson, validateSession } from '../accounts/sessions';\nexport const security = [validateSession, loadSignedInPerson];\n",
        'server/accounts/sessions.ts': "import { people, sessions } from '../../db/schema';\nexport const validateSession = sessions;\nexport const loadSignedInPerson = people;\n",
        'server/deps.ts': "import type { Clock } from './shared/clock';\nexport type AppDeps = { clock: Clock };\n",
        'server/shared/clock.ts': 'export type Clock = () => Date;\nexport const now: Clock = () => new Date();\n',
        // web/ uses server/shared/ and db/ types.
        'web/layout.tsx': "import type { Clock } from '../server/shared/clock';\nimport type { Role } from '../db/schema';\nexport const Layout = (clock: Clock, role: Role) => [clock, role];\n",
        // jobs run services.
        'jobs/registry.ts': "import { book } from '../server/bookings/service';\nimport { queueMail } from '../server/mail/outbox';\nexport const jobs = [book, queueMail];\n",
        'db/schema.ts': "export const bookings = 1;\nexport const outbox = 2;\nexport const sessions = 3;\nexport const people = 4;\nexport type Role = 'admin';\n",
      }),
    ).toEqual([]);
  });

  it('are each shown failing above', () => {
    const names = (rules.ruleSet?.forbidden ?? []).map((rule) => rule.name ?? '(unnamed)');
    expect(names.length).toBeGreaterThanOrEqual(8);
    expect([...seen].sort()).toEqual([...names].sort());
  });
});
