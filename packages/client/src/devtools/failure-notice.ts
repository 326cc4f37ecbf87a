import { type FailureOutcome, type FailureTracker, type PluginFailure } from './failures.js'
import { h } from './dom.js'

const OUTCOME_TEXT: Record<FailureOutcome, string> = {
  'kept-old': 'kept its old version',
  'rolled-back': 'rolled back',
  failed: 'is not running',
}

/** Plugins named in the notice at most; the others are counted. */
const MAX_LINES = 3

export interface FailureNotice {
  element: HTMLElement
  /** Shows the failures not dismissed yet, unless `hidden` (the panel is open and says it all). */
  render(hidden: boolean): void
}

/**
 * A small notice near the badge naming each plugin whose last save failed and why, in plain text.
 * It never takes focus or keys; × dismisses what it shows (a newer failure shows again), and a good
 * swap of a plugin takes its line away. "Details" opens the panel's history.
 */
export function createFailureNotice(failures: FailureTracker, openHistory: () => void): FailureNotice {
  let dismissedUpTo = 0
  const list = h('ul')
  const details = h('button', { class: 'action', text: 'Details', attrs: { type: 'button' } })
  details.addEventListener('click', openHistory)
  const dismiss = h('button', { class: 'action', text: '×', testid: 'hp-notice-dismiss', attrs: { type: 'button', 'aria-label': 'Dismiss' } })
  const element = h('div', { class: 'notice', testid: 'hp-notice', attrs: { role: 'status' } }, list, h('div', { class: 'notice-actions' }, details, dismiss))
  const shown = () => failures.list().filter((failure) => failure.seq > dismissedUpTo)
  dismiss.addEventListener('click', () => {
    dismissedUpTo = Math.max(dismissedUpTo, ...shown().map((failure) => failure.seq))
    render(false)
  })
  // The notice is a live region: rebuilt only when what it says changes, so it is read out once.
  let said = ''
  function render(hidden: boolean): void {
    const current = shown()
    element.hidden = hidden || current.length === 0
    const saying = current.map((failure) => failure.seq).join()
    if (element.hidden || saying === said) return
    said = saying
    const lines = current.slice(-MAX_LINES).reverse().map(renderLine)
    const more = current.length - lines.length
    if (more > 0) lines.push(h('li', { class: 'more', text: `and ${more} more (see Details)` }))
    list.replaceChildren(...lines)
  }
  return { element, render }
}

function renderLine(failure: PluginFailure): HTMLElement {
  return h(
    'li',
    { testid: 'hp-notice-line', attrs: { 'data-plugin': failure.id, title: `${failure.file}: ${failure.reason}` } },
    h('span', { class: 'plugin', text: failure.id }),
    ' ',
    h('span', { class: 'outcome', text: `${OUTCOME_TEXT[failure.outcome]}:` }),
    ' ',
    h('span', { class: 'reason', text: failure.gist }),
  )
}
