import type { HostCore } from '../host/core.js'
import { consoleLogger } from '../host/logger.js'

/** Runs `run`; what it throws is logged. */
export type Guard = (run: () => void) => void

/**
 * A guard that logs through the first host (or the console, with none). The transports that call
 * the engine must never see a throw: in Vite's client, a listener that throws cancels the whole update.
 */
export function createGuard(hosts: Iterable<HostCore>): Guard {
  return (run) => {
    try {
      run()
    } catch (error) {
      const [host] = hosts
      ;(host?.logger ?? consoleLogger).error('handling a hot update failed', error)
    }
  }
}
