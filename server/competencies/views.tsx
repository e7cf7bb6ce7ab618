// The competency profile as page parts: each required competency by domain with its status,
// dates and evidence; courses to book; courses waiting for feedback; what the statuses mean.
import { Tag } from '../../web/components';
import { plural, where } from '../../web/domain';
import { formatDay, formatSessionTime } from '../shared/dates';
import { describeEvidence, type AwaitingFeedback, type CompetencyProfile, type CompetencyStanding, type CompetencyStatus, type Evidence, type SuggestedSession } from './service';

/** Under every free-text box of the feature: notes of evidence can be about real children (promise 6). */
export const NO_IDENTIFYING_DETAILS = 'Do not include the names of children or families, or anything else that could identify them.';

const STATUS_TAGS: Record<CompetencyStatus, { text: string; colour: string }> = {
  'not started': { text: 'Not started', colour: 'grey' },
  learned: { text: 'Learned', colour: 'blue' },
  applied: { text: 'Applied', colour: 'green' },
  'due for refresh': { text: 'Due for refresh', colour: 'orange' },
};

export const CompetencyTag = ({ status }: { status: CompetencyStatus }) => <Tag colour={STATUS_TAGS[status].colour}>{STATUS_TAGS[status].text}</Tag>;

/** The dates that go with a status, in words. */
export function statusDates(c: Pick<CompetencyStanding, 'status' | 'since' | 'refreshDue' | 'evidence'>): string[] {
  if (c.status === 'not started') return c.evidence.length ? ['Its evidence of practice counts once you have learned it'] : [];
  if (!c.since || !c.refreshDue) return [];
  if (c.status === 'due for refresh') return [`Due for refresh since ${formatDay(c.refreshDue)}`];
  return [`${c.status === 'applied' ? 'Applied' : 'Learned'} since ${formatDay(c.since)}`, `Refresh due ${formatDay(c.refreshDue)}`];
}

const KIND_NAMES: Record<Evidence['kind'], string> = {
  course: 'Course',
  'e-learning': 'E-learning',
  'three-month survey': 'Your three-month survey',
  'manager survey': 'Your line manager’s survey',
  'manager confirmation': 'Line manager’s confirmation',
};

function EvidenceList({ evidence }: { evidence: Evidence[] }) {
  if (!evidence.length) return <>None yet</>;
  return (
    <ul class="govuk-list">
      {evidence.map((e) => (
        <li>
          <span class="govuk-body-s govuk-!-margin-bottom-0 app-block">
            {KIND_NAMES[e.kind]}, {formatDay(e.on)}
          </span>
          {describeEvidence(e)}
        </li>
      ))}
    </ul>
  );
}

/** The domains in the framework's order (that of their first competency's code), each with its competencies. */
export function byDomain(competencies: CompetencyStanding[]) {
  const domains = new Map<string, CompetencyStanding[]>();
  for (const c of competencies) domains.set(c.domain, [...(domains.get(c.domain) ?? []), c]);
  return [...domains];
}

