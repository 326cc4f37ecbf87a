import type { ViteDevServer } from 'vite'
import type { HotPluginsContext } from '../context.js'
import { addListShortcut } from './cli-shortcut.js'
import { trackConnectedTabs } from './connected-tabs.js'
import { createControlApi } from './control-api.js'
import { formatPluginListing } from './plugin-listing.js'
import { buildStatus } from './status.js'

/** The control API and the terminal shortcut on this dev server, fed by what the connected tabs report. */
export function attachControl(server: ViteDevServer, context: HotPluginsContext): void {
  const tabs = trackConnectedTabs(server.environments.client.hot)
  const { base, logger } = server.config
  // The app's own plugins, then its remotes'.
  const discovered = async () => [...(await context.plugins()), ...(await context.remotePlugins())]
  server.middlewares.use(createControlApi({ base, tabs, discovered, logger }))
  addListShortcut(server, async () => formatPluginListing(buildStatus(await discovered(), tabs.list()), Date.now()))
}
