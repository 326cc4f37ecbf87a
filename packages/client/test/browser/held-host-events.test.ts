import { describe, expect, it } from 'vitest'
import { holdHostEvents } from '../../src/browser/held-host-events.js'
import { Emitter } from '../../src/host/emitter.js'
import { PluginError } from '../../src/host/errors.js'
import type { PluginHostEvents } from '../../src/host/events.js'
import { createPluginHost, type PluginHost } from '../../src/host/host.js'
import { fakeClock, memoryLogger } from '../helpers.js'

const counter = { id: 'counter', file: 'src/plugins/counter/index.ts' }

/** A public host whose events the test emits by hand. */
function setup() {
  const { logger, lines } = memoryLogger()
  const events = new Emitter<PluginHostEvents>(logger)
  const host: PluginHost = { ...createPluginHost({ logger }), on: (type, handler) => events.on(type, handler) }
  const elapsed = fakeClock(100)
  const wall = fakeClock(1_700_000_000_000)
  const clock = { elapsed: elapsed.now, wall: wall.now }
  const held = holdHostEvents(host, clock, logger)
  const failed = (message: string) =>
    events.emit('plugin-failed', { ...counter, error: new PluginError(counter.id, counter.file, 'activate', new Error(message)) })
  const disabled = () => events.emit('enabled-changed', { id: counter.id, enabled: false })
  return { events, host, held, elapsed, wall, failed, disabled, lines }
}

/** Subscribes to plugin-failed and enabled-changed through the hold; records what arrives, with the hold's times. */
function listen(held: ReturnType<typeof holdHostEvents>) {
  const seen: string[] = []
  held.host.on('plugin-failed', (e) => seen.push(`failed ${e.error.reason} at ${held.clock.elapsed()}/${held.clock.wall()}`))
  held.host.on('enabled-changed', (e) => seen.push(`enabled ${e.enabled} at ${held.clock.elapsed()}`))
  return seen
}

describe('holding a host’s events until the devtools are there', () => {
  it('delivers what came before the release, in order and with the times it came at, then live events once each', () => {
    const app = setup()
    app.failed('one')
    app.elapsed.advance(5)
    app.wall.advance(5)
    app.disabled()
    app.elapsed.advance(20)
    app.wall.advance(20)
    const seen = listen(app.held)
    // Subscribed, not released: nothing yet, not even a live event.
    app.failed('two')
    expect(seen).toEqual([])
    app.held.release()
    expect(seen).toEqual([
      'failed activate() threw: one at 100/1700000000000',
      'enabled false at 105',
      'failed activate() threw: two at 125/1700000000025',
    ])
    app.elapsed.advance(1)
    app.failed('three')
    expect(seen.slice(3)).toEqual(['failed activate() threw: three at 126/1700000000025'])
    // A second release replays nothing again.
    app.held.release()
    expect(seen).toHaveLength(4)
  })

  it('delivers an event a handler causes during the replay after the one being replayed', () => {
    const app = setup()
    app.failed('one')
    app.failed('two')
    const seen = listen(app.held)
    let once = true
    app.held.host.on('plugin-failed', () => {
      if (once) app.disabled()
      once = false
    })
    app.held.release()
    expect(seen.map((line) => line.split(' at ')[0])).toEqual(['failed activate() threw: one', 'failed activate() threw: two', 'enabled false'])
  })

  it('keeps a throwing handler from stopping the replay, and logs it', () => {
    const app = setup()
    app.failed('one')
    app.held.host.on('plugin-failed', () => {
      throw new Error('bad listener')
    })
    const seen = listen(app.held)
    app.held.release()
    expect(seen).toHaveLength(1)
    expect(app.lines).toMatchObject([{ level: 'error', message: 'a listener of "plugin-failed" threw' }])
  })

  it('delivers nothing to a handler unsubscribed before the release', () => {
    const app = setup()
    app.failed('one')
    const seen: string[] = []
    const off = app.held.host.on('plugin-failed', (e) => seen.push(e.id))
    off()
    app.held.release()
    app.failed('two')
    expect(seen).toEqual([])
  })

  it('stops live delivery to a handler unsubscribed after the release', () => {
    const app = setup()
    app.failed('one')
    const seen: string[] = []
    const off = app.held.host.on('plugin-failed', (e) => seen.push(e.error.reason))
    app.held.release()
    off()
    app.failed('two')
    expect(seen).toEqual(['activate() threw: one'])
  })

  it('leaves none of its own listeners on the host once released or dropped', () => {
    for (const end of ['release', 'drop'] as const) {
      const { logger } = memoryLogger()
      const events = new Emitter<PluginHostEvents>(logger)
      let listening = 0
      const host: PluginHost = {
        ...createPluginHost({ logger }),
        on(type, handler) {
          listening++
          const off = events.on(type, handler)
          return () => {
            listening--
            off()
          }
        },
      }
      const held = holdHostEvents(host, { elapsed: () => 0, wall: () => 0 }, logger)
      expect(listening).toBeGreaterThan(0)
      held[end]()
      expect(listening, end).toBe(0)
    }
  })

  it('forgets what it held when dropped', () => {
    const app = setup()
    app.failed('one')
    app.held.drop()
    const seen = listen(app.held)
    app.held.release()
    expect(seen).toEqual([])
    app.failed('two')
    expect(seen).toHaveLength(1)
  })

  it('leaves the rest of the host as it is', () => {
    const app = setup()
    app.held.host.disable('counter')
    expect(app.host.isHotReloadEnabled('counter')).toBe(false)
    expect(app.held.host.plugins()).toEqual([])
  })
})
