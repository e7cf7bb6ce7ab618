// The annual report's training section, drafted from a year's review: paragraphs of plain English
// written as templates with named placeholders ({sessionsDelivered}) and filled from the year's
// figures each time they are read, so the words and the numbers never part. Every number comes
// from the impact figures (../impact/service, the dashboard's definitions and honest-number rules):
// a count of 1 to 4 people reads "fewer than 5"; a sentence whose rate or mean is not shown (too
// few people, or withheld to protect another figure) is left out rather than given a number.
// Reviewers change the wording (each paragraph's template, checked for unknown placeholders,
// audited); starting again restores the default wording. Coordinators read it.
import { and, eq } from 'drizzle-orm';
import { yearReviewReports, yearReviews, type Role } from '../../db/schema';
import { auditChange } from '../audit/log';
import { listAnswers, quotedWords } from '../impact/answers';
import { impactFigures, type Count, type ImpactFigures } from '../impact/service';
import type { PersonalContext } from '../shared/context';
import { forbidden, invalid } from '../shared/errors';
import { describeRate, FEWER_THAN_SMALL_GROUP, isSuppressed, type Mean, type Rate } from '../shared/statistics';
import { courseFigures, coursesOf, rangeOf, type CourseFigures } from './figures';
import { checkCanRead, lockedReview, prospectusOfYear, REVIEW_DECIDERS, REVIEW_READERS } from './service';
import { formatCount, formatOneDecimal } from '../shared/words';

/** Who edits the wording: reviewers. Who reads it: reviewers and coordinators. */
export const REPORT_EDITORS: Role[] = REVIEW_DECIDERS;
export const REPORT_READERS: Role[] = REVIEW_READERS;

/** The figures the paragraphs may name: each a value in words, or null where it is not shown (its sentence is left out). */
export type ReportFigures = Record<PlaceholderName, string | null>;

const count = (n: Count) => (typeof n !== 'number' ? FEWER_THAN_SMALL_GROUP : formatCount(n));
const shownRate = (r: Rate) => (isSuppressed(r) ? null : describeRate(r));
const oneDecimal = (v: number) => formatOneDecimal(v);
const shownMean = (m: Mean) => (isSuppressed(m) ? null : `${oneDecimal(m.mean)} (${formatCount(m.n)} people; 95% interval ${oneDecimal(m.low)} to ${oneDecimal(m.high)})`);

