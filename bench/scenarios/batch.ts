import { closeAll, expectNoFailures, interleave, type BenchContext } from '../context'
import type { Edit } from '../fixtures'
import { BATCH_QUIET_MS } from '../profile'
import type { BatchResult, BatchWay } from '../results'
import { CLICKS, pause, type Session } from '../session'
import { ratios, summarize } from '../stats'

type Way = 'helper' | 'files'

const planFor = (session: Session, way: Way): Edit =>
  way === 'helper' ? session.app.planHelper(CLICKS) : session.app.planPlugins(session.app.ids, CLICKS)

/**
 * Many plugins changed at once, by one helper they all import or by writing every entry file:
 * the time until all of them run their new code, and how many times each got new code.
 */
export async function batch(bench: BenchContext): Promise<BatchResult> {
  const { plugins } = bench.profile.batch
  const ours = await bench.open({ name: 'batch-ours', side: 'ours', kind: 'hmr', plugins })
  const plain = await bench.open({ name: 'batch-plain', side: 'plain', kind: 'hmr', plugins })
  try {
    const helper = await measureWay(bench, ours, plain, 'helper')
    const files = await measureWay(bench, ours, plain, 'files')
    const exact = [helper, files].every((way) => way.exactlyOncePerPlugin.ours)
    // Through one helper, the way the issue sets: no slower than plain Vite.
    const within = helper.ratio.p50 <= 1
    return {
      plugins,
      helper,
      files,
      goal: { text: 'helper: ≤ 1.0× plain (p50); exactly one swap per plugin both ways', met: exact && within },
    }
  } finally {
    await closeAll([ours, plain])
  }
}

async function measureWay(bench: BenchContext, ours: Session, plain: Session, way: Way): Promise<BatchWay> {
  const { warmup, rounds } = bench.profile.batch
  const updates = new Map<Session, number[]>([[ours, []], [plain, []]])
  const exactlyOnce = new Map<Session, boolean>([[ours, true], [plain, true]])
  const [oursMs, plainMs] = await interleave([ours, plain], { warmup, samples: rounds }, async (session, kept) => {
    const before = await session.updates()
    const ms = await session.measure(planFor(session, way))
    // A second swap of any plugin would arrive within this quiet time; then count.
    await pause(BATCH_QUIET_MS)
    const after = await session.updates()
    const increments = session.app.ids.map((id) => (after[id] ?? 0) - (before[id] ?? 0))
    if (increments.some((n) => n !== 1)) exactlyOnce.set(session, false)
    if (kept) updates.get(session)!.push(increments.reduce((a, b) => a + b, 0))
    return ms
  })
  for (const session of [ours, plain]) await expectNoFailures(session)
  const summaries = { ours: summarize(oursMs!), plain: summarize(plainMs!) }
  return {
    ...summaries,
    ratio: ratios(summaries.ours, summaries.plain),
    updatesPerRound: { ours: updates.get(ours)!, plain: updates.get(plain)! },
    exactlyOncePerPlugin: { ours: exactlyOnce.get(ours)!, plain: exactlyOnce.get(plain)! },
  }
}
