// The honest-figures helpers against values worked out independently: Wilson intervals from the
// published formula (and the textbook 0 of 5 and 1 of 10), t intervals from statistical tables.
import { describe, expect, it } from 'vitest';
import { breakdownShown, describeRate, meanFrom, meanOf, peopleCount, rate, shownCells, type MeanFigure, type Proportion } from '../../server/shared/statistics';

const shown = (figure: ReturnType<typeof rate>) => figure as Proportion;
const mean = (figure: ReturnType<typeof meanOf>) => figure as MeanFigure;

describe('rate', () => {
  it('gives the count, the denominator and the Wilson 95% interval', () => {
    const r = shown(rate(212, 331));
    expect(r).toMatchObject({ count: 212, of: 331 });
    expect(r.value).toBeCloseTo(0.6405, 4);
    expect(r.low).toBeCloseTo(0.5874, 4);
    expect(r.high).toBeCloseTo(0.6903, 4);
    expect(describeRate(r)).toBe('64% (212 of 331)');
  });

  it('keeps the interval inside 0 to 1 at the edges', () => {
    expect(shown(rate(0, 5))).toMatchObject({ value: 0, low: 0 });
    expect(shown(rate(0, 5)).high).toBeCloseTo(0.4345, 4);
    expect(shown(rate(5, 5)).low).toBeCloseTo(0.5655, 4);
    expect(shown(rate(5, 5)).high).toBe(1);
    expect(shown(rate(1, 10)).low).toBeCloseTo(0.0179, 4);
    expect(shown(rate(1, 10)).high).toBeCloseTo(0.4042, 4);
  });

  it('is suppressed for fewer than 5 people, and says so', () => {
    expect(rate(3, 4)).toEqual({ suppressed: true });
    expect(rate(0, 0)).toEqual({ suppressed: true });
    expect(describeRate(rate(2, 4))).toBe('fewer than 5');
  });
});

describe('mean', () => {
  it('gives n, the mean and the t interval (t for 9 degrees of freedom is 2.2622)', () => {
    const m = mean(meanOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    expect(m.n).toBe(10);
    expect(m.mean).toBe(5.5);
    expect(m.low).toBeCloseTo(3.3341, 4);
    expect(m.high).toBeCloseTo(7.6659, 4);
  });

  it('agrees from SQL-style aggregates, with tables beyond 30 degrees of freedom', () => {
    expect(mean(meanFrom(6, 18, 64))).toMatchObject({ n: 6, mean: 3 });
    expect(mean(meanFrom(6, 18, 64)).low).toBeCloseTo(1.5159, 4);
    // 41 values with standard deviation 1: half-width t(40) / sqrt(41), t(40) = 2.0211.
    const values = Array.from({ length: 41 }, (_, i) => (i % 2 ? 1 : -1) * Math.sqrt(41 / 40));
    values[40] = 0;
    const wide = mean(meanOf(values));
    const sd = Math.sqrt(values.reduce((a, v) => a + (v - wide.mean) ** 2, 0) / 40);
    expect((wide.high - wide.mean) / (sd / Math.sqrt(41))).toBeCloseTo(2.0211, 3);
  });

  it('is suppressed for fewer than 5 values', () => {
    expect(meanOf([1, 2, 3, 4])).toEqual({ suppressed: true });
  });
});

describe('small groups in a breakdown', () => {
  it('hides counts of 1 to 4 people and shows none as 0', () => {
    expect(peopleCount(4)).toEqual({ suppressed: true });
    expect(peopleCount(0)).toBe(0);
    expect(peopleCount(5)).toBe(5);
  });

  it('hides a second cell when only one is small, so the total cannot give it away', () => {
    expect(breakdownShown([12, 3, 7, 9])).toEqual([true, false, false, true]);
    expect(breakdownShown([12, 3, 2, 9])).toEqual([true, false, false, true]);
    expect(breakdownShown([12, 0, 7])).toEqual([true, true, true]);
    expect(breakdownShown([3, 0])).toEqual([false, true]);
  });
});

describe('linked cells (shownCells)', () => {
  it('hides small counts, and no more when two are hidden in a sum', () => {
    // 14 = 11 + 1 + 2: the 1 and the 2 are hidden; their sum, 3, is known but neither is.
    expect(shownCells([14, 11, 1, 2], [{ total: 0, parts: [1, 2, 3] }])).toEqual([true, true, false, false]);
  });

  it('hides a second cell of a sum that would give a small one away: the one in the fewest sums, the smallest if they tie', () => {
    // 8 = 6 + 0 + 2: the 0 is hidden with the 2 (it is in one sum; the 8 and the 6 are in two).
    // 9 = 6 + 3: the 9 is hidden with the 3 (the 6 is in two sums).
    const sums = [{ total: 0, parts: [1, 2, 3] }, { total: 4, parts: [0, 5] }, { total: 6, parts: [1, 7] }];
    expect(shownCells([8, 6, 0, 2, 20, 12, 9, 3], sums)).toEqual([true, true, false, false, true, true, false, false]);
  });

  it('follows what can be worked out through more than one sum, and through cells no page shows', () => {
    // Sector = org A + org B, and the partnership = sector + 7; A is small. B alone would give A
    // away through the sector, and the sector (not shown) through the partnership.
    const counts = [25, 18, 3, 15, 7];
    const sums = [{ total: 1, parts: [2, 3] }, { total: 0, parts: [1, 4] }];
    const shown = shownCells(counts, sums, [true, false, true, true, true]);
    expect(shown[2]).toBe(false);
    expect(shown.filter((s, i) => !s && i !== 1).length).toBeGreaterThanOrEqual(2);
    expect(shown[0] && shown[3] && shown[4]).toBe(false);
  });

  it('hides every status of a group of fewer than 5, zeros too', () => {
    expect(shownCells([3, 0, 0, 3], [{ total: 0, parts: [1, 2, 3], describesEach: true }])).toEqual([false, false, false, false]);
  });
});
