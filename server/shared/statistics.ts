// Honest figures (DESIGN.md §4): a rate always travels with its count, its denominator and a 95%
// interval; a mean with its n and a 95% interval; and any figure about fewer than SMALL_GROUP
// people is suppressed, so nobody can be picked out of a small group. See
// docs/decisions/0012-small-numbers-suppressed.md.
import { formatCount } from './words';

/** Groups of fewer people than this are not shown. */
export const SMALL_GROUP = 5;
/** What a page, a file or a sentence says in place of a figure about fewer than SMALL_GROUP people. */
export const FEWER_THAN_SMALL_GROUP = `fewer than ${SMALL_GROUP}`;

export interface Suppressed {
  suppressed: true;
  /** About 5 or more people, hidden so that a figure about fewer than 5 cannot be worked out from it: "not shown". */
  notShown?: true;
}
export interface Proportion {
  count: number;
  of: number;
  /** count ÷ of, and the Wilson 95% interval around it, all in 0..1. */
  value: number;
  low: number;
  high: number;
}
export type Rate = Proportion | Suppressed;

export interface MeanFigure {
  n: number;
  mean: number;
  /** The 95% interval around the mean (Student's t). */
  low: number;
  high: number;
}
export type Mean = MeanFigure | Suppressed;

const SUPPRESSED: Suppressed = Object.freeze({ suppressed: true });
/** A figure hidden to protect another (decision 12): said as "not shown", never "fewer than 5". */
export const NOT_SHOWN: Suppressed = Object.freeze({ suppressed: true, notShown: true });
/** One figure of a table, whichever kind: a count (perhaps suppressed), a rate or a mean. */
export type FigureCell = { count: number | Suppressed } | { rate: Rate } | { mean: Mean };

export const isSuppressed = (figure: Rate | Mean): figure is Suppressed => 'suppressed' in figure;

/** The 97.5th percentile of the standard normal distribution. */
const Z = 1.959963984540054;

/**
 * `count` of `of` people as a rate with its Wilson score interval, which (unlike count ÷ of ± 2
 * standard errors) stays inside 0..1 and is honest for small groups and rates near 0 or 1.
 * Suppressed when fewer than SMALL_GROUP people are counted in the denominator.
 */
export function rate(count: number, of: number): Rate {
  if (of < SMALL_GROUP) return SUPPRESSED;
  const p = count / of;
  const z2 = Z * Z;
  const denominator = 1 + z2 / of;
  const centre = (p + z2 / (2 * of)) / denominator;
  const half = (Z * Math.sqrt((p * (1 - p)) / of + z2 / (4 * of * of))) / denominator;
  return { count, of, value: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Student's t, 97.5th percentile, for 1 to 30 degrees of freedom. */
const T_975 = [
  12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.306, 2.2622, 2.2281, 2.201, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.093, 2.086, 2.0796,
  2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
];

/** Above 30 degrees of freedom, the Cornish-Fisher expansion is within 0.0001 of the table's value. */
function tQuantile(df: number): number {
  if (df <= T_975.length) return T_975[df - 1];
  const z = Z;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2) + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * df ** 3);
}

/**
 * A mean from its n, sum and sum of squares (as SQL aggregates them), with its 95% interval.
 * Suppressed when fewer than SMALL_GROUP people gave a value.
 */
export function meanFrom(n: number, sum: number, sumOfSquares: number): Mean {
  if (n < SMALL_GROUP) return SUPPRESSED;
  const mean = sum / n;
  const variance = Math.max(0, (sumOfSquares - n * mean * mean) / (n - 1));
  const half = tQuantile(n - 1) * Math.sqrt(variance / n);
  return { n, mean, low: mean - half, high: mean + half };
}

/** The same from the values themselves. */
export const meanOf = (values: readonly number[]) =>
  meanFrom(
    values.length,
    values.reduce((a, v) => a + v, 0),
    values.reduce((a, v) => a + v * v, 0),
  );

/** A count of people, or suppressed when it is 1 to SMALL_GROUP - 1 (none is shown as 0: it picks nobody out). */
export const peopleCount = (n: number): number | Suppressed => (n > 0 && n < SMALL_GROUP ? SUPPRESSED : n);

/**
 * Which cells of one breakdown can be shown beside its total: shownCells with the one sum, so a
 * lone small cell takes a second with it and none can be worked out from the total.
 */
export function breakdownShown(counts: readonly number[]): boolean[] {
  const total = counts.reduce((a, n) => a + n, 0);
  return shownCells([...counts, total], [{ total: counts.length, parts: counts.map((_, i) => i) }]).slice(0, counts.length);
}

