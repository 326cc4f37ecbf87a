import path from 'node:path'
import { expect, test } from '@playwright/test'
import { runBenchmark } from '../bench/benchmark'
import { repoRoot } from '../bench/fixtures'
import { SMOKE } from '../bench/profile'
import { formatTable } from '../bench/report'
import type { Summary } from '../bench/stats'

// `pnpm bench` is not a test, but this quick run of it is, so it cannot rot: every scenario with a
// few samples. The goals are not checked here (they are numbers on a shared machine); that every
// measurement happened, and that each plugin swapped exactly once per change, is.

/** Every edit reached the page (a loaded machine may make a watcher report one save twice). */
const expectEveryEditApplied = ({ edits, ...sides }: { edits: number; [side: string]: number }) => {
  for (const [side, updates] of Object.entries(sides)) expect(updates, `${side}: updates for ${edits} edits`).toBeGreaterThanOrEqual(edits)
}

const expectMeasured = (summary: Summary, samples: number) => {
  expect(summary.samples).toHaveLength(samples)
  for (const value of [...summary.samples, summary.p50, summary.p90, summary.max]) {
    expect(Number.isFinite(value) && value > 0, `${value} is a positive duration`).toBe(true)
  }
}

test('the benchmark runs every scenario (smoke: few samples, no goals)', async ({ browser }) => {
  test.setTimeout(240_000)
  const results = await runBenchmark(browser, SMOKE, { workDir: path.join(repoRoot, 'bench', '.work', 'smoke') })
  const { single, persist, debounce, batch, scale, soak } = results.scenarios

  expectMeasured(single!.ours, SMOKE.single.samples)
  expectMeasured(single!.plain, SMOKE.single.samples)
  expect(single!.ratio.p50).toBeGreaterThan(0)
  expectEveryEditApplied(single!.updates)

  expectMeasured(persist!.on, SMOKE.persist.samples)
  expectMeasured(persist!.off, SMOKE.persist.samples)
  expect(persist!.savedRecords.on, 'state was written behind the swaps').toBeGreaterThan(0)
  expect(persist!.savedRecords.off).toBe(0)
  expectEveryEditApplied(persist!.updates)
  expectMeasured(debounce!.on, SMOKE.debounce.samples)
  expectMeasured(debounce!.off, SMOKE.debounce.samples)
  expectEveryEditApplied(debounce!.updates)

  for (const way of [batch!.helper, batch!.files]) {
    expectMeasured(way.ours, SMOKE.batch.rounds)
    expectMeasured(way.plain, SMOKE.batch.rounds)
    // Ours: one swap per plugin per change, counted from the host's reload-completed events.
    expect(way.updatesPerRound.ours).toEqual(Array(SMOKE.batch.rounds).fill(SMOKE.batch.plugins))
    expect(way.exactlyOncePerPlugin.ours).toBe(true)
    for (const updates of way.updatesPerRound.plain) expect(updates).toBeGreaterThanOrEqual(SMOKE.batch.plugins)
  }

  for (const side of [scale!.ours, scale!.plain]) {
    expectMeasured(side.serverStartMs, SMOKE.scale.runs)
    expectMeasured(side.firstLoadMs, SMOKE.scale.runs)
  }
  expect(scale!.ratio.total).toBeGreaterThan(0)

  expectEveryEditApplied(soak!.updates)
  for (const side of [soak!.ours, soak!.plain]) {
    expectMeasured(side.swapMs, SMOKE.soak.swaps)
    for (const count of Object.values(side.leftovers)) expect(Number.isInteger(count)).toBe(true)
    expect(side.heap.beforeBytes).toBeGreaterThan(0)
    expect(side.heap.afterBytes).toBeGreaterThan(0)
  }

  // The table renders every scenario.
  const table = formatTable(results)
  for (const scenario of ['single', 'persist', 'debounce', 'batch', 'scale', 'soak']) expect(table).toContain(`| ${scenario} |`)
  console.log(table)
})
