import { describe, expect, it } from 'vitest'
import { adaptState, findUncloneable, isPersistedState } from '../../../src/engine/state/state.js'

describe('adaptState', () => {
  it('passes state of the same stateVersion (a missing one counts as 0)', () => {
    expect(adaptState({ a: 1 }, undefined, { activate() {} })).toEqual({ ok: true, state: { a: 1 } })
    expect(adaptState({ a: 1 }, 2, { activate() {}, meta: { stateVersion: 2 } })).toEqual({ ok: true, state: { a: 1 } })
  })

  it('migrates across versions with migrateState', () => {
    const module = {
      activate() {},
      meta: { stateVersion: 2 },
      migrateState: (state: unknown, from: number) => ({ migrated: state, from }),
    }
    expect(adaptState({ a: 1 }, 1, module)).toEqual({ ok: true, state: { migrated: { a: 1 }, from: 1 }, migratedFrom: 1 })
  })

  it('refuses, naming both versions, when there is no migrateState', () => {
    const result = adaptState({ a: 1 }, 1, { activate() {}, meta: { stateVersion: 3 } })
    expect(result).toEqual({
      ok: false,
      reason:
        'its state has stateVersion 1 but the code expects 3 and exports no migrateState(); the old state was set aside and the plugin starts fresh',
    })
  })

  it('refuses when migrateState throws', () => {
    const result = adaptState({}, 0, {
      activate() {},
      meta: { stateVersion: 1 },
      migrateState() {
        throw new Error('cannot')
      },
    })
    expect(result.ok).toBe(false)
    expect(!result.ok && result.reason).toContain('migrateState(state, 0) threw while migrating to stateVersion 1 (cannot)')
  })
})

describe('findUncloneable', () => {
  class WithPrivate {
    #secret = 1
    peek() {
      return this.#secret
    }
  }

  it.each([
    [{ count: 1, when: new Date(), tags: new Set(['a']), byId: new Map([[1, { x: [1, 2] }]]), bytes: new Uint8Array(2) }],
    [[1, 'two', null, undefined, { nested: { deep: true } }]],
    [Object.assign(Object.create(null), { bare: 1 })],
  ])('accepts structured-cloneable state %#', (state) => {
    expect(findUncloneable(state)).toBeUndefined()
  })

  it.each([
    [{ onClick: () => {} }, 'state.onClick (a function)'],
    [{ list: [1, { el: { nodeType: 1, nodeName: 'DIV' } }] }, 'state.list[1].el (a DOM node)'],
    [{ model: new WithPrivate() }, 'state.model (an instance of WithPrivate: it would lose its class and private fields)'],
    [{ byId: new Map([['a', Symbol('s')]]) }, 'state.byId.get("a") (a symbol)'],
    [{ items: new Set([1, () => 2]) }, 'state.items.values[1] (a function)'],
  ])('finds the path of what cannot be stored in %#', (state, path) => {
    expect(findUncloneable(state)).toBe(path)
  })

  it('handles cycles', () => {
    const a: Record<string, unknown> = { name: 'a' }
    a.self = a
    expect(findUncloneable(a)).toBeUndefined()
  })
})

describe('isPersistedState', () => {
  it('accepts the current record shape only', () => {
    expect(isPersistedState({ format: 1, state: 1, stateVersion: 2, pluginVersion: '1.0', savedAt: 5 })).toBe(true)
    expect(isPersistedState({ format: 1, state: undefined, stateVersion: undefined, pluginVersion: undefined, savedAt: 5 })).toBe(true)
    expect(isPersistedState({ format: 2, state: 1, savedAt: 5 })).toBe(false)
    expect(isPersistedState({ format: 1, savedAt: 5 })).toBe(false)
    expect(isPersistedState({ format: 1, state: 1, savedAt: '5' })).toBe(false)
    expect(isPersistedState('garbage')).toBe(false)
    expect(isPersistedState(null)).toBe(false)
  })
})
