import { closeAll, countUpdates, interleave, type BenchContext } from '../context'
import type { OnOffResult, PersistResult, SingleResult } from '../results'
import { CLICKS, type Session } from '../session'
import { ratios, round, summarize } from '../stats'
import { summarizeTrace } from '../trace'

const editOnePlugin = (session: Session) => session.measure(session.app.planPlugins(['p0'], CLICKS))

/**
 * One plugin edited, again and again: our swap against a self-accepting module of plain Vite, and
 * against a React component under Fast Refresh (state kept by `useState`), interleaved.
 */
export async function single(bench: BenchContext): Promise<SingleResult> {
  const counts = bench.profile.single
  const ours = await bench.open({ name: 'single-ours', side: 'ours', kind: 'hmr', plugins: 1 }, { trace: true })
  const plain = await bench.open({ name: 'single-plain', side: 'plain', kind: 'hmr', plugins: 1 }, { trace: true })
  const react = await bench.open({ name: 'single-react', side: 'react', kind: 'hmr', plugins: 1 }, { trace: true })
  try {
    const [oursMs, plainMs, reactMs] = await interleave([ours, plain, react], counts, editOnePlugin)
    const summaries = { ours: summarize(oursMs!), plain: summarize(plainMs!), fastRefresh: summarize(reactMs!) }
    const ratio = ratios(summaries.ours, summaries.plain)
    const kept = (session: Session) => summarizeTrace(session.traces.slice(-counts.samples))
    return {
      ...summaries,
      ratio,
      ratioToFastRefresh: ratios(summaries.ours, summaries.fastRefresh),
      trace: { ours: kept(ours), plain: kept(plain), fastRefresh: kept(react) },
      updates: { edits: counts.warmup + counts.samples, ours: await countUpdates(ours), plain: await countUpdates(plain), fastRefresh: await countUpdates(react) },
      clockCheck: { ours: await ours.calibrate(), plain: await plain.calibrate() },
      goal: { text: 'p50 ratio ≤ 1.10, p90 ratio ≤ 1.20', met: ratio.p50 <= 1.1 && ratio.p90 <= 1.2 },
    }
  } finally {
    await closeAll([ours, plain, react])
  }
}

/**
 * The same edit in two configurations of ours (`on` and `off`: their extra hotPlugins() options),
 * interleaved: their timings and the difference `on` makes. `more` reads extra figures before the
 * sessions close.
 */
async function compareOurs<Extra>(
  bench: BenchContext,
  name: 'persist' | 'debounce',
  options: { on: string | undefined; off: string },
  more: (sessions: { on: Session; off: Session }) => Promise<Extra>,
): Promise<OnOffResult & Extra> {
  const counts = bench.profile[name]
  const config = (side: 'on' | 'off') => {
    const hotPluginsOptions = options[side]
    return { name: `${name}-${side}`, side: 'ours' as const, kind: 'hmr' as const, plugins: 1, ...(hotPluginsOptions ? { hotPluginsOptions } : {}) }
  }
  const on = await bench.open(config('on'))
  const off = await bench.open(config('off'))
  try {
    const [onMs, offMs] = await interleave([on, off], counts, editOnePlugin)
    const summaries = { on: summarize(onMs!), off: summarize(offMs!) }
    const p50DiffMs = round(summaries.on.p50 - summaries.off.p50)
    return {
      ...summaries,
      ratio: ratios(summaries.on, summaries.off),
      p50DiffMs,
      p90DiffMs: round(summaries.on.p90 - summaries.off.p90),
      updates: { edits: counts.warmup + counts.samples, on: await countUpdates(on), off: await countUpdates(off) },
      goal: { text: 'p50 difference ≤ 2 ms', met: p50DiffMs <= 2 },
      ...(await more({ on, off })),
    }
  } finally {
    await closeAll([on, off])
  }
}

/** The same edit with state persisted to IndexedDB behind every swap, and without. */
export function persist(bench: BenchContext): Promise<PersistResult> {
  return compareOurs(bench, 'persist', { on: 'state: { persist: true }', off: 'state: { persist: false }' }, async ({ on, off }) => ({
    savedRecords: { on: await savedRecords(on), off: await savedRecords(off) },
  }))
}

/** The same edit with the default batch window (`debounce`) and with none: a single save must not wait for it. */
export function debounce(bench: BenchContext): Promise<OnOffResult> {
  return compareOurs(bench, 'debounce', { on: undefined, off: 'debounce: 0' }, async () => ({}))
}

/** How many records the runtime's IndexedDB store holds in this page's origin. */
function savedRecords(session: Session): Promise<number> {
  return session.page.evaluate(async () => {
    if (!(await indexedDB.databases()).some((db) => db.name === 'hot-plugins')) return 0
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('hot-plugins')
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(request.error)
    })
    try {
      if (!db.objectStoreNames.contains('plugin-state')) return 0
      const count = db.transaction('plugin-state').objectStore('plugin-state').count()
      return await new Promise<number>((resolve) => (count.onsuccess = () => resolve(count.result)))
    } finally {
      db.close()
    }
  })
}
