import type { BatchWay, Leftovers, OnOffResult, Results, SoakSide } from './results'
import type { Summary } from './stats'
import { PHASES, type PhaseTimes } from './trace'

const ms = (value: number): string => (Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1))
const pair = (s: Summary): string => `${ms(s.p50)} / ${ms(s.p90)}`
const times = (value: number): string => `${value.toFixed(2)}×`
const met = (ok: boolean): string => (ok ? '✓' : '✗ missed')
const bytes = (value: number): string => {
  const sign = value < 0 ? '−' : '+'
  const size = Math.abs(value)
  return size >= 1024 * 1024 ? `${sign}${(size / 1024 / 1024).toFixed(2)} MB` : `${sign}${(size / 1024).toFixed(1)} kB`
}
const leftovers = (l: Leftovers): string =>
  `${l.instances} instances, ${l.intervals} timers, ${l.globalListeners} listeners, ${l.domNodes} nodes`
const heap = (side: SoakSide): string => `${bytes(side.heap.growthBytes)} (${bytes(side.heap.perSwapBytes)} each)`

/** The results as a Markdown table (printed by `pnpm bench`, pasted into the README). */
export function formatTable(results: Results): string {
  const { single, persist, debounce, batch, scale, soak, feed } = results.scenarios
  const rows: string[][] = []
  if (single) {
    rows.push([
      'single',
      'save → plugin active with state, ms (p50 / p90)',
      pair(single.ours),
      pair(single.plain),
      `${times(single.ratio.p50)} / ${times(single.ratio.p90)}`,
      `p50 ≤ 1.10×, p90 ≤ 1.20× ${met(single.goal.met)}`,
    ])
    rows.push([
      'single',
      'the same against a React component under Fast Refresh (useState kept): ours, Fast Refresh, ours ÷ Fast Refresh',
      pair(single.ours),
      `Fast Refresh ${pair(single.fastRefresh)}`,
      `${times(single.ratioToFastRefresh.p50)} / ${times(single.ratioToFastRefresh.p90)}`,
      '',
    ])
  }
  const onOff = (scenario: string, measured: string, r: OnOffResult, on: string, off: string) => {
    const sign = r.p50DiffMs >= 0 ? '+' : '−'
    rows.push([
      scenario,
      measured,
      `${on} ${pair(r.on)}`,
      `${off} ${pair(r.off)} (ours)`,
      `${sign}${ms(Math.abs(r.p50DiffMs))} ms p50`,
      `≤ 2 ms ${met(r.goal.met)}`,
    ])
  }
  if (persist) onOff('persist', 'the same, IndexedDB on vs off, ms (p50 / p90)', persist, 'on', 'off')
  if (debounce) onOff('debounce', 'the same, default batch window vs none, ms (p50 / p90)', debounce, 'default', '0')
  if (batch) {
    const way = (name: string, w: BatchWay, goal: string) => [
      'batch',
      `${name} → all ${batch.plugins} run new code, ms (p50 / p90)`,
      `${pair(w.ours)}; ${w.exactlyOncePerPlugin.ours ? 'one swap each' : 'NOT one swap each'}`,
      `${pair(w.plain)}`,
      `${times(w.ratio.p50)} / ${times(w.ratio.p90)}`,
      goal,
    ]
    rows.push(way('1 shared helper edited', batch.helper, `≤ 1.0×, one swap each ${met(batch.goal.met)}`))
    rows.push(way(`${batch.plugins} entry files written`, batch.files, ''))
  }
  if (scale) {
    const start = (s: typeof scale.ours) => `${ms(s.serverStartMs.p50)} + ${ms(s.firstLoadMs.p50)} = ${ms(s.totalMs.p50)}`
    rows.push([
      'scale',
      `cold start, ${scale.plugins.toLocaleString('en-US')} entries: server + first load, ms (p50)`,
      start(scale.ours),
      start(scale.plain),
      `${times(scale.ratio.total)} (server ${times(scale.ratio.serverStart)}, load ${times(scale.ratio.firstLoad)})`,
      `server ≤ 1.5×, load ≤ 1.00× ${met(scale.goal.met)}`,
    ])
  }
  if (soak) {
    const { instances, intervals, timeouts, globalListeners, domNodes } = soak.ours.leftovers
    const none = [instances, intervals, timeouts, globalListeners, domNodes].every((n) => n === 0)
    rows.push(['soak', `${soak.swaps} swaps of one plugin: left behind`, leftovers(soak.ours.leftovers), leftovers(soak.plain.leftovers), '', `0 ${met(none)}`])
    const lighter = soak.ours.heap.perSwapBytes <= soak.plain.heap.perSwapBytes
    rows.push(['soak', 'JS heap growth after them (after GC)', heap(soak.ours), heap(soak.plain), '', `≤ plain per swap ${met(lighter)}`])
  }
  if (feed) {
    rows.push([
      'feed',
      `production: feed.check() → new version of a ${(feed.chunkBytes / 1024).toFixed(0)} kB plugin runs with state, ms (p50 / p90)`,
      pair(feed.swap),
      '',
      '',
      `unchanged feed (304): ${pair(feed.unchanged)}`,
    ])
  }
  const header = ['scenario', 'measured', 'ours', 'plain Vite', 'ours ÷ plain', 'goal']
  return [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n')
}

/**
 * The `single` scenario's trace as a Markdown table: each phase of one save, the median time after
 * the save on each side (ms), and the step from the side's phase just before it in time. Phases a side does not go
 * through (plain Vite sends no announcement and has no engine) are left empty.
 */
export function formatTrace(results: Results): string | undefined {
  const trace = results.scenarios.single?.trace
  if (!trace) return undefined
  const cell = (times: PhaseTimes, index: number) => {
    const name = PHASES[index]![0]
    const at = times[name]?.p50
    if (at === undefined) return ''
    // The step from the latest phase before it in time on this side (the sides' orders differ).
    const earlier = PHASES.map(([other]) => (other === name ? undefined : times[other]?.p50)).filter((t): t is number => t !== undefined && t <= at)
    return earlier.length === 0 ? ms(at) : `${ms(at)} (+${ms(at - Math.max(...earlier))})`
  }
  const rows = PHASES.map(([, side, label], i) => [side === 'server' ? 'dev server' : 'page', label, cell(trace.ours, i), cell(trace.plain, i), cell(trace.fastRefresh, i)])
  const header = ['side', 'phase of one save (p50, ms after the save; + the step)', 'ours', 'plain Vite', 'React Fast Refresh']
  return [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n')
}
