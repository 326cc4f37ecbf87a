import type { HistoryEntry } from './history.js'
import { formatMs, h } from './dom.js'

const OUTCOME_TEXT: Record<HistoryEntry['outcome'], string> = {
  swapped: 'swapped',
  'kept-old': 'kept old version',
  'rolled-back': 'rolled back',
  retried: 'retried',
  failed: 'failed to start',
  'full-reload': 'full reload',
  'last-good': 'runs last good version',
  leaked: 'left running after teardown',
}

/** Durations of the most recent reloads shown in the chart. */
const CHART_SIZE = 30

/** The History view: a chart of recent durations, then one line per entry, newest first. */
export function renderHistory(entries: readonly HistoryEntry[]): HTMLElement {
  if (entries.length === 0) return h('p', { class: 'empty', text: 'No reloads yet. Save a plugin file.' })
  return h('div', {}, renderChart(entries), h('ol', {}, ...entries.map(renderEntry)))
}

function renderEntry(entry: HistoryEntry): HTMLElement {
  const line = h(
    'div',
    { class: 'line' },
    h('span', { class: 'time', text: new Date(entry.at).toLocaleTimeString() }),
    h('span', { class: 'plugin', text: (entry.plugins ?? [entry.plugin]).join(', '), testid: 'hp-plugins' }),
    h('span', { class: `outcome-${entry.outcome}`, text: OUTCOME_TEXT[entry.outcome], testid: 'hp-outcome' }),
    entry.stateKept !== undefined && h('span', { class: 'time', text: entry.stateKept ? 'state kept' : 'no state' }),
    h('span', { class: 'num', text: formatMs(entry.durationMs), testid: 'hp-duration' }),
  )
  return h(
    'li',
    { testid: 'hp-history-entry', attrs: { 'data-plugin': entry.plugin, 'data-outcome': entry.outcome } },
    line,
    entry.files.length > 0 && h('div', { class: 'files', text: entry.files.join(', ') }),
    (entry.phases !== undefined || entry.stateBytes !== undefined) && h('div', { class: 'files', text: describeCost(entry), testid: 'hp-phases' }),
    entry.reason !== undefined && h('div', { class: 'files', text: entry.reason }),
    entry.error && renderError(entry.error),
  )
}

/** "import 7 ms · teardown 1 ms · activate 3 ms · state restore 2 ms · state 1.2 kB" */
function describeCost(entry: HistoryEntry): string {
  const parts: string[] = []
  const { phases } = entry
  if (phases) {
    parts.push(`import ${formatMs(phases.importMs)}`, `teardown ${formatMs(phases.teardownMs)}`)
    parts.push(`activate ${formatMs(phases.activateMs)}`, `state restore ${formatMs(phases.stateMs)}`)
  }
  if (entry.stateBytes !== undefined) parts.push(`state ${formatBytes(entry.stateBytes)}`)
  return parts.join(' · ')
}

function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`
  return `${(bytes / 1_000_000).toFixed(1)} MB`
}

/**
 * A failed entry's error: its first line as the summary; the rest of a message of several lines (a
 * compile error's code frame) and the stack below it, preformatted, as the terminal shows them.
 */
function renderError(error: NonNullable<HistoryEntry['error']>): HTMLElement {
  const [summary = '', ...more] = error.message.split('\n')
  const frame = [more.join('\n').replace(/^\s*\n/, '').trimEnd(), error.frame ?? ''].filter((text) => text.trim() !== '').join('\n\n')
  return h(
    'details',
    { testid: 'hp-error' },
    h('summary', { text: summary }),
    frame !== '' && h('pre', { class: 'frame', text: frame, testid: 'hp-frame', attrs: { tabindex: '0' } }),
    error.stack !== undefined && h('pre', { text: error.stack, testid: 'hp-stack', attrs: { tabindex: '0' } }),
  )
}

function renderChart(entries: readonly HistoryEntry[]): HTMLElement {
  const timed = entries.filter((e) => e.durationMs !== undefined).slice(0, CHART_SIZE).reverse()
  const max = Math.max(1, ...timed.map((e) => e.durationMs!))
  const bars = timed.map((e) => {
    const bar = h('span', { class: e.outcome === 'swapped' ? '' : 'bad', attrs: { title: `${e.plugin}: ${formatMs(e.durationMs)}` } })
    bar.style.height = `${Math.max(4, (e.durationMs! / max) * 100)}%`
    return bar
  })
  return h('div', { class: 'chart', testid: 'hp-chart', attrs: { 'aria-label': 'recent reload durations', role: 'img' } }, ...bars)
}
