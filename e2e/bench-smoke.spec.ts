import path from 'node:path'
import { expect, test } from '@playwright/test'
import { runBenchmark } from '../bench/benchmark'
import { repoRoot } from '../bench/fixtures'
import { SMOKE } from '../bench/profile'
import { formatTable } from '../bench/report'
import { ratio, type Summary } from '../bench/stats'

// `pnpm bench` is not a test, but this quick run of it is, so it cannot rot: every scenario with a
// few samples. The goals are not checked here (they are numbers on a shared machine); that every
// measurement happened, that each plugin swapped exactly once per change, and that the soak left
// nothing behind, is.

/**
 * Every edit reached the page, and ours swapped exactly once for each (one reload per save is what
 * the product promises). Plain Vite may apply a save twice when its watcher reports it twice on a
 * loaded machine: that side only has to apply every edit.
 */
const expectEveryEditApplied = ({ edits, ...sides }: { edits: number; [side: string]: number }, ours: readonly string[]) => {
  for (const [side, updates] of Object.entries(sides)) {
    if (ours.includes(side)) expect(updates, `${side}: one swap for each of ${edits} edits`).toBe(edits)
    else expect(updates, `${side}: updates for ${edits} edits`).toBeGreaterThanOrEqual(edits)
  }
}

/** A ratio is ours ÷ plain of the figures it reports, as rounded by the benchmark. */
const expectRatio = (value: number, ours: number, plain: number) => expect(value).toBe(ratio(ours, plain))

const expectMeasured = (summary: Summary, samples: number) => {
  expect(summary.samples).toHaveLength(samples)
  for (const value of [...summary.samples, summary.p50, summary.p90, summary.max]) {
    expect(Number.isFinite(value) && value > 0, `${value} is a positive duration`).toBe(true)
  }
}

test('the benchmark runs every scenario (smoke: few samples, no goals)', async ({ browser }) => {
  test.setTimeout(240_000)
  const results = await runBenchmark(browser, SMOKE, { workDir: path.join(repoRoot, 'bench', '.work', 'smoke') })
  const { single, persist, debounce, batch, scale, soak, feed } = results.scenarios

  expectMeasured(single!.ours, SMOKE.single.samples)
  expectMeasured(single!.plain, SMOKE.single.samples)
  expectMeasured(single!.fastRefresh, SMOKE.single.samples)
  expectRatio(single!.ratioToFastRefresh.p50, single!.ours.p50, single!.fastRefresh.p50)
  expectRatio(single!.ratio.p50, single!.ours.p50, single!.plain.p50)
  expectRatio(single!.ratio.p90, single!.ours.p90, single!.plain.p90)
  expectEveryEditApplied(single!.updates, ['ours'])

  expectMeasured(persist!.on, SMOKE.persist.samples)
  expectMeasured(persist!.off, SMOKE.persist.samples)
  expect(persist!.savedRecords.on, 'state was written behind the swaps').toBeGreaterThan(0)
  expect(persist!.savedRecords.off).toBe(0)
  expectEveryEditApplied(persist!.updates, ['on', 'off'])
  expectMeasured(debounce!.on, SMOKE.debounce.samples)
  expectMeasured(debounce!.off, SMOKE.debounce.samples)
  expectEveryEditApplied(debounce!.updates, ['on', 'off'])

  for (const way of [batch!.helper, batch!.files]) {
    expectMeasured(way.ours, SMOKE.batch.rounds)
    expectMeasured(way.plain, SMOKE.batch.rounds)
    // Ours: one swap per plugin per change, counted from the host's reload-completed events.
    expect(way.updatesPerRound.ours).toEqual(Array(SMOKE.batch.rounds).fill(SMOKE.batch.plugins))
    expect(way.exactlyOncePerPlugin.ours).toBe(true)
    expectRatio(way.ratio.p50, way.ours.p50, way.plain.p50)
    for (const updates of way.updatesPerRound.plain) expect(updates).toBeGreaterThanOrEqual(SMOKE.batch.plugins)
  }

  for (const side of [scale!.ours, scale!.plain]) {
    expectMeasured(side.serverStartMs, SMOKE.scale.runs + SMOKE.scale.starts)
    expectMeasured(side.firstLoadMs, SMOKE.scale.runs)
  }
  expectRatio(scale!.ratio.total, scale!.ours.totalMs.p50, scale!.plain.totalMs.p50)
  expectRatio(scale!.ratio.serverStart, scale!.ours.serverStartMs.p50, scale!.plain.serverStartMs.p50)

  expectEveryEditApplied(soak!.updates, ['ours'])
  for (const side of [soak!.ours, soak!.plain]) {
    expectMeasured(side.swapMs, SMOKE.soak.swaps)
    // Every old instance is gone: nothing reachable, no timer, listener or element left behind.
    const { instances, intervals, timeouts, globalListeners, domNodes, ...counts } = side.leftovers
    expect({ instances, intervals, timeouts, globalListeners, domNodes }).toEqual({ instances: 0, intervals: 0, timeouts: 0, globalListeners: 0, domNodes: 0 })
    // Chromium's own counts move with the engine's caches: whole numbers, not a promise of zero.
    for (const count of Object.values(counts)) expect(Number.isInteger(count)).toBe(true)
    expect(side.heap.beforeBytes).toBeGreaterThan(0)
    expect(side.heap.afterBytes).toBeGreaterThan(0)
  }

  // Every sample checked that the new version ran with its state (the scenario throws otherwise).
  expectMeasured(feed!.swap, SMOKE.feed.samples)
  expectMeasured(feed!.unchanged, SMOKE.feed.samples)
  expect(feed!.chunkBytes).toBeGreaterThan(15_000)

  // The table renders every scenario.
  const table = formatTable(results)
  for (const scenario of ['single', 'persist', 'debounce', 'batch', 'scale', 'soak', 'feed']) expect(table).toContain(`| ${scenario} |`)
  console.log(table)
})
