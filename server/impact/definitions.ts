// What each figure of the impact dashboard is and how it is counted, in the words the page and the
// workbook's Definitions sheet both use: one source for both. The rules are in ./service.
import type { Mean, Rate } from '../shared/statistics';
import { addDays, formatDay } from '../shared/dates';
import type { Count, ImpactFigures } from './service';

/** "1 April 2026 to 31 March 2027" for a range whose `to` is the day after. */
export function describePeriod(range: ImpactFigures['range']): string {
  const last = addDays(range.to, -1);
  const short = (day: string) => formatDay(day).replace(/^\w+ /, '');
  return `${short(range.from)} to ${short(last)}`;
}

export type Figure = { kind: 'count'; value: Count } | { kind: 'rate'; value: Rate } | { kind: 'mean'; value: Mean; unit?: string; signed?: boolean };

export interface FigureRow {
  label: string;
  /** What the figure counts, said under its name. */
  means?: string;
  /** What the figure counts, where the page does not say it under its name (the definitions say it). */
  defines?: string;
  pick: (f: ImpactFigures) => Figure;
}

const count = (value: Count): Figure => ({ kind: 'count', value });
const rateFigure = (value: Rate): Figure => ({ kind: 'rate', value });
const mean = (value: Mean, unit?: string, signed?: boolean): Figure => ({ kind: 'mean', value, unit, signed });

const DELIVERY: FigureRow[] = [
  { label: 'Courses run', means: 'Courses with at least one session delivered', pick: (f) => count(f.delivery.courses) },
  { label: 'Sessions delivered', defines: 'Sessions that took place, counted in the period they started in', pick: (f) => count(f.delivery.sessionsDelivered) },
  { label: 'Sessions cancelled', defines: 'Sessions cancelled, counted apart from those delivered', pick: (f) => count(f.delivery.sessionsCancelled) },
  { label: 'Training hours', means: 'The length of every session delivered, added up', pick: (f) => count(f.delivery.trainingHours) },
  { label: 'Places offered', means: 'The places at the sessions delivered', pick: (f) => count(f.delivery.placesOffered) },
  { label: 'Bookings', means: 'Every request for a place, including the waiting list and those cancelled later; not walk-ins', pick: (f) => count(f.delivery.bookings) },
  { label: 'Attendances', means: 'Attended or partly attended, walk-ins included', pick: (f) => count(f.delivery.attendances) },
  { label: 'Did not attend', defines: 'People who held a place when the session started and did not come', pick: (f) => count(f.delivery.didNotAttend) },
  { label: 'Late cancellations', defines: 'Places cancelled too close to the session to offer them to someone else', pick: (f) => count(f.delivery.lateCancellations) },
  { label: 'Walk-ins', means: 'Came without a booking', pick: (f) => count(f.delivery.walkIns) },
  { label: 'E-learning completions', means: 'Completed in the period', pick: (f) => count(f.delivery.eLearningCompletions) },
  { label: 'People trained', means: 'Different people who came to a session or completed e-learning', pick: (f) => count(f.delivery.peopleTrained) },
  { label: 'Organisations reached', defines: 'Different organisations of the people trained', pick: (f) => count(f.delivery.organisationsReached) },
  { label: 'Sectors reached', defines: 'Different sectors of the people trained', pick: (f) => count(f.delivery.sectorsReached) },
  { label: 'Take-up', means: 'Attendances of people who had a place, out of the places offered', pick: (f) => rateFigure(f.delivery.takeUp) },
  { label: 'Attendance rate', means: 'Attendances of people who had a place, out of the places confirmed when the session started', pick: (f) => rateFigure(f.delivery.attendanceRate) },
];

const DAY_ZERO: FigureRow[] = [
  { label: 'Feedback given', defines: 'Attendances with feedback given on the day', pick: (f) => count(f.dayZero.responses) },
  { label: 'Feedback response rate', means: 'Feedback given, out of attendances', pick: (f) => rateFigure(f.dayZero.responseRate) },
  { label: 'Learning outcomes met', means: 'Each person’s average over the course’s outcomes, from 1 (not met) to 4 (fully met)', pick: (f) => mean(f.dayZero.outcomesMet, 'out of 4') },
  { label: 'Relevance to their role', defines: 'Each person’s rating of the course’s relevance to their role, from 1 to 5', pick: (f) => mean(f.dayZero.relevance, 'out of 5') },
  { label: 'Delivery', defines: 'Each person’s rating of how the course was delivered, from 1 to 5', pick: (f) => mean(f.dayZero.delivery, 'out of 5') },
  { label: 'Confidence before the course', defines: 'Each person’s confidence before the course, from 1 to 10, given on the day', pick: (f) => mean(f.dayZero.confidenceBefore, 'out of 10') },
  { label: 'Confidence after the course', defines: 'Each person’s confidence after the course, from 1 to 10, given on the day', pick: (f) => mean(f.dayZero.confidenceAfter, 'out of 10') },
  { label: 'Change in confidence', means: 'After minus before, for each person', pick: (f) => mean(f.dayZero.confidenceChange, 'points', true) },
];

