import { describe, expect, it } from 'vitest'
import { createGuard } from '../../src/engine/guard.js'
import { createStateSaving } from '../../src/engine/state-saving.js'
import type { Persistence } from '../../src/engine/state/persistence.js'
import type { HostCore } from '../../src/host/core.js'
import { memoryLogger } from '../helpers.js'

function setup(snapshot: () => Promise<void>) {
  const calls: string[] = []
  const { logger, lines } = memoryLogger()
  const hosts = new Set([{ logger } as HostCore])
  const persistence = { snapshot: async (of: unknown) => (calls.push(of === hosts ? 'snapshot' : 'snapshot of what?'), snapshot()) } as unknown as Persistence
  const saving = createStateSaving({ hosts, persistence, beforeToolingReload: () => void calls.push('marked'), guard: createGuard(hosts) })
  return { saving, calls, lines }
}

describe('state saving', () => {
  it('saves on demand without marking a reload', async () => {
    const app = setup(async () => {})
    await app.saving.saveState()
    expect(app.calls).toEqual(['snapshot'])
  })

  it('before a reload the dev tools make: marks it, then saves', async () => {
    const app = setup(async () => {})
    await app.saving.prepareReload()
    expect(app.calls).toEqual(['marked', 'snapshot'])
  })

  it('before a reload Vite makes: saves, and a failure to save is logged, never thrown at the transport', async () => {
    const app = setup(async () => Promise.reject(new Error('quota')))
    await expect(app.saving.saveBeforeReload()).resolves.toBeUndefined()
    expect(app.calls).toEqual(['marked', 'snapshot'])
    expect(app.lines).toMatchObject([{ level: 'error', message: 'handling a hot update failed', error: { message: 'quota' } }])
  })

  it('without persistence there is nothing to write', async () => {
    const hosts = new Set<HostCore>()
    const saving = createStateSaving({ hosts, persistence: undefined, beforeToolingReload: undefined, guard: createGuard(hosts) })
    await expect(saving.saveState()).resolves.toBeUndefined()
    await expect(saving.saveBeforeReload()).resolves.toBeUndefined()
  })
})