/** Every placeholder, what it says, and how it is read from the year's figures. */
export const PLACEHOLDERS = {
  year: { about: 'the prospectus year', read: (_f: ImpactFigures, year: string) => year },
  courses: { about: 'courses that ran a session', read: (f: ImpactFigures) => count(f.delivery.courses) },
  sessionsDelivered: { about: 'sessions delivered', read: (f: ImpactFigures) => count(f.delivery.sessionsDelivered) },
  sessionsCancelled: { about: 'sessions cancelled', read: (f: ImpactFigures) => count(f.delivery.sessionsCancelled) },
  trainingHours: { about: 'hours of training delivered', read: (f: ImpactFigures) => count(f.delivery.trainingHours) },
  placesOffered: { about: 'places offered', read: (f: ImpactFigures) => count(f.delivery.placesOffered) },
  attendances: { about: 'attendances, walk-ins included', read: (f: ImpactFigures) => count(f.delivery.attendances) },
  peopleTrained: { about: 'people who attended', read: (f: ImpactFigures) => count(f.delivery.peopleTrained) },
  organisationsReached: { about: 'organisations the people came from', read: (f: ImpactFigures) => count(f.delivery.organisationsReached) },
  sectorsReached: { about: 'sectors the people came from', read: (f: ImpactFigures) => count(f.delivery.sectorsReached) },
  didNotAttend: { about: 'people with a place who did not attend', read: (f: ImpactFigures) => count(f.delivery.didNotAttend) },
  eLearningCompletions: { about: 'e-learning completions', read: (f: ImpactFigures) => count(f.delivery.eLearningCompletions) },
  takeUp: { about: 'take-up of the places offered', read: (f: ImpactFigures) => shownRate(f.delivery.takeUp) },
  attendanceRate: { about: 'places confirmed on the day that were attended', read: (f: ImpactFigures) => shownRate(f.delivery.attendanceRate) },
  feedbackRate: { about: 'attendances with feedback on the day', read: (f: ImpactFigures) => shownRate(f.dayZero.responseRate) },
  confidenceChange: { about: 'the average rise in confidence on the day (1 to 10)', read: (f: ImpactFigures) => shownMean(f.dayZero.confidenceChange) },
  followUpRate: { about: 'three-month surveys answered', read: (f: ImpactFigures) => shownRate(f.followUp.responseRate) },
  practiceChanged: { about: 'of those who answered at three months, practice changed', read: (f: ImpactFigures) => shownRate(f.followUp.practiceChanged) },
  outcomeImproved: { about: 'of those it applied to, a better outcome for a child or family', read: (f: ImpactFigures) => shownRate(f.followUp.outcomeImproved) },
  sharedLearning: { about: 'of those who answered, learning shared', read: (f: ImpactFigures) => shownRate(f.followUp.sharedLearning) },
  managerRate: { about: 'line managers’ surveys answered', read: (f: ImpactFigures) => shownRate(f.managers.responseRate) },
  managerSeenChange: { about: 'of the line managers who answered, change seen', read: (f: ImpactFigures) => shownRate(f.managers.seenChange) },
} as const;
export type PlaceholderName = keyof typeof PLACEHOLDERS;
const isPlaceholder = (name: string): name is PlaceholderName => Object.hasOwn(PLACEHOLDERS, name);

/** The paragraphs, in order, with their default wording. */
export const DEFAULT_PARAGRAPHS = {
  delivery:
    'In {year} the partnership delivered {sessionsDelivered} sessions of {courses} courses, {trainingHours} hours of training, with {placesOffered} places offered. The number of sessions cancelled was {sessionsCancelled}.',
  reach:
    '{peopleTrained} people from {organisationsReached} organisations in {sectorsReached} sectors attended, {attendances} attendances in all. Take-up of the places offered was {takeUp}. {didNotAttend} people who had a place did not attend.',
  onTheDay: 'On the day, {feedbackRate} of attendances were followed by feedback. Confidence rose on average by {confidenceChange} points on a scale of 1 to 10.',
  threeMonths:
    'Three months later, {practiceChanged} of those who answered said their practice had changed. {followUpRate} of the surveys sent were answered. {outcomeImproved} of those it applied to said an outcome for a child or family had improved, and {sharedLearning} had shared their learning with colleagues.',
  managers: 'Line managers answered {managerRate} of the surveys sent to them, and {managerSeenChange} of those had seen a change in practice.',
} as const;
export type ParagraphKey = keyof typeof DEFAULT_PARAGRAPHS;
export const PARAGRAPH_KEYS = Object.keys(DEFAULT_PARAGRAPHS) as ParagraphKey[];
export const PARAGRAPH_LABELS: Record<ParagraphKey, string> = {
  delivery: 'What was delivered',
  reach: 'Who came',
  onTheDay: 'On the day',
  threeMonths: 'Three months later',
  managers: 'Line managers',
};

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** The nouns the default wording counts, each with its singular: "1 courses" reads "1 course". */
const SINGULAR: Record<string, string> = { sessions: 'session', courses: 'course', hours: 'hour', places: 'place', organisations: 'organisation', sectors: 'sector', people: 'person', attendances: 'attendance' };
const ONE_OF_MANY = new RegExp(`(^|[^\\d.,])1 (${Object.keys(SINGULAR).join('|')})\\b`, 'g');
const singularForOne = (text: string) => text.replace(ONE_OF_MANY, (_, before: string, noun: string) => `${before}1 ${SINGULAR[noun]}`);

/** The placeholders a template names, in order, each once. */
export const placeholdersIn = (template: string) => [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]))];

