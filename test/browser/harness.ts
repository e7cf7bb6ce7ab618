// The browser harness: the real server (node --import tsx server/node.ts) as a child
// process on a free loopback port, with a fresh PGlite data folder, the demo seed and a
// real SMTP peer; and real Chromium driven by playwright-core, with a fresh browser
// context for every test. Every wait is bounded.
//
// Use it from a *.e2e.ts file:
//
//   const h = useBrowserHarness();
//   it('...', async () => {
//     await signInAs(h.page, 'coordinator@rscp.example');   // ends on /account
//     await h.page.goto(h.url('/manage'));
//     await checkAccessibility(h.page);                      // on every page visited
//   });
//
// For data no page can make, useBrowserHarness({ prepare }) writes to the server's database
// (migrated, demo seeded) before the server starts.
//
// After each test the harness fails it if any page had a script error, a CSP refusal or
// a stylesheet, font, image or script that did not load.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AxeResults, Result as AxeResult, RunOptions } from 'axe-core';
import type { ParsedMail } from 'mailparser';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Database } from '../../db/database';
import { openDatabase } from '../../db/open';
import { seedDemo } from '../../server/demo/seed';
import { startSmtpPeer } from '../support/smtp';

const ROOT = resolve(import.meta.dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
export const SCREENS_DIR = '/tmp/screens';

/** Bounded waits, in milliseconds. */
const SERVER_START_MS = 60_000;
const SERVER_STOP_MS = 10_000;
const MAIL_MS = 10_000;
const NAVIGATION_MS = 20_000;
const ACTION_MS = 10_000;

type SmtpPeer = Awaited<ReturnType<typeof startSmtpPeer>>;

/** Something a page did that no page should: a script error, a CSP refusal, a missing stylesheet, font or image. */
interface PageProblem {
  page: string;
  problem: string;
}

export interface BrowserHarness {
  /** http://localhost:PORT, the server's BASE_URL (links in emails start with it). */
  readonly baseUrl: string;
  readonly smtp: SmtpPeer;
  readonly browser: Browser;
  /** This test's context and page (JavaScript on). */
  readonly context: BrowserContext;
  readonly page: Page;
  url(path: string): string;
  /** Another context for this test (say javaScriptEnabled: false); closed after the test. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** What the server printed, for diagnosing a failure. */
  serverOutput(): string;
}

interface State {
  baseUrl: string;
  smtp: SmtpPeer;
  browser: Browser;
  server: ChildProcess;
  serverExited: Promise<void>;
  output: string[];
  dataDir: string;
  contexts: BrowserContext[];
  context?: BrowserContext;
  page?: Page;
  problems: PageProblem[];
  /** Where pages seen without JavaScript are copied for axe (see checkScriptlessCopy). */
  mirror?: { page: Page; document?: { url: string; html: string } };
}

let state: State | undefined;
const current = () => {
  if (!state) throw new Error('The browser harness is not running: call useBrowserHarness() at the top of the test file');
  return state;
};

/** A free loopback port: listen on port 0, note the port, close. */
async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitForHealth(baseUrl: string, server: ChildProcess, output: string[]) {
  const deadline = Date.now() + SERVER_START_MS;
  let last = '';
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`The server exited (${server.exitCode ?? server.signalCode}) before it was healthy:\n${output.join('')}`);
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = String(error);
    }
    await sleep(150);
  }
  throw new Error(`The server was not healthy after ${SERVER_START_MS / 1000} s (last: ${last}):\n${output.join('')}`);
}

/** What a file's `prepare` is given: the server's database, before the server opens it. */
export interface Preparation {
  db: Database;
  /** The server's BASE_URL, as links in its emails start. */
  baseUrl: string;
  /** The SMTP peer's address, to send mail queued here through it as the server would. */
  smtpUrl: string;
}

export interface HarnessOptions {
  /**
   * Runs once, on the fresh data folder migrated and seeded with the demo, before the server
   * starts: for what no page can make, such as a session three months ago. PGlite is one
   * process's at a time, so this is the only moment a test can write to the server's database.
   */
  prepare?: (setup: Preparation) => Promise<void>;
}

