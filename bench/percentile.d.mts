export declare const percentile: (sorted: number[], p: number) => number;
export declare const median: (values: number[]) => number;
