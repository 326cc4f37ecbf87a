import { describe, expect, it } from 'vitest'
import { swapBatch } from '../../../src/engine/apply/swap.js'
import type { StateHooks } from '../../../src/host/core.js'
import type { PluginModule } from '../../../src/host/types.js'
import { makeCore } from '../../core-fixture.js'
import { loggingPlugin } from '../../helpers.js'

describe('swapBatch', () => {
  it('stops the plan last first, starts it dependencies first, and commits every plugin', async () => {
    const log: string[] = []
    const { core, clock, events, run } = makeCore()
    const theme = await run('theme', loggingPlugin(log, 'theme1'))
    const chart = await run('chart', loggingPlugin(log, 'chart1', { meta: { dependsOn: ['theme'] } }))
    log.length = 0
    events.length = 0
    const next = loggingPlugin(log, 'theme2', { meta: { version: '2' } })
    const startedAt = clock.now()
    clock.advance(4)
    const outcome = await swapBatch(core, [{ record: theme, next }], { files: ['theme.ts'], startedAt, batch: 1 })
    expect(log).toEqual([
      'chart1.getReloadState',
      'chart1.teardown',
      'theme1.getReloadState',
      'theme1.teardown',
      'theme2.activate({})',
      'theme2.setReloadState({"from":"theme1"})',
      'chart1.activate({})',
      'chart1.setReloadState({"from":"chart1"})',
    ])
    expect(outcome.heldBack).toEqual([])
    expect(outcome.results.map((r) => [r.id, r.outcome, r.durationMs, r.via])).toEqual([
      ['theme', 'swapped', 4, undefined],
      ['chart', 'swapped', 4, 'theme'],
    ])
    expect(theme).toMatchObject({ module: next, version: '2', status: 'idle', reloadCount: 1, lastReloadMs: 4 })
    expect(chart).toMatchObject({ status: 'idle', reloadCount: 1 })
    expect(events.map((e) => `${e.type}:${e.payload.id}`)).toEqual([
      'reload-started:theme',
      'reload-started:chart',
      'state-preserved:theme',
      'reload-completed:theme',
      'state-preserved:chart',
      'reload-completed:chart',
    ])
    expect(events[3]!.payload.phases).toEqual({ importMs: 4, teardownMs: 0, activateMs: 0, stateMs: 0 })
  })

  it('hands a member the state it owes instead of its own and clears the debt and the last good marker; a dependent keeps its debt', async () => {
    const log: string[] = []
    const { core, run } = makeCore()
    const theme = await run('theme', loggingPlugin(log, 'theme1'))
    const chart = await run('chart', loggingPlugin(log, 'chart1', { meta: { dependsOn: ['theme'] } }))
    const owed = { has: true, value: { owed: true }, stateVersion: undefined, pluginVersion: undefined }
    theme.owed = owed
    theme.lastGood = { since: 1, error: 'it failed' }
    chart.owed = owed
    const persisted: string[] = []
    core.stateHooks = { handedOver: (record: { id: string }) => void persisted.push(record.id) } as unknown as StateHooks
    log.length = 0
    await swapBatch(core, [{ record: theme, next: loggingPlugin(log, 'theme2') }], { files: [], startedAt: 0 })
    expect(log).toContain('theme2.setReloadState({"owed":true})')
    expect(log).toContain('chart1.setReloadState({"from":"chart1"})')
    expect(theme.owed).toBeUndefined()
    expect(theme.lastGood).toBeUndefined()
    expect(chart.owed).toBe(owed)
    expect(persisted).toEqual(['theme', 'chart'])
  })

  it('rolls the whole plan back when a plugin of it throws, and keeps no half-started instance', async () => {
    const log: string[] = []
    const { core, run } = makeCore()
    const theme = await run('theme', loggingPlugin(log, 'theme1'))
    const chart = await run('chart', loggingPlugin(log, 'chart1', { meta: { dependsOn: ['theme'] } }))
    const previous = chart.module
    const throwing: PluginModule = {
      ...loggingPlugin(log, 'chart2', { meta: { dependsOn: ['theme'] } }),
      setReloadState() {
        throw new Error('bad state')
      },
    }
    log.length = 0
    const outcome = await swapBatch(
      core,
      [
        { record: theme, next: loggingPlugin(log, 'theme2') },
        { record: chart, next: throwing },
      ],
      { files: [], startedAt: 0 },
    )
    expect(outcome.heldBack).toEqual(['theme'])
    expect(outcome.results.map((r) => [r.id, r.outcome])).toEqual([['chart', 'rolled-back']])
    expect(log.slice(-6)).toEqual([
      'chart2.teardown',
      'theme2.teardown',
      'theme1.activate({})',
      'theme1.setReloadState({"from":"theme1"})',
      'chart1.activate({})',
      'chart1.setReloadState({"from":"chart1"})',
    ])
    expect(chart.module).toBe(previous)
  })
})
