import { eq, inArray, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { bookingApprovals, bookings, outbox, people, personRoles, rateLimits, sessions } from '../../db/schema';
import { MANAGER_MAILS_PER_DAY } from '../../server/accounts/line-manager';
import { addWorkingDays } from '../../server/shared/working-days';
import { bookPlace, cancelBooking, cancelSession, changeCapacity, decideApproval, lapseApprovals, moveBooking } from '../../server/bookings/service';
import { DAY, HOUR } from '../../server/shared/clock';
import { DomainError } from '../../server/shared/errors';
import { statusOf } from '../../server/http/errors';
import { hashToken } from '../../server/shared/tokens';
import { formatDate } from '../../server/shared/dates';
import { createTestDatabase } from '../support/database';
import { makePerson, seed, TEST_NOW } from '../support/app';
import { bookingScope, makeSession } from '../support/fixtures';
import type { ServiceContext } from '../../server/shared/context';

// Promises 1 and 2 under random sequences of booking actions. Each run builds a small world
// (one course, two sessions, six people, a movable clock), plays 25-40 generated commands
// against the real booking service, and after every step checks the database against the
// invariants and against a model of the booking rules written from scratch below.
//
// A failure names the broken invariant, the world and every step up to it (shrunk).
// Reproduce it with what fast-check prints: PROPERTY_SEED=... PROPERTY_PATH=... (add
// PROPERTY_NO_SHRINK=1 to skip shrinking). More or fewer runs: PROPERTY_RUNS=300.
// PROPERTY_STATS=1 prints how often each command had each outcome.

const NUM_RUNS = Number(process.env.PROPERTY_RUNS ?? 40);
const SEED = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : undefined;
const PATH = process.env.PROPERTY_PATH;
const POOL = 6;
const S = ['S1', 'S2'] as const;

// ---------------------------------------------------------------------------------------
// Generated input: the world and the commands.

type Manager = 'a' | 'b' | 'c' | null;
interface World {
  capacities: [number, number];
  requiresManagerApproval: boolean;
  /** Days from TEST_NOW to the first session; the second is a week later. */
  startInDays: number;
  /** Each person's line manager (shared managers allowed), or none. */
  managers: Manager[];
}

/**
 * `pick` chooses among the bookings the command applies to when it runs (pick modulo their
 * number, oldest first), so commands stay meaningful as fast-check shrinks the sequence.
 * `stale` aims at an ended booking (or a decided request) instead, which must be refused.
 */
type Command =
  | { kind: 'book'; person: number; session: number; by: 'self' | 'coordinator' }
  | { kind: 'cancel'; pick: number; stale: boolean }
  | { kind: 'decide'; pick: number; stale: boolean; decision: 'approved' | 'declined' }
  | { kind: 'lapse'; hours: number }
  | { kind: 'wait'; hours: number }
  | { kind: 'capacity'; session: number; capacity: number }
  | { kind: 'move'; pick: number }
  | { kind: 'cancelSession'; session: number };

const person = fc.integer({ min: 0, max: POOL - 1 });
const session = fc.integer({ min: 0, max: 1 });

const worldArb: fc.Arbitrary<World> = fc.record({
  capacities: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
  requiresManagerApproval: fc.constantFrom(false, true, true),
  startInDays: fc.integer({ min: 6, max: 35 }),
  managers: fc.array(fc.constantFrom<Manager>(null, 'a', 'b', 'c'), { minLength: POOL, maxLength: POOL }),
});

const pick = fc.nat({ max: 11 });
const stale = fc.constantFrom(false, false, false, false, true);
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 40, arbitrary: fc.record({ kind: fc.constant('book' as const), person, session, by: fc.constantFrom('self' as const, 'self' as const, 'self' as const, 'coordinator' as const) }) },
  { weight: 14, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick, stale }) },
  { weight: 14, arbitrary: fc.record({ kind: fc.constant('decide' as const), pick, stale, decision: fc.constantFrom('approved' as const, 'declined' as const) }) },
  // Mostly a short step (a hold may or may not run out), sometimes a week and more (past any hold).
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('lapse' as const), hours: fc.oneof(fc.integer({ min: 1, max: 72 }), fc.integer({ min: 7 * 24 + 1, max: 9 * 24 })) }) },
  // Time passing without the lapse job (a hold can run out before the job sees it).
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('wait' as const), hours: fc.integer({ min: 1, max: 7 * 24 }) }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('capacity' as const), session, capacity: fc.integer({ min: 1, max: 5 }) }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('move' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancelSession' as const), session }) },
);

