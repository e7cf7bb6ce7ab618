// "What people said": the free-text answers of the three-month survey (with the attendee's words
// on the day and their line manager's example), for the PPL group to read, code with the
// partnership's themes and feature as quotations. The rules:
//
// - Nothing names a person: no name, email or organisation, and the answer's id is the survey
//   answer's own (impact_responses.id), which nothing else on the pages or the API links to a person.
// - A sector is said only where at least 5 different people of it answered in the view (the period
//   and filters asked for); otherwise "another sector". A view narrowed to one sector that fewer than
//   5 answered shows no answers at all, since the filter itself would say their sector.
// - Reviewers code answers with the partnership's themes (each coding one transaction, audited);
//   reviewers and coordinators keep the list of themes, retiring rather than deleting.
// - An answer is featured as a quotation only where its author agreed to be quoted; where the
//   identifying-details check flags its words, only once the reviewer confirms they checked them.
import { and, asc, desc, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import { alias, type PgSelect } from 'drizzle-orm/pg-core';
import { answerCodes, answerThemes, bookings, courses, feedback, followUpSurveys, impactResponses, managerResponses, organisations, people, sessions, type Role, type Sector } from '../../db/schema';
import type { Executor } from '../../db/database';
import * as ref from '../../db/reference-data';
import { auditChange } from '../audit/log';
import { describeFindings, identifyingDetails } from '../follow-ups/identifying-details';
import { conflict, forbidden, invalid, isUniqueViolation, notFound } from '../shared/errors';
import type { ServiceContext } from '../shared/context';
import { londonMonth } from '../shared/dates';
import { peopleCount, SMALL_GROUP } from '../shared/statistics';
import { bookingConditions, checkCanReadImpact, withEverything, type Count, type ImpactFilters, type ImpactRange } from './service';

/** Who codes answers and features quotations: the PPL group. */
export const ANSWER_CODERS: Role[] = ['reviewer'];
/** Who keeps the partnership's list of themes. */
export const THEME_KEEPERS: Role[] = ['reviewer', 'coordinator'];
/** Answers on one page of the list. */
export const ANSWERS_PER_PAGE = 50;

const allowed = (s: ServiceContext, roles: Role[], message: string) => {
  if (s.actor && !s.actor.roles.some((r) => roles.includes(r))) throw forbidden(message);
};

// ---- Themes -------------------------------------------------------------------------------------

export interface AnswerTheme {
  id: string;
  name: string;
  retired: boolean;
}

/** Gives a partnership the default themes it does not have yet (by name); running it again changes nothing. */
export async function ensureDefaultAnswerThemes(db: Executor, partnershipId: string): Promise<number> {
  const added = await db
    .insert(answerThemes)
    .values(ref.answerThemes.map((name) => ({ partnershipId, name })))
    .onConflictDoNothing()
    .returning({ id: answerThemes.id });
  return added.length;
}

/** The partnership's themes, those in use first, each by name. */
export async function listAnswerThemes(s: ServiceContext): Promise<AnswerTheme[]> {
  checkCanReadImpact(s);
  return s.db
    .select({ id: answerThemes.id, name: answerThemes.name, retired: answerThemes.retired })
    .from(answerThemes)
    .where(eq(answerThemes.partnershipId, s.partnership.id))
    .orderBy(asc(answerThemes.retired), asc(sql`lower(${answerThemes.name})`));
}

export async function addAnswerTheme(s: ServiceContext, name: string): Promise<AnswerTheme> {
  allowed(s, THEME_KEEPERS, 'Only reviewers and coordinators can change the themes');
  try {
    return await s.db.transaction(async (tx) => {
      const [theme] = await tx.insert(answerThemes).values({ partnershipId: s.partnership.id, name }).returning({ id: answerThemes.id, name: answerThemes.name, retired: answerThemes.retired });
      await auditChange(tx, s, 'answer-theme.added', 'answer theme', theme.id, { name });
      return theme;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw invalid({ name: 'There is already a theme with that name' }, 'There is already a theme with that name');
    throw error;
  }
}

/** Retires a theme (no longer offered for coding; the answers coded with it keep it), or brings it back. */
export async function setAnswerThemeRetired(s: ServiceContext, themeId: string, retired: boolean): Promise<AnswerTheme> {
  allowed(s, THEME_KEEPERS, 'Only reviewers and coordinators can change the themes');
  return s.db.transaction(async (tx) => {
    const [theme] = await tx
      .update(answerThemes)
      .set({ retired })
      .where(and(eq(answerThemes.id, themeId), eq(answerThemes.partnershipId, s.partnership.id)))
      .returning({ id: answerThemes.id, name: answerThemes.name, retired: answerThemes.retired });
    if (!theme) throw notFound('Theme');
    await auditChange(tx, s, retired ? 'answer-theme.retired' : 'answer-theme.restored', 'answer theme', theme.id, { name: theme.name });
    return theme;
  });
}

// ---- Reading the answers ------------------------------------------------------------------------

export interface AnswerFilters {
  practiceChanged?: 'yes' | 'not yet' | 'no';
  /** A theme's id: only answers coded with it; or 'none': only answers not coded yet. */
  code?: string;
  featured?: boolean;
}

/** One answer as the PPL group reads it: no person, email, organisation, booking or survey. */
export interface Answer {
  /** The survey answer's id: linked to nothing else anyone can see. */
  id: string;
  /** The London month of the session, "2025-05". */
  month: string;
  course: string;
  courseThemes: string[];
  /** The sector, or null where fewer than 5 of it answered in the view (or on one answer's own page). */
  sector: Sector | null;
  practiceChanged: 'yes' | 'not yet' | 'no';
  practiceChangeHow: string;
  outcomeImproved: string | null;
  outcomeExample: string;
  sharedLearning: boolean;
  sharedHow: string;
  barriers: string;
  /** From the day's feedback: what they said they would do differently. */
  willDoDifferently: string;
  /** The line manager's example of the change they have seen. */
  managerExample: string;
  quotationConsent: boolean;
  featured: boolean;
  codes: AnswerTheme[];
}

export interface AnswerList {
  answers: Answer[];
  /** Answers in the view, on every page. */
  total: number;
  page: number;
  pages: number;
  /** True when the view is one sector that fewer than 5 people answered for: nothing is shown. */
  withheld: boolean;
}

const managerSurveys = alias(followUpSurveys, 'manager_surveys');
const ATTENDEE_TEXTS = [impactResponses.practiceChangeHow, impactResponses.outcomeExample, impactResponses.sharedHow, impactResponses.barriers];
const HAS_WORDS = sql`(${sql.join(
  [...ATTENDEE_TEXTS, feedback.willDoDifferently, managerResponses.example].map((t) => sql`coalesce(${t}, '') <> ''`),
  sql` or `,
)})`;

/** Joins to a query from impact_responses everything the answers and their filters read. */
const withAnswerJoins = <Q extends PgSelect>(query: Q) =>
  withEverything(
    query
      .innerJoin(followUpSurveys, eq(followUpSurveys.id, impactResponses.surveyId))
      .innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId))
      .leftJoin(feedback, eq(feedback.bookingId, bookings.id))
      .leftJoin(managerSurveys, and(eq(managerSurveys.bookingId, bookings.id), eq(managerSurveys.respondent, 'manager')))
      .leftJoin(managerResponses, eq(managerResponses.surveyId, managerSurveys.id)),
  );

function answerConditions(s: ServiceContext, range: ImpactRange, filters: ImpactFilters, answerFilters: AnswerFilters): SQL | undefined {
  const coded = (themeId?: string) =>
    sql`exists (select 1 from ${answerCodes} where ${answerCodes.responseId} = ${impactResponses.id}${themeId ? sql` and ${answerCodes.themeId} = ${themeId}` : sql``})`;
  return bookingConditions(
    s,
    range,
    filters,
    and(
      eq(impactResponses.partnershipId, s.partnership.id),
      HAS_WORDS,
      answerFilters.practiceChanged ? eq(impactResponses.practiceChanged, answerFilters.practiceChanged) : undefined,
      answerFilters.code === 'none' ? sql`not ${coded()}` : answerFilters.code ? coded(answerFilters.code) : undefined,
      answerFilters.featured ? isNotNull(impactResponses.featuredAt) : undefined,
    ),
  );
}

const ANSWER_FIELDS = {
  id: impactResponses.id,
  startsAt: sessions.startsAt,
  course: courses.title,
  courseThemes: courses.themes,
  sector: organisations.sector,
  practiceChanged: impactResponses.practiceChanged,
  practiceChangeHow: impactResponses.practiceChangeHow,
  outcomeImproved: impactResponses.outcomeImproved,
  outcomeExample: impactResponses.outcomeExample,
  sharedLearning: impactResponses.sharedLearning,
  sharedHow: impactResponses.sharedHow,
  barriers: impactResponses.barriers,
  willDoDifferently: sql<string>`coalesce(${feedback.willDoDifferently}, '')`,
  managerExample: sql<string>`coalesce(${managerResponses.example}, '')`,
  quotationConsent: impactResponses.quotationConsent,
  featuredAt: impactResponses.featuredAt,
};

const answerQuery = (s: ServiceContext) => withAnswerJoins(s.db.select(ANSWER_FIELDS).from(impactResponses).$dynamic());
type AnswerRow = Awaited<ReturnType<typeof answerQuery>>[number];

async function withCodes(s: ServiceContext, rows: AnswerRow[], sectorShown: (sector: Sector) => boolean): Promise<Answer[]> {
  const ids = rows.map((r) => r.id);
  const codes = ids.length
    ? await s.db
        .select({ responseId: answerCodes.responseId, id: answerThemes.id, name: answerThemes.name, retired: answerThemes.retired })
        .from(answerCodes)
        .innerJoin(answerThemes, eq(answerThemes.id, answerCodes.themeId))
        .where(inArray(answerCodes.responseId, ids))
        .orderBy(asc(sql`lower(${answerThemes.name})`))
    : [];
  return rows.map((r) => ({
    id: r.id,
    month: londonMonth(r.startsAt),
    course: r.course,
    courseThemes: r.courseThemes,
    sector: sectorShown(r.sector) ? r.sector : null,
    practiceChanged: r.practiceChanged,
    practiceChangeHow: r.practiceChangeHow,
    outcomeImproved: r.outcomeImproved,
    outcomeExample: r.outcomeExample,
    sharedLearning: r.sharedLearning,
    sharedHow: r.sharedHow,
    barriers: r.barriers,
    willDoDifferently: r.willDoDifferently,
    managerExample: r.managerExample,
    quotationConsent: r.quotationConsent,
    featured: r.featuredAt !== null,
    codes: codes.filter((c) => c.responseId === r.id).map(({ id, name, retired }) => ({ id, name, retired })),
  }));
}

/**
 * The answers with words in them, for the period and filters, newest session first, a page of
 * ANSWERS_PER_PAGE at a time; each sector said only where at least 5 people of it answered in the view.
 */
export async function listAnswers(s: ServiceContext, range: ImpactRange, filters: Pick<ImpactFilters, 'theme' | 'courseId' | 'sector'>, answerFilters: AnswerFilters, page = 1): Promise<AnswerList> {
  checkCanReadImpact(s);
  const where = answerConditions(s, range, filters, answerFilters);
  const bySector = await withAnswerJoins(
    s.db
      .select({ sector: organisations.sector, answers: sql<number>`count(*)`.mapWith(Number), people: sql<number>`count(distinct ${people.id})`.mapWith(Number) })
      .from(impactResponses)
      .$dynamic(),
  )
    .where(where)
    .groupBy(organisations.sector);
  const total = bySector.reduce((sum, r) => sum + r.answers, 0);
  const shown = new Set(bySector.filter((r) => r.people >= SMALL_GROUP).map((r) => r.sector));
  if (filters.sector && total > 0 && !shown.has(filters.sector)) return { answers: [], total: 0, page: 1, pages: 1, withheld: true };
  const pages = Math.max(1, Math.ceil(total / ANSWERS_PER_PAGE));
  const current = Math.min(Math.max(1, page), pages);
  const rows = await answerQuery(s)
    .where(where)
    .orderBy(desc(sessions.startsAt), asc(impactResponses.id))
    .limit(ANSWERS_PER_PAGE)
    .offset((current - 1) * ANSWERS_PER_PAGE);
  return { answers: await withCodes(s, rows, (sector) => shown.has(sector)), total, page: current, pages, withheld: false };
}

/** One answer, for coding and featuring: its sector is not said (there is no view to hide it in). */
export async function getAnswer(s: ServiceContext, answerId: string): Promise<Answer> {
  checkCanReadImpact(s);
  const rows = await answerQuery(s).where(and(eq(impactResponses.id, answerId), eq(impactResponses.partnershipId, s.partnership.id)));
  if (!rows.length) throw notFound('Answer');
  const [answer] = await withCodes(s, rows, () => false);
  return answer;
}

/** The attendee's own words in an answer: what a featured quotation quotes. */
export const quotedWords = (answer: Pick<Answer, 'practiceChangeHow' | 'outcomeExample' | 'sharedHow' | 'barriers'>) =>
  [answer.practiceChangeHow, answer.outcomeExample, answer.sharedHow, answer.barriers].filter((t) => t.trim() !== '');

/** What the identifying-details check finds in the words a quotation would quote, said in words ('' when nothing). */
export const flaggedDetails = (answer: Answer) => describeFindings(identifyingDetails(quotedWords(answer).join('\n')));

// ---- Coding and featuring -----------------------------------------------------------------------

/** The answer's row in this partnership, locked for the change. */
async function lockAnswer(tx: Executor, s: ServiceContext, answerId: string) {
  const [row] = await tx
    .select({ id: impactResponses.id, featuredAt: impactResponses.featuredAt })
    .from(impactResponses)
    .where(and(eq(impactResponses.id, answerId), eq(impactResponses.partnershipId, s.partnership.id)))
    .for('update');
  if (!row) throw notFound('Answer');
  return row;
}

/** Codes an answer with exactly these themes: active ones, or retired ones it already has. */
export async function codeAnswer(s: ServiceContext, answerId: string, themeIds: string[]): Promise<void> {
  allowed(s, ANSWER_CODERS, 'Only reviewers can code answers');
  const wanted = [...new Set(themeIds)];
  await s.db.transaction(async (tx) => {
    await lockAnswer(tx, s, answerId);
    const had = await tx.select({ themeId: answerCodes.themeId }).from(answerCodes).where(eq(answerCodes.responseId, answerId));
    const themes = await tx.select().from(answerThemes).where(eq(answerThemes.partnershipId, s.partnership.id));
    const offered = (id: string) => themes.some((t) => t.id === id && (!t.retired || had.some((h) => h.themeId === id)));
    if (!wanted.every(offered)) throw invalid({ themes: 'Choose themes from the list' }, 'Choose themes from the list');
    const name = (id: string) => themes.find((t) => t.id === id)!.name;
    const added = wanted.filter((id) => !had.some((h) => h.themeId === id));
    const removed = had.map((h) => h.themeId).filter((id) => !wanted.includes(id));
    if (!added.length && !removed.length) return;
    if (removed.length) await tx.delete(answerCodes).where(and(eq(answerCodes.responseId, answerId), inArray(answerCodes.themeId, removed)));
    if (added.length) await tx.insert(answerCodes).values(added.map((themeId) => ({ responseId: answerId, themeId, codedBy: s.actor?.id ?? null, codedAt: s.clock.now() })));
    await auditChange(tx, s, 'answer.coded', 'impact answer', answerId, { added: added.map(name), removed: removed.map(name) });
  });
}

/**
 * Features an answer as a quotation. Refused where its author did not agree to be quoted, or
 * there are no words to quote; where the identifying-details check flags the words, refused
 * until the reviewer confirms they have checked there is nothing identifying.
 */
export async function featureAnswer(s: ServiceContext, answerId: string, options: { checked: boolean }): Promise<void> {
  allowed(s, ANSWER_CODERS, 'Only reviewers can feature quotations');
  const answer = await getAnswer(s, answerId);
  if (!answer.quotationConsent) throw conflict('This answer cannot be featured: the person who gave it did not agree to be quoted.');
  const words = quotedWords(answer);
  if (!words.length) throw conflict('This answer cannot be featured: it has no words of the attendee’s to quote.');
  const findings = identifyingDetails(words.join('\n'));
  if (findings.length && !options.checked) {
    throw invalid({ checked: `The check found what may be ${describeFindings(findings)}. Confirm you have checked this has no names or identifying details, or leave it unfeatured` }, 'Confirm the answer has no identifying details');
  }
  await s.db.transaction(async (tx) => {
    const row = await lockAnswer(tx, s, answerId);
    if (row.featuredAt) return;
    await tx.update(impactResponses).set({ featuredAt: s.clock.now(), featuredBy: s.actor?.id ?? null }).where(eq(impactResponses.id, answerId));
    // What the check found is kept by kind only: the words themselves may be a name.
    await auditChange(tx, s, 'answer.featured', 'impact answer', answerId, { flagged: findings.map((f) => f.kind), checkedByReviewer: options.checked });
  });
}

export async function unfeatureAnswer(s: ServiceContext, answerId: string): Promise<void> {
  allowed(s, ANSWER_CODERS, 'Only reviewers can feature quotations');
  await s.db.transaction(async (tx) => {
    const row = await lockAnswer(tx, s, answerId);
    if (!row.featuredAt) return;
    await tx.update(impactResponses).set({ featuredAt: null, featuredBy: null }).where(eq(impactResponses.id, answerId));
    await auditChange(tx, s, 'answer.unfeatured', 'impact answer', answerId);
  });
}

// ---- The dashboard's count ---------------------------------------------------------------------

export interface CodedThemeRow {
  theme: string;
  retired: boolean;
  /** Answers coded with the theme (an answer may have several): 1 to 4 suppressed. */
  answers: Count;
}

/** For each theme, the answers in the period and filters coded with it; retired themes only where they were used. */
export async function codedThemeCounts(s: ServiceContext, range: ImpactRange, filters: ImpactFilters): Promise<CodedThemeRow[]> {
  checkCanReadImpact(s);
  const [themes, counts] = await Promise.all([
    listAnswerThemes(s),
    withEverything(
      s.db
        .select({ themeId: answerCodes.themeId, n: sql<number>`count(distinct ${impactResponses.id})`.mapWith(Number) })
        .from(answerCodes)
        .innerJoin(impactResponses, eq(impactResponses.id, answerCodes.responseId))
        .innerJoin(followUpSurveys, eq(followUpSurveys.id, impactResponses.surveyId))
        .innerJoin(bookings, eq(bookings.id, followUpSurveys.bookingId))
        .$dynamic(),
    )
      .where(bookingConditions(s, range, filters))
      .groupBy(answerCodes.themeId),
  ]);
  const countOf = (id: string) => counts.find((c) => c.themeId === id)?.n ?? 0;
  return themes.filter((t) => !t.retired || countOf(t.id) > 0).map((t) => ({ theme: t.name, retired: t.retired, answers: peopleCount(countOf(t.id)) }));
}
