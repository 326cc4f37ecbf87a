import { describe, expect, it } from 'vitest'
import { runtimeFiles } from '../../src/leaks/site.js'
import { createLeakTracker, TRACKER_URL, type LeakTracker, type ResourceInit } from '../../src/leaks/tracker.js'
import { createLeakWatch, type LeakWatchOptions } from '../../src/leaks/watch.js'
import type { PluginModule } from '../../src/host/types.js'
import { makeCore } from '../core-fixture.js'

/** A resource the test starts and stops by hand, recorded as the running instance's. */
function resource(tracker: LeakTracker, init: Partial<ResourceInit> = {}) {
  let live = true
  const disposed: string[] = []
  const handle = tracker.track({
    kind: 'interval',
    noun: 'interval',
    plural: 'intervals',
    detail: 'every 1000 ms',
    isLive: () => live,
    dispose: () => {
      live = false
      disposed.push('disposed')
    },
    ...init,
  })
  return { handle, disposed, stop: () => void (live = false) }
}

function setup(mode: LeakWatchOptions['mode'] = 'warn') {
  const fixture = makeCore()
  const tracker = createLeakTracker()
  const watch = createLeakWatch(fixture.core, { tracker, mode, isRuntime: runtimeFiles(TRACKER_URL) })
  fixture.core.leaks = watch
  const leaks = () => fixture.events.filter((e) => e.type === 'leak-detected').map((e) => e.payload)
  return { ...fixture, tracker, watch, leaks }
}

