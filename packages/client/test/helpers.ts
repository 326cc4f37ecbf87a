import { createHotRegistry, type HotContextLike, type RegistryEntryInit } from '../src/sources/vite-hmr.js'
import { createPluginHost } from '../src/host/host.js'
import { PLUGIN_HOST_EVENTS, type PluginHostEvents } from '../src/host/events.js'
import type { Logger, PluginModule } from '../src/host/types.js'

/** A clock the test moves by hand. */
export function fakeClock(start = 1000) {
  let time = start
  return { now: () => time, advance: (ms: number) => void (time += ms) }
}

/** A logger that keeps what was logged. */
export function memoryLogger() {
  const lines: { level: 'info' | 'warn' | 'error'; message: string; error?: unknown }[] = []
  const logger: Logger = {
    info: (message) => lines.push({ level: 'info', message }),
    warn: (message, error) => lines.push({ level: 'warn', message, error }),
    error: (message, error) => lines.push({ level: 'error', message, error }),
  }
  return { logger, lines }
}

/** Stands in for Vite's `import.meta.hot`: emit events into it, read what the registry sent. */
export function fakeHot() {
  const listeners = new Map<string, ((payload: unknown) => void | Promise<void>)[]>()
  const sent: { event: string; data: unknown }[] = []
  const hot: HotContextLike = {
    on(event, listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener])
    },
    send(event, data) {
      sent.push({ event, data })
    },
  }
  const emit = (event: string, payload: unknown) => {
    for (const listener of listeners.get(event) ?? []) void listener(payload)
  }
  /** Like Vite's client: calls every listener and waits for all of them. */
  const emitAsync = async (event: string, payload: unknown) => {
    await Promise.allSettled((listeners.get(event) ?? []).map((listener) => listener(payload)))
  }
  return { hot, sent, emit, emitAsync }
}

/** Records every host event in order. */
export function recordEvents(host: ReturnType<typeof createPluginHost>) {
  const events: { type: keyof PluginHostEvents; payload: any }[] = []
  for (const type of PLUGIN_HOST_EVENTS) host.on(type, (payload) => events.push({ type, payload }))
  return events
}

/** A registry entry backed by an in-memory module. */
export function entry(id: string, module: PluginModule | (() => Promise<PluginModule>)): RegistryEntryInit {
  return {
    id,
    file: `src/plugins/${id}/index.ts`,
    url: `/src/plugins/${id}/index.ts`,
    load: typeof module === 'function' ? module : async () => module,
  }
}

/** A plugin version that writes what happens to it into `log`, tagged with `tag`. */
export function loggingPlugin(log: string[], tag: string, extra: Partial<PluginModule> = {}): PluginModule {
  let state: unknown = { from: tag }
  return {
    activate(ctx: unknown) {
      log.push(`${tag}.activate(${JSON.stringify(ctx)})`)
      return () => void log.push(`${tag}.teardown`)
    },
    getReloadState() {
      log.push(`${tag}.getReloadState`)
      return state
    },
    setReloadState(next: unknown) {
      log.push(`${tag}.setReloadState(${JSON.stringify(next)})`)
      state = next
    },
    ...extra,
  }
}

/** Starts a host on a hot registry with the given entries. */
export async function startHotHost(inits: RegistryEntryInit[], context: unknown = { api: 1 }) {
  const clock = fakeClock()
  const { logger, lines } = memoryLogger()
  const hot = fakeHot()
  const registry = createHotRegistry(inits, hot.hot)
  const host = createPluginHost({ context, logger, now: clock.now })
  const events = recordEvents(host)
  const report = await host.start(registry.entries)
  /** Resolves with the next event of this type: call it before the action that causes it. */
  const next = <K extends keyof PluginHostEvents>(type: K) =>
    new Promise<PluginHostEvents[K]>((resolve) => {
      const off = host.on(type, (payload) => {
        off()
        resolve(payload)
      })
    })
  return { host, registry, hot, clock, logger, lines, events, report, next }
}
