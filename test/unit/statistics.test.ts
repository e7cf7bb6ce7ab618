// The honest-figures helpers against values worked out independently: Wilson intervals from the
// published formula (and the textbook 0 of 5 and 1 of 10), t intervals from statistical tables.
import { describe, expect, it } from 'vitest';
import { cellsShown, describeRate, meanFrom, meanOf, peopleCount, rate, type MeanFigure, type Proportion } from '../../server/shared/statistics';

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
    expect(cellsShown([12, 3, 7, 9])).toEqual([true, false, false, true]);
    expect(cellsShown([12, 3, 2, 9])).toEqual([true, false, false, true]);
    expect(cellsShown([12, 0, 7])).toEqual([true, true, true]);
    expect(cellsShown([3, 0])).toEqual([false, true]);
  });
});