async function prepareDatabase(dataDir: string, setup: Omit<Preparation, 'db'>, prepare: NonNullable<HarnessOptions['prepare']>) {
  const database = await openDatabase({ dataDir });
  try {
    await seedDemo(database.db, new Date(), { baseUrl: setup.baseUrl });
    await prepare({ db: database.db, ...setup });
  } finally {
    await database.close();
  }
}

async function startServer(smtpUrl: string, prepare?: HarnessOptions['prepare']) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'browser-e2e-'));
  const baseUrl = `http://localhost:${port}`;
  if (prepare) {
    try {
      await prepareDatabase(join(dataDir, 'db'), { baseUrl, smtpUrl }, prepare);
    } catch (error) {
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }
  // Start from the inherited environment without any of the app's settings, so a
  // DATABASE_URL or SECRET in the developer's shell cannot leak into the run.
  const env: Record<string, string> = {};
  const appKeys = /^(DEMO|BASE_URL|PORT|HOST|PARTNERSHIP|SECRET|MAIL_FROM|COOKIE_SECURE|SESSION_.*|SIGN_IN_.*|TRUST_PROXY|DATABASE_URL|DATA_DIR|SMTP_URL)$/;
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !appKeys.test(k)) env[k] = v;
  Object.assign(env, {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: join(dataDir, 'db'),
    DEMO: 'true',
    SMTP_URL: smtpUrl,
    BASE_URL: baseUrl,
    // Secure cookies are kept on http://localhost: Chromium treats localhost as a secure context.
    COOKIE_SECURE: 'true',
    NODE_ENV: 'test',
  });
  // node itself, not npx: killing npx would leave the server running.
  const server = spawn(process.execPath, ['--import', 'tsx', 'server/node.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  server.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  server.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  const serverExited = new Promise<void>((r) => server.once('exit', () => r()));
  try {
    await waitForHealth(`http://127.0.0.1:${port}`, server, output);
  } catch (error) {
    await stopServer(server, serverExited);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return { server, serverExited, output, baseUrl, dataDir };
}

async function stopServer(server: ChildProcess, exited: Promise<void>) {
  if (server.exitCode !== null || server.signalCode !== null) return;
  server.kill('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), sleep(SERVER_STOP_MS).then(() => false)]);
  if (!stopped) {
    server.kill('SIGKILL');
    await Promise.race([exited, sleep(2_000)]);
  }
}

/** Watches a page for script errors, CSP refusals and failed subresources (stylesheets, fonts, images, scripts). */
function watch(page: Page, problems: PageProblem[]) {
  const where = () => page.url().replace(/^https?:\/\/[^/]+/, '');
  page.on('pageerror', (error) => problems.push({ page: where(), problem: `script error: ${error.message}` }));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // Chromium logs every HTTP error status, the page's own 404 and 422 too; failed subresources are caught below.
    if (/^Failed to load resource/.test(message.text())) return;
    problems.push({ page: where(), problem: `console error: ${message.text()}` });
  });
  page.on('requestfailed', (request) => {
    // Leaving a page cancels what it was still fetching: that is not a fault.
    if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.push({ page: where(), problem: `request failed: ${request.url()} (${request.failure()?.errorText})` });
  });
  page.on('response', (response) => {
    const request = response.request();
    if (request.resourceType() === 'document' || response.status() < 400) return;
    problems.push({ page: where(), problem: `HTTP ${response.status()} for ${request.resourceType()} ${response.url()}` });
  });
}

const CONTEXT_DEFAULTS: BrowserContextOptions = { locale: 'en-GB', timezoneId: 'Europe/London', viewport: { width: 1280, height: 900 } };

/** Contexts made with javaScriptEnabled: false (axe cannot run in them: see checkAccessibility). */
const scriptless = new WeakSet<BrowserContext>();

async function openContext(s: State, options: BrowserContextOptions = {}) {
  const context = await s.browser.newContext({ ...CONTEXT_DEFAULTS, ...options });
  context.setDefaultNavigationTimeout(NAVIGATION_MS);
  context.setDefaultTimeout(ACTION_MS);
  if (options.javaScriptEnabled === false) scriptless.add(context);
  s.contexts.push(context);
  context.on('page', (page) => watch(page, s.problems));
  const page = await context.newPage();
  return { context, page };
}

/**
 * Starts the server, the SMTP peer and Chromium before the file's tests, gives each test
 * a fresh context, checks after each test that no page had a script error, a CSP
 * refusal or a missing asset, and stops everything after the file.
 */
export function useBrowserHarness(options: HarnessOptions = {}): BrowserHarness {
  beforeAll(async () => {
    const smtp = await startSmtpPeer();
    // The server (most of the start-up time) and Chromium start side by side.
    const [started, launched] = await Promise.allSettled([
      startServer(smtp.url, options.prepare),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 }),
    ]);
    if (started.status === 'rejected' || launched.status === 'rejected') {
      if (started.status === 'fulfilled') {
        await stopServer(started.value.server, started.value.serverExited);
        rmSync(started.value.dataDir, { recursive: true, force: true });
      }
      if (launched.status === 'fulfilled') await Promise.race([launched.value.close(), sleep(10_000)]);
      await Promise.race([smtp.close(), sleep(2_000)]);
      throw started.status === 'rejected' ? started.reason : (launched as PromiseRejectedResult).reason;
    }
    state = { ...started.value, smtp, browser: launched.value, contexts: [], problems: [] };
  });

  beforeEach(async () => {
    const s = current();
    s.problems = [];
    const { context, page } = await openContext(s);
    s.context = context;
    s.page = page;
  });

  afterEach(async () => {
    const s = state;
    if (!s) return;
    const contexts = s.contexts.splice(0);
    await Promise.all(contexts.map((c) => Promise.race([c.close(), sleep(5_000)])));
    s.context = undefined;
    s.page = undefined;
    s.mirror = undefined;
    if (s.server.exitCode !== null || s.server.signalCode !== null) {
      throw new Error(`The server stopped during the test (${s.server.exitCode ?? s.server.signalCode}):\n${s.output.join('')}`);
    }
    if (s.problems.length) {
      const lines = [...new Set(s.problems.map((p) => `  ${p.page}: ${p.problem}`))];
      throw new Error(`Pages had problems:\n${lines.join('\n')}`);
    }
  });

  afterAll(async () => {
    const s = state;
    state = undefined;
    printAxeSummary();
    if (!s) return;
    await Promise.race([s.browser.close(), sleep(10_000)]);
    await stopServer(s.server, s.serverExited);
    await Promise.race([s.smtp.close(), sleep(5_000)]);
    rmSync(s.dataDir, { recursive: true, force: true });
  });

  return {
    get baseUrl() {
      return current().baseUrl;
    },
    get smtp() {
      return current().smtp;
    },
    get browser() {
      return current().browser;
    },
    get context() {
      const c = current().context;
      if (!c) throw new Error('No browser context outside a test');
      return c;
    },
    get page() {
      const p = current().page;
      if (!p) throw new Error('No page outside a test');
      return p;
    },
    url: (path: string) => `${current().baseUrl}${path}`,
    newPage: async (options?: BrowserContextOptions) => (await openContext(current(), options)).page,
    serverOutput: () => current().output.join(''),
  };
}