const FOLLOW_UP: FigureRow[] = [
  { label: 'Surveys sent', defines: 'Three-month surveys sent to those who came', pick: (f) => count(f.followUp.sent) },
  { label: 'Surveys answered', defines: 'Three-month surveys answered by those who came', pick: (f) => count(f.followUp.answered) },
  { label: 'Response rate', means: 'Answered, out of sent (surveys still open included)', pick: (f) => rateFigure(f.followUp.responseRate) },
  { label: 'Practice changed', means: 'Said yes, out of those who answered', pick: (f) => rateFigure(f.followUp.practiceChanged) },
  {
    label: 'A better outcome for a child or family',
    means: 'Said yes, out of those who answered the question, leaving out “not applicable”',
    pick: (f) => rateFigure(f.followUp.outcomeImproved),
  },
  { label: 'Shared the learning', means: 'Said yes, out of those who answered', pick: (f) => rateFigure(f.followUp.sharedLearning) },
  { label: 'Confidence three months on', defines: 'Each person’s confidence three months on, from 1 to 10, of those who answered', pick: (f) => mean(f.followUp.confidenceNow, 'out of 10') },
  { label: 'Did the confidence hold?', means: 'Confidence now minus confidence after the course, for each person who gave both', pick: (f) => mean(f.followUp.confidenceHeld, 'points', true) },
  { label: 'Competencies rated confident', means: 'Out of every competency rated in the answers', pick: (f) => rateFigure(f.followUp.selfAssessments.confident) },
  { label: 'Competencies rated developing', defines: 'Out of every competency rated in the answers', pick: (f) => rateFigure(f.followUp.selfAssessments.developing) },
  { label: 'Competencies rated not yet', defines: 'Out of every competency rated in the answers', pick: (f) => rateFigure(f.followUp.selfAssessments.notYet) },
];

const MANAGERS: FigureRow[] = [
  { label: 'Surveys sent to line managers', defines: 'Three-month surveys sent to the line managers of those who came, where the course asks', pick: (f) => count(f.managers.sent) },
  { label: 'Surveys answered', defines: 'Three-month surveys answered by line managers', pick: (f) => count(f.managers.answered) },
  { label: 'Response rate', defines: 'Answered, out of sent (surveys still open included)', pick: (f) => rateFigure(f.managers.responseRate) },
  { label: 'Have seen the change in practice', means: 'Said yes, out of those who answered', pick: (f) => rateFigure(f.managers.seenChange) },
];

/** A figures table of the dashboard: its name in download addresses, its caption and its rows. */
export interface FiguresTableDefinition {
  name: string;
  caption: string;
  rows: FigureRow[];
}

export const FIGURE_TABLES = {
  delivery: { name: 'delivery', caption: 'What the training delivered', rows: DELIVERY },
  dayZero: { name: 'on-the-day', caption: 'On the day', rows: DAY_ZERO },
  followUp: { name: 'three-months-attendees', caption: 'Three months on: what attendees said', rows: FOLLOW_UP },
  managers: { name: 'three-months-managers', caption: 'Three months on: what line managers said', rows: MANAGERS },
} satisfies Record<string, FiguresTableDefinition>;

/** What a figure counts: the words under its name on the page, or else its definition. */
export const definitionOf = (row: FigureRow) => row.means ?? row.defines ?? '';

/** How the figures are counted, on the page and in the workbook. */
export const IMPACT_RULES: readonly string[] = [
  'A session counts in the period it starts in (its day in London). The period before is the same length, just before.',
  'Sessions, courses, training hours and places offered come from the sessions delivered; cancelled sessions are counted apart. The sector, organisation and workforce group choices narrow the people counted, never the sessions, hours and places.',
  'Bookings are every request for a place, the waiting list and later cancellations included, walk-ins not. Attendances are those who attended or partly attended, walk-ins included.',
  'Take-up is the attendances of people who held a place, out of the places offered. The attendance rate is the same attendances, out of the places confirmed when the session started (marked attended, partly attended or did not attend). Walk-ins are in neither.',
  'On the day: feedback given, out of attendances. The ratings and the change in confidence (after minus before, for each person) are averages.',
  'Three months on: surveys answered, out of surveys sent (surveys still open included, so the rate of a recent period rises as answers arrive). Practice changed and shared the learning are out of those who answered; a better outcome for a child or family is out of those who answered that question other than “not applicable”. Did the confidence hold: confidence three months on minus confidence after the course, for each person who gave both.',
  'Every percentage shows how many people it counts, out of how many, and a 95% interval (Wilson’s): the range the true figure most likely lies in, given how many answered. Every average shows how many people gave it and a 95% interval (Student’s t).',
  'Any figure about fewer than 5 people says “fewer than 5”, and in a breakdown another is hidden with it where one alone could be worked out from the total.',
  'By sector and by organisation: attendances, and the different people who came, at the sessions of the period. By month: sessions delivered and attendances, by the month the session started in.',
  'By theme: three-month surveys sent to those who came, the answers, the response rate and practice changed, for each theme of the course. A course may have several themes and its people count under each, so the themes need not add up to the totals. A theme’s answers and rates are shown only where its surveys sent and its answers can both be shown.',
  'Confidence before, after and three months on: before and after come from those who gave feedback on the day, three months on from those who answered the survey, so they are not all the same people.',
  'Do the answers speak for everyone: the three-month response rate by sector and by workforce group, and the confidence after the course of everyone sent a survey beside that of those who answered.',
];
