import { describe, expect, it } from 'vitest'
import type { StateHooks } from '../../src/host/core.js'
import { PluginError } from '../../src/host/errors.js'
import { newRecord } from '../../src/host/records.js'
import type { PluginModule } from '../../src/host/types.js'
import { makeCore } from '../core-fixture.js'

function setUp() {
  const contexts: string[] = []
  const fixture = makeCore({
    context: ({ id }) => {
      contexts.push(id)
      return { for: id }
    },
  })
  return { ...fixture, contexts, record: fixture.add('a') }
}

const restoring = (log: string[], refuse = false): StateHooks => ({
  restore: async () => {
    log.push('restore')
    return refuse ? { error: new Error('bad state') } : undefined
  },
  handedOver() {},
  lastKnown: async () => undefined,
  setAside() {},
  clear: async () => {},
})

describe('lifecycle: start', () => {
  it('activates, gives the state, marks the plugin running, then announces it with the time since the start began', async () => {
    const { core, clock, events, record } = setUp()
    const log: string[] = []
    const module: PluginModule = { meta: { version: '1.0.0' }, activate: () => () => void log.push('teardown') }
    const startedAt = clock.now()
    clock.advance(7)
    const started = await core.start(record, module, {
      startedAt,
      giveState: async (r) => {
        log.push(`give:${r.status}`)
      },
    })
    expect(started).toBe(true)
    expect(log).toEqual(['give:starting'])
    expect(record).toMatchObject({ status: 'idle', module, version: '1.0.0', error: undefined })
    expect(events).toEqual([{ type: 'plugin-activated', payload: { id: 'a', file: 'src/plugins/a/index.ts', version: '1.0.0', durationMs: 7 } }])
    await record.teardown?.()
    expect(log).toEqual(['give:starting', 'teardown'])
  })

  it("without a state to give, gives the state saved for it (the host's restore)", async () => {
    const { core, record } = setUp()
    const log: string[] = []
    core.stateHooks = restoring(log)
    await core.start(record, { activate() {} }, { startedAt: 0 })
    expect(log).toEqual(['restore'])
  })

  it('reports a failed activation as plugin-failed, leaving no module; or as onFailure says', async () => {
    const { core, events, record, lines } = setUp()
    const throwing: PluginModule = {
      activate() {
        throw new Error('no panel')
      },
    }
    expect(await core.start(record, throwing, { startedAt: 0 })).toBe(false)
    expect(record).toMatchObject({ status: 'failed', module: undefined })
    expect(record.error?.message).toBe('plugin "a" (src/plugins/a/index.ts): activate() threw: no panel')
    expect(events.map((e) => e.type)).toEqual(['plugin-failed'])
    expect(lines.some((l) => l.level === 'error' && l.message === record.error?.message)).toBe(true)

    const other = newRecord({ id: 'b', file: 'src/plugins/b/index.ts' })
    const reported: PluginError[] = []
    expect(await core.start(other, throwing, { startedAt: 0, onFailure: (error) => void reported.push(error) })).toBe(false)
    expect(reported.map((e) => e.phase)).toEqual(['activate'])
    expect(other.status).toBe('starting')
    expect(events.map((e) => e.type)).toEqual(['plugin-failed'])
  })

  it('runs another version instead when activation fails or the saved state is refused; announces nothing itself then', async () => {
    const { core, events, record } = setUp()
    const failures: PluginError[] = []
    const instead = async (failure: PluginError) => {
      failures.push(failure)
      return true
    }
    const throwing: PluginModule = {
      activate() {
        throw new Error('broken')
      },
    }
    expect(await core.start(record, throwing, { startedAt: 0, instead })).toBe(true)
    core.stateHooks = restoring([], true)
    expect(await core.start(record, { activate() {} }, { startedAt: 0, instead })).toBe(true)
    expect(failures.map((f) => [f.phase, f.reason])).toEqual([
      ['activate', 'activate() threw: broken'],
      ['set-state', 'setReloadState() threw: bad state'],
    ])
    expect(events).toEqual([])
  })

  it('without another version, a refused state still leaves the plugin running (it owes the state)', async () => {
    const { core, events, record } = setUp()
    core.stateHooks = restoring([], true)
    let asked = 0
    const instead = async () => {
      asked++
      return false
    }
    expect(await core.start(record, { activate() {} }, { startedAt: 0, instead })).toBe(true)
    expect(asked).toBe(1)
    expect(record.status).toBe('idle')
    expect(events.map((e) => e.type)).toEqual(['plugin-activated'])
    expect(await core.start(newRecord({ id: 'b', file: 'b.ts' }), { activate() {} }, { startedAt: 0 })).toBe(true)
  })
})

describe('lifecycle: activate, deactivate, stop', () => {
  it('makes a plugin its context once and hands the same one to every version', async () => {
    const { core, contexts, record } = setUp()
    const seen: unknown[] = []
    const module: PluginModule = { activate: (ctx) => void seen.push(ctx) }
    await core.activate(record, module)
    await core.activate(record, { ...module })
    expect(contexts).toEqual(['a'])
    expect(seen).toEqual([{ for: 'a' }, { for: 'a' }])
    expect(seen[0]).toBe(seen[1])
  })

  it('refuses a module without activate, leaving the record untouched', async () => {
    const { core, record } = setUp()
    const error = await core.activate(record, {} as PluginModule).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PluginError)
    expect((error as PluginError).message).toBe('plugin "a" (src/plugins/a/index.ts): the module has no activate() export')
    expect(record).toMatchObject({ status: 'starting', module: undefined, context: undefined })
  })

  it('warns when activate returns something that is not a teardown, and keeps no teardown', async () => {
    const { core, events, record } = setUp()
    expect(await core.activate(record, { activate: () => 'done' as never })).toBeUndefined()
    expect(events).toEqual([
      {
        type: 'warning',
        payload: expect.objectContaining({ id: 'a', message: 'activate() returned a string; return a teardown function or nothing' }),
      },
    ])
  })

  it('runs the teardown, then deactivate(); a throwing step is a warning and the next still runs', async () => {
    const { core, record, lines } = setUp()
    const log: string[] = []
    const module: PluginModule = {
      activate() {},
      deactivate: () => void log.push('deactivate'),
    }
    await core.deactivate(record, module, () => {
      log.push('teardown')
      throw new Error('timer')
    })
    expect(log).toEqual(['teardown', 'deactivate'])
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'plugin "a" (src/plugins/a/index.ts): its teardown threw: timer (it may leave timers or listeners behind)' }),
    )
  })

  it('stop tears the running instance down and leaves the record without module or teardown', async () => {
    const { core, record } = setUp()
    const log: string[] = []
    await core.start(record, { activate: () => () => void log.push('teardown') }, { startedAt: 0 })
    await core.stop(record)
    await core.stop(record)
    expect(log).toEqual(['teardown'])
    expect(record.module).toBeUndefined()
    expect(record.teardown).toBeUndefined()
  })
})
