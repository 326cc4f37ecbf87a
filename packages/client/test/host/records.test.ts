import { describe, expect, it } from 'vitest'
import { displayedStatus, isRunning, newRecord, pluginInfo, type PluginRecord } from '../../src/host/records.js'
import type { PluginStatus } from '../../src/host/types.js'

const record = (status: PluginStatus, withModule: boolean): PluginRecord => ({
  ...newRecord({ id: 'a', file: 'src/plugins/a/index.ts' }),
  status,
  module: withModule ? { activate() {} } : undefined,
})

describe('newRecord', () => {
  it('starts a plugin as `starting`, with nothing running, no swaps and no error', () => {
    expect(newRecord({ id: 'a', file: 'src/plugins/a/index.ts' })).toEqual({
      id: 'a',
      file: 'src/plugins/a/index.ts',
      status: 'starting',
      version: undefined,
      reloadCount: 0,
      lastReloadMs: undefined,
      error: undefined,
      module: undefined,
      teardown: undefined,
      context: undefined,
      owed: undefined,
      lastGood: undefined,
    })
  })
})

describe('isRunning', () => {
  it('is true while an instance is active: at rest, during a swap, after a rolled-back swap', () => {
    expect(isRunning(record('idle', true))).toBe(true)
    expect(isRunning(record('reloading', true))).toBe(true)
    expect(isRunning(record('rolled-back', true))).toBe(true)
  })

  it('is false for an unknown plugin, one without a module, one still starting, one failed', () => {
    expect(isRunning(undefined)).toBe(false)
    expect(isRunning(record('idle', false))).toBe(false)
    expect(isRunning(record('starting', true))).toBe(false)
    expect(isRunning(record('failed', true))).toBe(false)
  })
})

describe('displayedStatus', () => {
  it('shows a plugin at rest whose hot reload is off as `disabled`, any other status as it is', () => {
    expect(displayedStatus(record('idle', true), false)).toBe('disabled')
    expect(displayedStatus(record('idle', true), true)).toBe('idle')
    expect(displayedStatus(record('failed', false), false)).toBe('failed')
    expect(displayedStatus(record('reloading', true), false)).toBe('reloading')
    expect(displayedStatus(record('rolled-back', true), false)).toBe('rolled-back')
  })
})

describe('pluginInfo', () => {
  it('tells the public fields only, with the displayed status', () => {
    const running = { ...record('idle', true), version: '2.0.0', reloadCount: 3, lastReloadMs: 12, context: { secret: 1 } }
    expect(pluginInfo(running, false)).toEqual({
      id: 'a',
      file: 'src/plugins/a/index.ts',
      status: 'disabled',
      version: '2.0.0',
      reloadCount: 3,
      lastReloadMs: 12,
      error: undefined,
    })
    expect('lastGood' in pluginInfo(running, true)).toBe(false)
  })

  it('copies the last good marker, so that changing the snapshot leaves the record alone', () => {
    const onLastGood = { ...record('idle', true), lastGood: { since: 5, error: 'activate() threw' } }
    const info = pluginInfo(onLastGood, true)
    expect(info.lastGood).toEqual({ since: 5, error: 'activate() threw' })
    info.lastGood!.since = 99
    expect(onLastGood.lastGood.since).toBe(5)
  })
})