/** One table per domain: each competency, its status and dates, and its evidence. */
export function ProfileTables({ profile }: { profile: CompetencyProfile }) {
  return (
    <>
      {byDomain(profile.competencies).map(([domain, competencies]) => (
        <table class="govuk-table app-competency-table">
          <caption class="govuk-table__caption govuk-table__caption--m">{domain}</caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">Competency</th>
              <th scope="col" class="govuk-table__header">Status</th>
              <th scope="col" class="govuk-table__header">Evidence</th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {competencies.map((c) => (
              <tr class="govuk-table__row" id={`competency-${c.code}`}>
                <td class="govuk-table__cell">
                  <strong>{c.code}</strong> {c.statement}
                </td>
                <td class="govuk-table__cell">
                  <CompetencyTag status={c.status} />
                  {statusDates(c).map((line) => (
                    <span class="govuk-body-s app-block govuk-!-margin-top-1 govuk-!-margin-bottom-0">{line}</span>
                  ))}
                </td>
                <td class="govuk-table__cell">
                  <EvidenceList evidence={c.evidence} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </>
  );
}

/** "Of the 9 competencies group 3 needs: 2 applied, 3 learned, 1 due for refresh and 3 not started." */
export function countsSentence(profile: CompetencyProfile) {
  const count = (status: CompetencyStatus) => profile.competencies.filter((c) => c.status === status).length;
  const parts = (['applied', 'learned', 'due for refresh', 'not started'] as const).filter((s) => count(s)).map((s) => `${count(s)} ${s}`);
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts[0];
  return `Of the ${plural(profile.competencies.length, 'competency', 'competencies')} your workforce group needs: ${list}.`;
}

/** Why there is no profile: no workforce group, or one the current framework no longer has. */
export function NoGroup({ profile }: { profile: CompetencyProfile }) {
  return (
    <>
      {profile.groupMissing === 'not set' ? (
        <p class="govuk-body">Your account does not say which workforce group you are in, so we cannot tell which competencies you need.</p>
      ) : (
        <p class="govuk-body">
          {profile.framework
            ? `Your workforce group is not part of the current version of the partnership’s competency framework (${profile.framework.title}, version ${profile.framework.version}), so we cannot tell which competencies you need.`
            : 'The partnership has not published its competency framework yet.'}
        </p>
      )}
      <p class="govuk-body">
        Your workforce group is the level of the framework that fits your role. If your role straddles two groups, it is the higher one.
      </p>
      <p class="govuk-body">
        <a class="govuk-link" href="/account/workforce-group">
          Ask to change your workforce group
        </a>
        : a coordinator or your organisation’s lead will decide it.
      </p>
    </>
  );
}

/** Courses come to whose feedback is still to give: each would count as learning once given. */
export function AwaitingFeedbackList({ rows }: { rows: AwaitingFeedback[] }) {
  if (!rows.length) return null;
  return (
    <div class="govuk-inset-text app-no-print">
      <p class="govuk-body">These courses count towards your competencies once you give your feedback on them:</p>
      <ul class="govuk-list">
        {rows.map((r) => (
          <li>
            <a class="govuk-link" href={`/feedback/${r.bookingId}`}>
              Give feedback on {r.course.title}
            </a>{' '}
            ({formatDay(r.on)}; {r.competencyCodes.join(', ')})
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The sessions to book, nearest first. */
export function Suggestions({ rows, needed }: { rows: SuggestedSession[]; needed: number }) {
  if (!needed) return null;
  return (
    <div class="app-no-print">
      <h2 class="govuk-heading-m">Sessions you could book</h2>
      {rows.length ? (
        <>
          <p class="govuk-body">Sessions open for booking now that develop competencies you have not started or that are due for refresh, soonest first.</p>
          <ul class="govuk-list app-suggestions">
            {rows.map((r) => (
              <li>
                <a class="govuk-link govuk-!-font-weight-bold" href={`/sessions/${r.sessionId}`}>
                  {r.course.title}
                </a>
                <span class="app-block">{formatSessionTime(r.startsAt, r.endsAt)}</span>
                <span class="app-block govuk-body-s govuk-!-margin-bottom-0">
                  {where(r)}. {r.placesLeft ? `${plural(r.placesLeft, 'place', 'places')} left` : 'Full: you can join the waiting list'}. Develops {r.develops.join(', ')}.
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p class="govuk-body">
          No session open for booking now develops the competencies you have not started or that are due for refresh. <a class="govuk-link" href="/courses">Browse the prospectus</a> or ask the training team.
        </p>
      )}
    </div>
  );
}

/** What the statuses mean, as the rules in the service say. */
export function StatusRules({ defaultRefreshMonths }: { defaultRefreshMonths: number }) {
  return (
    <details class="govuk-details app-no-print">
      <summary class="govuk-details__summary">
        <span class="govuk-details__summary-text">What the statuses mean</span>
      </summary>
      <div class="govuk-details__text">
        <ul class="govuk-list govuk-list--bullet">
          <li><strong>Learned</strong>: you came to a course that develops the competency and gave your feedback on the day, or completed e-learning that develops it.</li>
          <li><strong>Applied</strong>: you have learned it, and your three-month survey (your practice changed, or you rated yourself confident), your line manager’s survey or your line manager’s confirmation shows it in your practice.</li>
          <li><strong>Due for refresh</strong>: your latest learning is older than the refresh period ({plural(defaultRefreshMonths, 'month', 'months')} unless a competency says otherwise). Only new learning clears it. Evidence of applying a competency also counts for that long.</li>
          <li><strong>Not started</strong>: there is no learning for it yet.</li>
        </ul>
      </div>
    </details>
  );
}
