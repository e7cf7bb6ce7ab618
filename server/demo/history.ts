// The demo's past: the two years before this one, brought in through the past years' import (as
// a partnership starting with the system would bring in its records), and last year's review,
// decided and agreed by the reviewer. The records are made up, the same on every start (a seeded
// random sequence), in the proportions of a real year: most booked people come, most of those give
// feedback on the day, and about two in five answer three months later.
import { THEMES, type DeliveryMode } from '../../db/schema';
import { identifyingDetails } from '../follow-ups/identifying-details';
import { importHistory } from '../history/service';
import { coursesOf } from '../review/figures';
import { agreeReview, decideCourse, decideGap, getReview, prospectusOfYear } from '../review/service';
import { courseDecisionForm } from '../review/schemas';
import type { PersonalContext, ServiceContext } from '../shared/context';
import { writeCsv } from '../shared/csv';
import { addDays, yearStarting } from '../shared/dates';
import * as ref from '../../db/reference-data';
import { addMinutes, weekdayOnOrBefore } from './days';

export interface PastCourse {
  title: string;
  theme: string;
  mode: DeliveryMode;
  minutes: number;
}

export interface PastAttendee {
  email: string;
  org: string;
}

/** A small, seeded random sequence (mulberry32): the same demo on every start. */
function randomFrom(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEADER = ['course', 'theme', 'mode', 'session start', 'session end', 'capacity', 'organisation', 'email', 'status', 'confidence before', 'confidence after', 'relevance', 'delivery', 'follow-up sent', 'practice changed', 'outcome improved', 'shared learning', 'confidence now', 'comment'];
/** Quotations the import will take: none that the identifying-details check would flag. */
const COMMENTS = ref.feedbackQuotes.map((q) => q.text).filter((text) => !identifyingDetails(text).length);

const pad = (n: number) => String(n).padStart(2, '0');

/** A past year's records file: two or three sessions of each course, a row for each person booked. */
export function pastYearRecords(firstYear: number, startMonth: number, courses: PastCourse[], attendees: PastAttendee[]): string {
  const random = randomFrom(firstYear * 7919);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const rows: (string | number)[][] = [HEADER];
  courses.forEach((course, i) => {
    const sessionCount = 2 + (i % 2);
    for (let k = 0; k < sessionCount; k++) {
      const monthIndex = (i * 5 + k * 4) % 12;
      const day = weekdayOnOrBefore(addDays(`${firstYear + Math.floor((startMonth - 1 + monthIndex) / 12)}-${pad(((startMonth - 1 + monthIndex) % 12) + 1)}-01`, 8 + (i % 14)));
      const startTime = k % 2 ? '13:00' : '09:30';
      const length = Math.min(course.minutes, 360);
      const capacity = course.mode === 'Live online' ? 25 : 20;
      const booked = Math.min(capacity, 11 + Math.floor(random() * 10));
      const seen = new Set<string>();
      for (let b = 0; b < booked; b++) {
        const named = random() < 0.6 ? pick(attendees) : undefined;
        if (named && seen.has(named.email)) continue;
        if (named) seen.add(named.email);
        const roll = random();
        const status = roll < 0.05 ? 'cancelled' : roll < 0.08 ? 'late cancellation' : roll < 0.17 ? 'did not attend' : roll < 0.21 ? 'partly attended' : 'attended';
        const came = status === 'attended' || status === 'partly attended';
        const rated = came && random() < 0.72;
        const before = 3 + Math.floor(random() * 4);
        const after = Math.min(10, before + 2 + Math.floor(random() * 3));
        const sent = came ? addDays(day, 91) : '';
        const answered = came && random() < 0.42;
        const changed = random();
        const outcome = random();
        const row = [
          course.title,
          k === 0 ? course.theme : '',
          k === 0 ? course.mode : '',
          `${day} ${startTime}`,
          `${day} ${addMinutes(startTime, length)}`,
          capacity,
          named?.org ?? pick(ref.organisations).shortName,
          named?.email ?? '',
          status,
          rated ? before : '',
          rated ? after : '',
          rated ? 4 + Math.floor(random() * 2) : '',
          rated ? 3 + Math.floor(random() * 3) : '',
          sent,
          answered ? (changed < 0.66 ? 'yes' : changed < 0.87 ? 'not yet' : 'no') : '',
          answered ? (outcome < 0.45 ? 'yes' : outcome < 0.7 ? 'not yet' : outcome < 0.8 ? 'no' : 'not applicable') : '',
          answered ? (random() < 0.6 ? 'yes' : 'no') : '',
          answered ? Math.max(1, after - Math.floor(random() * 2)) : '',
          answered && random() < 0.2 ? pick(COMMENTS) : '',
        ];
        rows.push(row);
      }
    }
  });
  return writeCsv(rows);
}

/** Imports each of the years (by first calendar year) that has no prospectus yet; says which it imported. */
export async function importPastYears(s: ServiceContext, firstYears: number[], courses: PastCourse[], attendees: PastAttendee[]): Promise<string[]> {
  const imported: string[] = [];
  for (const first of firstYears) {
    const label = yearStarting(first, s.partnership.yearStartMonth).label;
    const exists = await prospectusOfYear(s, s.db, label).then(
      () => true,
      () => false,
    );
    if (exists) continue;
    const result = await importHistory(s, pastYearRecords(first, s.partnership.yearStartMonth, courses, attendees));
    if (result.problems.length) throw new Error(`The demo's records of ${label} do not import: ${result.problems.map((p) => `line ${p.line}: ${p.message}`).join('; ')}`);
    imported.push(label);
  }
  return imported;
}

/**
 * Last year's review, decided and agreed: most courses kept, a few revised or retired, a theme
 * with no course accepted as a gap to commission.
 */
export async function agreePastReview(reviewer: PersonalContext, year: string): Promise<void> {
  const prospectus = await prospectusOfYear(reviewer, reviewer.db, year);
  const list = await coursesOf(reviewer, prospectus.id);
  for (const [i, course] of list.entries()) {
    const values =
      i % 6 === 2
        ? { decision: 'revise', changes: 'Bring the case studies up to date with this year’s local learning reviews.', note: 'Three-month answers asked for more local examples.' }
        : i % 9 === 7
          ? { decision: 'retire', note: 'Low take-up two years running.' }
          : { decision: 'keep', note: 'Well attended; most who answered said their practice had changed.' };
    await decideCourse(reviewer, year, course.id, courseDecisionForm.parse(values));
  }
  const { gaps } = await getReview(reviewer, year, { gapsOnly: true });
  const theme = gaps.find((g) => g.kind === 'theme' && (THEMES as readonly string[]).includes(g.key));
  if (theme) await decideGap(reviewer, year, 'theme', theme.key, { decision: 'accepted', note: 'A partnership priority with too little training behind it.' });
  await agreeReview(reviewer, year);
}