/** The year's figures as the placeholders say them. */
export function reportFigures(figures: ImpactFigures, year: string): ReportFigures {
  return Object.fromEntries(Object.entries(PLACEHOLDERS).map(([name, p]) => [name, p.read(figures, year)])) as ReportFigures;
}

/**
 * A template filled from the figures: each sentence with its placeholders replaced, a sentence
 * naming a figure not shown left out, so no number stands in for one that is hidden.
 */
export function fill(template: string, values: ReportFigures): string {
  const sentences = template.trim().split(/(?<=[.!?])\s+/);
  return sentences
    .filter((sentence) => placeholdersIn(sentence).every((name) => isPlaceholder(name) && values[name] !== null))
    .map((sentence) => {
      const filled = singularForOne(sentence.replace(PLACEHOLDER, (_, name: PlaceholderName) => values[name]!));
      // A sentence that opens with a figure opens with a capital ("Fewer than 5 people ...").
      return sentence.startsWith('{') ? filled.charAt(0).toUpperCase() + filled.slice(1) : filled;
    })
    .join(' ');
}

export interface ReportParagraph {
  key: ParagraphKey;
  label: string;
  template: string;
  edited: boolean;
  /** The placeholders it uses, with their current value (null: not shown, its sentence left out). */
  uses: { name: string; value: string | null }[];
  text: string;
}

export interface Quotation {
  words: string;
  course: string;
  month: string;
}

export interface Report {
  year: string;
  title: string;
  /** When the year was brought in from past records, if it was. */
  importedAt: Date | null;
  figures: ImpactFigures;
  values: ReportFigures;
  paragraphs: ReportParagraph[];
  courses: CourseFigures[];
  quotations: Quotation[];
  editedAt: Date | null;
}

function checkCanEdit(s: PersonalContext) {
  if (!s.actor.roles.some((r) => REPORT_EDITORS.includes(r))) throw forbidden('Only reviewers can change the report’s wording');
}

/** The stored wording of the year's report, or none. */
async function storedWording(s: PersonalContext, prospectusId: string) {
  const [row] = await s.db
    .select({ paragraphs: yearReviewReports.paragraphs, editedAt: yearReviewReports.editedAt })
    .from(yearReviewReports)
    .innerJoin(yearReviews, eq(yearReviews.id, yearReviewReports.reviewId))
    .where(and(eq(yearReviews.partnershipId, s.partnership.id), eq(yearReviews.prospectusId, prospectusId)));
  return row;
}

/** The year's report section: the paragraphs filled from the figures, the course table and the featured quotations. */
export async function getReport(s: PersonalContext, year: string): Promise<Report> {
  // The report reads the courses' figures, not the review's decisions and gaps (nor the gap map behind them).
  checkCanRead(s);
  const prospectus = await prospectusOfYear(s, s.db, year);
  const range = rangeOf(prospectus);
  const [figures, featured, stored, courses] = await Promise.all([
    impactFigures(s, range, {}),
    listAnswers(s, range, {}, { featured: true }),
    storedWording(s, prospectus.id),
    coursesOf(s, prospectus.id).then((list) => courseFigures(s, prospectus, list)),
  ]);
  const values = reportFigures(figures, year);
  const paragraphs = PARAGRAPH_KEYS.map((key): ReportParagraph => {
    const own = stored?.paragraphs[key];
    const template = own ?? DEFAULT_PARAGRAPHS[key];
    return {
      key,
      label: PARAGRAPH_LABELS[key],
      template,
      edited: own !== undefined && own !== DEFAULT_PARAGRAPHS[key],
      uses: placeholdersIn(template).map((name) => ({ name, value: isPlaceholder(name) ? values[name] : null })),
      text: fill(template, values),
    };
  });
  // Featuring needs the person's consent; only the words are quoted, never who said them.
  const quotations = featured.answers.filter((a) => a.quotationConsent).map((a) => ({ words: quotedWords(a).join(' '), course: a.course, month: a.month }));
  return { year, title: prospectus.title, importedAt: prospectus.importedAt, figures, values, paragraphs, courses, quotations, editedAt: stored?.editedAt ?? null };
}

