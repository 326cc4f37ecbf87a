import { describe, expect, it } from 'vitest'
import { Emitter } from '../../src/host/emitter.js'
import { PluginError } from '../../src/host/errors.js'
import type { PluginHostEvents } from '../../src/host/events.js'
import { createReloadHistory, recordHostEvents, type HistoryStorage } from '../../src/devtools/history.js'
import { fakeClock, memoryLogger } from '../helpers.js'

function memoryStorage(): HistoryStorage & { data: Map<string, string> } {
  const data = new Map<string, string>()
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  }
}

const ref = { id: 'counter', file: 'src/plugins/counter/index.ts' }

function setup(storage = memoryStorage()) {
  const clock = fakeClock()
  const events = new Emitter<PluginHostEvents>(memoryLogger().logger)
  const history = createReloadHistory({ storage, key: 'history:p1', now: clock.now, limit: 3 })
  recordHostEvents(events, history, clock.now)
  return { clock, events, history, storage }
}

describe('reload history', () => {
  it('records a swap, newest first, and keeps it in storage across a reload', () => {
    const { events, history, storage } = setup()
    events.emit('reload-completed', { ...ref, version: '1', files: ['a.ts'], durationMs: 12, stateKept: true, reloadCount: 1 })
    events.emit('reload-completed', { ...ref, id: 'notes', version: '1', files: ['b.ts'], durationMs: 7, stateKept: false, reloadCount: 1 })
    expect(history.entries().map((e) => [e.plugin, e.outcome, e.durationMs, e.stateKept])).toEqual([
      ['notes', 'swapped', 7, false],
      ['counter', 'swapped', 12, true],
    ])
    const again = createReloadHistory({ storage, key: 'history:p1' })
    expect(again.entries()).toEqual(history.entries())
    expect(createReloadHistory({ storage, key: 'history:p2' }).entries()).toEqual([])
  })

  it('asks for one write of a burst of changes, made when it runs; listeners hear of each change at once', () => {
    const storage = memoryStorage()
    const writes: (() => void)[] = []
    const history = createReloadHistory({ storage, key: 'history:p1', persist: (write) => void writes.push(write) })
    let heard = 0
    history.subscribe(() => void (heard += 1))
    const entry = { plugin: 'counter', file: 'a.ts', outcome: 'swapped', summary: 'swapped' } as unknown as Parameters<typeof history.add>[0]
    history.add(entry)
    history.amendNewest((newest) => ({ ...newest, summary: 'swapped twice' }))
    history.add({ ...entry, plugin: 'notes' })
    expect(heard).toBe(3)
    expect(writes).toHaveLength(1)
    expect(storage.data.size).toBe(0)
    writes[0]!()
    expect(JSON.parse(storage.data.get('history:p1')!).map((e: { plugin: string; summary: string }) => `${e.plugin} ${e.summary}`)).toEqual(['notes swapped', 'counter swapped twice'])
    // A change after that write asks for a new one.
    history.clear()
    expect(writes).toHaveLength(2)
  })

  it('records a batch as one entry: its plugins, the longest duration, phases, the summed state size', () => {
    const { events, history } = setup()
    const phases = { importMs: 5, teardownMs: 1, activateMs: 3, stateMs: 1 }
    const swap = { version: '1', files: ['src/shared.ts'], stateKept: true, reloadCount: 1, batch: 7, phases }
    events.emit('reload-completed', { ...ref, id: 'theme', ...swap, durationMs: 10, stateBytes: 100 })
    events.emit('reload-completed', { ...ref, id: 'notes', ...swap, durationMs: 11, stateBytes: 20, via: 'theme' })
    events.emit('reload-completed', { ...ref, id: 'clock', ...swap, batch: 8, durationMs: 4 })
    expect(history.entries().map((e) => [e.plugins, e.batch, e.durationMs, e.stateBytes, e.phases])).toEqual([
      [['clock'], 8, 4, undefined, phases],
      [['theme', 'notes'], 7, 11, 120, phases],
    ])
  })

  it('names the plugins a failed batch took back with the one that failed', () => {
    const { events, history } = setup()
    events.emit('rolled-back', { ...ref, id: 'theme', because: 'counter', batch: 2 })
    events.emit('rolled-back', { ...ref, because: 'counter', batch: 2 })
    const error = new PluginError('counter', ref.file, 'activate', new Error('boom'))
    events.emit('reload-failed', { ...ref, files: ['a.ts'], outcome: 'rolled-back', running: true, error, batch: 2 })
    expect(history.entries()[0]).toMatchObject({ plugin: 'counter', plugins: ['counter', 'theme'], outcome: 'rolled-back' })
  })

  it('records a failure with its duration, message and the stack of its cause', () => {
    const { clock, events, history } = setup()
    events.emit('reload-started', { ...ref, files: ['a.ts'] })
    clock.advance(30)
    const cause = new Error('<img src=x onerror=alert(1)>')
    events.emit('reload-failed', { ...ref, files: ['a.ts'], outcome: 'rolled-back', running: true, error: new PluginError('counter', ref.file, 'activate', cause) })
    const [entry] = history.entries()
    expect(entry).toMatchObject({ outcome: 'rolled-back', durationMs: 30, files: ['a.ts'] })
    expect(entry?.error?.message).toContain('activate() threw: <img src=x onerror=alert(1)>')
    expect(entry?.error?.stack).toBe(cause.stack)
  })

  it('keeps a compile error as plain text with its code frame, without the stack the page made for it', () => {
    const { events, history } = setup()
    const message = 'a.ts:4:3: Transform failed with 1 error:\n\n\u001b[31m[PARSE_ERROR] \u001b[0mExpected `}`\n   \u001b[38;5;246m╭─[\u001b[0m a.ts:4:3 ]'
    const cause = Object.assign(new Error(message), { frame: '\u001b[2m2 |\u001b[0m x {{{\n  |        ^' })
    events.emit('reload-failed', { ...ref, files: ['a.ts'], outcome: 'kept-old', running: true, error: new PluginError('counter', ref.file, 'compile', cause) })
    const [entry] = history.entries()
    expect(entry?.outcome).toBe('kept-old')
    expect(entry?.error).toEqual({
      message: `plugin "counter" (${ref.file}): its new code does not compile; the previous version keeps running: a.ts:4:3: Transform failed with 1 error:\n\n[PARSE_ERROR] Expected \`}\`\n   ╭─[ a.ts:4:3 ]`,
      frame: '2 | x {{{\n  |        ^',
    })
  })

  it('says a refused version of a plugin that never ran failed, not that the plugin kept its old version', () => {
    const { events, history } = setup()
    const cause = new Error('src/plugins/counter/index.ts:1:23: Failed to resolve import "./helper"')
    events.emit('reload-failed', { ...ref, files: ['a.ts'], outcome: 'kept-old', running: false, error: new PluginError('counter', ref.file, 'compile', cause) })
    expect(history.entries()[0]?.outcome).toBe('failed')
  })

  it('records retries and one entry per full reload, and ignores plain starts', () => {
    const { events, history } = setup()
    events.emit('plugin-activated', { ...ref, version: '1', durationMs: 3 })
    events.emit('retrying', { ...ref, attempt: 1, delayMs: 100, error: new Error('503') })
    events.emit('full-reload', { ...ref, reason: 'plugin "counter" failed 3 times', failures: 3, phase: 'reloading' })
    events.emit('full-reload', { ...ref, reason: 'plugin "counter" failed 3 times', failures: 3, phase: 'reloaded' })
    expect(history.entries().map((e) => [e.outcome, e.reason])).toEqual([
      ['full-reload', 'plugin "counter" failed 3 times'],
      ['retried', 'attempt 1, again in 100 ms: 503'],
    ])
  })

  it('records a leak report: its sentence, what was left and whether it was cleared', () => {
    const { events, history } = setup()
    const leaks = [{ kind: 'interval' as const, what: 'interval (every 1000 ms)', site: 'index.ts:12:5' }]
    const message = 'plugin "counter" (src/plugins/counter/index.ts) left 1 interval (every 1000 ms, started at index.ts:12:5) after its teardown'
    events.emit('leak-detected', { ...ref, leaks, message, cleaned: false, failed: false })
    expect(history.entries()).toMatchObject([{ plugin: 'counter', outcome: 'leaked', reason: message, leaks, cleaned: false, files: [] }])
  })

  it('keeps at most `limit` entries, clears, and survives broken storage', () => {
    const storage = memoryStorage()
    storage.setItem('history:p1', '{not json')
    const { events, history } = setup(storage)
    expect(history.entries()).toEqual([])
    for (let i = 0; i < 5; i++) events.emit('retrying', { ...ref, attempt: i, delayMs: 1, error: 'x' })
    expect(history.entries().map((e) => e.seq)).toEqual([5, 4, 3])
    let changes = 0
    history.subscribe(() => changes++)
    history.clear()
    expect(history.entries()).toEqual([])
    expect(JSON.parse(storage.getItem('history:p1')!)).toEqual([])
    expect(changes).toBe(1)
  })
})
