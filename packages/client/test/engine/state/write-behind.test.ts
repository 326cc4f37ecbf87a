import { describe, expect, it } from 'vitest'
import type { PersistedState, StateStore } from '../../../src/engine/state/state.js'
import { createWriteBehind } from '../../../src/engine/state/write-behind.js'
import { makeCore } from '../../core-fixture.js'

function setUp(failWith?: Error) {
  const { core, add, events } = makeCore()
  const writes: (readonly (readonly [string, PersistedState])[])[] = []
  const store: StateStore = {
    load: async () => undefined,
    saveMany: async (entries) => {
      writes.push(entries)
      if (failWith) throw failWith
    },
    setAside: async () => {},
    clear: async () => {},
  }
  const tasks: (() => void)[] = []
  const lastKnown = new Map<string, PersistedState>()
  let time = 100
  const writeBehind = createWriteBehind({ store, lastKnown, wallClock: () => time++, schedule: (task) => void tasks.push(task) })
  const own = (value: unknown) => () => ({ value, stateVersion: 2, pluginVersion: '1.0.0' })
  return { core, add, events, writes, tasks, lastKnown, writeBehind, own }
}

describe('createWriteBehind', () => {
  it('queues the latest state of each plugin and writes them all in one scheduled write', async () => {
    const { core, add, writes, tasks, lastKnown, writeBehind, own } = setUp()
    const a = add('a')
    const b = add('b')
    writeBehind.remember(core, a, own(1))
    writeBehind.remember(core, b, own('b'))
    writeBehind.remember(core, a, own(2))
    expect(tasks).toHaveLength(1)
    expect(writes).toEqual([])
    expect(lastKnown.get('a')).toEqual({ format: 1, state: 2, stateVersion: 2, pluginVersion: '1.0.0', savedAt: 102 })
    tasks[0]!()
    await writeBehind.flush()
    expect(writes).toEqual([
      [
        ['a', { format: 1, state: 2, stateVersion: 2, pluginVersion: '1.0.0', savedAt: 102 }],
        ['b', { format: 1, state: 'b', stateVersion: 2, pluginVersion: '1.0.0', savedAt: 101 }],
      ],
    ])
    writeBehind.remember(core, a, own(3))
    expect(tasks).toHaveLength(2)
  })

  it('writes the state a plugin owes instead of the one it runs with, and nothing for a plugin without state', async () => {
    const { core, add, writes, writeBehind, own } = setUp()
    const a = add('a')
    a.owed = { has: true, value: 'owed', stateVersion: 1, pluginVersion: '0.9.0' }
    writeBehind.remember(core, a, own('empty'))
    writeBehind.remember(core, add('b'), undefined)
    await writeBehind.flush()
    expect(writes).toEqual([[['a', { format: 1, state: 'owed', stateVersion: 1, pluginVersion: '0.9.0', savedAt: 100 }]]])
  })

  it('does not write state that cannot be stored faithfully, and warns once per plugin', async () => {
    const { core, add, events, writes, writeBehind, own } = setUp()
    const a = add('a')
    writeBehind.remember(core, a, own({ f: () => 1 }))
    await writeBehind.flush()
    writeBehind.remember(core, a, own({ f: () => 2 }))
    await writeBehind.flush()
    expect(writes).toEqual([])
    const warnings = events.filter((e) => e.type === 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]!.payload.message).toMatch(/^its state is not persisted: .* cannot be stored faithfully in IndexedDB/)
  })

  it('warns for every plugin of a write that failed', async () => {
    const { core, add, events, writeBehind, own } = setUp(new Error('quota'))
    writeBehind.remember(core, add('a'), own(1))
    writeBehind.remember(core, add('b'), own(2))
    await writeBehind.flush()
    expect(events.filter((e) => e.type === 'warning').map((e) => [e.payload.id, e.payload.message])).toEqual([
      ['a', 'saving its state failed (quota); the previous saved copy is kept'],
      ['b', 'saving its state failed (quota); the previous saved copy is kept'],
    ])
  })

  it('drops what is queued for a plugin', async () => {
    const { core, add, writes, writeBehind, own } = setUp()
    writeBehind.remember(core, add('a'), own(1))
    writeBehind.remember(core, add('b'), own(2))
    writeBehind.drop('a')
    await writeBehind.flush()
    expect(writes.map((batch) => batch.map(([id]) => id))).toEqual([['b']])
  })
})
