import { describe, expect, it } from 'vitest'
import { compareResults, formatComparison } from './compare'
import { summarize } from './stats'

const run = (single: number[], batch: number[]) => ({
  scenarios: { single: { ours: summarize(single), ratio: { p50: 1, p90: 1 } }, batch: { helper: { ours: summarize(batch) } } },
})

describe('compareResults', () => {
  it('finds every figure with samples at the same place in both runs, and calls it worse only beyond the larger spread', () => {
    // single: p50 10, p90 12.8 (spread 2.8); batch: p50 100, p90 100.6 (spread 0.6).
    const before = run([9, 10, 10, 11, 14], [99, 100, 100, 100, 101])
    const within = compareResults(before, run([10, 11, 12, 12, 13], [99, 100, 100.5, 101, 101]))
    expect(within.map((c) => [c.figure, c.worse])).toEqual([
      ['single.ours', false],
      ['batch.helper.ours', false],
    ])
    const beyond = compareResults(before, run([13, 14, 14, 15, 15], [100, 102, 102, 102, 103]))
    expect(beyond.map((c) => [c.figure, c.changeMs, c.worse])).toEqual([
      ['single.ours', 4, true],
      ['batch.helper.ours', 2, true],
    ])
  })

  it('leaves out scenarios one of the runs did not measure; better is never worse', () => {
    const before = { scenarios: { single: { ours: summarize([20, 20, 20]) } } }
    const now = run([5, 5, 5], [1, 1, 1])
    expect(compareResults(before, now)).toEqual([
      { figure: 'single.ours', before: { p50: 20, spreadMs: 0 }, now: { p50: 5, spreadMs: 0 }, changeMs: -15, worse: false },
    ])
  })

  it('prints worse figures first', () => {
    const table = formatComparison(compareResults(run([10, 10, 10], [10, 10, 10]), run([10, 10, 10], [50, 50, 50])), 'bench/results.json')
    const lines = table.split('\n')
    expect(lines[0]).toContain('bench/results.json')
    expect(lines[2]).toBe('| batch.helper.ours | 10 ± 0 | 50 ± 0 | +40 | ✗ worse |')
    expect(lines[3]).toBe('| single.ours | 10 ± 0 | 10 ± 0 | +0 | ✓ |')
  })
})
