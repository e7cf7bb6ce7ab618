import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/database';
import { people, personRoles, type Role } from '../../db/schema';
import { setUpPartnership } from '../../server/admin/partnership';
import { seedDemo } from '../../server/demo/seed';
import { createSession, sessionPolicy } from '../../server/accounts/sessions';
import { createApp } from '../../server/app';
import { fixedClock } from '../../server/shared/clock';
import type { Config } from '../../server/shared/config';
import { captureMailer, type Mailer } from '../../server/mail/mailer';
import { createPerson } from '../../server/accounts/service';
import type { TokenUseBatch } from '../../server/accounts/token-uses';
import { competencyFrameworks, organisations, partnerships, workforceGroups } from '../../db/schema';

export const TEST_NOW = '2026-11-23T10:00:00Z';

export const testConfig = (overrides: Partial<Config> = {}): Config => ({
  demo: true,
  baseUrl: 'http://localhost:8787',
  partnership: 'rotherham',
  secret: 'test-secret-test-secret-test-secret-0123',
  mailFrom: 'RSCP training <training@rscp.example>',
  cookieSecure: true,
  sessionIdleMinutes: 60,
  sessionAbsoluteDays: 30,
  signInLinkMinutes: 15,
  signInLimitPerEmail: 5,
  signInLimitPerAddress: 30,
  signInLimitWindowMinutes: 15,
  trustProxy: true,
  ...overrides,
});

/** The app over a test database, with a clock the test moves. */
export function buildApp(db: Database, options: { config?: Partial<Config>; mailer?: Mailer; now?: string; tokenUses?: TokenUseBatch } = {}) {
  const clock = fixedClock(options.now ?? TEST_NOW);
  const config = testConfig(options.config);
  const deps = { db, clock, config, mailer: options.mailer ?? captureMailer };
  const app = createApp({ ...deps, tokenUses: options.tokenUses, clientAddress: () => '127.0.0.1' });
  return { app, clock, config, deps };
}

export async function seed(db: Database, kind: 'partnership' | 'demo' = 'demo') {
  if (kind === 'demo') await seedDemo(db, new Date(TEST_NOW));
  else await setUpPartnership(db);
}

let counter = 0;
/** A new person holding the given roles (practitioner always), in the seeded partnership. */
export async function makePerson(db: Database, roles: Role[] = [], overrides: { email?: string; name?: string } = {}) {
  // The seeded partnership's, when the database holds others too.
  const [home] = await db.select({ id: partnerships.id }).from(partnerships).where(eq(partnerships.slug, 'rotherham'));
  const [org] = await db.select().from(organisations).where(eq(organisations.partnershipId, home.id)).limit(1);
  // A group of the current version: registration refuses a draft's or an earlier version's.
  const [group] = await db
    .select({ id: workforceGroups.id })
    .from(workforceGroups)
    .innerJoin(competencyFrameworks, eq(competencyFrameworks.id, workforceGroups.frameworkId))
    .where(and(eq(competencyFrameworks.current, true), eq(competencyFrameworks.partnershipId, home.id)))
    .orderBy(workforceGroups.sortOrder)
    .limit(1);
  counter++;
  const email = overrides.email ?? `person${counter}.${Math.random().toString(36).slice(2, 8)}@partner.example`;
  const id = await createPerson(
    db,
    org.partnershipId,
    { name: overrides.name ?? `Test Person ${counter}`, email, organisationId: org.id, jobTitle: 'Social worker', workforceGroupId: group.id },
    roles,
    null,
  );
  return { id, email, organisationId: org.id };
}

export async function rolesOf(db: Database, personId: string) {
  return (await db.select().from(personRoles).where(eq(personRoles.personId, personId))).map((r) => r.role);
}

export async function personByEmail(db: Database, email: string) {
  const [p] = await db.select().from(people).where(eq(people.email, email));
  return p;
}

type App = ReturnType<typeof buildApp>['app'];

/**
 * A browser-like client over app.request: keeps cookies, and finds the CSRF token on
 * a page before posting a form, as a person's browser would have it.
 */
export class TestClient {
  cookies = new Map<string, string>();
  private csrf?: string;
  constructor(private app: App, private address = '127.0.0.1') {}

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keepCookies(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...rest] = pair.split('=');
      const value = rest.join('=');
      if (!value || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
      if (name === 'session') this.csrf = undefined;
    }
  }

  async request(path: string, init: RequestInit = {}) {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', this.cookieHeader());
    headers.set('x-forwarded-for', this.address);
    const res = await this.app.request(path, { ...init, headers });
    this.keepCookies(res);
    return res;
  }

  get(path: string, headers: Record<string, string> = {}) {
    return this.request(path, { headers });
  }

  /** The CSRF token from a page's form, as the browser would post it. */
  async csrfToken(): Promise<string> {
    if (this.csrf) return this.csrf;
    const res = await this.get(this.cookies.has('session') ? '/account' : '/sign-in');
    const html = await res.text();
    const match = html.match(/name="_csrf" value="([^"]+)"/);
    if (!match) throw new Error('No CSRF token on the page');
    this.csrf = match[1];
    return this.csrf;
  }

  async post(path: string, form: Record<string, string | string[]> = {}, options: { csrf?: string | false } = {}) {
    const body = new URLSearchParams();
    const token = options.csrf === false ? undefined : (options.csrf ?? (await this.csrfToken()));
    if (token) body.append('_csrf', token);
    for (const [k, v] of Object.entries(form)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
    return this.request(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  /** Signs in directly through a new session (the emailed-link flow has its own tests). */
  async signInAs(db: Database, personId: string, now: Date, config: Config) {
    const { token } = await createSession(db, personId, now, sessionPolicy(config));
    this.cookies.set('session', token);
    this.csrf = undefined;
    return this;
  }
}
