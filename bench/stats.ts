/** Raw samples (ms) with their median, 90th percentile and maximum. */
export interface Summary {
  samples: number[]
  p50: number
  p90: number
  max: number
}

/** The q-quantile (0..1) by linear interpolation between the sorted samples' closest ranks. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const position = (sorted.length - 1) * q
  const below = Math.floor(position)
  const above = Math.ceil(position)
  const low = sorted[below] as number
  return low + ((sorted[above] as number) - low) * (position - below)
}

export function summarize(samples: readonly number[]): Summary {
  return {
    samples: samples.map((sample) => round(sample)),
    p50: round(quantile(samples, 0.5)),
    p90: round(quantile(samples, 0.9)),
    max: round(Math.max(...samples)),
  }
}

/** Two decimals: more than the clocks can tell, little enough to keep results.json readable. */
export function round(value: number, digits = 2): number {
  const scale = 10 ** digits
  return Math.round(value * scale) / scale
}

export function ratio(ours: number, plain: number): number {
  return round(ours / plain, 3)
}

/** ours ÷ plain, of the medians and of the 90th percentiles. */
export function ratios(ours: Summary, plain: Summary): { p50: number; p90: number } {
  return { p50: ratio(ours.p50, plain.p50), p90: ratio(ours.p90, plain.p90) }
}
