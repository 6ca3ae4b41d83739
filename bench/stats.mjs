/** Latency summaries and side-by-side ratios. */

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function latencySummary(values) {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? sorted[sorted.length - 1] : NaN,
    mean: sorted.length > 0 ? sum / sorted.length : NaN,
  };
}

export function median(values) {
  return percentile(Float64Array.from(values).sort(), 50);
}

export const ratio = (a, b) => (b === 0 || !Number.isFinite(b) ? NaN : a / b);

/** `{ name: pick(a) / pick(b) }` for every named pick: two arms side by side. */
export function compare(a, b, picks) {
  return Object.fromEntries(
    Object.entries(picks).map(([name, pick]) => [name, ratio(pick(a), pick(b))]),
  );
}

/** What two `Arm` summaries are compared on; app-side costs only when both arms reached the app. */
export const CLIENT_SIDE = {
  throughput: (a) => a.throughputPerSec,
  p50: (a) => a.latencyMs.p50,
  p99: (a) => a.latencyMs.p99,
};
export const CLIENT_AND_APP_SIDE = {
  ...CLIENT_SIDE,
  appCpu: (a) => a.appCpuUsPerOp,
  appHeap: (a) => a.appAllocKiBPerOp,
};
