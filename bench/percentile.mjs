// The p-th percentile of latencies sorted ascending (nearest rank), as every benchmark prints it.
export const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
