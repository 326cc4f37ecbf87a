import { describe, expect, it } from 'vitest'
import { batchOf, reportFailure, reportStarted, reportSwapped } from '../../../src/engine/apply/outcomes.js'
import { PluginError } from '../../../src/host/errors.js'
import { makeCore } from '../../core-fixture.js'

const phases = { importMs: 1, teardownMs: 2, activateMs: 3, stateMs: 4 }

describe('outcomes', () => {
  it('carries the batch number only when the dev server gave one', () => {
    expect(batchOf({ files: [], startedAt: 0 })).toEqual({})
    expect(batchOf({ files: [], startedAt: 0, batch: 0 })).toEqual({ batch: 0 })
  })

  it('a failure marks the plugin rolled-back while a version of it runs, failed otherwise; logs, announces and reports it', async () => {
    const { core, clock, events, lines, add, run } = makeCore()
    const runningRecord = await run('a', { activate() {} })
    events.length = 0
    const error = new PluginError('a', runningRecord.file, 'import', new Error('boom'))
    clock.advance(5)
    const result = reportFailure(core, runningRecord, error, 'kept-old', { files: ['x.ts'], startedAt: 1000, batch: 3 })
    expect(runningRecord).toMatchObject({ status: 'rolled-back', error })
    expect(result).toEqual({ id: 'a', file: runningRecord.file, outcome: 'kept-old', durationMs: 5, stateKept: false, error: error.message, running: true })
    expect(events).toEqual([
      { type: 'reload-failed', payload: { id: 'a', file: runningRecord.file, files: ['x.ts'], error, outcome: 'kept-old', running: true, batch: 3 } },
    ])
    expect(lines).toContainEqual({ level: 'error', message: error.message, error: error.cause })

    const stopped = add('b')
    events.length = 0
    const never = reportFailure(core, stopped, new PluginError('b', stopped.file, 'activate', new Error('no')), 'rolled-back', { files: [], startedAt: 0 })
    expect(stopped.status).toBe('failed')
    expect(events[0]?.payload).toMatchObject({ id: 'b', running: false })
    // The dev server is told the same: nothing of the plugin runs.
    expect(never).toMatchObject({ id: 'b', running: false })
  })

  it('a swap announces the state it kept (with its size) and the completed reload, and reports it', async () => {
    const { core, events, run } = makeCore()
    const record = await run('a', { meta: { version: '2' }, activate() {} })
    record.reloadCount = 1
    events.length = 0
    const handed = { has: true, value: 'ab', stateVersion: undefined, pluginVersion: undefined }
    const result = reportSwapped(core, { record, handed, via: 'theme' }, { files: ['a.ts'], startedAt: 0, batch: 7 }, { durationMs: 9, phases })
    const ref = { id: 'a', file: record.file }
    expect(events).toEqual([
      { type: 'state-preserved', payload: { ...ref, stateBytes: 4, batch: 7 } },
      {
        type: 'reload-completed',
        payload: { ...ref, version: '2', files: ['a.ts'], durationMs: 9, stateKept: true, reloadCount: 1, phases, stateBytes: 4, via: 'theme', batch: 7 },
      },
    ])
    expect(result).toEqual({ ...ref, outcome: 'swapped', durationMs: 9, stateKept: true, via: 'theme' })
  })

  it('a swap without state announces no state and leaves out the size and via', async () => {
    const { core, events, run } = makeCore()
    const record = await run('a', { activate() {} })
    events.length = 0
    const handed = { has: false, value: undefined, stateVersion: undefined, pluginVersion: undefined }
    const result = reportSwapped(core, { record, handed, via: undefined }, { files: [], startedAt: 0 }, { durationMs: 1, phases })
    expect(events.map((e) => e.type)).toEqual(['reload-completed'])
    expect(Object.keys(events[0]!.payload)).not.toContain('stateBytes')
    expect(Object.keys(events[0]!.payload)).not.toContain('via')
    expect(result).toEqual({ id: 'a', file: record.file, outcome: 'swapped', durationMs: 1, stateKept: false })
  })

  it('announces the start of a reload with its files, via and batch', async () => {
    const { core, events, add } = makeCore()
    const record = add('a')
    reportStarted(core, record, { files: ['a.ts'], startedAt: 0, batch: 2 }, 'theme')
    reportStarted(core, record, { files: [], startedAt: 0 })
    expect(events).toEqual([
      { type: 'reload-started', payload: { id: 'a', file: record.file, files: ['a.ts'], via: 'theme', batch: 2 } },
      { type: 'reload-started', payload: { id: 'a', file: record.file, files: [] } },
    ])
  })
})