// ---------------------------------------------------------------------------------------
// Accessibility

const AXE_SOURCE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

interface AxeRecord {
  page: string;
  violations: string[];
  passes: number;
  incomplete: string[];
}
const axeLog: AxeRecord[] = [];

function describeViolation(v: AxeResult) {
  const nodes = v.nodes.map((n) => `      ${n.target.join(' ')}${n.failureSummary ? `\n        ${n.failureSummary.replace(/\n/g, '\n        ')}` : ''}`);
  return `  ${v.id} (${v.impact ?? 'no impact'}): ${v.help}\n    ${v.helpUrl}\n${nodes.join('\n')}`;
}

/**
 * Runs axe-core in the page against WCAG 2.0, 2.1 and 2.2 A and AA, and fails listing the
 * violations. The app's Content-Security-Policy (script-src 'self') refuses an inline
 * <script> (page.addScriptTag), so axe's source is evaluated through the DevTools
 * protocol (page.evaluate), which the CSP does not govern: the page keeps its real CSP.
 */
export async function checkAccessibility(page: Page, label?: string): Promise<AxeResults> {
  await page.waitForLoadState('load');
  const where = label ?? new URL(page.url()).pathname;
  if (scriptless.has(page.context())) return checkScriptlessCopy(page, where);
  return runAxe(page, where);
}