/**
 * 25-40 commands when generated, yet shrinkable to any length: fc.array would never shrink
 * below its minLength, so a counterexample would keep 25 steps, most of them noise.
 */
function commandsArb(minLength: number, maxLength: number): fc.Arbitrary<Command[]> {
  const generated = fc.array(commandArb, { minLength, maxLength });
  const shrinkable = fc.array(commandArb, { maxLength });
  return new (class extends fc.Arbitrary<Command[]> {
    generate(mrng: fc.Random, biasFactor: number | undefined) {
      return new fc.Value(generated.generate(mrng, biasFactor).value, undefined);
    }
    canShrinkWithoutContext(value: unknown): value is Command[] {
      return shrinkable.canShrinkWithoutContext(value);
    }
    shrink(value: Command[], context: unknown) {
      return shrinkable.shrink(value, context);
    }
  })();
}

const label = (c: Command): string => {
  switch (c.kind) {
    case 'book':
      return `book(P${c.person}, ${S[c.session]}${c.by === 'coordinator' ? ', by coordinator' : ''})`;
    case 'cancel':
      return `cancel(${c.stale ? 'ended ' : ''}booking #${c.pick})`;
    case 'decide':
      return `${c.decision === 'approved' ? 'approve' : 'decline'}(${c.stale ? 'stale ' : ''}request #${c.pick})`;
    case 'lapse':
      return `lapse(+${c.hours}h)`;
    case 'wait':
      return `wait(+${c.hours}h)`;
    case 'capacity':
      return `changeCapacity({ ...${S[c.session]}, actor: ${c.capacity} })`;
    case 'move':
      return `move(booking #${c.pick})`;
    case 'cancelSession':
      return `cancelSession(${S[c.session]})`;
  }
};

// ---------------------------------------------------------------------------------------
// The model: the booking rules, restated.

type Status = 'confirmed' | 'pending approval' | 'waitlisted' | 'cancelled';
const HOLDS: Status[] = ['confirmed', 'pending approval'];
const LIVE: Status[] = ['confirmed', 'pending approval', 'waitlisted'];

interface ModelBooking {
  id: string;
  person: number;
  session: number;
  status: Status;
  /** Order of joining the session's waiting list (model's own counter). */
  joined?: number;
  approvalExpiresAt?: Date;
  /** The manager's token, learned from the outbox. */
  token?: string;
  /** Made by a coordinator for the person: counts as approved, when booked and when promoted. */
  byCoordinator?: boolean;
}
interface ModelSession {
  id: string;
  capacity: number;
  startsAt: Date;
  closesAt: Date;
  cancelled: boolean;
}

class Model {
  bookings: ModelBooking[] = [];
  private joinCounter = 0;
  /** Mail the current step should queue: "to\nsubject". */
  expectedMail: string[] = [];
  /** Bookings that went pending approval in the current step (each needs one manager email). */
  newlyPending: ModelBooking[] = [];

  constructor(
    readonly world: World,
    readonly sessions: ModelSession[],
    readonly pool: { id: string; email: string; name: string; manager: string | null }[],
    readonly courseTitle: string,
    readonly holdDays: number,
    readonly lateDays: number,
    /** Who decides a place when no manager is asked. */
    readonly coordinators: string[],
  ) {}

  /** The per-address limit on manager emails: a fixed window of a day, as the service counts. */
  private managerWindows = new Map<string, { start: number; hits: number }>();
  mayMailManager(manager: string, now: Date) {
    const w = this.managerWindows.get(manager);
    if (!w || w.start <= now.getTime() - DAY) {
      this.managerWindows.set(manager, { start: now.getTime(), hits: 1 });
      return true;
    }
    w.hits++;
    return w.hits <= MANAGER_MAILS_PER_DAY;
  }

