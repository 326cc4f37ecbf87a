import { createPluginHost } from '@hot-plugins/client'
import plugins from 'virtual:hot-plugins'
import { appTitle } from './host/about'
import type { PlaygroundContext } from './host/context'
import { createDashboard } from './host/dashboard'
import './style.css'

const dashboard = createDashboard(document.querySelector<HTMLElement>('#app')!, appTitle)

const host = createPluginHost<PlaygroundContext>({
  context: ({ id }) => dashboard.contextFor(id),
})

host.on('plugin-failed', (e) => dashboard.log(e.error.message, 'error'))
host.on('reload-completed', (e) =>
  dashboard.log(`reloaded ${e.id} in ${Math.round(e.durationMs)} ms${e.stateKept ? ', state kept' : ''}`),
)
host.on('plugin-added', (e) => dashboard.log(`plugin ${e.id} added`))
host.on('plugin-removed', (e) => {
  dashboard.remove(e.id)
  dashboard.log(`plugin ${e.id} removed${e.stateKept ? ' (its state is kept in case it comes back)' : ''}`)
})
host.on('reload-failed', (e) => dashboard.log(`${e.error.message} (${e.outcome})`, 'error'))

// Exposed for poking around in the browser console (and for the e2e tests).
declare global {
  interface Window {
    pluginHost: typeof host
  }
}
window.pluginHost = host

void host.start(plugins).then(({ active }) => dashboard.log(`started ${active.join(', ')}`))
