import { describe, expect, it } from 'vitest'
import { attachHost, type AttachmentOptions } from '../../src/engine/host-attachment.js'
import { createLeakTracker } from '../../src/leaks/tracker.js'
import type { Persistence } from '../../src/engine/state/persistence.js'
import type { HostCore, StateHooks } from '../../src/host/core.js'
import type { LastGoodLoader } from '../../src/host/last-good.js'
import { loggingPlugin } from '../helpers.js'
import { attachedHost } from './attached-host.js'

async function setup(extra: Partial<AttachmentOptions> = {}) {
  const app = await attachedHost({ a: loggingPlugin([], 'a') })
  const calls: string[] = []
  const options: AttachmentOptions = {
    hosts: new Set<HostCore>(),
    source: {},
    recovery: { announceReloaded: (_, reason) => void calls.push(`reloaded: ${reason.reason}`) },
    reloadNow: (id) => void calls.push(`reload ${id}`),
    ...extra,
  }
  return { ...app, options, calls }
}

describe('attachHost', () => {
  it('adds the host to the engine, the devtools first, and detaching removes it (and stops the source watching)', async () => {
    const order: string[] = []
    const app = await setup({
      onAttach: (core, host) => void order.push(`attach ${core === app.core} ${host === app.host}`),
      source: { hostAttached: () => (order.push('watch'), () => void order.push('unwatch')) },
    })
    const detach = attachHost(app.core, app.host, app.options)
    expect(app.options.hosts.has(app.core)).toBe(true)
    expect(order).toEqual(['attach true true', 'watch'])
    detach()
    expect(app.options.hosts.size).toBe(0)
    expect(order).toEqual(['attach true true', 'watch', 'unwatch'])
  })

  it('gives the host a leak watch only when leaks are watched', async () => {
    const app = await setup({ leaks: { tracker: createLeakTracker(), mode: 'warn', isRuntime: () => false } })
    attachHost(app.core, app.host, app.options)
    expect(typeof app.core.leaks?.run).toBe('function')
    const off = await setup()
    attachHost(off.core, off.host, off.options)
    expect(off.core.leaks).toBeUndefined()
  })

  it('gives the host the state hooks, the last good loader and the reason of the reload this product made', async () => {
    const hooks = {} as StateHooks
    const lastGood = (async () => undefined) as LastGoodLoader
    const persistence = { hooksFor: (core: HostCore) => (core === app.core ? hooks : undefined) } as unknown as Persistence
    const app = await setup({ lastGood, reloadedBecause: { id: 'a', file: 'f', failures: 3, reason: 'why' } })
    attachHost(app.core, app.host, { ...app.options, persistence })
    expect(app.core.stateHooks).toBe(hooks)
    expect(app.core.lastGood).toBe(lastGood)
    expect(app.calls).toEqual(['reloaded: why'])
  })

  it('saves skipped while hot reload was off are reloaded once it is on again', async () => {
    const app = await setup()
    attachHost(app.core, app.host, app.options)
    app.core.hotReload.onResumed?.(['a', 'b'])
    expect(app.calls).toEqual(['reload a', 'reload b'])
  })

  it('restores the kept hot-reload settings (or the initial ones) and keeps every change', async () => {
    const saved: unknown[] = []
    const app = await setup({
      hotReloadSettings: { load: () => undefined, save: (s) => void saved.push(s), initial: { enabled: true, disabled: ['a'] } },
    })
    attachHost(app.core, app.host, app.options)
    expect(app.host.isHotReloadEnabled('a')).toBe(false)
    app.host.enable('a')
    expect(saved).toEqual([{ enabled: true, disabled: [] }])
  })
})