  held = (s: number) => this.bookings.filter((b) => b.session === s && HOLDS.includes(b.status)).length;
  live = (p: number, s: number) => this.bookings.find((b) => b.person === p && b.session === s && LIVE.includes(b.status));
  /** The pick-th (modulo) of the bookings that satisfy `having`, oldest first. */
  choose = (pick: number, having: (b: ModelBooking) => boolean) => {
    const candidates = this.bookings.filter(having);
    return candidates.length ? candidates[pick % candidates.length] : undefined;
  };
  name = (b: ModelBooking) => `P${b.person} ${S[b.session]} ${b.status}`;
  waiting = (s: number) => this.bookings.filter((b) => b.session === s && b.status === 'waitlisted').sort((x, y) => x.joined! - y.joined!);
  open = (s: number, now: Date) => !this.sessions[s].cancelled && this.sessions[s].startsAt > now;

  mail(to: string, subject: string) {
    this.expectedMail.push(`${to}\n${subject}`);
  }
  sessionMail(p: number, s: number, prefix: string) {
    this.mail(this.pool[p].email, `${prefix}: ${this.courseTitle}, ${formatDate(this.sessions[s].startsAt)}`);
  }

  join(b: ModelBooking) {
    b.status = 'waitlisted';
    b.joined = ++this.joinCounter;
  }

  /** A place being taken now, by booking or by promotion from the waiting list. */
  takePlace(b: ModelBooking, now: Date, byCoordinator: boolean) {
    const manager = this.pool[b.person].manager;
    if (this.world.requiresManagerApproval && !byCoordinator) {
      // Pending either way: the manager is asked (while under the limit), else a coordinator decides.
      b.status = 'pending approval';
      b.approvalExpiresAt = addWorkingDays(now, this.holdDays);
      this.sessionMail(b.person, b.session, 'Waiting for approval');
      if (manager && this.mayMailManager(manager, now)) {
        this.mail(manager, `Please approve: ${this.pool[b.person].name} on ${this.courseTitle}`);
        this.newlyPending.push(b);
      } else {
        for (const to of this.coordinators) this.mail(to, `Place to approve: ${this.pool[b.person].name} on ${this.courseTitle}`);
      }
    } else {
      b.status = 'confirmed';
      b.approvalExpiresAt = undefined;
      this.sessionMail(b.person, b.session, 'Booking confirmed');
    }
  }

  /** A freed place goes to the first waiting, while places are free and the session is open. */
  fill(s: number, now: Date): number {
    if (!this.open(s, now)) return 0;
    const free = this.sessions[s].capacity - this.held(s);
    const next = this.waiting(s).slice(0, Math.max(0, free));
    for (const b of next) this.takePlace(b, now, Boolean(b.byCoordinator));
    return next.length;
  }

  end(b: ModelBooking) {
    const held = HOLDS.includes(b.status);
    b.status = 'cancelled';
    return held;
  }
}

// ---------------------------------------------------------------------------------------
// Running commands against the service, with the model's prediction.

class Broken extends Error {}
const broken = (invariant: string, detail: string): never => {
  throw new Broken(`Broken invariant: ${invariant}\n${detail}`);
};

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };
async function attempt<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error };
  }
}

const describeError = (e: unknown) => (e instanceof DomainError ? `DomainError ${statusOf(e)} "${e.message}"` : `${(e as Error)?.stack ?? e}`);

/** The service must refuse with this DomainError (status and message fragment). */
function mustRefuse(outcome: Outcome<unknown>, status: number, message: string) {
  if (outcome.ok) broken('rule refusals match the model', `expected a refusal (${status}, "${message}") but the service accepted: ${JSON.stringify(outcome.value)}`);
  const e = (outcome as { error: unknown }).error;
  if (!(e instanceof DomainError) || statusOf(e) !== status || !e.message.includes(message)) {
    broken('rule refusals match the model', `expected DomainError ${status} "${message}", got ${describeError(e)}`);
  }
  return `refused (${status} ${(e as DomainError).message})`;
}

