import { rm } from 'node:fs/promises'
import path from 'node:path'
import { startDevServer } from '../../e2e/dev-server'
import type { BenchContext } from '../context'
import { createApp, type FixtureApp } from '../fixtures'
import type { PageState } from '../in-page'
import { START_QUIET_MS } from '../profile'
import type { ColdStart, ScaleResult } from '../results'
import { nodeNow } from '../session'
import { ratio, summarize } from '../stats'

interface ColdStartSample {
  serverStartMs: number
  firstLoadMs: number
}

/**
 * Dev-server cold start and first page load with many plugin entries, with hotPlugins() and
 * without: the same entry modules and the same plugin host, fed by import.meta.glob (lazy imports,
 * as virtual:hot-plugins makes them) instead of the registry.
 */
export async function scale(bench: BenchContext): Promise<ScaleResult> {
  const { plugins, runs, starts } = bench.profile.scale
  const ours = await createApp(bench.workDir, { name: 'scale-ours', side: 'ours', kind: 'boot', plugins })
  const plain = await createApp(bench.workDir, { name: 'scale-plain', side: 'plain', kind: 'boot', plugins })
  const samples = new Map<FixtureApp, ColdStartSample[]>([[ours, []], [plain, []]])
  // One unrecorded start of each first (the bench process's JIT, the OS file cache), then alternate.
  for (let run = 0; run < runs + 1; run++) {
    for (const app of run % 2 === 0 ? [ours, plain] : [plain, ours]) {
      const sample = await coldStart(bench, app)
      if (run > 0) samples.get(app)!.push(sample)
    }
  }
  const startsAlone = new Map<FixtureApp, number[]>([[ours, []], [plain, []]])
  for (let run = 0; run < starts; run++) {
    for (const app of run % 2 === 0 ? [ours, plain] : [plain, ours]) startsAlone.get(app)!.push(await serverStart(app))
  }
  const summary = (app: FixtureApp): ColdStart => {
    const list = samples.get(app)!
    return {
      serverStartMs: summarize([...list.map((s) => s.serverStartMs), ...startsAlone.get(app)!]),
      firstLoadMs: summarize(list.map((s) => s.firstLoadMs)),
      totalMs: summarize(list.map((s) => s.serverStartMs + s.firstLoadMs)),
    }
  }
  const result: ScaleResult = {
    plugins,
    ours: summary(ours),
    plain: summary(plain),
    ratio: { serverStart: 0, firstLoad: 0, total: 0 },
    goal: { text: 'server start ≤ 1.5×, first load until all are active ≤ 1.00× (p50s)', met: false },
  }
  result.ratio = {
    serverStart: ratio(result.ours.serverStartMs.p50, result.plain.serverStartMs.p50),
    firstLoad: ratio(result.ours.firstLoadMs.p50, result.plain.firstLoadMs.p50),
    total: ratio(result.ours.totalMs.p50, result.plain.totalMs.p50),
  }
  result.goal.met = result.ratio.serverStart <= 1.5 && result.ratio.firstLoad <= 1
  return result
}

/** A cold server start alone, closed at once; then the quiet time its after-listen work needs. */
async function serverStart(app: FixtureApp): Promise<number> {
  await rm(path.join(app.root, '.vite'), { recursive: true, force: true })
  const startedAt = nodeNow()
  const dev = await startDevServer(app.root)
  const serverStartMs = nodeNow() - startedAt
  await dev.server.close()
  await new Promise((resolve) => setTimeout(resolve, START_QUIET_MS))
  return serverStartMs
}

async function coldStart(bench: BenchContext, app: FixtureApp): Promise<ColdStartSample> {
  // Cold: no dependency cache from an earlier start.
  await rm(path.join(app.root, '.vite'), { recursive: true, force: true })
  const startedAt = nodeNow()
  const dev = await startDevServer(app.root)
  const serverStartMs = nodeNow() - startedAt
  const context = await bench.browser.newContext()
  try {
    const page = await context.newPage()
    const loadingAt = nodeNow()
    await page.goto(dev.url)
    await page.waitForFunction(() => (window as unknown as PageState).__bench?.ready !== undefined, null, { timeout: 180_000, polling: 50 })
    const { ready, active, failures } = await page.evaluate(() => {
      const { ready, active, failures } = (window as unknown as PageState).__bench
      return { ready: ready!, active, failures }
    })
    if (active !== app.ids.length || failures.length > 0) {
      throw new Error(`${app.spec.name}: ${active} of ${app.ids.length} plugins started${failures.length ? `: ${failures[0]}` : ''}`)
    }
    const reloads = dev.logs.filter((line) => /reload/i.test(line))
    if (reloads.length > 0) throw new Error(`${app.spec.name}: the page reloaded during its first load (${reloads[0]})`)
    return { serverStartMs, firstLoadMs: ready - loadingAt }
  } finally {
    await context.close()
    await dev.server.close()
  }
}
