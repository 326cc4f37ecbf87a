import { describe, expect, it } from 'vitest'
import { fitState, giveState, keptStateGiver, NO_STATE, owe, stateForNext, takeState, type TakenState } from '../../../src/engine/state/handoff.js'
import type { StateHooks } from '../../../src/host/core.js'
import type { PersistedState } from '../../../src/engine/state/state.js'
import type { PluginModule, ReloadInfo } from '../../../src/host/types.js'
import { makeCore } from '../../core-fixture.js'

const taken = (value: unknown, stateVersion?: number): TakenState => ({ has: true, value, stateVersion, pluginVersion: '1' })

function hooks(saved?: PersistedState) {
  const setAside: PersistedState[] = []
  const stateHooks = {
    lastKnown: async () => saved,
    setAside: (_record: unknown, value: PersistedState) => void setAside.push(value),
  } as unknown as StateHooks
  return { stateHooks, setAside }
}

describe('takeState', () => {
  it("takes the instance's state with its versions; none without getReloadState", async () => {
    const { core, add } = makeCore()
    const module: PluginModule = { meta: { version: '3', stateVersion: 2 }, activate() {}, getReloadState: () => ({ n: 1 }) }
    expect(await takeState(core, add('a'), module)).toEqual({ has: true, value: { n: 1 }, stateVersion: 2, pluginVersion: '3' })
    expect(await takeState(core, add('b'), { activate() {} })).toBe(NO_STATE)
  })

  it('when getReloadState throws, takes the last saved state, or none, and warns', async () => {
    const { core, add, events } = makeCore()
    const throwing: PluginModule = {
      activate() {},
      getReloadState() {
        throw new Error('oops')
      },
    }
    expect(await takeState(core, add('a'), throwing)).toBe(NO_STATE)
    core.stateHooks = hooks({ format: 1, state: 'saved', stateVersion: 1, pluginVersion: '0', savedAt: 0 }).stateHooks
    expect(await takeState(core, add('b'), throwing)).toEqual({ has: true, value: 'saved', stateVersion: 1, pluginVersion: '0' })
    expect(events.filter((e) => e.type === 'warning').map((e) => e.payload.message)).toEqual([
      'getReloadState() threw: oops; the new version starts without state',
      'getReloadState() threw: oops; the new version gets the last saved state (from 1970-01-01T00:00:00.000Z)',
    ])
  })
})

describe('owing state', () => {
  it('the next version gets what the plugin owes, else its own state; an earlier debt is kept', () => {
    const { add } = makeCore()
    const record = add('a')
    const own = taken('own')
    expect(stateForNext(record, own)).toBe(own)
    owe(record, NO_STATE)
    expect(record.owed).toBeUndefined()
    const first = taken('first')
    owe(record, first)
    owe(record, taken('second'))
    expect(record.owed).toBe(first)
    expect(stateForNext(record, own)).toBe(first)
  })
})

describe('fitState and giveState', () => {
  it('migrates state to the new stateVersion, or sets it aside and gives none', () => {
    const { core, add, events } = makeCore()
    const { stateHooks, setAside } = hooks()
    core.stateHooks = stateHooks
    const migrating: PluginModule = { meta: { stateVersion: 2 }, activate() {}, migrateState: (s) => ({ migrated: s }) }
    expect(fitState(core, add('a'), taken('x', 1), migrating)).toMatchObject({ has: true, value: { migrated: 'x' } })
    expect(fitState(core, add('b'), taken('x', 1), { meta: { stateVersion: 2 }, activate() {} })).toBe(NO_STATE)
    expect(setAside).toEqual([expect.objectContaining({ format: 1, state: 'x', stateVersion: 1, pluginVersion: '1' })])
    expect(events.filter((e) => e.type === 'warning')).toHaveLength(1)
    expect(fitState(core, add('c'), NO_STATE, migrating)).toBe(NO_STATE)
  })

  it('gives state to setReloadState with why; warns when the new version cannot take it; wraps a throw', async () => {
    const { core, add, events } = makeCore()
    const got: [unknown, ReloadInfo][] = []
    const info: ReloadInfo = { reason: 'hot-swap', fromVersion: '1', fromStateVersion: undefined }
    await giveState(core, add('a'), { activate() {}, setReloadState: (s, i) => void got.push([s, i]) }, taken(5), info)
    expect(got).toEqual([[5, info]])
    await giveState(core, add('b'), { activate() {} }, NO_STATE, info)
    await giveState(core, add('c'), { activate() {} }, taken(5), info)
    expect(events.map((e) => e.payload.message)).toEqual([
      'the old version returned state from getReloadState() but the new version has no setReloadState(); its state was dropped',
    ])
    const throwing: PluginModule = {
      activate() {},
      setReloadState() {
        throw new Error('bad')
      },
    }
    await expect(giveState(core, add('d'), throwing, taken(5), info)).rejects.toMatchObject({ phase: 'set-state', reason: 'setReloadState() threw: bad' })
  })
})

describe('keptStateGiver', () => {
  it('gives nothing of its own without kept state (the host restores the saved state then)', () => {
    const { core } = makeCore()
    expect(keptStateGiver(core, undefined)).toBeUndefined()
    expect(keptStateGiver(core, NO_STATE)).toBeUndefined()
  })

  it('gives the kept state as a restore and clears the debt it paid', async () => {
    const { core, add } = makeCore()
    const record = add('a')
    const kept = taken('k')
    record.owed = kept
    const got: [unknown, ReloadInfo][] = []
    await keptStateGiver(core, kept)!(record, { activate() {}, setReloadState: (s, i) => void got.push([s, i]) })
    expect(got).toEqual([['k', { reason: 'restore', fromVersion: '1', fromStateVersion: undefined }]])
    expect(record.owed).toBeUndefined()
  })

  it('when setReloadState throws, the plugin runs without the state and owes it', async () => {
    const { core, add, events } = makeCore()
    const record = add('a')
    const kept = taken('k')
    const throwing: PluginModule = {
      activate() {},
      setReloadState() {
        throw new Error('bad')
      },
    }
    await keptStateGiver(core, kept)!(record, throwing)
    expect(record.owed).toBe(kept)
    expect(events.map((e) => e.payload.message)).toEqual([
      'setReloadState() threw: bad; it runs without its previous state, which is kept for its next version',
    ])
  })
})
