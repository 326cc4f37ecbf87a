import type { Summary } from './stats'
import { round } from './stats'

// `pnpm bench --compare bench/results.json`: which figures of this run got worse than the
// committed run's by more than their spread.

/** One measured figure found at the same place in both runs. */
export interface Comparison {
  /** Where it is in results.json, e.g. `single.ours`, `batch.helper.plain`. */
  figure: string
  before: { p50: number; spreadMs: number }
  now: { p50: number; spreadMs: number }
  /** now − before, of the medians. */
  changeMs: number
  /** Worse by more than the larger of the two spreads. */
  worse: boolean
}

const isSummary = (value: unknown): value is Summary =>
  typeof value === 'object' && value !== null && Array.isArray((value as Summary).samples) && typeof (value as Summary).p50 === 'number' && typeof (value as Summary).p90 === 'number'

/** p90 − p50: how far a run's slow half reaches beyond its median (0 for a single sample). */
const spreadOf = (summary: Summary): number => round(Math.max(0, summary.p90 - summary.p50))

/** Every Summary (a figure with samples) in `results`, by its path. */
function figures(value: unknown, at: string, found: Map<string, Summary>): Map<string, Summary> {
  if (isSummary(value)) found.set(at, value)
  else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) figures(inner, at ? `${at}.${key}` : key, found)
  }
  return found
}

/**
 * The figures of the scenarios both runs measured, each compared by median: worse when it grew by
 * more than the larger spread of the two runs (p90 − p50). Times only: lower is better for all.
 */
export function compareResults(before: { scenarios: unknown }, now: { scenarios: unknown }): Comparison[] {
  const old = figures(before.scenarios, '', new Map())
  return [...figures(now.scenarios, '', new Map())]
    .filter(([figure]) => old.has(figure))
    .map(([figure, summary]) => {
      const was = old.get(figure)!
      const changeMs = round(summary.p50 - was.p50)
      const allowed = Math.max(spreadOf(was), spreadOf(summary))
      return {
        figure,
        before: { p50: was.p50, spreadMs: spreadOf(was) },
        now: { p50: summary.p50, spreadMs: spreadOf(summary) },
        changeMs,
        worse: changeMs > allowed,
      }
    })
}

/** The comparison as a Markdown table, worse figures first. */
export function formatComparison(comparisons: readonly Comparison[], committed: string): string {
  const rows = [...comparisons]
    .sort((a, b) => Number(b.worse) - Number(a.worse))
    .map((c) => [c.figure, `${c.before.p50} ± ${c.before.spreadMs}`, `${c.now.p50} ± ${c.now.spreadMs}`, `${c.changeMs >= 0 ? '+' : '−'}${Math.abs(c.changeMs)}`, c.worse ? '✗ worse' : '✓'])
  const header = ['figure (ms, p50 ± p90 − p50)', committed, 'this run', 'change', 'verdict']
  return [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n')
}
