import { describe, expect, it } from 'vitest'
import { createMemoryStore } from '../../../src/engine/state/stores.js'
import type { PersistedState } from '../../../src/engine/state/state.js'
import { createTabIdentity, storeOfSettledTab, type TabChannel, type TabStateStore } from '../../../src/engine/state/tab-handshake.js'
import { memoryLogger } from '../../helpers.js'

/** Tabs of one origin: what one posts reaches every other, asynchronously, as a BroadcastChannel does. */
function fakeOrigin() {
  const listeners: { tab: number; listener: (message: unknown) => void }[] = []
  const posted: unknown[] = []
  let tabs = 0
  const channel = (): TabChannel => {
    const tab = ++tabs
    return {
      post(message) {
        posted.push(message)
        const copy = structuredClone(message)
        for (const other of listeners) if (other.tab !== tab) queueMicrotask(() => other.listener(copy))
      },
      listen: (listener) => void listeners.push({ tab, listener }),
    }
  }
  return { channel, posted }
}

/** Timers the test fires by hand. */
function fakeTimers() {
  const pending: (() => void)[] = []
  return { setTimer: (run: () => void) => void pending.push(run), fireAll: () => pending.splice(0).forEach((run) => run()) }
}

function ids() {
  let n = 0
  return () => `id-${++n}`
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('telling a duplicated tab apart', () => {
  it('a new tab takes a fresh id at once and asks nobody', async () => {
    const origin = fakeOrigin()
    const tab = createTabIdentity({ stored: undefined, channel: origin.channel(), newId: ids(), startedAt: 1, waitMs: 250, ...fakeTimers() })
    expect(await tab.settled).toEqual({ id: 'id-1' })
    expect(tab.current()).toBe('id-1')
    expect(origin.posted).toEqual([])
  })

  it('a reloaded tab keeps its id when no live tab holds it', async () => {
    const origin = fakeOrigin()
    const timers = fakeTimers()
    const tab = createTabIdentity({ stored: 'tab-a', channel: origin.channel(), newId: ids(), startedAt: 1, waitMs: 250, ...timers })
    expect(tab.current()).toBe('tab-a')
    await flush()
    timers.fireAll()
    expect(await tab.settled).toEqual({ id: 'tab-a' })
    expect(origin.posted).toMatchObject([{ type: 'hot-plugins:who-has', tab: 'tab-a' }])
  })

  it('a duplicate hears the original and takes a fresh id; the original keeps its own and goes on answering', async () => {
    const origin = fakeOrigin()
    const timers = fakeTimers()
    const original = createTabIdentity({ stored: undefined, channel: origin.channel(), newId: () => 'tab-a', startedAt: 1, waitMs: 250, ...timers })
    const newId = ids()
    const copy = createTabIdentity({ stored: 'tab-a', channel: origin.channel(), newId, startedAt: 2, waitMs: 250, ...timers })
    expect(copy.initial).toBe('tab-a')
    const settled = await copy.settled
    expect(settled).toEqual({ id: expect.stringMatching(/^id-/), duplicateOf: 'tab-a' })
    expect(copy.current()).toBe(settled.id)
    // A late timer changes nothing.
    timers.fireAll()
    expect(copy.current()).toBe(settled.id)
    expect(original.current()).toBe('tab-a')
    // A copy of the copy is told apart by the copy.
    const third = createTabIdentity({ stored: settled.id, channel: origin.channel(), newId: () => 'tab-c', startedAt: 3, waitMs: 250, ...timers })
    expect(await third.settled).toEqual({ id: 'tab-c', duplicateOf: settled.id })
  })

  it('of two pages starting with one id at once, the one that started later is the copy', async () => {
    const origin = fakeOrigin()
    const timers = fakeTimers()
    const later = createTabIdentity({ stored: 'tab-a', channel: origin.channel(), newId: () => 'tab-b', startedAt: 20, waitMs: 250, ...timers })
    const earlier = createTabIdentity({ stored: 'tab-a', channel: origin.channel(), newId: () => 'tab-x', startedAt: 10, waitMs: 250, ...timers })
    await flush()
    timers.fireAll()
    expect(await earlier.settled).toEqual({ id: 'tab-a' })
    expect(await later.settled).toEqual({ id: 'tab-b', duplicateOf: 'tab-a' })
  })

  it('answers no question about another id, and ignores what is not a tab message', async () => {
    const origin = fakeOrigin()
    const timers = fakeTimers()
    createTabIdentity({ stored: undefined, channel: origin.channel(), newId: () => 'tab-a', startedAt: 1, waitMs: 250, ...timers })
    const other = origin.channel()
    other.post({ type: 'hot-plugins:who-has', tab: 'tab-z', asker: 'q', startedAt: 2 })
    other.post({ nonsense: true } as never)
    await flush()
    expect(origin.posted.filter((m) => (m as { type?: string }).type === 'hot-plugins:has')).toEqual([])
    const tab = createTabIdentity({ stored: 'tab-z', channel: origin.channel(), newId: () => 'tab-y', startedAt: 3, waitMs: 250, ...timers })
    await flush()
    timers.fireAll()
    expect(await tab.settled).toEqual({ id: 'tab-z' })
  })

  it('without a channel, the stored id is kept at once', async () => {
    const tab = createTabIdentity({ stored: 'tab-a', channel: undefined, newId: ids(), startedAt: 1, waitMs: 250, ...fakeTimers() })
    expect(await tab.settled).toEqual({ id: 'tab-a' })
  })
})

/** A memory store of several tabs, keyed `tab/plugin`, as the IndexedDB store is. */
function tabbedStore(records = new Map<string, PersistedState>()) {
  const open = (tab: () => string): TabStateStore => ({
    load: async (id) => records.get(`${tab()}/${id}`),
    saveMany: async (entries) => void entries.forEach(([id, record]) => records.set(`${tab()}/${id}`, record)),
    setAside: async () => {},
    clear: async () => {},
    copyTab: async (from, to) => {
      const ofFrom = [...records].filter(([key]) => key.startsWith(`${from}/`))
      for (const [key, record] of ofFrom) records.set(`${to}/${key.slice(from.length + 1)}`, record)
      return ofFrom.length
    },
  })
  return { records, open }
}

const saved = (count: number): PersistedState => ({ format: 1, state: { count }, stateVersion: undefined, pluginVersion: undefined, savedAt: 1 })

describe('the state store of a tab whose id may change', () => {
  it('a duplicate reads its original\'s records, writes only under its own id, after copying them', async () => {
    const { records, open } = tabbedStore(new Map([['tab-a/counter', saved(3)], ['tab-a/notes', saved(1)]]))
    let settle!: (tab: { id: string; duplicateOf?: string }) => void
    const settled = new Promise<{ id: string; duplicateOf?: string }>((resolve) => (settle = resolve))
    const { store, ready } = storeOfSettledTab(open, { initial: 'tab-a', settled }, memoryLogger().logger)
    expect(await store.load('counter')).toEqual(saved(3))
    const write = store.saveMany([['counter', saved(4)]])
    await flush()
    expect(records.get('tab-a/counter')).toEqual(saved(3))
    settle({ id: 'tab-b', duplicateOf: 'tab-a' })
    await write
    await ready
    expect(records.get('tab-a/counter')).toEqual(saved(3))
    expect(records.get('tab-b/counter')).toEqual(saved(4))
    expect(records.get('tab-b/notes')).toEqual(saved(1))
    expect(await store.load('notes')).toEqual(saved(1))
  })

  it('a copy that fails is warned about; the tab writes under its own id anyway', async () => {
    const { records, open } = tabbedStore()
    const { logger, lines } = memoryLogger()
    const failing = (tab: () => string) => ({ ...open(tab), copyTab: async () => Promise.reject(new Error('quota')) })
    const { store } = storeOfSettledTab(failing, { initial: 'tab-a', settled: Promise.resolve({ id: 'tab-b', duplicateOf: 'tab-a' }) }, logger)
    await store.saveMany([['counter', saved(1)]])
    expect([...records.keys()]).toEqual(['tab-b/counter'])
    expect(lines).toMatchObject([{ level: 'warn', message: expect.stringContaining('could not be copied (quota)') }])
  })

  it('a tab that is no copy writes under its id as soon as that is settled', async () => {
    const store = storeOfSettledTab((tab) => ({ ...createMemoryStore(), copyTab: async () => Promise.reject(new Error(`copied ${tab()}`)) }), { initial: 'tab-a', settled: Promise.resolve({ id: 'tab-a' }) }, memoryLogger().logger)
    await store.store.saveMany([['counter', saved(1)]])
    expect(await store.store.load('counter')).toEqual(saved(1))
  })
})
