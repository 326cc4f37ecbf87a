import type { FullReloadReason } from '../engine/recovery/recovery.js'
import { RELOAD_BANNER_TAG } from '../protocol/index.js'

/**
 * With `fallback: 'hot-only'`: a small bar at the bottom of the page that says which plugin keeps
 * failing and offers a reload. It lives in a shadow root, so it neither takes nor gives styles.
 */
export function offerReload(reason: FullReloadReason, reloadPage: () => void): void {
  document.querySelector(RELOAD_BANNER_TAG)?.remove()
  const host = document.createElement(RELOAD_BANNER_TAG)
  const root = host.attachShadow({ mode: 'open' })
  const style = document.createElement('style')
  style.textContent = `
    :host { position: fixed; left: 12px; right: 12px; bottom: 12px; z-index: 2147483646; }
    div { display: flex; gap: 12px; align-items: center; padding: 10px 14px; border-radius: 8px;
          font: 13px/1.4 system-ui, sans-serif; color: #fff; background: #8c1d18; box-shadow: 0 4px 16px #0004; }
    p { margin: 0; flex: 1; }
    button { font: inherit; padding: 4px 10px; border-radius: 6px; border: 1px solid #fff8; cursor: pointer; }
    .reload { background: #fff; color: #8c1d18; }
    .dismiss { background: transparent; color: #fff; }`
  const bar = document.createElement('div')
  bar.setAttribute('role', 'alert')
  const text = document.createElement('p')
  text.textContent = `[hot-plugins] ${reason.reason}. Reloading the page may help; plugin state is saved first.`
  const reload = document.createElement('button')
  reload.className = 'reload'
  reload.textContent = 'Reload page'
  reload.addEventListener('click', reloadPage)
  const dismiss = document.createElement('button')
  dismiss.className = 'dismiss'
  dismiss.textContent = 'Dismiss'
  dismiss.addEventListener('click', () => host.remove())
  bar.append(text, reload, dismiss)
  root.append(style, bar)
  document.body.append(host)
}
