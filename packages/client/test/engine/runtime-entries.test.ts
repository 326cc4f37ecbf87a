import { describe, expect, it } from 'vitest'
import { addPlugin, relocatePlugin, removePlugin } from '../../src/engine/runtime-entries.js'
import type { PluginEntry, PluginModule } from '../../src/host/types.js'
import { makeCore } from '../core-fixture.js'
import { loggingPlugin } from '../helpers.js'

const entryOf = (id: string, load: () => Promise<PluginModule>): PluginEntry => ({ id, file: `src/plugins/${id}/index.ts`, load })

describe('addPlugin', () => {
  it('registers, announces and starts a new entry; ignores one the host knows', async () => {
    const log: string[] = []
    const { core, events } = makeCore()
    await addPlugin(core, entryOf('a', async () => loggingPlugin(log, 'a1')), 0)
    await addPlugin(core, entryOf('a', async () => loggingPlugin(log, 'again')), 0)
    expect(log).toEqual(['a1.activate({})'])
    expect(core.records.get('a')?.status).toBe('idle')
    expect(events.map((e) => e.type)).toEqual(['plugin-added', 'plugin-activated'])
  })

  it('reports an entry that fails to load', async () => {
    const { core } = makeCore()
    await addPlugin(core, entryOf('a', async () => Promise.reject(new Error('404'))), 0)
    expect(core.records.get('a')).toMatchObject({ status: 'failed' })
    expect(core.records.get('a')?.error?.message).toBe('plugin "a" (src/plugins/a/index.ts): its module failed to load: 404')
  })

  it('parks a new entry whose dependency does not run, and starts it when the dependency arrives', async () => {
    const log: string[] = []
    const { core } = makeCore()
    await addPlugin(core, entryOf('chart', async () => loggingPlugin(log, 'chart1', { meta: { dependsOn: ['theme'] } })), 0)
    expect(core.parked.has('chart')).toBe(true)
    expect(core.records.get('chart')?.status).toBe('failed')
    await addPlugin(core, entryOf('theme', async () => loggingPlugin(log, 'theme1')), 0)
    expect(log).toEqual(['theme1.activate({})', 'chart1.activate({})'])
    expect(core.parked.size).toBe(0)
  })
})

describe('removePlugin', () => {
  it('parks its running dependents with their state, stops and forgets it, and gives its state back when it returns', async () => {
    const log: string[] = []
    const { core, events } = makeCore()
    await addPlugin(core, entryOf('theme', async () => loggingPlugin(log, 'theme1')), 0)
    await addPlugin(core, entryOf('chart', async () => loggingPlugin(log, 'chart1', { meta: { dependsOn: ['theme'] } })), 0)
    log.length = 0
    events.length = 0
    await removePlugin(core, 'theme')
    await removePlugin(core, 'ghost')
    expect(log).toEqual(['chart1.getReloadState', 'chart1.teardown', 'theme1.getReloadState', 'theme1.teardown'])
    expect(core.records.has('theme')).toBe(false)
    expect(core.departed.get('theme')).toMatchObject({ has: true, value: { from: 'theme1' } })
    expect(core.parked.get('chart')?.state).toMatchObject({ has: true, value: { from: 'chart1' } })
    expect(core.records.get('chart')?.error?.message).toBe(
      'plugin "chart" (src/plugins/chart/index.ts): stopped: it depends on "theme", whose entry (src/plugins/theme/index.ts) was deleted; it starts again, with its state, when "theme" is back',
    )
    expect(events.find((e) => e.type === 'plugin-removed')?.payload).toEqual({ id: 'theme', file: 'src/plugins/theme/index.ts', stateKept: true })

    log.length = 0
    await addPlugin(core, entryOf('theme', async () => loggingPlugin(log, 'theme2')), 0)
    expect(log).toEqual(['theme2.activate({})', 'theme2.setReloadState({"from":"theme1"})', 'chart1.activate({})', 'chart1.setReloadState({"from":"chart1"})'])
    expect(core.departed.size).toBe(0)
  })

  it('a plugin that does not run leaves the state it waited with, or owed', async () => {
    const log: string[] = []
    const { core } = makeCore()
    await addPlugin(core, entryOf('chart', async () => loggingPlugin(log, 'chart1', { meta: { dependsOn: ['theme'] } })), 0)
    const waiting = { has: true, value: 'w', stateVersion: undefined, pluginVersion: undefined }
    core.parked.get('chart')!.state = waiting
    await removePlugin(core, 'chart')
    expect(core.departed.get('chart')).toBe(waiting)
    expect(core.parked.has('chart')).toBe(false)
  })
})

describe('relocatePlugin', () => {
  it("updates a known plugin's file and ignores an unknown one", async () => {
    const { core, add } = makeCore()
    add('a')
    relocatePlugin(core, 'a', 'src/plugins/a/main.ts')
    relocatePlugin(core, 'ghost', 'x.ts')
    expect(core.records.get('a')?.file).toBe('src/plugins/a/main.ts')
    expect(core.records.has('ghost')).toBe(false)
  })
})
