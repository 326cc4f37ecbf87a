import type { FailureTracker } from './failures.js'
import type { ReloadHistory } from './history.js'
import type { PluginInfo } from '../host/types.js'
import { DEVTOOLS_PANEL_TAG, DEVTOOLS_SHORTCUT, type OverlayPosition } from '../protocol/index.js'
import { h } from './dom.js'
import { createFailureNotice } from './failure-notice.js'
import { renderHistory } from './history-view.js'
import { renderPlugins, type PanelActions } from './plugins-view.js'
import { panelStyles } from './styles.js'

export interface DevtoolsPanelOptions {
  position: OverlayPosition
  open: boolean
  /**
   * Whether the badge shows (another tool lists the plugins: Vite DevTools' dock); without it the
   * panel opens with the shortcut and from the notice. @default true
   */
  badge?: boolean
  plugins(): readonly PluginInfo[]
  history: ReloadHistory
  /** The plugins failing now: counted on the badge, named in the notice beside it. */
  failures: FailureTracker
  actions: PanelActions
  /** Subscribes to every change of the plugins' status; returns the unsubscribe. */
  onPluginsChange(listener: () => void): () => void
}

type View = 'plugins' | 'history'

/**
 * The devtools panel: a badge in a corner that opens the Plugins and History views, and a notice
 * beside it while a plugin's last save failed. It lives in an open shadow root (no styles leak
 * either way), listens for its one shortcut without taking any other key, and never moves focus.
 * Closed, it covers nothing but the badge and the notice: clicks anywhere else reach the page.
 */
export function mountDevtoolsPanel(options: DevtoolsPanelOptions): { element: HTMLElement; dispose(): void } {
  document.querySelector(DEVTOOLS_PANEL_TAG)?.remove()
  const element = document.createElement(DEVTOOLS_PANEL_TAG)
  const root = element.attachShadow({ mode: 'open' })
  const style = document.createElement('style')
  style.textContent = panelStyles(options.position)

  let view: View = 'history'
  const dot = h('span', { class: 'dot' })
  const count = h('span', { class: 'count', testid: 'hp-badge-count' })
  const badge = h(
    'button',
    { class: 'badge', testid: 'hp-badge', attrs: { type: 'button', 'aria-expanded': 'false', title: `hot-plugins devtools (${DEVTOOLS_SHORTCUT.label})`, ...(options.badge === false && { hidden: '' }) } },
    dot,
    h('span', { text: 'hot-plugins' }),
    ' ',
    count,
  )
  const tabs = (['plugins', 'history'] as const).map((name) => {
    const tab = h('button', { class: 'tab', text: name === 'plugins' ? 'Plugins' : 'History', attrs: { type: 'button', role: 'tab' } })
    tab.addEventListener('click', () => {
      view = name
      render()
    })
    return [name, tab] as const
  })
  const clear = h('button', { class: 'action', text: 'Clear', attrs: { type: 'button' } })
  clear.addEventListener('click', () => options.history.clear())
  const exportLink = h('a', { class: 'action', text: 'Export JSON', attrs: { download: 'hot-plugins-history.json', href: '#' } })
  exportLink.addEventListener('click', () => {
    const url = URL.createObjectURL(new Blob([options.history.toJSON()], { type: 'application/json' }))
    exportLink.href = url
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
  })
  const close = h('button', { class: 'action', text: '×', attrs: { type: 'button', 'aria-label': 'Close' } })
  close.addEventListener('click', () => setOpen(false))
  const body = h('div', { class: 'body' })
  const panel = h(
    'section',
    { class: 'panel', testid: 'hp-panel', attrs: { 'aria-label': 'hot-plugins devtools' } },
    h('header', {}, h('h2', { text: 'hot-plugins' }), h('div', { class: 'tabs', attrs: { role: 'tablist' } }, ...tabs.map(([, tab]) => tab)), h('span', { class: 'spacer' }), clear, exportLink, close),
    body,
  )
  const notice = createFailureNotice(options.failures, () => {
    view = 'history'
    setOpen(true)
  })
  root.append(style, badge, notice.element, panel)

  let open = options.open
  function setOpen(next: boolean): void {
    open = next
    render()
  }
  function render(): void {
    const entries = options.history.entries()
    const failing = options.failures.list().length
    count.textContent = failing > 0 ? `${failing} failed` : ''
    dot.className = failing > 0 ? 'dot bad' : 'dot'
    // Starts with what it shows, so a voice command naming the visible text finds it.
    badge.setAttribute('aria-label', `hot-plugins${failing > 0 ? ` ${failing} failed` : ''}, devtools panel`)
    badge.setAttribute('aria-expanded', String(open))
    panel.hidden = !open
    notice.render(open)
    if (!open) return
    for (const [name, tab] of tabs) tab.setAttribute('aria-selected', String(name === view))
    clear.hidden = exportLink.hidden = view !== 'history'
    body.replaceChildren(view === 'history' ? renderHistory(entries) : renderPlugins(options.plugins(), options.actions, options.failures))
  }
  // Bursts of events render once.
  let scheduled = false
  const renderSoon = () => {
    if (scheduled) return
    scheduled = true
    queueMicrotask(() => {
      scheduled = false
      render()
    })
  }

  badge.addEventListener('click', () => setOpen(!open))
  const onKey = (event: KeyboardEvent) => {
    const s = DEVTOOLS_SHORTCUT
    if (event.code !== s.code || event.altKey !== s.altKey || event.shiftKey !== s.shiftKey || event.ctrlKey || event.metaKey || event.repeat) return
    event.preventDefault()
    setOpen(!open)
  }
  addEventListener('keydown', onKey)
  const offs = [options.history.subscribe(renderSoon), options.failures.subscribe(renderSoon), options.onPluginsChange(renderSoon)]
  render()
  document.body.append(element)
  return {
    element,
    dispose() {
      removeEventListener('keydown', onKey)
      offs.forEach((off) => off())
      element.remove()
    },
  }
}
