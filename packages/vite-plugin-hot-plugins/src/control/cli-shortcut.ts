import { CLI_SHORTCUT, LOG_PREFIX } from '@hot-plugins/client/protocol'
import type { CLIShortcut, ViteDevServer } from 'vite'

/** The part of the dev server the shortcut needs. */
export type ShortcutServer = Pick<ViteDevServer, 'bindCLIShortcuts' | 'config' | 'environments'>

/**
 * What the shortcut prints, per client environment. When Vite restarts (`r`, or an edited
 * vite.config), it keeps the shortcuts bound before, and hands their actions the restarted server,
 * whose environment is registered here by the new instance of this plugin: the listing then comes
 * from the tabs connected to it, not from the closed server's.
 */
const listings = new WeakMap<object, () => Promise<string>>()

/**
 * Adds the terminal shortcut (`l` + enter: list the hot plugins) to the ones Vite binds when it runs
 * in a terminal. A plugin cannot bind shortcuts itself; it wraps `server.bindCLIShortcuts`, which
 * Vite's CLI calls after the server started. A shortcut on the same key that the caller passes
 * (another plugin, or the app's own) wins; then this one is left out, with a warning.
 */
export function addListShortcut(server: ShortcutServer, list: () => Promise<string>): void {
  listings.set(server.environments.client, list)
  const shortcut: CLIShortcut<ViteDevServer> = {
    ...CLI_SHORTCUT,
    async action(current) {
      const logger = current.config.logger
      try {
        logger.info(await (listings.get(current.environments.client) ?? list)())
      } catch (error) {
        // Vite would ignore every later key if an action threw.
        logger.error(`${LOG_PREFIX} listing the plugins failed: ${error instanceof Error ? error.message : String(error)}`)
      }
    },
  }
  const bind = server.bindCLIShortcuts.bind(server)
  server.bindCLIShortcuts = (options = {}) => {
    const custom = options.customShortcuts ?? []
    const taken = custom.find((s) => s.key === shortcut.key)
    if (taken) {
      server.config.logger.warn(
        `${LOG_PREFIX} the terminal shortcut "${shortcut.key}" (${shortcut.description}) is already bound to "${taken.description}"; it is left out`,
      )
      return bind(options)
    }
    return bind({ ...options, customShortcuts: [...custom, shortcut] })
  }
}
