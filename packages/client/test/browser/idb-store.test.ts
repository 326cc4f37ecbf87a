import 'fake-indexeddb/auto'
import { createStore, get, set } from 'idb-keyval'
import { describe, expect, it } from 'vitest'
import { createIdbStore } from '../../src/browser/idb-store.js'
import type { PersistedState } from '../../src/engine/state/state.js'

let dbCount = 0
const freshDb = () => createStore(`hot-plugins-test-${++dbCount}`, 'plugin-state')
const record = (state: unknown, savedAt = 1): PersistedState => ({
  format: 1,
  state,
  stateVersion: undefined,
  pluginVersion: '1.0.0',
  savedAt,
})

describe('createIdbStore', () => {
  it('keeps structured-clone types: Map, Set, Date, typed arrays, nested objects', async () => {
    const store = createIdbStore('project', 'tab', freshDb())
    const state = { byId: new Map([[1, { tags: new Set(['a']) }]]), when: new Date(7), bytes: new Uint8Array([1, 2]) }
    await store.saveMany([['counter', record(state)]])
    const loaded = (await store.load('counter')) as PersistedState
    expect(loaded.state).toEqual(state)
    expect((loaded.state as typeof state).byId.get(1)?.tags).toBeInstanceOf(Set)
  })

  it('reads several plugins\' state at once, in their order, of its own project and tab only', async () => {
    const db = freshDb()
    const store = createIdbStore('project', 'tab', db)
    const other = createIdbStore('project', 'other-tab', db)
    await store.saveMany([['a', record({ n: 1 })], ['c', record({ n: 3 })]])
    await other.saveMany([['b', record({ n: 2 })]])
    const loaded = (await store.loadMany!(['c', 'b', 'a'])) as (PersistedState | undefined)[]
    expect(loaded.map((r) => r?.state)).toEqual([{ n: 3 }, undefined, { n: 1 }])
  })

  it('never shows one project or tab the state of another', async () => {
    const db = freshDb()
    const a = createIdbStore('project-a', 'tab-1', db)
    const b = createIdbStore('project-b', 'tab-1', db)
    const otherTab = createIdbStore('project-a', 'tab-2', db)
    await a.saveMany([['counter', record({ count: 1 })]])
    await b.saveMany([['counter', record({ count: 2 })]])
    expect(await a.load('counter')).toMatchObject({ state: { count: 1 } })
    expect(await b.load('counter')).toMatchObject({ state: { count: 2 } })
    expect(await otherTab.load('counter')).toBeUndefined()
  })

  it('clears one plugin, or all of its own project and tab', async () => {
    const db = freshDb()
    const store = createIdbStore('p', 't', db)
    const neighbour = createIdbStore('p', 'other-tab', db)
    await store.saveMany([['a', record(1)]])
    await store.setAside('a', { ...record(0), stateVersion: 1 })
    await store.saveMany([['b', record(2)]])
    await neighbour.saveMany([['a', record(3)]])
    await store.clear('a')
    expect(await store.load('a')).toBeUndefined()
    expect(await store.load('b')).toBeDefined()
    await store.clear()
    expect(await store.load('b')).toBeUndefined()
    expect(await neighbour.load('a')).toBeDefined()
  })

  it('copies one tab\'s records (set-aside ones too) to another, of its own project only; a tab read through a getter follows it', async () => {
    const db = freshDb()
    const original = createIdbStore('project-a', 'tab-1', db)
    await original.saveMany([['counter', record({ count: 3 })], ['notes', record({ text: 'hi' })]])
    await original.setAside('counter', { ...record({ old: true }), stateVersion: 1 })
    await createIdbStore('project-b', 'tab-1', db).saveMany([['counter', record({ count: 9 })]])
    let tab = 'tab-1'
    const copy = createIdbStore('project-a', () => tab, db)
    expect(await copy.copyTab('tab-1', 'tab-2')).toBe(3)
    tab = 'tab-2'
    expect(await copy.load('counter')).toMatchObject({ state: { count: 3 } })
    await copy.saveMany([['counter', record({ count: 4 })]])
    expect(await original.load('counter')).toMatchObject({ state: { count: 3 } })
    expect(await copy.load('counter')).toMatchObject({ state: { count: 4 } })
    expect(await createIdbStore('project-b', 'tab-2', db).load('counter')).toBeUndefined()
    expect(await get(['project-a', 'tab-2', 'counter', 'set-aside', 1], db)).toMatchObject({ state: { old: true } })
  })

  it('prunes old records and the oldest beyond a cap, never its own', async () => {
    const db = freshDb()
    const day = 24 * 60 * 60 * 1000
    const now = 100 * day
    const mine = createIdbStore('p', 'me', db)
    await mine.saveMany([['ancient-but-mine', record(0, 0)]])
    await createIdbStore('p', 'closed-tab', db).saveMany([['x', record(1, now - 30 * day)]])
    await createIdbStore('old-project', 't', db).saveMany([['x', record(1, now - 8 * day)]])
    await createIdbStore('p', 'recent-1', db).saveMany([['x', record(1, now - 1 * day)]])
    await createIdbStore('p', 'recent-2', db).saveMany([['x', record(1, now - 2 * day)]])
    await createIdbStore('p', 'recent-3', db).saveMany([['x', record(1, now - 3 * day)]])
    await set(['p', 'garbage-tab', 'x'], 'not a record', db)

    expect(await mine.prune(now, 7 * day, 3)).toBe(4)
    expect(await mine.load('ancient-but-mine')).toBeDefined()
    expect(await createIdbStore('p', 'recent-1', db).load('x')).toBeDefined()
    expect(await createIdbStore('p', 'recent-2', db).load('x')).toBeDefined()
    expect(await createIdbStore('p', 'recent-3', db).load('x')).toBeUndefined() // beyond the cap
    expect(await createIdbStore('p', 'closed-tab', db).load('x')).toBeUndefined()
    expect(await createIdbStore('p', 'garbage-tab', db).load('x')).toBeUndefined()
  })

  it('rejects state that cannot be cloned (the resilient wrapper and the persistence layer handle it)', async () => {
    const store = createIdbStore('p', 't', freshDb())
    await expect(store.saveMany([['a', record({ fn: () => 1 })]])).rejects.toThrow()
  })

  it('stores a 50 MB state without trouble', async () => {
    const store = createIdbStore('p', 't', freshDb())
    const big = new Uint8Array(50 * 1024 * 1024).fill(7)
    await store.saveMany([['big', record({ big })]])
    const loaded = (await store.load('big')) as PersistedState
    expect((loaded.state as { big: Uint8Array }).big.byteLength).toBe(50 * 1024 * 1024)
  })
})
