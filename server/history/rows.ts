// Reading a past year's records file (docs/history-import.md): each row checked on its own, every
// problem named by line and column, before anything is looked up in the database. The rules that
// look across rows (one session's capacity, one course's theme) are in ./service.
import { DELIVERY_MODES, SECTORS, THEMES, type BookingStatus, type DeliveryMode, type OutcomeImproved, type Sector } from '../../db/schema';
import { normaliseEmail } from '../accounts/people';
import { describeFindings, identifyingDetails } from '../follow-ups/identifying-details';
import { fromLondon, readDay } from '../shared/dates';
import { CONTROL_CHARACTERS } from '../shared/input';

export const HISTORY_COLUMNS = {
  required: ['course', 'session_start', 'organisation', 'status'],
  optional: [
    'theme',
    'mode',
    'session_end',
    'capacity',
    'sector',
    'email',
    'name',
    'workforce_group',
    'confidence_before',
    'confidence_after',
    'relevance',
    'delivery',
    'follow_up_sent',
    'practice_changed',
    'outcome_improved',
    'shared_learning',
    'confidence_now',
    'comment',
  ],
} as const;
type Column = (typeof HISTORY_COLUMNS)['required'][number] | (typeof HISTORY_COLUMNS)['optional'][number];

/** A problem with the file, on a line and in a column of it when it has them. */
export interface HistoryProblem {
  line?: number;
  column?: string;
  message: string;
}

/** "line 7, status: ..." as the command line and the page print it. */
export const describeProblem = (p: HistoryProblem) => `${[p.line ? `line ${p.line}` : '', p.column ?? ''].filter(Boolean).join(', ')}${p.line || p.column ? ': ' : ''}${p.message}`;

export const IMPORTED_STATUSES = ['attended', 'partly attended', 'did not attend', 'cancelled', 'late cancellation'] as const;
const CAME: string[] = ['attended', 'partly attended'];

/** Where a session's start or end gives no time of day. */
export const DEFAULT_START_TIME = '09:30';
export const DEFAULT_END_TIME = '16:30';
/** A session with no end is taken to last this long. */
export const DEFAULT_LENGTH_MINUTES = 180;

export interface DayRatings {
  confidenceBefore: number;
  confidenceAfter: number;
  relevance: number;
  delivery: number;
}

export interface ThreeMonthAnswer {
  practiceChanged: 'yes' | 'not yet' | 'no';
  outcomeImproved: OutcomeImproved | null;
  sharedLearning: boolean;
  confidenceNow: number;
}

/** One row of the file, read. */
export interface HistoryRow {
  line: number;
  course: string;
  theme?: (typeof THEMES)[number];
  mode?: DeliveryMode;
  startsAt: Date;
  endsAt?: Date;
  capacity?: number;
  organisation: string;
  sector?: Sector;
  email?: string;
  name?: string;
  workforceGroup?: string;
  status: BookingStatus;
  lateCancellation: boolean;
  ratings?: DayRatings;
  followUpSentOn?: string;
  answer?: ThreeMonthAnswer;
  comment?: string;
}

const label = (column: Column) => column.replace(/_/g, ' ');
const oneOf = (values: readonly string[]) => values.join(', ');
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE_TIME = /^(.+?)(?:[ T](\d{1,2}):(\d{2}))?$/;

