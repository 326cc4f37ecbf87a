import { describe, expect, it } from 'vitest'
import { planBatch } from '../../../src/engine/apply/plan.js'
import { NO_STATE } from '../../../src/engine/state/handoff.js'
import type { PluginModule } from '../../../src/host/types.js'
import { makeCore } from '../../core-fixture.js'

const plugin = (...dependsOn: string[]): PluginModule => ({ meta: { dependsOn }, activate() {} })

async function running() {
  const fixture = makeCore()
  // theme ← chart ← legend; notes alone
  await fixture.run('theme', plugin())
  await fixture.run('chart', plugin('theme'))
  await fixture.run('legend', plugin('chart'))
  await fixture.run('notes', plugin())
  return fixture
}

describe('planBatch', () => {
  it('takes the members and the running plugins that depend on them, dependencies first, each named after its member', async () => {
    const { core } = await running()
    const theme = core.records.get('theme')!
    const next = plugin()
    const slots = planBatch(core, [{ record: theme, next }], true)
    expect(slots.map((s) => [s.record.id, s.member, s.via])).toEqual([
      ['theme', true, undefined],
      ['chart', false, 'theme'],
      ['legend', false, 'theme'],
    ])
    expect(slots[0]).toMatchObject({ previous: theme.module, next, own: NO_STATE, state: NO_STATE, handed: NO_STATE, started: false })
    // A dependent starts again with the code it runs.
    expect(slots[1]!.next).toBe(slots[1]!.previous)
  })

  it('without dependents, only the members', async () => {
    const { core } = await running()
    const slots = planBatch(core, [{ record: core.records.get('theme')!, next: plugin() }], false)
    expect(slots.map((s) => s.record.id)).toEqual(['theme'])
  })

  it("orders members by their new versions' dependsOn, and names a dependent after the first member it depends on", async () => {
    const { core } = await running()
    const live = [
      { record: core.records.get('chart')!, next: plugin('theme', 'notes') },
      { record: core.records.get('notes')!, next: plugin() },
    ]
    const slots = planBatch(core, live, true)
    expect(slots.map((s) => [s.record.id, s.via])).toEqual([
      ['notes', undefined],
      ['chart', undefined],
      ['legend', 'chart'],
    ])
  })

  it('puts a member whose new version makes a cycle last, so that it still gets its chance', async () => {
    const { core } = await running()
    const live = [
      { record: core.records.get('theme')!, next: plugin('chart') },
      { record: core.records.get('notes')!, next: plugin() },
    ]
    const ids = planBatch(core, live, true).map((s) => s.record.id)
    expect(ids[0]).toBe('notes')
    expect(ids.slice(1).sort()).toEqual(['chart', 'legend', 'theme'])
  })
})
