import { createHostCore } from '../src/host/core.js'
import { PLUGIN_HOST_EVENTS, type PluginHostEvents } from '../src/host/events.js'
import { newRecord, type PluginRecord } from '../src/host/records.js'
import type { PluginModule } from '../src/host/types.js'
import { fakeClock, memoryLogger } from './helpers.js'

/** A host core on a fake clock and a memory logger, recording every event it emits. */
export function makeCore(options: { context?: (plugin: { id: string; file: string }) => unknown } = {}) {
  const clock = fakeClock()
  const { logger, lines } = memoryLogger()
  const core = createHostCore({ logger, now: clock.now, hotReload: true, context: options.context ?? (() => ({})) })
  const events: { type: keyof PluginHostEvents; payload: any }[] = []
  for (const type of PLUGIN_HOST_EVENTS) core.events.on(type, (payload) => events.push({ type, payload }))
  /** Registers a plugin the core does not run yet. */
  const add = (id: string): PluginRecord => {
    const record = newRecord({ id, file: `src/plugins/${id}/index.ts` })
    core.records.set(id, record)
    return record
  }
  /** Registers and starts a plugin with `module`. */
  const run = async (id: string, module: PluginModule): Promise<PluginRecord> => {
    const record = add(id)
    await core.start(record, module, { startedAt: clock.now() })
    return record
  }
  return { core, clock, lines, events, add, run }
}
