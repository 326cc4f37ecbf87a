import { HOT_SOURCE_SYMBOL_KEY } from '../../src/protocol/index.js'
import { createPluginHost, type PluginHost } from '../../src/host/host.js'
import type { HostCore, HotSource } from '../../src/host/core.js'
import type { PluginEntry, PluginModule } from '../../src/host/types.js'
import { fakeClock, memoryLogger, recordEvents } from '../helpers.js'

/**
 * A started host and the core it hands a hot source: what an engine unit works on, without
 * an engine around it.
 */
export async function attachedHost(modules: Record<string, PluginModule>, context: unknown = {}) {
  const clock = fakeClock()
  const { logger, lines } = memoryLogger()
  let core: HostCore | undefined
  let publicHost: PluginHost | undefined
  const source: HotSource = {
    attach(attached, host) {
      core = attached
      publicHost = host
      return () => {}
    },
  }
  const entries: PluginEntry[] = Object.entries(modules).map(([id, module]) => ({ id, file: `src/plugins/${id}/index.ts`, load: async () => module }))
  Object.defineProperty(entries, Symbol.for(HOT_SOURCE_SYMBOL_KEY), { value: source })
  const host = createPluginHost({ context, logger, now: clock.now })
  const events = recordEvents(host)
  await host.start(entries)
  if (!core || publicHost !== host) throw new Error('the host did not attach')
  return { host, core, clock, lines, events }
}
