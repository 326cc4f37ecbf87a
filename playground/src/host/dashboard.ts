import type { PlaygroundContext } from './context'

export interface Dashboard {
  contextFor(pluginId: string): PlaygroundContext
  log(message: string, kind?: 'info' | 'error'): void
  /** Removes a plugin's panel (its entry was deleted while the app runs). */
  remove(pluginId: string): void
}

/** Renders the host app's frame: a header, one panel per plugin, and an activity log. */
export function createDashboard(root: HTMLElement, title: string): Dashboard {
  const header = document.createElement('header')
  const heading = document.createElement('h1')
  heading.textContent = title
  header.append(heading)

  const grid = document.createElement('main')
  grid.className = 'panels'

  const activity = document.createElement('section')
  activity.className = 'activity'
  const activityTitle = document.createElement('h2')
  activityTitle.textContent = 'Activity'
  const entries = document.createElement('ol')
  entries.dataset.testid = 'activity'
  activity.append(activityTitle, entries)

  root.replaceChildren(header, grid, activity)

  const log: Dashboard['log'] = (message, kind = 'info') => {
    const item = document.createElement('li')
    item.className = kind
    item.textContent = `${new Date().toLocaleTimeString()}  ${message}`
    entries.prepend(item)
    while (entries.children.length > 50) entries.lastElementChild?.remove()
  }

  return {
    log,
    remove(pluginId) {
      grid.querySelector(`[data-plugin="${CSS.escape(pluginId)}"]`)?.remove()
    },
    contextFor(pluginId) {
      const panel = document.createElement('article')
      panel.className = 'panel'
      panel.dataset.plugin = pluginId
      const panelTitle = document.createElement('h2')
      panelTitle.textContent = pluginId
      const body = document.createElement('div')
      body.className = 'panel-body'
      panel.append(panelTitle, body)
      grid.append(panel)
      return {
        panel: body,
        setTitle: (text) => {
          panelTitle.textContent = text
        },
        log: (message) => log(`${pluginId}: ${message}`),
      }
    },
  }
}