/**
 * Chromium 156 with playwright-core 1.65 closes the whole browser when a timer fires in a
 * page of a javaScriptEnabled: false context, even in an isolated world, and axe uses
 * timers. So a page seen without JavaScript is checked as a copy: its document (as the
 * server sent it, parsed) is served at the same address in a context where JavaScript
 * runs only for axe, with the app's own scripts refused, so it renders as it did.
 */
async function checkScriptlessCopy(page: Page, where: string): Promise<AxeResults> {
  const s = current();
  const copy = await mirrorPage(s);
  const address = page.url();
  s.mirror!.document = { url: address.replace(/#.*$/, ''), html: await page.content() };
  await copy.goto(address);
  const classes = await copy.locator('body').getAttribute('class');
  if (classes?.includes('js-enabled')) throw new Error(`The copy of ${where} ran the app's scripts`);
  return runAxe(copy, where, page);
}

/** The test's mirror page (made on first use, closed with the test's other contexts). */
async function mirrorPage(s: State): Promise<Page> {
  if (s.mirror) return s.mirror.page;
  const context = await s.browser.newContext({ ...CONTEXT_DEFAULTS });
  context.setDefaultNavigationTimeout(NAVIGATION_MS);
  context.setDefaultTimeout(ACTION_MS);
  s.contexts.push(context);
  const page = await context.newPage();
  const mirror: NonNullable<State['mirror']> = { page };
  await page.route('**/*', (route) => {
    const request = route.request();
    if (request.isNavigationRequest() && mirror.document && request.url() === mirror.document.url) {
      return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: mirror.document.html });
    }
    if (request.resourceType() === 'script') return route.abort('blockedbyclient');
    return route.continue();
  });
  s.mirror = mirror;
  return page;
}

async function runAxe(page: Page, where: string, titleFrom: Page = page): Promise<AxeResults> {
  const hasAxe = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!hasAxe) await page.evaluate(`${AXE_SOURCE}\n;undefined`);
  const options: RunOptions = { runOnly: { type: 'tag', values: WCAG_TAGS }, resultTypes: ['violations', 'incomplete'] };
  const results = await page.evaluate(
    (opts) => (window as unknown as { axe: { run(context: Document, options: unknown): Promise<AxeResults> } }).axe.run(document, opts),
    options as unknown as Record<string, unknown>,
  );
  axeLog.push({
    page: where,
    violations: results.violations.map((v) => `${v.id} x${v.nodes.length}`),
    passes: results.passes.length,
    incomplete: results.incomplete.map((v) => `${v.id} x${v.nodes.length}`),
  });
  if (results.violations.length) {
    throw new Error(`Accessibility violations on ${where} (${await titleFrom.title()}):\n${results.violations.map(describeViolation).join('\n')}`);
  }
  return results;
}

function printAxeSummary() {
  if (!axeLog.length) return;
  const lines = axeLog.splice(0).map(
    (r) => `  ${r.page}: ${r.violations.length ? `VIOLATIONS ${r.violations.join(', ')}` : 'no violations'}; ${r.passes} rules passed${r.incomplete.length ? `; needs review: ${r.incomplete.join(', ')}` : ''}`,
  );
  console.log(`axe-core (WCAG 2.0/2.1/2.2 A and AA) per page checked:\n${lines.join('\n')}`);
}

// ---------------------------------------------------------------------------------------
// Mail and signing in

/** Mail to `email` that arrives after message number `since` (take `since` before the action that sends it). */
export async function waitForMail(email: string, since: number, timeoutMs = MAIL_MS): Promise<ParsedMail> {
  const { smtp } = current();
  const deadline = Date.now() + timeoutMs;
  const wanted = email.toLowerCase();
  const addressed = (m: ParsedMail) =>
    (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).some((to) => to.value.some((a) => a.address?.toLowerCase() === wanted));
  for (;;) {
    const found = smtp.received.slice(since).find(addressed);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`No mail to ${email} within ${timeoutMs} ms (${smtp.received.length - since} other messages arrived)`);
    await sleep(50);
  }
}

