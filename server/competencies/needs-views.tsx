// The learning-needs analysis and the gap map as page parts: GOV.UK tables of figures in words,
// what the figures mean, and (for an organisation's lead and coordinators) the people to talk to.
import { Tag } from '../../web/components';
import { plural } from '../../web/domain';
import { formatDay } from '../shared/dates';
import { describeFigure, describeShare, type GapMap, type LearningNeeds, type NamedPeople } from './needs';

/** What the figures mean and why some are not shown. */
export function AboutTheFigures({ defaultRefreshMonths }: { defaultRefreshMonths: number }) {
  return (
    <details class="govuk-details">
      <summary class="govuk-details__summary">
        <span class="govuk-details__summary-text">What the figures mean</span>
      </summary>
      <div class="govuk-details__text">
        <p class="govuk-body">
          People meet a competency when they have learned it (a course with its feedback, or e-learning) within its refresh period, {plural(defaultRefreshMonths, 'month', 'months')} unless it says otherwise, or learned and applied it. The statuses are the ones people see on their competency profiles.
        </p>
        <p class="govuk-body">
          Any figure for fewer than 5 people says “fewer than 5”. A figure that says “not shown” is 5 or more, but with the other figures it would let one of fewer than 5 be worked out.
        </p>
      </div>
    </details>
  );
}

const Th = ({ children }: { children: string }) => (
  <th scope="col" class="govuk-table__header">
    {children}
  </th>
);

/** The organisation's people by workforce group. */
export function GroupsTable({ needs }: { needs: LearningNeeds }) {
  return (
    <table class="govuk-table">
      <caption class="govuk-table__caption govuk-table__caption--m">People by workforce group</caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          <Th>Workforce group</Th>
          <Th>People</Th>
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {needs.groups.map((g) => (
          <tr class="govuk-table__row">
            <th scope="row" class="govuk-table__header">{g.name}</th>
            <td class="govuk-table__cell">{describeFigure(g.people)}</td>
          </tr>
        ))}
        <tr class="govuk-table__row">
          <th scope="row" class="govuk-table__header">No group in the current framework</th>
          <td class="govuk-table__cell">{describeFigure(needs.notInFramework)}</td>
        </tr>
        <tr class="govuk-table__row">
          <th scope="row" class="govuk-table__header">Everyone</th>
          <td class="govuk-table__cell">{describeFigure(needs.people)}</td>
        </tr>
      </tbody>
    </table>
  );
}

