import { describe, expect, it } from 'vitest'
import { HotEvents } from '../../src/protocol/index.js'
import type { UpdateSink } from '../../src/engine/update-source.js'
import type { PluginHost } from '../../src/host/host.js'
import { viteHmrSource } from '../../src/sources/vite-hmr.js'
import { entry, fakeHot, memoryLogger } from '../helpers.js'

/** A sink that writes down every call the source makes. */
function recordingSink() {
  const calls: unknown[][] = []
  const { logger, lines } = memoryLogger()
  let saved = 0
  const sink: UpdateSink = {
    announced: (a) => void calls.push(['announced', a]),
    coming: (id, timestamp) => void calls.push(['coming', id, timestamp]),
    arrived: (id, module) => void calls.push(['arrived', id, module]),
    refused: (a) => void calls.push(['refused', a]),
    entriesChanged: (next) => void calls.push(['entriesChanged', next.map((e) => e.id)]),
    reloadNow: (id) => void calls.push(['reloadNow', id]),
    saveBeforeReload: async () => void saved++,
    guard(run) {
      try {
        run()
      } catch (error) {
        logger.error('handling a hot update failed', error)
      }
    },
  }
  return { sink, calls, lines, saved: () => saved }
}

/** The part of a public host the source watches. */
function watchedHost() {
  const handlers = new Map<string, ((payload: unknown) => void)[]>()
  const host = {
    on(event: string, handler: (payload: unknown) => void) {
      handlers.set(event, [...(handlers.get(event) ?? []), handler])
      return () => handlers.set(event, (handlers.get(event) ?? []).filter((h) => h !== handler))
    },
  } as unknown as PluginHost
  const emit = (event: string, payload: unknown) => (handlers.get(event) ?? []).forEach((h) => h(payload))
  return { host, emit, count: () => [...handlers.values()].flat().length }
}

const URL_A = '/src/plugins/a/index.ts'

function setup(clearOverlay?: () => void) {
  const hot = fakeHot()
  const recorded = recordingSink()
  const contexts: unknown[] = []
  const prefetched: string[][] = []
  const source = viteHmrSource([entry('a', { activate() {} })], hot.hot, {
    ...(clearOverlay ? { clearCompileErrorOverlay: clearOverlay } : {}),
    onHotContext: (next) => void contexts.push(next),
    prefetch: (urls) => void prefetched.push([...urls]),
  })
  source.connect(recorded.sink)
  return { hot, source, contexts, prefetched, ...recorded }
}