/** How many messages the SMTP peer has received: pass it to waitForMail as `since`. */
export const mailCount = () => current().smtp.received.length;

/** The sign-in link in a message. */
export function signInLinkIn(mail: ParsedMail): string {
  const link = mail.text?.match(/https?:\/\/\S+\/sign-in\/link\?token=[a-z2-7]{32}/)?.[0];
  if (!link) throw new Error(`No sign-in link in the mail "${mail.subject}":\n${mail.text}`);
  return link;
}

/**
 * Signs the page's context in as `email`, the way a person does: asks for a link on
 * /sign-in, reads the mail from the SMTP peer, follows the link and presses Continue.
 * Ends on /account. The demo seed has coordinator@, trainer@, reviewer@, lead@ and
 * practitioner@rscp.example.
 */
export async function signInAs(page: Page, email: string): Promise<void> {
  const s = current();
  const since = mailCount();
  await page.goto(`${s.baseUrl}/sign-in`);
  await page.getByLabel('Work email address').fill(email);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
  const link = signInLinkIn(await waitForMail(email, since));
  await page.goto(link);
  await page.getByRole('button', { name: 'Continue to sign in' }).click();
  await page.waitForURL(`${s.baseUrl}/account`);
}

/** A full-page screenshot in /tmp/screens/NAME.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  const path = join(SCREENS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Someone registering through /register (the organisation and group default to the first in each list). */
export interface NewPerson {
  name: string;
  email: string;
  /** The organisation's name as listed; the first organisation when absent. */
  organisation?: string;
  jobTitle?: string;
  /** Which workforce group, counting from 1 in the list; 1 when absent. */
  workforceGroup?: number;
}

/**
 * Registers a new practitioner the way a person does: fills in /register, reads the
 * sign-in link from the mail the SMTP peer receives, follows it and presses Continue.
 * Ends on /account. (The pages on the way are checked with axe in practitioner.e2e.ts.)
 */
export async function registerAs(page: Page, person: NewPerson): Promise<void> {
  const s = current();
  await page.goto(`${s.baseUrl}/register`);
  await page.getByLabel('Full name').fill(person.name);
  await page.getByLabel('Work email address').fill(person.email);
  await page.getByLabel('Organisation').selectOption(person.organisation ? { label: person.organisation } : { index: 1 });
  await page.getByLabel('Job title').fill(person.jobTitle ?? 'Family support worker');
  await page.getByLabel('Workforce group').selectOption({ index: person.workforceGroup ?? 1 });
  const since = mailCount();
  await page.getByRole('button', { name: 'Register' }).click();
  await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
  await page.goto(signInLinkIn(await waitForMail(person.email, since)));
  await Promise.all([page.waitForURL(`${s.baseUrl}/account`), page.getByRole('button', { name: 'Continue to sign in' }).click()]);
}

/** A calendar file attached to a mail: its text and its properties (lines unfolded). */
export interface CalendarAttachment {
  filename: string;
  contentType: string;
  text: string;
  /**
   * Each property's value by name, without parameters ("DTSTART;TZID=...:x" is DTSTART):
   * the first occurrence wins, so METHOD is the calendar's and DTSTART, UID and STATUS the event's.
   */
  props: Record<string, string>;
}

/** The attachment named `filename` (say invite.ics or cancel.ics) in a mail, parsed as iCalendar (RFC 5545). */
export function calendarIn(mail: ParsedMail, filename: string): CalendarAttachment {
  const attachment = mail.attachments.find((a) => a.filename === filename);
  if (!attachment) {
    throw new Error(`No ${filename} attached to "${mail.subject}" (attachments: ${mail.attachments.map((a) => a.filename ?? a.contentType).join(', ') || 'none'})`);
  }
  const text = attachment.content.toString('utf8');
  const props: Record<string, string> = {};
  // Unfold: a line starting with a space or a tab continues the one before.
  for (const line of text.replace(/\r?\n[ \t]/g, '').split(/\r?\n/)) {
    const match = /^([A-Z][A-Z0-9-]*)(?:;[^:]*)?:(.*)$/.exec(line);
    if (match && !(match[1] in props)) props[match[1]] = match[2];
  }
  return { filename, contentType: attachment.contentType, text, props };
}