/** Each competency the organisation needs: who needs it, meets it, is due and has not started, today and a year earlier. */
export function NeedsTable({ needs }: { needs: LearningNeeds }) {
  const earlier = formatDay(needs.yearEarlier);
  return (
    <table class="govuk-table app-needs-table">
      <caption class="govuk-table__caption govuk-table__caption--m">Competencies</caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          <Th>Competency</Th>
          <Th>People who need it</Th>
          <Th>Meet it</Th>
          <Th>Due for refresh</Th>
          <Th>Not started</Th>
          <Th>{`Meet it on ${earlier}`}</Th>
          <Th>{`Due for refresh on ${earlier}`}</Th>
          <Th>{`Not started on ${earlier}`}</Th>
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {needs.competencies.map((c) => (
          <tr class="govuk-table__row" id={`competency-${c.code}`}>
            <th scope="row" class="govuk-table__header">
              {c.code} <span class="govuk-body-s app-block govuk-!-font-weight-regular">{c.statement}</span>
            </th>
            {[describeFigure(c.required), describeShare(c.now.meets), describeFigure(c.now.dueForRefresh), describeFigure(c.now.notStarted), describeShare(c.yearEarlier.meets), describeFigure(c.yearEarlier.dueForRefresh), describeFigure(c.yearEarlier.notStarted)].map((text) => (
              <td class="govuk-table__cell">{text}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const NameList = ({ names }: { names: string[] }) => (names.length ? <ul class="govuk-list govuk-list--bullet">{names.map((n) => <li>{n}</li>)}</ul> : <p class="govuk-body">Nobody.</p>);

/** The people to talk to, for the organisation's lead and coordinators. */
export function PeopleToTrain({ named, needs }: { named: NamedPeople; needs: LearningNeeds }) {
  return (
    <>
      <h2 class="govuk-heading-m">People to talk to</h2>
      <p class="govuk-body">Only the organisation’s safeguarding lead and the partnership’s coordinators see these names.</p>
      <h3 class="govuk-heading-s">No learning in the last {plural(needs.framework.defaultRefreshMonths, 'month', 'months')}</h3>
      <NameList names={named.noLearning} />
      {needs.competencies.map((c) => {
        const { dueForRefresh, notStarted } = named.competencies[c.code];
        if (!dueForRefresh.length && !notStarted.length) return null;
        return (
          <details class="govuk-details">
            <summary class="govuk-details__summary">
              <span class="govuk-details__summary-text">
                {c.code}: {dueForRefresh.length} due for refresh, {notStarted.length} not started
              </span>
            </summary>
            <div class="govuk-details__text">
              <h4 class="govuk-heading-s">Due for refresh</h4>
              <NameList names={dueForRefresh} />
              <h4 class="govuk-heading-s">Not started</h4>
              <NameList names={notStarted} />
            </div>
          </details>
        );
      })}
    </>
  );
}

/** One table: competencies down, the partnership and each sector across; a tag on those no course on offer develops. */
export function GapMapTable({ map }: { map: GapMap }) {
  return (
    <table class="govuk-table app-gap-map">
      <caption class="govuk-table__caption govuk-table__caption--m">By sector</caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          <Th>Competency</Th>
          <Th>All sectors</Th>
          {map.sectors.map((sector) => (
            <Th>{sector}</Th>
          ))}
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {map.competencies.map((c) => (
          <tr class="govuk-table__row" id={`competency-${c.code}`}>
            <th scope="row" class="govuk-table__header">
              {c.code} <span class="govuk-body-s app-block govuk-!-font-weight-regular">{c.statement}</span>
              {c.uncovered ? <Tag colour="red">No course on offer</Tag> : null}
            </th>
            <td class="govuk-table__cell">{describeShare(c.all)}</td>
            {c.bySector.map((share) => (
              <td class="govuk-table__cell">{describeShare(share)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The same by organisation: one table per sector, organisations down, competencies across. */
export function ByOrganisation({ map, href }: { map: GapMap; href: (organisationId: string) => string }) {
  return (
    <>
      <h2 class="govuk-heading-m">By organisation</h2>
      {map.sectors.map((sector) => (
        <table class="govuk-table app-gap-map">
          <caption class="govuk-table__caption govuk-table__caption--s">{sector}</caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <Th>Organisation</Th>
              {map.competencies.map((c) => (
                <Th>{c.code}</Th>
              ))}
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {map.organisations.flatMap((o, i) =>
              o.sector === sector
                ? [
                    <tr class="govuk-table__row">
                      <th scope="row" class="govuk-table__header">
                        <a class="govuk-link" href={href(o.id)}>
                          {o.name}
                        </a>
                      </th>
                      {map.competencies.map((c) => (
                        <td class="govuk-table__cell">{describeShare(c.byOrganisation[i])}</td>
                      ))}
                    </tr>,
                  ]
                : [],
            )}
          </tbody>
        </table>
      ))}
    </>
  );
}

/** The competencies no course on offer develops, and the courses that develop the others. */
export function Coverage({ map }: { map: GapMap }) {
  const uncovered = map.competencies.filter((c) => c.uncovered);
  return (
    <>
      <h2 class="govuk-heading-m">Competencies no course on offer develops</h2>
      <p class="govuk-body">Courses on offer are those of this year’s published prospectus and of draft prospectuses, not withdrawn. A course of a past year, or a withdrawn one, does not count.</p>
      {uncovered.length ? (
        <ul class="govuk-list govuk-list--bullet">
          {uncovered.map((c) => (
            <li>
              <strong>{c.code}</strong> {c.statement}
            </li>
          ))}
        </ul>
      ) : (
        <p class="govuk-body">Every competency a workforce group requires is developed by a course on offer.</p>
      )}
    </>
  );
}
