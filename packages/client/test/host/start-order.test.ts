import { describe, expect, it } from 'vitest'
import type { GiveState } from '../../src/host/core.js'
import { PluginError } from '../../src/host/errors.js'
import { newRecord } from '../../src/host/records.js'
import { park, parkedState, parkIfWaiting, startInOrder, startParked, unpark, type Loaded } from '../../src/host/start-order.js'
import type { TakenState } from '../../src/engine/state/handoff.js'
import type { PluginModule } from '../../src/host/types.js'
import { makeCore } from '../core-fixture.js'

const state = (value: unknown): TakenState => ({ has: true, value, stateVersion: undefined, pluginVersion: undefined })

function setUp() {
  const fixture = makeCore()
  const activated: string[] = []
  const plugin = (id: string, dependsOn: string[]): PluginModule => ({ meta: { dependsOn }, activate: () => void activated.push(id) })
  const add = (id: string, ...dependsOn: string[]) => ({ record: fixture.add(id), module: plugin(id, dependsOn) })
  const run = (id: string, ...dependsOn: string[]) => fixture.run(id, plugin(id, dependsOn))
  return { core: fixture.core, activated, add, run }
}

describe('start order at host.start', () => {
  it('starts a plugin as soon as what it needs runs, defers the rest, and parks those that cannot start', async () => {
    const { core, activated, add } = setUp()
    const loads: Loaded[] = [add('chart', 'theme'), add('theme'), add('a', 'b'), add('b', 'a'), add('badge', 'broken')]
    const broken = newRecord({ id: 'broken', file: 'src/plugins/broken/index.ts' })
    core.records.set('broken', broken)
    loads.push({ record: broken, failure: new PluginError('broken', broken.file, 'load', new Error('syntax')) })
    await startInOrder(core, loads.map((l) => Promise.resolve(l)), 0)
    expect(activated).toEqual(['theme', 'chart'])
    expect([...core.parked.keys()].sort()).toEqual(['a', 'b', 'badge'])
    expect(core.records.get('badge')?.error?.message).toBe(
      'plugin "badge" (src/plugins/badge/index.ts): not activated: it depends on "broken", which failed to start',
    )
    expect(core.records.get('a')?.status).toBe('failed')
    expect(broken.status).toBe('failed')
  })
})

describe('parking', () => {
  it('parks a plugin with its state and says why; unparks it', () => {
    const { core, add } = setUp()
    const { record, module } = add('a')
    const error = park(core, record, module, state(1), 'not activated: because')
    expect(error.message).toBe('plugin "a" (src/plugins/a/index.ts): not activated: because')
    expect(error.phase).toBe('activate')
    expect(core.parked.get('a')).toEqual({ module, state: state(1) })
    expect(parkedState(core, 'a')).toEqual(state(1))
    unpark(core, 'a')
    expect(core.parked.has('a')).toBe(false)
    expect(parkedState(core, 'a')).toBeUndefined()
  })

  it('parks only a plugin whose dependency does not run, naming the missing plugin', async () => {
    const { core, add, run } = setUp()
    await run('theme')
    const ready = add('chart', 'theme')
    expect(parkIfWaiting(core, ready.record, ready.module, state(1))).toBeUndefined()
    expect(core.parked.has('chart')).toBe(false)
    const waiting = add('legend', 'ghost')
    expect(parkIfWaiting(core, waiting.record, waiting.module, state(2))?.message).toBe(
      'plugin "legend" (src/plugins/legend/index.ts): not activated: it depends on "ghost", which is not a plugin here; it starts once "ghost" runs',
    )
    expect(parkedState(core, 'legend')).toEqual(state(2))
  })

  it('names a cycle among the waiting plugins', () => {
    const { core, add } = setUp()
    const a = add('a', 'b')
    const b = add('b', 'a')
    parkIfWaiting(core, a.record, a.module, state(1))
    expect(parkIfWaiting(core, b.record, b.module, state(2))?.reason).toBe(
      'not activated: its dependencies form a cycle: "a" → "b" → "a"; it starts once "a" runs',
    )
  })

  it('a plugin that is known but not running keeps its dependents waiting', async () => {
    const { core, add } = setUp()
    add('theme')
    const chart = add('chart', 'theme')
    expect(parkIfWaiting(core, chart.record, chart.module, state(1))?.reason).toBe(
      'not activated: it depends on "theme", which is not running; it starts once "theme" runs',
    )
  })
})

describe('startParked', () => {
  it('starts what can start now, a chain one link per round, each with the state it kept', async () => {
    const { core, activated, add, run } = setUp()
    const given: string[] = []
    const giverFor = (kept: TakenState | undefined): GiveState => async (record) => void given.push(`${record.id}:${String(kept?.value)}`)
    const c = add('c', 'b')
    const b = add('b', 'a')
    const lone = add('lone', 'ghost')
    park(core, c.record, c.module, state('c'), 'waits')
    park(core, b.record, b.module, state('b'), 'waits')
    park(core, lone.record, lone.module, undefined, 'waits')
    await startParked(core, 0, giverFor)
    expect(activated).toEqual([])
    await run('a')
    await startParked(core, 0, giverFor)
    expect(activated).toEqual(['a', 'b', 'c'])
    expect(given).toEqual(['b:b', 'c:c'])
    expect([...core.parked.keys()]).toEqual(['lone'])
  })

  it('forgets nothing and starts nothing for a parked plugin whose record is gone', async () => {
    const { core, activated, add } = setUp()
    const gone = add('gone')
    park(core, gone.record, gone.module, undefined, 'waits')
    core.records.delete('gone')
    await startParked(core, 0, () => undefined)
    expect(activated).toEqual([])
    expect(core.parked.has('gone')).toBe(true)
  })

  it('stops when a round starts nothing (every ready plugin failed to activate)', async () => {
    const { core, add } = setUp()
    const { record } = add('a')
    const throwing: PluginModule = {
      activate() {
        throw new Error('no')
      },
    }
    park(core, record, throwing, undefined, 'waits')
    await startParked(core, 0, () => undefined)
    expect(record.status).toBe('failed')
    expect(core.parked.has('a')).toBe(false)
  })
})
