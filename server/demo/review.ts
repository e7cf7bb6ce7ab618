// The demo's year-end review of this year, in progress: the reviewer has decided on three courses
// (keep one, revise one, merge one into the first), through the review's service.
import { decideCourse } from '../review/service';
import { courseDecisionForm } from '../review/schemas';
import type { ServiceContext } from '../shared/context';

export async function startYearReview(s: ServiceContext, year: string, courseIds: string[]): Promise<void> {
  const [kept, revised, merged] = courseIds;
  const decide = (courseId: string, values: Record<string, string>) => decideCourse(s, year, courseId, courseDecisionForm.parse(values));
  await decide(kept, { decision: 'keep', note: 'Well attended, and most who answered three months on said their practice had changed.' });
  await decide(revised, { decision: 'revise', changes: 'Add a case study from this year’s local learning review, and shorten it to a half day.', note: 'Feedback said the afternoon repeated the morning.' });
  await decide(merged, { decision: 'merge', mergeInto: kept, note: 'The two courses cover much the same ground.' });
}
