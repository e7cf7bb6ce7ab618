// The p-th percentile of latencies sorted ascending (nearest rank), as every benchmark prints it.
export const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
// The middle of a few runs' figures (the upper middle of an even count), in any order.
export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