function mustSucceed<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) broken('rule refusals match the model', `expected success, got ${describeError(outcome.error)}`);
  return (outcome as { value: T }).value;
}

function same(what: string, actual: unknown, expected: unknown) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) broken('service results match the model', `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

const practitioner = (id: string) => ({ id, roles: ['practitioner' as const] });
const coordinator = (id: string) => ({ id, roles: ['coordinator' as const, 'practitioner' as const] });

interface Run {
  scope: ServiceContext & { clock: { now(): Date; advance(ms: number): void } };
  model: Model;
  coordinatorId: string;
}

/** Plays one command; returns what happened, for the log, or 'skipped' when it does not apply. */
async function play(run: Run, cmd: Command): Promise<string> {
  const { scope: s, model } = run;
  const now = s.clock.now();
  const admin = coordinator(run.coordinatorId);
  switch (cmd.kind) {
    case 'book': {
      const sess = model.sessions[cmd.session];
      const p = model.pool[cmd.person];
      const byCoordinator = cmd.by === 'coordinator';
      const outcome = await attempt(() => bookPlace({ ...s, actor: byCoordinator ? admin : practitioner(p.id) }, { sessionId: sess.id, personId: p.id }));
      if (sess.cancelled) return mustRefuse(outcome, 409, 'has been cancelled');
      if (sess.startsAt <= now) return mustRefuse(outcome, 409, 'already started');
      if (sess.closesAt <= now && !byCoordinator) return mustRefuse(outcome, 409, 'Booking for this session has closed');
      const live = model.live(cmd.person, cmd.session);
      if (live) return mustRefuse(outcome, 409, live.status === 'waitlisted' ? 'already on the waiting list' : 'already have a place');
      const booked = mustSucceed(outcome);
      const b: ModelBooking = { id: booked.id, person: cmd.person, session: cmd.session, status: 'waitlisted', byCoordinator };
      model.bookings.push(b);
      if (model.held(cmd.session) < sess.capacity) {
        model.takePlace(b, now, byCoordinator);
        same('bookPlace status', booked.status, b.status);
      } else {
        model.join(b);
        const position = model.waiting(cmd.session).length;
        model.sessionMail(cmd.person, cmd.session, 'On the waiting list');
        same('bookPlace waiting-list result', { status: booked.status, position: booked.position }, { status: 'waitlisted', position });
      }
      return booked.status + (booked.position ? ` #${booked.position}` : '');
    }

    case 'cancel': {
      const target = model.choose(cmd.pick, (b) => LIVE.includes(b.status) !== cmd.stale);
      if (!target) return `skipped (no ${cmd.stale ? 'ended' : 'live'} booking)`;
      const sess = model.sessions[target.session];
      const was = model.name(target);
      const outcome = await attempt(() => cancelBooking({ ...s, actor: practitioner(model.pool[target.person].id) }, target.id));
      if (cmd.stale) return `${was}: ${mustRefuse(outcome, 409, 'already ended')}`;
      if (sess.startsAt <= now) return `${was}: ${mustRefuse(outcome, 409, 'session has started')}`;
      const result = mustSucceed(outcome);
      const late = HOLDS.includes(target.status) && now > addWorkingDays(sess.startsAt, -model.lateDays);
      const held = model.end(target);
      model.sessionMail(target.person, target.session, 'Booking cancelled');
      const promoted = held ? model.fill(target.session, now) : 0;
      same('cancelBooking result', result, { late, promoted });
      return `${was}: cancelled${late ? ' (late)' : ''}, promoted ${promoted}`;
    }

    case 'decide': {
      const target = model.choose(cmd.pick, (b) => Boolean(b.token) && (b.status === 'pending approval') !== cmd.stale);
      if (!target) return `skipped (no ${cmd.stale ? 'stale' : 'open'} request)`;
      const was = model.name(target);
      const outcome = await attempt(() => decideApproval(s, target.token!, cmd.decision));
      if (cmd.stale) return `${was}: ${mustRefuse(outcome, 409, 'already been decided or has expired')}`;
      if (target.approvalExpiresAt! <= now) return `${was}: ${mustRefuse(outcome, 409, 'already been decided or has expired')} (hold ran out)`;
      same('decideApproval result', mustSucceed(outcome), cmd.decision);
      if (cmd.decision === 'approved') {
        target.status = 'confirmed';
        model.sessionMail(target.person, target.session, 'Booking confirmed');
        return `${was}: approved`;
      }
      model.end(target);
      model.sessionMail(target.person, target.session, 'Not approved');
      return `${was}: declined, promoted ${model.fill(target.session, now)}`;
    }

    case 'lapse': {
      s.clock.advance(cmd.hours * HOUR);
      const later = s.clock.now();
      const due = model.bookings.filter((b) => b.status === 'pending approval' && b.approvalExpiresAt! <= later);
      const result = mustSucceed(await attempt(() => lapseApprovals(s)));
      let promoted = 0;
      for (const b of due) {
        model.end(b);
        model.sessionMail(b.person, b.session, 'Place released');
        promoted += model.fill(b.session, later);
      }
      same('lapseApprovals result', result, { lapsed: due.length });
      return `lapsed ${due.length}, promoted ${promoted} (now ${later.toISOString()})`;
    }

    case 'wait': {
      s.clock.advance(cmd.hours * HOUR);
      return `now ${s.clock.now().toISOString()}`;
    }

    case 'capacity': {
      const sess = model.sessions[cmd.session];
      const outcome = await attempt(() => changeCapacity({ ...s, actor: admin }, sess.id, cmd.capacity));
      if (sess.cancelled) return mustRefuse(outcome, 409, 'has been cancelled');
      if (cmd.capacity < model.held(cmd.session)) return mustRefuse(outcome, 422, 'Capacity is too low');
      const result = mustSucceed(outcome);
      sess.capacity = cmd.capacity;
      const promoted = model.fill(cmd.session, now);
      same('changeCapacity result', result, { promoted });
      return `capacity ${cmd.capacity}, promoted ${promoted}`;
    }

    case 'move': {
      const live = model.choose(cmd.pick, (b) => LIVE.includes(b.status));
      if (!live) return 'skipped (no live booking)';
      const from = live.session;
      const to = 1 - from;
      const was = model.name(live);
      const outcome = await attempt(() => moveBooking({ ...s, actor: admin }, live.id, model.sessions[to].id));
      const refused = (status: number, message: string) => `${was} -> ${S[to]}: ${mustRefuse(outcome, status, message)}`;
      if (live.status === 'waitlisted') return refused(409, 'Only a booking with a place can be moved');
      if (!model.open(to, now)) return refused(422, 'That session is not open');
      if (model.held(to) >= model.sessions[to].capacity) return refused(422, 'That session is full');
      if (model.live(live.person, to)) return refused(409, 'already have a booking for this session');
      const result = mustSucceed(outcome);
      model.end(live);
      const moved: ModelBooking = { id: result.booking.id, person: live.person, session: to, status: 'confirmed', byCoordinator: true };
      model.bookings.push(moved);
      model.sessionMail(live.person, to, 'Booking confirmed');
      const promoted = model.fill(from, now);
      same('moveBooking result', { status: result.booking.status, promoted: result.promoted }, { status: 'confirmed', promoted });
      return `${was} -> ${S[to]}: moved, promoted ${promoted}`;
    }

    case 'cancelSession': {
      const sess = model.sessions[cmd.session];
      const result = mustSucceed(await attempt(() => cancelSession({ ...s, actor: admin }, sess.id, 'Trainer unwell')));
      if (sess.cancelled) {
        same('cancelSession result', result, { bookingsEnded: 0, alreadyCancelled: true });
        return 'already cancelled';
      }
      const live = model.bookings.filter((b) => b.session === cmd.session && LIVE.includes(b.status));
      for (const b of live) {
        model.end(b);
        model.sessionMail(b.person, b.session, 'Session cancelled');
      }
      sess.cancelled = true;
      same('cancelSession result', result, { bookingsEnded: live.length, alreadyCancelled: false });
      return `session cancelled, ended ${live.length}`;
    }
  }
}