/** "64% (212 of 331)", or "fewer than 5" when suppressed. */
export function describeRate(figure: Rate): string {
  if (isSuppressed(figure)) return FEWER_THAN_SMALL_GROUP;
  return `${percent(figure.value)} (${formatCount(figure.count)} of ${formatCount(figure.of)})`;
}

/** "51% to 69%": a rate's interval. */
export const describeInterval = (figure: Proportion) => `${percent(figure.low)} to ${percent(figure.high)}`;

export const percent = (value: number) => `${Math.round(value * 100)}%`;

/** Cells (by index) that add up: `total` is the sum of `parts`. */
export interface SumOf {
  total: number;
  parts: number[];
  /** The parts say something about each of the total's people (their statuses): when the total is hidden for being small, so are they all. */
  describesEach?: boolean;
}

/**
 * Which of a set of linked counts can be shown, so that no count of 1 to SMALL_GROUP - 1 people
 * is shown or can be worked out from those that are. `sums` say which cells add up to which; a
 * reader knows a cell when it is shown, or when it is the one cell of a sum not known, and what
 * is known so lets them work out more. Cells not `displayed` (a breakdown no page shows, whose
 * sums still link the ones shown) are never shown, and may be worked out. Hidden are:
 * (a) counts of 1 to SMALL_GROUP - 1; (b) every part of a sum that `describesEach` whose total is
 * hidden by (a), zeros too, so that "all 3 have not started" is not told either; (c) then, while
 * a hidden cell can be worked out, one more cell of the sum that gives it away: the one in the
 * fewest sums (hiding it takes least away elsewhere), the smallest if they tie. Exact for sums
 * that nest, as a breakdown and its breakdowns do; where sums cross (organisations by workforce
 * group, with both margins shown) it is checked sum by sum, which a combination of several sums
 * could get past.
 */
export function shownCells(counts: readonly number[], sums: readonly SumOf[], displayed: readonly boolean[] = counts.map(() => true)): boolean[] {
  const small = (n: number) => n > 0 && n < SMALL_GROUP;
  const shown = counts.map((n, i) => displayed[i] && !small(n));
  for (const sum of sums) if (sum.describesEach && small(counts[sum.total])) for (const part of sum.parts) shown[part] = false;
  const sumsOf: number[][] = counts.map(() => []);
  sums.forEach((sum, k) => [sum.total, ...sum.parts].forEach((i) => sumsOf[i].push(k)));
  for (;;) {
    const { known, derivedBy } = whatCanBeKnown(shown, sums, sumsOf);
    const leaks = counts.flatMap((_, i) => (displayed[i] && !shown[i] && known[i] ? [i] : []));
    if (!leaks.length) return shown;
    // Each leak is mended from what could be known at the start of the round; once a mend has
    // changed that, the rest wait for the next round.
    for (const leak of leaks) {
      const next = nextToHide(leak, derivedBy, sums, sumsOf, counts, shown);
      if (next === undefined) break;
      shown[next] = false;
    }
  }
}

/** The cells a reader can know from those shown, and for each worked out, the sum it was worked out from. */
function whatCanBeKnown(shown: readonly boolean[], sums: readonly SumOf[], sumsOf: number[][]) {
  const known = [...shown];
  const derivedBy = new Map<number, number>();
  const members = (k: number) => [sums[k].total, ...sums[k].parts];
  const unknown = sums.map((_, k) => members(k).filter((i) => !known[i]).length);
  const ready = sums.flatMap((_, k) => (unknown[k] === 1 ? [k] : []));
  while (ready.length) {
    const k = ready.pop()!;
    const cell = members(k).find((i) => !known[i]);
    if (cell === undefined) continue;
    known[cell] = true;
    derivedBy.set(cell, k);
    for (const other of sumsOf[cell]) if (--unknown[other] === 1) ready.push(other);
  }
  return { known, derivedBy };
}

/** The shown cell to hide so that `leaked` can no longer be worked out, followed back through how it was. */
function nextToHide(leaked: number, derivedBy: Map<number, number>, sums: readonly SumOf[], sumsOf: number[][], counts: readonly number[], shown: boolean[]): number | undefined {
  const sum = sums[derivedBy.get(leaked)!];
  const members = [sum.total, ...sum.parts].filter((i) => i !== leaked);
  const candidates = members.filter((i) => shown[i]).sort((a, b) => sumsOf[a].length - sumsOf[b].length || counts[a] - counts[b]);
  if (candidates.length) return candidates[0];
  // Every other cell of the sum was itself worked out: break how the first of them was. None
  // was, when an earlier mend this round has hidden the cell that gave this one away.
  const derived = members.find((i) => derivedBy.has(i));
  return derived === undefined ? undefined : nextToHide(derived, derivedBy, sums, sumsOf, counts, shown);
}
