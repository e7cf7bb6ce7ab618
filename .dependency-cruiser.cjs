// The architecture's layers, checked in CI by `npm run lint:layers` (see
// docs/decisions/0007-layers-checked-by-dependency-cruiser.md). Arrows only point down:
//
//   entries   server/node.ts (and its admin command line), server/worker.ts, jobs/cli.ts  (read env, argv)
//   app       server/app.tsx (createApp, the route table), server/deps.ts, server/runtime.ts,
//             server/command-line.ts
//   features  server/<feature>/: routes and pages (*.tsx) -> services (*.ts: rules, SQL)
//   shared    server/http/, web/, server/shared/
//   db        db/
//
// Paths in the rules are relative to the repository root, as depcruise is run from there.
// test/architecture/layers.test.ts runs these same rules against small fixture trees, so a
// rule that can no longer fail breaks the tests.

/** A feature's folder: any folder under server/ except the shared ones and the JSON API. */
const SERVICE_MODULE = '^server/(?!api/|http/|shared/)[^/]+/.+\\.ts$';

/** hono and its adapters, wherever node_modules resolves to (it may be a symlink). */
const HONO = '(^|/)node_modules/(hono|@hono/[^/]+)/';

module.exports = {
  forbidden: [
    {
      name: 'db-imports-nothing-above',
      severity: 'error',
      comment:
        'db/ (schema, migrations, openers) is the bottom layer: it imports nothing from server/, ' +
        'web/ or jobs/. Code that needs services (the admin command line, the demo seed) belongs ' +
        'in server/admin/ or server/demo/, not in db/.',
      from: { path: '^db/' },
      to: { path: '^(server|web|jobs)/' },
    },
    {
      name: 'web-imports-no-feature',
      severity: 'error',
      comment:
        'web/ (layout, components) is shared presentation: it may import db/ types and ' +
        'server/shared/, but no feature, no server/http/, no app module and nothing from jobs/.',
      from: { path: '^web/' },
      to: { path: '^(server/(?!shared/)|jobs/)' },
    },
    {
      name: 'shared-imports-no-feature',
      severity: 'error',
      comment:
        'server/shared/ (dates, errors, service context, clock, tokens, config, csv) sits under ' +
        'the features: it may import db/ and itself, but nothing else under server/, nothing from ' +
        'web/ or jobs/, and not hono (shared code knows nothing of HTTP).',
      from: { path: '^server/shared/' },
      to: { path: ['^(server/(?!shared/)|web/|jobs/)', HONO] },
    },
    {
      name: 'http-imports-only-infrastructure',
      severity: 'error',
      comment:
        'server/http/ (params, forms, form pages, render, CSRF) is shared by every feature\'s ' +
        'routes. It may import server/shared/, web/, db/ and, to load the signed-in person and ' +
        'build the request context, exactly these modules: server/accounts/sessions.ts ' +
        '(sessions and the person they belong to, for security.ts) and server/deps.ts (the AppDeps type and ' +
        'showsDevMailbox). Anything else under server/ is a feature or the app and must not be ' +
        'imported from here; widen the list only on purpose.',
      from: { path: '^server/http/' },
      to: {
        path: '^(server/|jobs/)',
        pathNot: '^server/(http/|shared/|deps\\.ts$|accounts/sessions\\.ts$)',
      },
    },
    {
      name: 'service-imports-no-edge',
      severity: 'error',
      comment:
        'A feature\'s non-page module (server/<feature>/*.ts: rules and SQL) is called by routes, ' +
        'the JSON API and jobs; it must not depend on them. It imports no .tsx file, nothing from ' +
        'server/http/, server/api/ (an edge itself) or web/, and not hono. server/api/ and ' +
        'server/http/ are edges and are not covered here; server/shared/ has its own rule.',
      from: { path: SERVICE_MODULE },
      to: { path: ['\\.tsx$', '^server/(http|api)/', '^web/', HONO] },
    },
    {
      name: 'no-feature-imports-another-features-pages',
      severity: 'error',
      comment:
        'Routes and pages (*.tsx) belong to their feature: a file in server/<feature>/ imports ' +
        'no .tsx file from a different folder under server/ (server/http/ excepted: its render ' +
        'and form pages are shared). To reuse another feature, call its service (*.ts). ' +
        'server/app.tsx is not in a feature folder and may import every feature\'s routes. ' +
        'A service (*.ts) importing any .tsx file is reported once, by service-imports-no-edge.',
      from: { path: '^server/([^/]+)/', pathNot: SERVICE_MODULE },
      to: { path: '^server/(?!http/)[^/]+/.+\\.tsx$', pathNot: '^server/$1/' },
    },
    {
      name: 'jobs-only-services',
      severity: 'error',
      comment:
        'jobs/ (the job registry, scheduler and its command line) run services: they import no ' +
        '.tsx file and nothing from server/http/ or web/.',
      from: { path: '^jobs/' },
      to: { path: ['\\.tsx$', '^server/http/', '^web/'] },
    },
    {
      name: 'nothing-imports-an-entry',
      severity: 'error',
      comment:
        'The entries (server/node.ts, server/worker.ts, the command lines) are the top: they read ' +
        'the environment and the arguments and wire the app. Nothing imports them.',
      from: {},
      to: { path: '^(server/(node|worker)\\.ts|jobs/cli\\.ts)$' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'No import cycles, type-only imports included: a cycle through a type still ties two ' +
        'modules together, so that neither can move (or be read) without the other, and usually ' +
        'means one of them is in the wrong layer. Break it by moving the shared piece down.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        'Every import resolves to a file or an installed package; otherwise the rules above ' +
        'cannot see where it points (and the build would fail).',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Packages are seen (the hono rules need to see an import of hono) but not cruised into.
    // They are deliberately not in `exclude`: an excluded module disappears from the results
    // together with every import of it. node_modules may be a symlink (git worktrees), so a
    // package's resolved path can be ../<elsewhere>/node_modules/...; the rules match
    // `(^|/)node_modules/` for that reason.
    doNotFollow: { path: '(^|/)node_modules/' },
    // Tests, benchmarks and build scripts may reach into any layer; web/static/ holds browser
    // scripts served as files, not modules of the app.
    exclude: { path: '^(test|bench|scripts|dist)/|^web/static/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      // Subpath imports such as hono/jsx and @oslojs/crypto/sha2 resolve through the
      // package's "exports" map only.
      exportsFields: ['exports'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
