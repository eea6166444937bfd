/** Percentiles of a set of latencies, in ms (nearest-rank); NaN when there are no samples. */
export interface LatencySummary {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize(latenciesMs: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(latenciesMs).sort();
  const n = sorted.length;
  const rank = (p: number): number => (n === 0 ? NaN : sorted[Math.max(0, Math.ceil((p / 100) * n) - 1)]!);
  return { samples: n, p50: rank(50), p99: rank(99), max: n === 0 ? NaN : sorted[n - 1]! };
}
