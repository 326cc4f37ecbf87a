import type { PluginHost } from '../host/host.js'
import { consoleLogger } from '../host/logger.js'
import type { Logger } from '../host/types.js'
import { DEFAULT_OVERLAY, type RegistryConfig } from '../protocol/index.js'
import { holdHostEvents } from './held-host-events.js'
import { pageClock, type EventClock } from './page-clock.js'

/** What the loader uses of the devtools module (`@hot-plugins/client/devtools`). */
export type DevtoolsModule = Pick<typeof import('../devtools/index.js'), 'showDevtools'>

export interface DevtoolsLoader {
  /** Hand to the engine's `onAttach`: the first host that attaches is shown in the panel. */
  attach(host: PluginHost): void
}

export interface DevtoolsLoaderOptions {
  /** Imports the devtools module. @default a dynamic import of `../devtools/index.js` */
  load?: () => Promise<DevtoolsModule>
  /** @default performance.now and Date.now */
  clock?: EventClock
  /** Where a devtools module that did not load is reported. @default the console */
  logger?: Logger
}

/**
 * Loads the devtools only when the overlay is on (`overlay: false` fetches none of their code). The
 * import starts at once, beside the plugins' own; the host's events from its attaching until the
 * module is there are held and replayed, so a plugin that fails while the page loads is in the
 * panel, the notice and the history all the same.
 */
export function loadDevtools(
  config: Pick<RegistryConfig, 'overlay' | 'project'>,
  reloadNow: (id: string) => void,
  options: DevtoolsLoaderOptions = {},
): DevtoolsLoader | undefined {
  const overlay = config.overlay ?? DEFAULT_OVERLAY
  if (overlay === false) return undefined
  const logger = options.logger ?? consoleLogger
  const clock = options.clock ?? pageClock
  const loading = (options.load ?? (() => import('../devtools/index.js')))()
  let shown = false
  return {
    attach(host) {
      if (shown) return
      shown = true
      const held = holdHostEvents(host, clock, logger)
      loading
        .then((devtools) => {
          devtools.showDevtools(held.host, { project: config.project, overlay, reloadNow, clock: held.clock })
          held.release()
        })
        .catch((error: unknown) => {
          held.drop()
          logger.warn('the devtools panel could not be loaded; reloads and failures still show in the console and in the host events', error)
        })
    },
  }
}
