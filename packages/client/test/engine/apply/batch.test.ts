import { describe, expect, it } from 'vitest'
import { hotSwapBatch, reportCompileError, reportImportFailure } from '../../../src/engine/apply/batch.js'
import type { PluginModule } from '../../../src/host/types.js'
import { makeCore } from '../../core-fixture.js'
import { loggingPlugin } from '../../helpers.js'

const trigger = { files: ['src/plugins/a/index.ts'], startedAt: 1000 }

describe('hotSwapBatch', () => {
  it('skips unknown plugins, superseded versions, a second version of the same plugin, and plugins whose hot reload is off', async () => {
    const log: string[] = []
    const { core, run, events } = makeCore()
    await run('a', loggingPlugin(log, 'a1'))
    await run('off', loggingPlugin(log, 'off1'))
    core.hotReload.set('off', false)
    const resumed: string[][] = []
    core.hotReload.onResumed = (ids) => resumed.push(ids)
    events.length = 0
    const outcome = await hotSwapBatch(
      core,
      [
        { id: 'ghost', module: loggingPlugin(log, 'ghost') },
        { id: 'a', module: loggingPlugin(log, 'old'), superseded: () => true },
        { id: 'a', module: loggingPlugin(log, 'a2') },
        { id: 'a', module: loggingPlugin(log, 'a3') },
        { id: 'off', module: loggingPlugin(log, 'off2') },
      ],
      trigger,
    )
    expect(outcome.results.map((r) => [r.id, r.outcome])).toEqual([['a', 'swapped']])
    expect(log).toContain('a2.activate({})')
    expect(log.some((line) => /^(ghost|old|a3|off2)\./.test(line))).toBe(false)
    core.hotReload.set('off', true)
    expect(resumed).toEqual([['off']])
  })

  it('keeps the old version when the new one has no activate(), and reports it with the others of the batch', async () => {
    const log: string[] = []
    const { core, run } = makeCore()
    const a = await run('a', loggingPlugin(log, 'a1'))
    const previous = a.module
    const outcome = await hotSwapBatch(core, [{ id: 'a', module: {} as PluginModule }], trigger)
    expect(outcome).toEqual({
      results: [expect.objectContaining({ id: 'a', outcome: 'kept-old', error: 'plugin "a" (src/plugins/a/index.ts): the new version has no activate() export' })],
      heldBack: [],
    })
    expect(a).toMatchObject({ module: previous, status: 'rolled-back' })
  })

  it('starts a plugin whose start failed with its new version, with the state it kept, then the plugins waiting for it', async () => {
    const log: string[] = []
    const { core, add, events } = makeCore()
    const theme = add('theme')
    core.fail(theme, new Error('boom') as never)
    theme.owed = { has: true, value: { kept: 1 }, stateVersion: undefined, pluginVersion: undefined }
    const chart = add('chart')
    core.parked.set('chart', { module: loggingPlugin(log, 'chart1', { meta: { dependsOn: ['theme'] } }) })
    events.length = 0
    const outcome = await hotSwapBatch(core, [{ id: 'theme', module: loggingPlugin(log, 'theme2', { meta: { version: '2' } }) }], trigger)
    expect(outcome.results).toEqual([{ id: 'theme', file: theme.file, outcome: 'swapped', durationMs: 0, stateKept: true }])
    expect(log).toEqual(['theme2.activate({})', 'theme2.setReloadState({"kept":1})', 'chart1.activate({})'])
    expect(theme).toMatchObject({ status: 'idle', version: '2', owed: undefined })
    expect(chart.status).toBe('idle')
    expect(core.parked.size).toBe(0)
    expect(events.map((e) => `${e.type}:${e.payload.id}`)).toEqual(['reload-started:theme', 'plugin-activated:theme', 'plugin-activated:chart'])
  })

  it('a plugin that does not run and whose new version still waits on a dependency is parked with it, reported kept-old', async () => {
    const { core, add } = makeCore()
    const chart = add('chart')
    const next: PluginModule = { meta: { dependsOn: ['ghost'] }, activate() {} }
    const outcome = await hotSwapBatch(core, [{ id: 'chart', module: next }], trigger)
    expect(outcome.results.map((r) => [r.outcome, r.error])).toEqual([
      ['kept-old', 'plugin "chart" (src/plugins/chart/index.ts): not activated: it depends on "ghost", which is not a plugin here; it starts once "ghost" runs'],
    ])
    expect(core.parked.get('chart')?.module).toBe(next)
    expect(chart.status).toBe('failed')
  })

  it('a plugin that does not run and whose new version throws in activate stays parked and is reported kept-old', async () => {
    const { core, add, events } = makeCore()
    add('a')
    const waiting = { module: { activate() {} } }
    core.parked.set('a', waiting)
    const throwing: PluginModule = {
      activate() {
        throw new Error('still broken')
      },
    }
    const outcome = await hotSwapBatch(core, [{ id: 'a', module: throwing }], trigger)
    expect(outcome.results.map((r) => [r.outcome, r.error])).toEqual([['kept-old', 'plugin "a" (src/plugins/a/index.ts): activate() threw: still broken']])
    expect(core.parked.get('a')).toBe(waiting)
    expect(events.map((e) => e.type)).toEqual(['reload-started', 'reload-failed'])
  })
})

describe('reportImportFailure and reportCompileError', () => {
  it('reports an import that failed, unless a newer version overtook it; the running version is untouched', async () => {
    const { core, run } = makeCore()
    const a = await run('a', { activate() {} })
    const module = a.module
    expect(await reportImportFailure(core, 'a', { ...trigger, superseded: () => true })).toBeUndefined()
    expect(await reportImportFailure(core, 'ghost', trigger)).toBeUndefined()
    const result = await reportImportFailure(core, 'a', trigger, new Error('404'))
    expect(result?.error).toBe(
      "plugin \"a\" (src/plugins/a/index.ts): its new code failed to load (a syntax error, a failed import, or a throw while evaluating; see Vite's error overlay and the console); the previous version keeps running: 404",
    )
    expect(a).toMatchObject({ module, status: 'rolled-back' })
  })

  it('reports a compile error with its frame as a reload that started and kept the old version', async () => {
    const { core, run, events } = makeCore()
    await run('a', { activate() {} })
    events.length = 0
    const result = await reportCompileError(core, 'a', trigger, { message: 'Unexpected token', frame: '> 1 | x' })
    expect(await reportCompileError(core, 'ghost', trigger, { message: 'x' })).toBeUndefined()
    expect(result).toMatchObject({ id: 'a', outcome: 'kept-old' })
    expect(events.map((e) => e.type)).toEqual(['reload-started', 'reload-failed'])
    const error = events[1]!.payload.error
    expect(error.phase).toBe('compile')
    expect(error.cause).toMatchObject({ message: 'Unexpected token', frame: '> 1 | x' })
    expect(error.reason).toBe('its new code does not compile; the previous version keeps running: Unexpected token')
  })

  it('says no previous version keeps running for a plugin that never ran', async () => {
    const { core, add, events } = makeCore()
    add('a')
    const result = await reportCompileError(core, 'a', trigger, { message: 'Failed to resolve import "./helper"' })
    const failed = events.find((e) => e.type === 'reload-failed')!.payload
    expect(failed).toMatchObject({ outcome: 'kept-old', running: false })
    expect(result).toMatchObject({ outcome: 'kept-old', running: false })
    expect(failed.error.reason).toBe('its new code does not compile: Failed to resolve import "./helper"')
  })
})