/** Reads one row; its problems are added to `problems`, and a row with any is not returned. */
export function readHistoryRow(line: number, values: Record<string, string>, today: string, problems: HistoryProblem[]): HistoryRow | undefined {
  const found: HistoryProblem[] = [];
  const problem = (column: Column, message: string) => found.push({ line, column: label(column), message });
  const value = (column: Column) => values[column] ?? '';

  const text = (column: Column, max: number, required: boolean) => {
    const v = value(column).replace(/\s+/g, ' ').trim();
    if (!v) {
      if (required) problem(column, 'is empty; it is needed on every row');
      return undefined;
    }
    if (CONTROL_CHARACTERS.test(v)) problem(column, 'holds special characters (such as control characters pasted from another program); remove them');
    else if (v.length > max) problem(column, `is longer than ${max} characters`);
    return v;
  };
  const choice = <T extends string>(column: Column, allowed: readonly T[]): T | undefined => {
    const v = value(column).trim().toLowerCase();
    if (!v) return undefined;
    const match = allowed.find((a) => a.toLowerCase() === v);
    if (!match) problem(column, `'${value(column).trim()}' is not one of: ${oneOf(allowed)}`);
    return match;
  };
  const whole = (column: Column, min: number, max: number) => {
    const v = value(column).trim();
    if (!v) return undefined;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      problem(column, `'${v}' is not a whole number from ${min} to ${max}`);
      return undefined;
    }
    return Number(v);
  };
  const moment = (column: Column, time: string) => {
    const v = value(column).trim();
    if (!v) return undefined;
    const [, day, hours, minutes] = v.match(DATE_TIME) ?? [];
    const date = day ? readDay(day) : undefined;
    if (!date || (hours !== undefined && (Number(hours) > 23 || Number(minutes) > 59))) {
      problem(column, `'${v}' is not a date and time in the form YYYY-MM-DD or YYYY-MM-DD HH:MM`);
      return undefined;
    }
    return { date, at: fromLondon(date, hours === undefined ? time : `${hours.padStart(2, '0')}:${minutes}`) };
  };

  const course = text('course', 200, true);
  const theme = choice('theme', THEMES);
  const mode = choice('mode', DELIVERY_MODES);
  const start = moment('session_start', DEFAULT_START_TIME);
  if (!value('session_start').trim()) problem('session_start', 'is empty; it is needed on every row');
  else if (start && start.date >= today) problem('session_start', `${start.date} is not in the past: only years that have ended can be imported`);
  const end = moment('session_end', DEFAULT_END_TIME);
  if (start && end && end.at <= start.at) problem('session_end', 'is not after the session start');
  const capacity = whole('capacity', 1, 10_000);
  const organisation = text('organisation', 200, true);
  const sector = choice('sector', SECTORS);
  const rawEmail = value('email').trim();
  const email = rawEmail ? normaliseEmail(rawEmail) : undefined;
  if (email && (!EMAIL.test(email) || email.length > 254)) problem('email', `'${rawEmail}' is not an email address`);
  const name = text('name', 200, false);
  const workforceGroup = text('workforce_group', 200, false);
  const status = choice('status', IMPORTED_STATUSES);
  if (!value('status').trim()) problem('status', `is empty; it is needed on every row (${oneOf(IMPORTED_STATUSES)})`);
  const came = status !== undefined && CAME.includes(status);

  const ratingColumns = ['confidence_before', 'confidence_after', 'relevance', 'delivery'] as const;
  const [confidenceBefore, confidenceAfter, relevance, delivery] = ratingColumns.map((c) => whole(c, 1, c.startsWith('confidence') ? 10 : 5));
  const givenRatings = ratingColumns.filter((c) => value(c).trim());
  let ratings: DayRatings | undefined;
  if (givenRatings.length && status && !came) problem(givenRatings[0], `only those who attended give feedback on the day, and the status is '${status}'`);
  else if (givenRatings.length && givenRatings.length < ratingColumns.length) {
    const missing = ratingColumns.filter((c) => !value(c).trim());
    problem(missing[0], `is empty, but the day’s other ratings are given: give all four (confidence before, confidence after, relevance, delivery) or none`);
  } else if (confidenceBefore && confidenceAfter && relevance && delivery) ratings = { confidenceBefore, confidenceAfter, relevance, delivery };

  const sent = value('follow_up_sent').trim();
  const followUpSentOn = sent ? readDay(sent) : undefined;
  if (sent && !followUpSentOn) problem('follow_up_sent', `'${sent}' is not a date in the form YYYY-MM-DD`);
  else if (followUpSentOn && start && followUpSentOn < start.date) problem('follow_up_sent', `${followUpSentOn} is before the session`);
  else if (followUpSentOn && followUpSentOn > today) problem('follow_up_sent', `${followUpSentOn} is in the future`);
  if (sent && status && !came) problem('follow_up_sent', `only those who attended are sent the three-month survey, and the status is '${status}'`);
  const practiceChanged = choice('practice_changed', ['yes', 'not yet', 'no'] as const);
  const outcomeImproved = choice('outcome_improved', ['yes', 'not yet', 'no', 'not applicable'] as const);
  const shared = choice('shared_learning', ['yes', 'no'] as const);
  const confidenceNow = whole('confidence_now', 1, 10);
  let answer: ThreeMonthAnswer | undefined;
  const answerColumns = (['practice_changed', 'outcome_improved', 'shared_learning', 'confidence_now'] as const).filter((c) => value(c).trim());
  if (answerColumns.length && !sent) problem(answerColumns[0], 'is a three-month answer, so the follow-up sent date is needed too');
  else if (answerColumns.length && !value('practice_changed').trim()) problem('practice_changed', 'is empty, but other three-month answers are given');
  else if (practiceChanged && !value('shared_learning').trim()) problem('shared_learning', 'is empty: an answered survey needs practice changed, shared learning and confidence now');
  else if (practiceChanged && !value('confidence_now').trim()) problem('confidence_now', 'is empty: an answered survey needs practice changed, shared learning and confidence now');
  else if (practiceChanged && shared && confidenceNow) answer = { practiceChanged, outcomeImproved: outcomeImproved ?? null, sharedLearning: shared === 'yes', confidenceNow };

  const comment = value('comment').trim() || undefined;
  if (comment) {
    const findings = identifyingDetails(comment);
    if (CONTROL_CHARACTERS.test(comment.replace(/[\r\n\t]/g, ' '))) problem('comment', 'holds special characters (such as control characters pasted from another program); remove them');
    else if (comment.length > 2000) problem('comment', 'is longer than 2000 characters');
    else if (findings.length) problem('comment', `may identify someone: it holds what looks like ${describeFindings(findings)}. Remove that from the comment, or leave the comment out`);
    else if (!ratings && !answer && !givenRatings.length && !answerColumns.length) problem('comment', 'needs the day’s ratings or a three-month answer on the same row to go with');
  }

  problems.push(...found);
  if (found.length || !course || !start || !organisation || !status) return undefined;
  return {
    line,
    course,
    theme,
    mode,
    startsAt: start.at,
    endsAt: end?.at,
    capacity,
    organisation,
    sector,
    email,
    name,
    workforceGroup,
    status: status === 'late cancellation' ? 'cancelled' : status,
    lateCancellation: status === 'late cancellation',
    ratings,
    followUpSentOn,
    answer,
    comment,
  };
}
