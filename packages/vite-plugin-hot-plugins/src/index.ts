import type { Plugin } from 'vite'
import { createContext } from './context.js'
import type { HotPluginsOptions } from './options.js'
import { resolveOptions } from './resolve-options.js'
import { registryPlugin } from './plugins/registry-plugin.js'
import { entryPlugin } from './plugins/entry-plugin.js'
import { devServerPlugin } from './plugins/dev-server-plugin.js'
import { exposePlugin } from './remote/expose-plugin.js'
import { remotesPlugin } from './remote/remotes-plugin.js'
import { viteDevtoolsPlugin } from './vite-devtools/plugin.js'
import { feedPlugin } from './feed/feed-plugin.js'

export type { ExposeOptions, HotPluginsOptions, ResolvedHotPluginsOptions } from './options.js'
export { DEFAULT_EXCLUDE, resolveOptions } from './options.js'
export { DuplicatePluginIdError } from './discovery/discover-plugins.js'

/**
 * Hot-reloads the app's UI plugins: a changed plugin is swapped for its new code without a page
 * reload, its state handed over. In `vite build` it provides `virtual:hot-plugins` and writes the
 * feed of the build (`hot-plugins.json`) for `followFeed`.
 *
 * @example
 * // vite.config.ts
 * export default defineConfig({ plugins: [hotPlugins({ plugins: 'src/plugins/*\/index.ts' })] })
 */
export default function hotPlugins(options?: HotPluginsOptions): Plugin[] {
  const context = createContext(resolveOptions(options))
  // The exposing plugin and the dock's page come before the dev server's: their paths are under the
  // control API's, which answers every other path there.
  return [registryPlugin(context), entryPlugin(context), exposePlugin(context), viteDevtoolsPlugin(context), devServerPlugin(context), remotesPlugin(context), feedPlugin(context)]
}

export { hotPlugins }
