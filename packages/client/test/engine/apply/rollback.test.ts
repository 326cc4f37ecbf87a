import { describe, expect, it } from 'vitest'
import { rollBack, rollBackBatch } from '../../../src/engine/apply/rollback.js'
import { planBatch } from '../../../src/engine/apply/plan.js'
import { PluginError } from '../../../src/host/errors.js'
import type { PluginModule } from '../../../src/host/types.js'
import { makeCore } from '../../core-fixture.js'
import { loggingPlugin } from '../../helpers.js'

const taken = (value: unknown) => ({ has: true, value, stateVersion: undefined, pluginVersion: undefined })

describe('rollBack', () => {
  it('brings the previous version back with its state, told it is a rollback', async () => {
    const { core, run } = makeCore()
    const infos: unknown[] = []
    const previous: PluginModule = { meta: { version: '1', stateVersion: 2 }, activate() {}, setReloadState: (_s, info) => void infos.push(info) }
    const record = await run('a', previous)
    record.module = undefined
    await rollBack(core, record, previous, taken(1))
    expect(record.module).toBe(previous)
    expect(infos).toEqual([{ reason: 'rollback', fromVersion: '1', fromStateVersion: 2 }])
    expect(record.owed).toBeUndefined()
  })

  it('when the state cannot be given back, the previous version runs without it and owes it', async () => {
    const { core, run, lines } = makeCore()
    const previous: PluginModule = {
      activate() {},
      setReloadState() {
        throw new Error('nope')
      },
    }
    const record = await run('a', previous)
    const state = taken(1)
    await rollBack(core, record, previous, state)
    expect(record.module).toBe(previous)
    expect(record.owed).toBe(state)
    expect(lines.map((l) => l.message)).toContain(
      'plugin "a" (src/plugins/a/index.ts): setReloadState() threw: nope on the rollback; the previous version runs without its state, which is kept for its next version',
    )
  })

  it('when the previous version cannot even start, nothing of the plugin runs and its state is owed', async () => {
    const { core, run, lines } = makeCore()
    let calls = 0
    const previous: PluginModule = {
      activate() {
        if (calls++ > 0) throw new Error('gone')
      },
    }
    const record = await run('a', previous)
    const state = taken(1)
    await rollBack(core, record, previous, state)
    expect(record).toMatchObject({ module: undefined, teardown: undefined, status: 'failed', owed: state })
    expect(lines.some((l) => l.level === 'error' && l.message.includes('the previous version could not be restored'))).toBe(true)
  })
})

describe('rollBackBatch', () => {
  it('tears down only what started, restores every plugin, reports the culprit and holds the other members back', async () => {
    const log: string[] = []
    const { core, events, run } = makeCore()
    const a = await run('a', loggingPlugin(log, 'a1'))
    const b = await run('b', loggingPlugin(log, 'b1'))
    const slots = planBatch(
      core,
      [
        { record: a, next: loggingPlugin(log, 'a2') },
        { record: b, next: loggingPlugin(log, 'b2') },
      ],
      true,
    )
    for (const slot of slots) {
      slot.record.status = 'reloading'
      slot.own = taken(slot.record.id)
    }
    slots[0]!.started = true
    slots[0]!.teardown = () => void log.push('a2.teardown')
    log.length = 0
    events.length = 0
    const error = new PluginError('b', b.file, 'activate', new Error('boom'))
    const outcome = await rollBackBatch(core, slots, { slot: slots[1]!, error }, { files: [], startedAt: 0, batch: 4 })
    expect(log).toEqual(['a2.teardown', 'a1.activate({})', 'a1.setReloadState("a")', 'b1.activate({})', 'b1.setReloadState("b")'])
    expect(outcome.heldBack).toEqual(['a'])
    expect(outcome.results.map((r) => [r.id, r.outcome])).toEqual([['b', 'rolled-back']])
    expect(a.status).toBe('idle')
    expect(b).toMatchObject({ status: 'rolled-back', error })
    expect(events.filter((e) => e.type === 'rolled-back').map((e) => e.payload)).toEqual([
      { id: 'a', file: a.file, because: 'b', batch: 4 },
      { id: 'b', file: b.file, because: 'b', batch: 4 },
    ])
    expect(events.find((e) => e.type === 'warning')?.payload.message).toBe(
      'its new version waits: it came in one batch with "b", which failed; the previous version runs until the batch applies',
    )
  })
})