describe('leak watch', () => {
  it('reports what an instance started and did not stop, once, after its teardown, with the line that started it', async () => {
    const app = setup()
    let started: ReturnType<typeof resource> | undefined
    const record = await app.run('clock', { activate: () => void (started = resource(app.tracker)) })
    await app.core.stop(record)
    await app.watch.flush()
    expect(app.leaks()).toEqual([
      {
        id: 'clock',
        file: 'src/plugins/clock/index.ts',
        leaks: [{ kind: 'interval', what: 'interval (every 1000 ms)', site: expect.stringMatching(/\/test\/leaks\/watch\.test\.ts:12:\d+$/) }],
        message: expect.stringMatching(/^plugin "clock" \(src\/plugins\/clock\/index\.ts\) left 1 interval \(every 1000 ms, started at .*watch\.test\.ts:\d+:\d+\) after its teardown$/),
        cleaned: false,
        failed: false,
      },
    ])
    expect(app.lines).toContainEqual({ level: 'warn', message: app.leaks()[0].message, error: undefined })
    expect(started!.disposed).toEqual([])
  })

  it('says nothing when the teardown stopped everything', async () => {
    const app = setup()
    let started: ReturnType<typeof resource> | undefined
    const record = await app.run('p', {
      activate: () => {
        started = resource(app.tracker)
        resource(app.tracker).handle!.release()
        return () => started!.stop()
      },
    })
    await app.core.stop(record)
    await app.watch.flush()
    expect(app.leaks()).toEqual([])
  })

  it("with 'clean', stops what was left and says so", async () => {
    const app = setup('clean')
    const started: ReturnType<typeof resource>[] = []
    const record = await app.run('p', { activate: () => void started.push(resource(app.tracker), resource(app.tracker)) })
    await app.core.stop(record)
    await app.watch.flush()
    expect(started.map((s) => s.disposed)).toEqual([['disposed'], ['disposed']])
    expect(app.leaks()[0]).toMatchObject({ cleaned: true, message: expect.stringMatching(/left 2 intervals .* after its teardown; they were cleared \(leaks: 'clean'\)$/) })
  })

  it('counts what its callbacks started as the instance, however late they run; nothing after its teardown', async () => {
    const app = setup()
    let later: (() => void) | undefined
    const timeout = { kind: 'timeout', noun: 'timeout', plural: 'timeouts', detail: 'after 5 ms' } as const
    const record = await app.run('p', { activate: () => void (later = app.tracker.wrap(() => void resource(app.tracker, timeout))) })
    expect(app.tracker.current()).toBeUndefined()
    later!()
    await app.core.stop(record)
    later!()
    await app.watch.flush()
    expect(app.leaks().map((e) => e.leaks.map((l: { what: string }) => l.what))).toEqual([['timeout (after 5 ms)']])
  })

  it("stops what an activate that threw started, whatever the mode, and says so: nothing can tear that instance down", async () => {
    const app = setup('warn')
    let started: ReturnType<typeof resource> | undefined
    const failing: PluginModule = {
      activate() {
        started = resource(app.tracker, { kind: 'listener', noun: '"resize" listener on window', plural: '"resize" listeners on window', detail: undefined })
        throw new Error('boom')
      },
    }
    const record = app.add('p')
    expect(await app.core.start(record, failing, { startedAt: 0 })).toBe(false)
    expect(started!.disposed).toEqual(['disposed'])
    await app.watch.flush()
    expect(app.leaks()[0]).toMatchObject({
      failed: true,
      cleaned: true,
      message: expect.stringMatching(/^plugin "p" .* left 1 "resize" listener on window \(added at .*\) after its activate\(\) threw; it was cleared \(a version that never went live leaves nothing\)$/),
    })
  })

  it('stops what a version that never went live left after its teardown (a rolled-back swap), whatever the mode', async () => {
    const app = setup('warn')
    let started: ReturnType<typeof resource> | undefined
    const module: PluginModule = { activate: () => void (started = resource(app.tracker, { kind: 'node', noun: '<div> node in <body>', plural: '<div> nodes in <body>', detail: undefined })) }
    const record = await app.run('p', module)
    await app.core.deactivate(record, module, undefined, 'discarded')
    expect(started!.disposed).toEqual(['disposed'])
    await app.watch.flush()
    expect(app.leaks()[0]).toMatchObject({
      failed: false,
      cleaned: true,
      message: expect.stringMatching(/left 1 <div> node in <body> \(inserted at [^)]+\) after its teardown, in a version that never went live \(rolled back or replaced\); it was cleared \(a version that never went live leaves nothing\)$/),
    })
  })

  it('removes the nodes a library inserted for an instance that never went live; leaves the library its other resources, unreported', async () => {
    const app = setup('warn')
    const disposed: string[] = []
    const byLibrary = Object.assign(new Error(), { stack: 'Error\n    at l (http://h/node_modules/lib/index.js:1:1)\n    at activate (http://h/src/plugins/p/index.ts:2:3)' })
    const record = app.add('p')
    await app.core.start(record, {
      activate() {
        for (const kind of ['node', 'listener'] as const) {
          app.tracker.current()!.resources.add({ kind, noun: kind, plural: kind, isLive: () => true, dispose: () => void disposed.push(kind), startedAt: byLibrary })
        }
        throw new Error('boom')
      },
    }, { startedAt: 0 })
    expect(disposed).toEqual(['node'])
    await app.watch.flush()
    expect(app.leaks()).toEqual([])
  })

  it("does not report what a dependency started (React's root listeners, Vue's devtools timer), only what the plugin's own code did", async () => {
    const app = setup()
    const stackFrom = (library: string) =>
      Object.assign(new Error(), { stack: `Error\n    at l (http://h${library}:1:1)\n    at activate (http://h/src/plugins/p/index.ts:2:3)` })
    const record = await app.run('p', {
      activate() {
        const started = (noun: string, stack: Error) =>
          app.tracker.current()!.resources.add({ kind: 'listener', noun, plural: noun, isLive: () => true, dispose() {}, startedAt: stack })
        started('by React', stackFrom('/.vite/deps/react-dom_client.js?v=1'))
        started('by a linked dependency', stackFrom('/node_modules/lib/index.js'))
        started('by the plugin', stackFrom('/src/plugins/p/helpers.ts'))
      },
    })
    await app.core.stop(record)
    await app.watch.flush()
    expect(app.leaks()[0].leaks).toEqual([{ kind: 'listener', what: 'by the plugin', site: 'helpers.ts:1:1' }])
  })

  it('counts equal leaks together and lists the others', async () => {
    const app = setup()
    const record = await app.run('p', {
      activate() {
        for (let i = 0; i < 2; i++) resource(app.tracker)
        resource(app.tracker, { kind: 'observer', noun: 'MutationObserver', plural: 'MutationObservers', detail: 'observing <body>' })
        resource(app.tracker, { kind: 'node', noun: '<div> node in <body>', plural: '<div> nodes in <body>', detail: undefined })
      },
    })
    await app.core.stop(record)
    await app.watch.flush()
    expect(app.leaks()[0].message).toMatch(
      /left 2 intervals \(every 1000 ms, started at [^)]+\), 1 MutationObserver \(observing <body>, created at [^)]+\) and 1 <div> node in <body> \(inserted at [^)]+\) after its teardown$/,
    )
  })
})