/** Each paragraph's unknown placeholders, as field messages naming them. */
export function unknownPlaceholders(paragraphs: Partial<Record<ParagraphKey, string>>) {
  const errors: Record<string, string> = {};
  for (const key of PARAGRAPH_KEYS) {
    const unknown = placeholdersIn(paragraphs[key] ?? '').filter((name) => !isPlaceholder(name));
    if (unknown.length) errors[key] = `${PARAGRAPH_LABELS[key]}: there is no figure called ${unknown.map((n) => `{${n}}`).join(', ')}. Use the placeholders listed`;
  }
  return errors;
}

/** Saves the reviewers' wording: refused, with nothing changed, when a paragraph names an unknown placeholder. */
export async function saveReportWording(s: PersonalContext, year: string, paragraphs: Record<ParagraphKey, string>): Promise<void> {
  checkCanEdit(s);
  const errors = unknownPlaceholders(paragraphs);
  if (Object.keys(errors).length) throw invalid(errors, 'A paragraph names a figure there is not');
  const prospectus = await prospectusOfYear(s, s.db, year);
  await s.db.transaction(async (tx) => {
    const review = await lockedReview(s, tx, prospectus, { allowAgreed: true });
    const [before] = await tx.select().from(yearReviewReports).where(eq(yearReviewReports.reviewId, review.id));
    const changed = PARAGRAPH_KEYS.filter((k) => (before?.paragraphs[k] ?? DEFAULT_PARAGRAPHS[k]) !== paragraphs[k]);
    if (!changed.length) return;
    const values = { paragraphs, editedBy: s.actor.id, editedAt: s.clock.now() };
    await tx.insert(yearReviewReports).values({ reviewId: review.id, ...values }).onConflictDoUpdate({ target: yearReviewReports.reviewId, set: values });
    await auditChange(tx, s, 'review.report-edited', 'year review', review.id, { year, paragraphs: Object.fromEntries(changed.map((k) => [k, paragraphs[k]])) });
  });
}

/** Restores the default wording of every paragraph. */
export async function restoreReportWording(s: PersonalContext, year: string): Promise<void> {
  checkCanEdit(s);
  const prospectus = await prospectusOfYear(s, s.db, year);
  await s.db.transaction(async (tx) => {
    const review = await lockedReview(s, tx, prospectus, { allowAgreed: true });
    const removed = await tx.delete(yearReviewReports).where(eq(yearReviewReports.reviewId, review.id)).returning({ reviewId: yearReviewReports.reviewId });
    if (removed.length) await auditChange(tx, s, 'review.report-restored', 'year review', review.id, { year });
  });
}

export interface ReportTable {
  caption: string;
  head: string[];
  rows: string[][];
}

/** The section's tables, the same on the page and in the Word document: the year's key figures, and each course's. */
export function reportTables(report: Report): ReportTable[] {
  const keyRows = (Object.entries(PLACEHOLDERS) as [PlaceholderName, { about: string }][])
    .filter(([name]) => name !== 'year')
    .map(([name, p]) => [p.about.charAt(0).toUpperCase() + p.about.slice(1), report.values[name] ?? 'not shown']);
  const courseRows = report.courses
    .filter((c) => c.figures.delivery.sessionsDelivered > 0)
    .map((c) => [c.course.title, count(c.figures.delivery.sessionsDelivered), count(c.figures.delivery.attendances), shownRate(c.figures.followUp.practiceChanged) ?? 'not shown']);
  return [
    { caption: `Key figures, ${report.year}`, head: ['Figure', 'Value'], rows: keyRows },
    { caption: `Courses that ran in ${report.year}`, head: ['Course', 'Sessions delivered', 'Attendances', 'Practice changed at three months'], rows: courseRows },
  ];
}

/** The Word document's file name: the year and nothing a header could be broken with. */
export const reportFilename = (year: string) => `training-report-${year.replace(/[^0-9A-Za-z-]/g, '')}.docx`;
