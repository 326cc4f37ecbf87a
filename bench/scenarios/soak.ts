import { closeAll, countUpdates, interleave, type BenchContext } from '../context'
import type { PageState } from '../in-page'
import type { SoakResult, SoakSide } from '../results'
import { CLICKS, pause, type Session } from '../session'
import { quantile, ratios, round, summarize } from '../stats'

const WARMUP = 5
const SOAK_PACE_MS = 10

interface Snapshot {
  heapBytes: number
  /** Self sizes in a heap snapshot, by node type and name (constructor, code kind…). */
  byKind: Map<string, { count: number; bytes: number }>
  nodes: number
  jsEventListeners: number
  aliveInstances: number
  pluginNodes: number
  intervals: number
  timeouts: number
  globalListeners: number
}

/**
 * One plugin swapped hundreds of times; then what old instances left behind (timers, listeners,
 * DOM nodes, the instances themselves) and how much the heap grew, after garbage collection. The
 * plain side does the same with Vite's own HMR: what every new module version costs either way.
 */
export async function soak(bench: BenchContext): Promise<SoakResult> {
  const { swaps } = bench.profile.soak
  const ours = await bench.open({ name: 'soak-ours', side: 'ours', kind: 'soak', plugins: 1 }, { leakCounters: true })
  const plain = await bench.open({ name: 'soak-plain', side: 'plain', kind: 'soak', plugins: 1 }, { leakCounters: true })
  try {
    const editOnce = (session: Session) => session.measure(session.app.planPlugins(['p0'], CLICKS))
    await interleave([ours, plain], { warmup: WARMUP, samples: 0 }, editOnce)
    const before = [await snapshot(ours), await snapshot(plain)] as const
    // Paced less than the other scenarios: its timings matter less than its count, and the same
    // file is still never written twice within the watcher's 50 ms.
    const [oursMs, plainMs] = await interleave([ours, plain], { warmup: 0, samples: swaps }, editOnce, SOAK_PACE_MS)
    const after = [await snapshot(ours), await snapshot(plain)] as const
    const sides = { ours: side(oursMs!, before[0], after[0], swaps), plain: side(plainMs!, before[1], after[1], swaps) }
    const { instances, intervals, timeouts, globalListeners, domNodes } = sides.ours.leftovers
    return {
      swaps,
      updates: { edits: WARMUP + swaps, ours: await countUpdates(ours), plain: await countUpdates(plain) },
      ratio: ratios(sides.ours.swapMs, sides.plain.swapMs),
      ...sides,
      goal: {
        text: 'zero leftovers (instances, timers, listeners, DOM nodes); heap growth per swap ≤ plain Vite',
        met: [instances, intervals, timeouts, globalListeners, domNodes].every((n) => n === 0) && sides.ours.heap.perSwapBytes <= sides.plain.heap.perSwapBytes,
      },
    }
  } finally {
    await closeAll([ours, plain])
  }
}

function side(samples: number[], before: Snapshot, after: Snapshot, swaps: number): SoakSide {
  const growthBytes = after.heapBytes - before.heapBytes
  const grown = [...after.byKind].map(([kind, now]) => {
    const then = before.byKind.get(kind) ?? { count: 0, bytes: 0 }
    return { kind, bytes: Math.round((now.bytes - then.bytes) / swaps), count: round((now.count - then.count) / swaps) }
  })
  return {
    swapMs: summarize(samples),
    firstHundredP50: round(quantile(samples.slice(0, 100), 0.5)),
    lastHundredP50: round(quantile(samples.slice(-100), 0.5)),
    leftovers: {
      // Exactly one instance runs; every other one must be gone.
      instances: after.aliveInstances - 1,
      intervals: after.intervals - before.intervals,
      timeouts: after.timeouts - before.timeouts,
      globalListeners: after.globalListeners - before.globalListeners,
      domNodes: after.pluginNodes - 1,
      liveNodesDelta: after.nodes - before.nodes,
      jsEventListenersDelta: after.jsEventListeners - before.jsEventListeners,
    },
    heap: {
      beforeBytes: before.heapBytes,
      afterBytes: after.heapBytes,
      growthBytes,
      perSwapBytes: Math.round(growthBytes / swaps),
      snapshotGrowthPerSwap: grown.sort((a, b) => b.bytes - a.bytes).slice(0, 10),
    },
  }
}

/** The page at rest, after garbage collection. */
async function snapshot(session: Session): Promise<Snapshot> {
  // Let the last swap's tail work (write-behind, timers of the runtime) finish first.
  await pause(500)
  for (let i = 0; i < 3; i++) await session.cdp.send('HeapProfiler.collectGarbage')
  const { usedSize } = await session.cdp.send('Runtime.getHeapUsage')
  const { nodes, jsEventListeners } = await session.cdp.send('Memory.getDOMCounters')
  const page = await session.page.evaluate(() => {
    const w = window as unknown as PageState
    return {
      ...w.__leaks!(),
      aliveInstances: w.__bench.instances.filter((ref) => ref.deref() !== undefined).length,
      pluginNodes: document.querySelectorAll('[data-bench]').length,
    }
  })
  return { heapBytes: usedSize, byKind: await heapByKind(session), nodes, jsEventListeners, ...page }
}

/** A heap snapshot of the page, summed by node type and name: what the growth is made of. */
async function heapByKind(session: Session): Promise<Map<string, { count: number; bytes: number }>> {
  const chunks: string[] = []
  const onChunk = ({ chunk }: { chunk: string }) => void chunks.push(chunk)
  session.cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk)
  await session.cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false })
  session.cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk)
  const { snapshot, nodes, strings } = JSON.parse(chunks.join('')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }
    nodes: number[]
    strings: string[]
  }
  const fields = snapshot.meta.node_fields
  const [type, name, selfSize] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field)) as [number, number, number]
  const kinds = new Map<string, { count: number; bytes: number }>()
  for (let i = 0; i < nodes.length; i += fields.length) {
    const nodeType = snapshot.meta.node_types[0][nodes[i + type]!]!
    // Strings are named by their content, scripts by their URL (with this run's port): group them.
    const nodeName = /string/.test(nodeType) ? '' : strings[nodes[i + name]!]!.replace(/ \/ https?:\/\/.*$/, ' / (module URL)').slice(0, 60)
    const kind = nodeName ? `${nodeType}: ${nodeName}` : nodeType
    const sum = kinds.get(kind) ?? { count: 0, bytes: 0 }
    sum.count += 1
    sum.bytes += nodes[i + selfSize]!
    kinds.set(kind, sum)
  }
  return kinds
}
