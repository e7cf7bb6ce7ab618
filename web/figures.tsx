// Honest figures as page parts (DESIGN.md §4): a rate with its count, denominator and interval, a
// mean with its n and interval, "fewer than 5" where a figure is suppressed. For the impact
// dashboard, the learning-needs analysis and the year-end review alike.
import { describeInterval, describeRate, isSuppressed, FEWER_THAN_SMALL_GROUP, type Mean, type Rate } from '../server/shared/statistics';
import { formatCount } from '../server/shared/words';

const Hidden = ({ figure }: { figure: { notShown?: true } }) => <span class="app-suppressed">{figure.notShown ? 'not shown' : FEWER_THAN_SMALL_GROUP}</span>;

/** "64% (212 of 331)" with "95% interval: 59% to 69%" under it. */
export function RateFigure({ figure }: { figure: Rate }) {
  if (isSuppressed(figure)) return <Hidden figure={figure} />;
  return (
    <>
      {describeRate(figure)}
      <span class="govuk-body-s app-interval">95% interval: {describeInterval(figure)}</span>
    </>
  );
}

/** "7.2 (9 people)" with its interval under it; `unit` says what the number counts ("out of 10"). */
export function MeanFigure({ figure, unit = '', signed = false }: { figure: Mean; unit?: string; signed?: boolean }) {
  if (isSuppressed(figure)) return <Hidden figure={figure} />;
  const number = (v: number) => `${signed && v > 0 ? '+' : ''}${v.toFixed(1)}`;
  return (
    <>
      {number(figure.mean)}
      {unit ? ` ${unit}` : ''} ({formatCount(figure.n)} {figure.n === 1 ? 'person' : 'people'})
      <span class="govuk-body-s app-interval">
        95% interval: {number(figure.low)} to {number(figure.high)}
      </span>
    </>
  );
}

/** A count of people in a breakdown: the number, or "fewer than 5" where it is suppressed (null). */
export const CountFigure = ({ count }: { count: number | null }) => (count === null ? <span class="app-suppressed">{FEWER_THAN_SMALL_GROUP}</span> : <>{formatCount(count)}</>);