// ---------------------------------------------------------------------------------------
// The invariants, checked against the database after every step.

type BookingRow = typeof bookings.$inferSelect;
interface Snapshot {
  bookings: BookingRow[];
  seenMail: Set<string>;
}

async function snapshot(run: Run, seenMail: Set<string>): Promise<{ snap: Snapshot; fresh: (typeof outbox.$inferSelect)[]; sessionRows: (typeof sessions.$inferSelect)[] }> {
  const { db } = run.scope;
  const ids = run.model.sessions.map((x) => x.id);
  const sessionRows = await db.select().from(sessions).where(inArray(sessions.id, ids));
  const bookingRows = await db.select().from(bookings).where(inArray(bookings.sessionId, ids));
  const mail = await db.select().from(outbox);
  const fresh = mail.filter((m) => !seenMail.has(m.id));
  return { snap: { bookings: bookingRows, seenMail: new Set(mail.map((m) => m.id)) }, fresh, sessionRows };
}

async function checkInvariants(run: Run, before: Snapshot): Promise<Snapshot> {
  const { model, scope } = run;
  const now = scope.clock.now();
  const { snap, fresh, sessionRows } = await snapshot(run, before.seenMail);
  const rows = snap.bookings;
  const byId = new Map(model.bookings.map((b) => [b.id, b]));
  const who = (r: BookingRow) => `P${model.pool.findIndex((p) => p.id === r.personId)}`;

  model.sessions.forEach((ms, i) => {
    const row = sessionRows.find((r) => r.id === ms.id)!;
    const mine = rows.filter((r) => r.sessionId === ms.id);
    const held = mine.filter((r) => HOLDS.includes(r.status as Status)).length;

    // Promise 1: places held (confirmed + pending approval) == places_taken <= capacity.
    if (held !== row.placesTaken) broken('confirmed + pending approval == places_taken', `${S[i]}: ${held} bookings hold a place but places_taken is ${row.placesTaken}`);
    if (row.placesTaken > row.capacity) broken('places_taken <= capacity', `${S[i]}: places_taken ${row.placesTaken} > capacity ${row.capacity}`);

    // Promise 2: at most one live booking per person per session.
    const liveBy = new Map<string, number>();
    for (const r of mine.filter((x) => LIVE.includes(x.status as Status))) liveBy.set(r.personId, (liveBy.get(r.personId) ?? 0) + 1);
    for (const [personId, n] of liveBy) if (n > 1) broken('one live booking per person per session', `${S[i]}: ${who({ personId } as BookingRow)} has ${n} live bookings`);

    // First come first served: no waiting while a place is free on an open session.
    const waiting = mine.filter((r) => r.status === 'waitlisted');
    if (row.status === 'scheduled' && row.startsAt > now && row.placesTaken < row.capacity && waiting.length) {
      broken('no waiting list while a place is free', `${S[i]}: ${row.capacity - row.placesTaken} free place(s) and ${waiting.length} waiting (${waiting.map(who).join(', ')})`);
    }
    // ... the database orders the waiting list as people joined it.
    const dbOrder = [...waiting].sort((x, y) => x.queueNumber - y.queueNumber).map((r) => r.id);
    const joinOrder = [...waiting].sort((x, y) => (byId.get(x.id)?.joined ?? Infinity) - (byId.get(y.id)?.joined ?? Infinity)).map((r) => r.id);
    if (dbOrder.join() !== joinOrder.join()) broken('waiting list in order of joining', `${S[i]}: queue_number order ${dbOrder.map((id) => who(rows.find((r) => r.id === id)!))} vs joined ${joinOrder.map((id) => who(rows.find((r) => r.id === id)!))}`);
    // ... and whoever was promoted in this step was the earliest still waiting.
    const waitingBefore = before.bookings
      .filter((r) => r.sessionId === ms.id && r.status === 'waitlisted')
      .sort((x, y) => (byId.get(x.id)?.joined ?? Infinity) - (byId.get(y.id)?.joined ?? Infinity));
    const nowStatus = new Map(mine.map((r) => [r.id, r.status as Status]));
    const promoted = waitingBefore.filter((r) => HOLDS.includes(nowStatus.get(r.id)!));
    const expectedPromoted = waitingBefore.filter((r) => nowStatus.get(r.id) !== 'cancelled').slice(0, promoted.length);
    if (promoted.map((r) => r.id).join() !== expectedPromoted.map((r) => r.id).join()) {
      const passedOver = expectedPromoted.filter((r) => !promoted.includes(r));
      broken('promotions take the earliest waiting first', `${S[i]}: promoted ${promoted.map(who)} while ${passedOver.map(who)} had joined the waiting list earlier`);
    }
    // Every promotion produced exactly one email to that person about it.
    for (const r of promoted) {
      const email = model.pool.find((p) => p.id === r.personId)!.email;
      const about = fresh.filter((m) => m.to === email && /^(Booking confirmed|Waiting for approval)/.test(m.subject) && m.subject.endsWith(formatDate(row.startsAt)));
      if (about.length !== 1) broken('one email per promotion', `${S[i]}: ${who(r)} was promoted and got ${about.length} "Booking confirmed"/"Waiting for approval" emails about it: ${JSON.stringify(about.map((m) => m.subject))}`);
    }

    // The session matches the model.
    same(`${S[i]} capacity and status`, { capacity: row.capacity, status: row.status }, { capacity: ms.capacity, status: ms.cancelled ? 'cancelled' : 'scheduled' });
  });

  // Every booking matches the model, and there are no others.
  const actual = rows.map((r) => `${who(r)} ${S[model.sessions.findIndex((x) => x.id === r.sessionId)]} ${r.status} ${r.id}`).sort();
  const expected = model.bookings.map((b) => `P${b.person} ${S[b.session]} ${b.status} ${b.id}`).sort();
  if (actual.join('\n') !== expected.join('\n')) {
    const onlyDb = actual.filter((x) => !expected.includes(x));
    const onlyModel = expected.filter((x) => !actual.includes(x));
    broken('bookings match the model', `in the database only: ${JSON.stringify(onlyDb)}\nin the model only: ${JSON.stringify(onlyModel)}`);
  }

  // The step queued exactly the emails the model expects.
  const got = fresh.map((m) => `${m.to}\n${m.subject}`).sort();
  const want = [...model.expectedMail].sort();
  if (got.join('\n\n') !== want.join('\n\n')) {
    const show = (xs: string[]) => JSON.stringify(xs.map((x) => x.replace('\n', ' | ')));
    broken('outbox matches the model', `queued: ${show(got)}\nexpected: ${show(want)}`);
  }

  // Each booking that went pending approval got one manager email whose token leads to it.
  const requests = fresh.filter((m) => m.subject.startsWith('Please approve'));
  if (requests.length) {
    const approvals = await scope.db.select().from(bookingApprovals).where(inArray(bookingApprovals.bookingId, model.bookings.map((b) => b.id)));
    for (const m of requests) {
      const token = m.text.match(/\/approvals\/([a-z2-7]+)/)?.[1];
      const approval = token ? approvals.find((a) => a.tokenHash === hashToken(token)) : undefined;
      if (!approval) broken('each pending approval has one manager email with a working token', `the email to ${m.to} has no working approval link`);
      const b = byId.get(approval!.bookingId);
      if (!b || !model.newlyPending.includes(b) || b.token) broken('each pending approval has one manager email with a working token', `a token leads to booking ${approval!.bookingId}, which did not just go pending (or already had a token)`);
      if (m.to !== model.pool[b!.person].manager) broken('each pending approval has one manager email with a working token', `approval for P${b!.person} went to ${m.to}`);
      b!.token = token!;
    }
  }
  for (const b of model.newlyPending) if (!b.token) broken('each pending approval has one manager email with a working token', `P${b.person}'s booking on ${S[b.session]} went pending with no manager email`);

  model.expectedMail = [];
  model.newlyPending = [];
  return snap;
}

