import { describe, expect, it } from 'vitest'
import { Emitter } from '../../src/host/emitter.js'
import { PluginError } from '../../src/host/errors.js'
import type { PluginHostEvents } from '../../src/host/events.js'
import { gistOf, trackFailures } from '../../src/devtools/failures.js'
import { memoryLogger } from '../helpers.js'

const counter = { id: 'counter', file: 'src/plugins/counter/index.ts' }
const notes = { id: 'notes', file: 'src/plugins/notes/index.ts' }

function setup() {
  const events = new Emitter<PluginHostEvents>(memoryLogger().logger)
  const failures = trackFailures(events)
  let changes = 0
  failures.subscribe(() => changes++)
  const failed = (ref = counter, message = 'boom', outcome: 'kept-old' | 'rolled-back' = 'rolled-back') =>
    events.emit('reload-failed', { ...ref, files: [ref.file], outcome, running: true, error: new PluginError(ref.id, ref.file, 'activate', new Error(message)) })
  const refused = (message: string, running = true) =>
    events.emit('reload-failed', { ...counter, files: [counter.file], outcome: 'kept-old', running, error: new PluginError('counter', counter.file, 'compile', new Error(message)) })
  const swapped = (ref = counter, via?: string) =>
    events.emit('reload-completed', { ...ref, version: '1', files: [], durationMs: 1, stateKept: true, reloadCount: 1, ...(via ? { via } : {}) })
  return { events, failures, failed, refused, swapped, changes: () => changes }
}

describe('the plugins failing now', () => {
  it('names the plugin, its outcome and the reason without the plugin and file', () => {
    const { failures, failed } = setup()
    failed()
    expect(failures.list()).toEqual([{ ...counter, outcome: 'rolled-back', reason: 'activate() threw: boom', gist: 'activate() threw: boom', seq: 1 }])
  })

  it('ends with the next good swap of that plugin, not with a restart for a dependency', () => {
    const { failures, failed, swapped } = setup()
    failed()
    failed(notes)
    swapped(counter, 'theme')
    expect(failures.list().map((f) => f.id)).toEqual(['counter', 'notes'])
    swapped(counter)
    expect(failures.list().map((f) => f.id)).toEqual(['notes'])
  })

  it('ends when a plugin that could not start is activated, or when it is removed', () => {
    const { events, failures } = setup()
    events.emit('plugin-failed', { ...counter, error: new PluginError('counter', counter.file, 'load', new Error('404')) })
    events.emit('plugin-failed', { ...notes, error: new PluginError('notes', notes.file, 'activate', new Error('x')) })
    expect(failures.get('counter')).toMatchObject({ outcome: 'failed', reason: 'its module failed to load: 404' })
    events.emit('plugin-activated', { ...counter, version: '1', durationMs: 1 })
    events.emit('plugin-removed', { ...notes, stateKept: true })
    expect(failures.list()).toEqual([])
  })

  it('a newer failure replaces the older one of the plugin and counts as the newest', () => {
    const { failures, failed } = setup()
    failed(counter, 'first')
    failed(notes)
    failed(counter, 'second', 'kept-old')
    expect(failures.list().map((f) => [f.id, f.outcome, f.reason, f.seq])).toEqual([
      ['notes', 'rolled-back', 'activate() threw: boom', 2],
      ['counter', 'kept-old', 'activate() threw: second', 3],
    ])
  })

  it('a refused version of a plugin that never ran kept nothing: it is not running, not "kept its old version"', () => {
    const { failures, refused } = setup()
    refused('src/plugins/counter/index.ts:1:23: Failed to resolve import "./helper"', false)
    expect(failures.get('counter')?.outcome).toBe('failed')
    refused('src/plugins/counter/index.ts:1:23: Failed to resolve import "./helper"', true)
    expect(failures.get('counter')?.outcome).toBe('kept-old')
  })

  it("shows a compile error's own message first, then where it is, without the compiler's lead-in", () => {
    const { failures, refused } = setup()
    const parse =
      'src/plugins/counter/index.ts: Transform failed with 1 error:\n\n[PARSE_ERROR] Expected `}` but found `EOF`\n   ╭─[ ../../src/plugins/counter/index.ts:3:3 ]\n   │\n 1 │ x {{{'
    refused(parse)
    expect(failures.get('counter')?.gist).toBe('[PARSE_ERROR] Expected `}` but found `EOF` (src/plugins/counter/index.ts:3:3 does not compile)')
    // The whole message stays in the reason (the notice's tooltip, the history).
    expect(failures.get('counter')?.reason).toContain('Transform failed with 1 error')
    refused('src/plugins/counter/index.ts:1:23: Failed to resolve import "./helper" from "src/plugins/counter/index.ts". Does the file exist?')
    expect(failures.get('counter')?.gist).toBe(
      'Failed to resolve import "./helper" from "src/plugins/counter/index.ts". Does the file exist? (src/plugins/counter/index.ts:1:23 does not compile)',
    )
  })

  it('a plugin taken back with a failing one of its batch is failing too; the failing one is named once', () => {
    const { events, failures, failed } = setup()
    events.emit('rolled-back', { ...notes, because: 'counter', batch: 1 })
    events.emit('rolled-back', { ...counter, because: 'counter', batch: 1 })
    failed()
    expect(failures.get('notes')?.reason).toBe('its new version was taken back: it came in one batch with "counter", which failed')
    expect(failures.list().map((f) => f.id)).toEqual(['notes', 'counter'])
  })

  it('keeps the reason as plain text: terminal colours go, markup stays as typed', () => {
    const { failures, failed } = setup()
    failed(counter, '\u001b[31m[PARSE_ERROR] \u001b[0m<img src=x onerror=alert(1)>')
    expect(failures.get('counter')?.reason).toBe('activate() threw: [PARSE_ERROR] <img src=x onerror=alert(1)>')
  })

  it('tells its listeners of each change only, and stops following the host when disposed', () => {
    const { failures, failed, swapped, changes } = setup()
    swapped()
    expect(changes()).toBe(0)
    failed()
    swapped()
    expect(changes()).toBe(2)
    failures.dispose()
    failed()
    expect(failures.list()).toEqual([])
  })
})

describe('gistOf', () => {
  it('keeps the lines before a code frame, at most two', () => {
    const compile = 'its new code does not compile: a.ts:4:3: Transform failed with 1 error:\n\n[PARSE_ERROR] Expected `}`\n   ╭─[ a.ts:4:3 ]\n 2 │ x'
    expect(gistOf(compile)).toBe('its new code does not compile: a.ts:4:3: Transform failed with 1 error: [PARSE_ERROR] Expected `}`')
    expect(gistOf('one\ntwo\nthree')).toBe('one two')
    expect(gistOf('activate() threw: boom')).toBe('activate() threw: boom')
  })
})
