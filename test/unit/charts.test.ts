// The bar charts' scales: a round end at or above the largest value, about four ticks, whole
// numbers for counts.
import { describe, expect, it } from 'vitest';
import { niceScale } from '../../web/charts';

describe('a chart’s scale', () => {
  it('ends on a round number at or above the largest value', () => {
    expect(niceScale(8, true)).toEqual({ max: 8, step: 2 });
    expect(niceScale(437, true)).toEqual({ max: 600, step: 200 });
    expect(niceScale(0.93)).toEqual({ max: 1, step: 0.25 });
    expect(niceScale(7.3)).toEqual({ max: 8, step: 2 });
  });

  it('counts in whole numbers, and has a scale with nothing to draw', () => {
    expect(niceScale(1, true)).toEqual({ max: 1, step: 1 });
    expect(niceScale(3, true)).toEqual({ max: 3, step: 1 });
    expect(niceScale(0, true)).toEqual({ max: 1, step: 1 });
    expect(niceScale(0)).toEqual({ max: 1, step: 0.25 });
  });
});