// ---------------------------------------------------------------------------------------

let database: OpenDatabase;
let pool: { id: string; email: string; name: string }[];
let coordinatorId: string;
let runs = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  pool = [];
  for (let i = 0; i < POOL; i++) {
    const name = `Property Person ${i}`;
    const made = await makePerson(database.db, [], { name });
    pool.push({ ...made, name });
  }
  coordinatorId = (await makePerson(database.db, ['coordinator'])).id;
});
afterAll(() => database.close());

/** A clean slate and a new course with two sessions, as the world says. */
async function setUp(world: World): Promise<Run> {
  const { db } = database;
  runs++;
  await db.execute(sql`truncate table ${bookings}, ${bookingApprovals}, ${outbox}, ${rateLimits} cascade`);
  const startsAt = new Date(new Date(TEST_NOW).getTime() + world.startInDays * DAY);
  const made = await makeSession(db, { capacity: world.capacities[0], requiresManagerApproval: world.requiresManagerApproval, startsAt: startsAt.toISOString(), extraSessions: 1 });
  await db.update(sessions).set({ capacity: world.capacities[1] }).where(eq(sessions.id, made.sessions[1].id));
  const managers = world.managers.map((m) => (m ? `manager.${m}.run${runs}@partner.example` : null));
  for (let i = 0; i < POOL; i++) await db.update(people).set({ lineManagerEmail: managers[i] }).where(eq(people.id, pool[i].id));
  const scope = await bookingScope(db);
  const modelSessions = made.sessions.map((x, i) => ({ id: x.id, capacity: world.capacities[i], startsAt: x.startsAt, closesAt: x.bookingClosesAt, cancelled: false }));
  const model = new Model(
    world,
    modelSessions,
    pool.map((p, i) => ({ ...p, manager: managers[i] })),
    made.course.title,
    scope.partnership.approvalHoldWorkingDays,
    scope.partnership.lateCancellationWorkingDays,
    (await db.selectDistinct({ email: people.email }).from(people).innerJoin(personRoles, eq(personRoles.personId, people.id)).where(eq(personRoles.role, 'coordinator'))).map((r) => r.email),
  );
  return { scope, model, coordinatorId };
}

