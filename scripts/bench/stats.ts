/** Order statistics for the bench's samples (medians and percentiles of repeated runs). */

/** The value at quantile q (0..1) of the samples, nearest rank; NaN for no samples. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** The middle sample (the upper one of an even count's two). */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  return [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? Number.NaN;
}

export function max(samples: readonly number[]): number {
  return samples.length === 0 ? Number.NaN : Math.max(...samples);
}

/**
 * Two series sampled in turns, run by run, as [ours, peer] pairs (report.ts takes a row's ratio as
 * the median of the pairs' ratios). A run the peer lacks pairs with NaN.
 */
export function sideBySide(ours: readonly number[], peer: readonly number[]): Array<readonly [number, number]> {
  return ours.map((value, run) => [value, peer[run] ?? Number.NaN] as const);
}
