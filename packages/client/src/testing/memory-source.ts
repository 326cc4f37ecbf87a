import type { BatchResult } from '../protocol/index.js'
import type { UpdateSink, UpdateSource } from '../engine/update-source.js'
import type { PluginHost } from '../host/host.js'
import type { PluginModule } from '../host/types.js'

/**
 * An update source held in memory: a test hands the engine new versions, entry lists and commands
 * through it, and reads what the engine reported back.
 */
export function memorySource() {
  let connected: UpdateSink | undefined
  const results: BatchResult[] = []
  const attached: PluginHost[] = []
  let entriesApplied = 0
  const waiters = new Set<{ batch: number | undefined; resolve: (result: BatchResult) => void }>()
  const source: UpdateSource = {
    connect: (next) => void (connected = next),
    batchApplied(result) {
      results.push(result)
      for (const waiter of [...waiters]) if (waiter.batch === result.batch) waiter.resolve(result)
    },
    entriesApplied: () => void entriesApplied++,
    hostAttached(host) {
      attached.push(host)
      return () => void attached.splice(attached.indexOf(host), 1)
    },
  }
  const sink = (): UpdateSink => {
    if (!connected) throw new Error('no engine connected to the source')
    return connected
  }
  return {
    source,
    sink,
    results,
    attached,
    entriesApplied: () => entriesApplied,
    /** Announces batch `id` of these plugins, then delivers each one's version (undefined: its import failed). */
    batch(id: number, versions: Record<string, PluginModule | undefined>, files?: string[]): void {
      const plugins = Object.keys(versions)
      sink().announced({ batch: id, plugins, files: files ?? plugins.map((p) => `src/plugins/${p}/index.ts`), timestamp: id })
      for (const plugin of plugins) sink().coming(plugin, id)
      for (const [plugin, module] of Object.entries(versions)) sink().arrived(plugin, module)
    },
    /** Resolves with what batch `id` came to, once the engine reports it (call it before the batch). */
    applied(id: number): Promise<BatchResult> {
      return new Promise((resolve) => {
        const waiter = { batch: id, resolve: (result: BatchResult) => (waiters.delete(waiter), resolve(result)) }
        waiters.add(waiter)
      })
    },
  }
}