const describeWorld = (w: World) =>
  `capacities S1=${w.capacities[0]} S2=${w.capacities[1]}, manager approval ${w.requiresManagerApproval ? 'required' : 'not required'}, ` +
  `S1 starts ${w.startInDays} days after ${TEST_NOW} (S2 a week later), line managers ${w.managers.map((m, i) => `P${i}:${m ?? '-'}`).join(' ')}`;

/** PROPERTY_STATS=1: how often each command had each outcome (is the test exercising the rules?). */
const tally = process.env.PROPERTY_STATS ? new Map<string, number>() : undefined;
afterAll(() => {
  if (tally) console.log([...tally].sort().map(([k, n]) => `${String(n).padStart(5)}  ${k}`).join('\n'));
});

describe('booking rules under random sequences of actions (model-based)', () => {
  it('keeps places, waiting lists, single live bookings and promotion emails right after every step', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, commandsArb(25, 40), async (world, commands) => {
        const run = await setUp(world);
        const log: string[] = [];
        let before = (await snapshot(run, new Set())).snap;
        for (const [i, cmd] of commands.entries()) {
          try {
            const what = await play(run, cmd);
            log.push(`${String(i + 1).padStart(2)}. ${label(cmd)} -> ${what}`);
            if (tally) {
              const key = `${cmd.kind}: ${what.replace(/^P\d S\d [a-z ]+?(?: -> S\d)?: /, '').replace(/\d+/g, 'N').replace(/\(now .*\)/, '').replace(/ #N$/, '')}`;
              tally.set(key, (tally.get(key) ?? 0) + 1);
            }
            before = await checkInvariants(run, before);
          } catch (error) {
            if (!log[i]) log.push(`${String(i + 1).padStart(2)}. ${label(cmd)} -> (failed here)`);
            const message = error instanceof Broken ? error.message : `Unexpected error: ${describeError(error)}`;
            throw new Error(`${message}\n  at step ${i + 1}: ${label(cmd)}\n  world: ${describeWorld(world)}\n  steps:\n    ${log.join('\n    ')}`);
          }
        }
      }),
      { numRuns: NUM_RUNS, seed: SEED, path: PATH, endOnFailure: !!process.env.PROPERTY_NO_SHRINK },
    );
  }, 600_000);
});
