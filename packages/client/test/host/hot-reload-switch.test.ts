import { describe, expect, it } from 'vitest'
import { Emitter } from '../../src/host/emitter.js'
import type { PluginHostEvents } from '../../src/host/events.js'
import { createHotReloadSwitch } from '../../src/host/hot-reload-switch.js'
import type { HotReloadSettings } from '../../src/host/types.js'
import { memoryLogger } from '../helpers.js'

function makeSwitch(on = true) {
  const { logger, lines } = memoryLogger()
  const events = new Emitter<PluginHostEvents>(logger)
  const changes: PluginHostEvents['enabled-changed'][] = []
  events.on('enabled-changed', (e) => changes.push(e))
  const hotReload = createHotReloadSwitch(on, events, logger)
  const saved: HotReloadSettings[] = []
  const resumed: string[][] = []
  hotReload.onChanged = (settings) => saved.push(settings)
  hotReload.onResumed = (ids) => resumed.push(ids)
  return { hotReload, changes, saved, resumed, lines }
}

describe('createHotReloadSwitch', () => {
  it('is on for every plugin at first, or off for all when created off', () => {
    expect(makeSwitch().hotReload.enabled('a')).toBe(true)
    expect(makeSwitch().hotReload.enabled()).toBe(true)
    const off = makeSwitch(false).hotReload
    expect(off.enabled()).toBe(false)
    expect(off.enabled('a')).toBe(false)
    expect(off.settings()).toEqual({ enabled: false, disabled: [] })
  })

  it('turns one plugin off and on, announcing each change once and handing the settings on', () => {
    const { hotReload, changes, saved } = makeSwitch()
    hotReload.set('a', false)
    hotReload.set('a', false)
    expect(hotReload.enabled('a')).toBe(false)
    expect(hotReload.enabled('b')).toBe(true)
    expect(hotReload.enabled()).toBe(true)
    hotReload.set('a', true)
    expect(changes).toEqual([
      { id: 'a', enabled: false },
      { id: 'a', enabled: true },
    ])
    expect(saved).toEqual([
      { enabled: true, disabled: ['a'] },
      { enabled: true, disabled: [] },
    ])
  })

  it('turned off for all, keeps the per-plugin settings for when it is on again', () => {
    const { hotReload, changes } = makeSwitch()
    hotReload.set('a', false)
    hotReload.set(undefined, false)
    hotReload.set(undefined, false)
    expect(hotReload.enabled('b')).toBe(false)
    hotReload.set(undefined, true)
    expect(hotReload.enabled('a')).toBe(false)
    expect(hotReload.enabled('b')).toBe(true)
    expect(changes.map((c) => c.id)).toEqual(['a', undefined, undefined])
  })

  it('hands back the saves it skipped once their plugin is on again, each once, with a log line per skip', () => {
    const { hotReload, resumed, lines } = makeSwitch()
    hotReload.set(undefined, false)
    hotReload.set('b', false)
    hotReload.skip('a')
    hotReload.skip('b')
    hotReload.skip('a')
    expect(lines.filter((l) => l.level === 'info').map((l) => l.message)).toContain(
      'hot reload is off for plugin "a": it keeps running its current code until hot reload is on again',
    )
    hotReload.set(undefined, true)
    expect(resumed).toEqual([['a']])
    hotReload.set('b', true)
    expect(resumed).toEqual([['a'], ['b']])
    hotReload.set('b', false)
    hotReload.set('b', true)
    expect(resumed).toHaveLength(2)
  })

  it('takes restored settings quietly: no event, no resume', () => {
    const { hotReload, changes, saved, resumed } = makeSwitch()
    hotReload.set('a', false)
    hotReload.skip('a')
    hotReload.apply({ enabled: false, disabled: ['b'] })
    expect(hotReload.settings()).toEqual({ enabled: false, disabled: ['b'] })
    expect(hotReload.enabled('a')).toBe(false)
    hotReload.apply({ enabled: true, disabled: [] })
    expect(hotReload.enabled('a')).toBe(true)
    expect(changes).toHaveLength(1)
    expect(saved).toHaveLength(1)
    expect(resumed).toEqual([])
  })
})