describe('Vite HMR source', () => {
  it('passes the dev server’s announcements and refused compiles on', () => {
    const app = setup()
    const announcement = { files: ['f'], plugins: ['a'], timestamp: 1, batch: 2 }
    const refusal = { file: 'f', plugins: ['a'], message: 'Unexpected token' }
    app.hot.emit(HotEvents.update, announcement)
    app.hot.emit(HotEvents.error, refusal)
    expect(app.calls).toEqual([
      ['announced', announcement],
      ['refused', refusal],
    ])
  })

  it('fetches ahead the modules the dev server names for a coming update; nothing reaches the engine', () => {
    const app = setup()
    app.hot.emit(HotEvents.prefetch, { urls: ['/src/plugins/a/index.ts?t=5'] })
    expect(app.prefetched).toEqual([['/src/plugins/a/index.ts?t=5']])
    expect(app.calls).toEqual([])
    // A malformed one is logged, never thrown into Vite.
    app.hot.emit(HotEvents.prefetch, null)
    expect(app.lines.map((l) => l.message)).toEqual(['handling a hot update failed'])
  })

  it('names the plugins of an update by the URL Vite accepted them by, with Vite’s timestamp', () => {
    const app = setup()
    app.hot.emit('vite:beforeUpdate', { updates: [{ acceptedPath: URL_A, timestamp: 5 }, { acceptedPath: '/src/main.ts', timestamp: 5 }, {}] })
    expect(app.calls).toEqual([['coming', 'a', 5]])
  })

  it('hands the accept callback’s module to the engine', () => {
    const app = setup()
    const module = { activate() {} }
    app.source.accept('a', module)
    app.source.accept('a', undefined)
    expect(app.calls).toEqual([
      ['arrived', 'a', module],
      ['arrived', 'a', undefined],
    ])
  })

  it('saves before Vite reloads the page or loses the server, and Vite waits for it', async () => {
    const app = setup()
    await app.hot.emitAsync('vite:beforeFullReload', {})
    await app.hot.emitAsync('vite:ws:disconnect', {})
    expect(app.saved()).toBe(2)
  })

  it('sends batch results and applied entry changes to the dev server', () => {
    const app = setup()
    app.source.batchApplied({ batch: 1, plugins: [], durationMs: 3 })
    app.source.entriesApplied()
    expect(app.hot.sent).toEqual([
      { event: HotEvents.result, data: { batch: 1, plugins: [], durationMs: 3 } },
      { event: HotEvents.entriesApplied, data: {} },
    ])
  })

  it('a malformed Vite payload is logged through the engine’s guard, never thrown into Vite', () => {
    const app = setup()
    expect(() => app.hot.emit('vite:beforeUpdate', null)).not.toThrow()
    expect(app.lines.map((l) => l.message)).toEqual(['handling a hot update failed'])
  })

  it('a new registry version: its entries go to the engine, its hot context is listened on and used to report', () => {
    const app = setup()
    const newer = fakeHot()
    app.source.replaceEntries([entry('b', { activate() {} })], newer.hot)
    expect(app.contexts).toEqual([newer.hot])
    expect(app.calls).toEqual([['entriesChanged', ['b']]])
    // b's URL is known now, a's no longer.
    newer.emit('vite:beforeUpdate', { updates: [{ acceptedPath: '/src/plugins/b/index.ts', timestamp: 8 }, { acceptedPath: URL_A, timestamp: 8 }] })
    expect(app.calls.at(-1)).toEqual(['coming', 'b', 8])
    app.source.entriesApplied()
    expect(newer.sent).toEqual([{ event: HotEvents.entriesApplied, data: {} }])
    expect(app.hot.sent).toEqual([])
    // The same context again is not listened on twice.
    app.source.replaceEntries([], newer.hot)
    expect(app.contexts).toHaveLength(1)
  })

  it('without a hot context, reports go nowhere and nothing throws', () => {
    const recorded = recordingSink()
    const source = viteHmrSource([], undefined)
    source.connect(recorded.sink)
    expect(() => source.batchApplied({ plugins: [], durationMs: 0 })).not.toThrow()
    expect(() => source.entriesApplied()).not.toThrow()
  })
})

describe("Vite's error overlay", () => {
  it('is cleared before an update of plugins only, not before one that reaches other modules', () => {
    let cleared = 0
    const app = setup(() => void cleared++)
    app.hot.emit('vite:beforeUpdate', { updates: [{ acceptedPath: URL_A }, { acceptedPath: '/src/main.ts' }] })
    expect(cleared).toBe(0)
    app.hot.emit('vite:beforeUpdate', { updates: [] })
    expect(cleared).toBe(0)
    app.hot.emit('vite:beforeUpdate', { updates: [{ acceptedPath: URL_A }] })
    expect(cleared).toBe(1)
  })

  it('is cleared once at the next update after a refused compile', () => {
    let cleared = 0
    const app = setup(() => void cleared++)
    app.hot.emit(HotEvents.error, { file: 'f', plugins: ['a'], message: 'x' })
    app.hot.emit('vite:beforeUpdate', { updates: [{ acceptedPath: '/src/main.ts' }] })
    app.hot.emit('vite:beforeUpdate', { updates: [{ acceptedPath: '/src/main.ts' }] })
    expect(cleared).toBe(1)
  })

  it('is cleared once after a plugin module failed to load in a watched host (or ran its last good version), until unwatched', () => {
    let cleared = 0
    const app = setup(() => void cleared++)
    const watched = watchedHost()
    const unwatch = app.source.hostAttached?.(watched.host)
    watched.emit('plugin-failed', { error: { phase: 'activate' } })
    app.hot.emit('vite:beforeUpdate', { updates: [] })
    expect(cleared).toBe(0)
    watched.emit('plugin-failed', { error: { phase: 'load' } })
    app.hot.emit('vite:beforeUpdate', { updates: [] })
    app.hot.emit('vite:beforeUpdate', { updates: [] })
    expect(cleared).toBe(1)
    watched.emit('last-good-started', { error: { phase: 'load' } })
    app.hot.emit('vite:beforeUpdate', { updates: [] })
    expect(cleared).toBe(2)
    unwatch?.()
    expect(watched.count()).toBe(0)
  })
})
