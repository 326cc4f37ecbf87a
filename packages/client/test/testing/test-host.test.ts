import { afterEach, describe, expect, it, vi } from 'vitest'
import { createTestHost, type TestHost } from '../../src/testing/index.js'
import type { PluginModule } from '../../src/host/types.js'

/** A counter plugin; `leaky` forgets to clear its interval. */
function counter(options: { tag?: string; leaky?: boolean; stateVersion?: number } = {}): PluginModule & { count(): number; log: string[] } {
  let count = 0
  const log: string[] = []
  return {
    meta: { version: options.tag ?? '1', ...(options.stateVersion ? { stateVersion: options.stateVersion } : {}) },
    log,
    count: () => count,
    activate() {
      const timer = setInterval(() => void count++, 60_000)
      return options.leaky ? undefined : () => clearInterval(timer)
    },
    getReloadState: () => ({ count }),
    setReloadState(state: { count: number }, info) {
      log.push(info.reason)
      count = state.count
    },
    migrateState: (state: unknown) => ({ count: (state as { total: number }).total }),
  }
}

let host: TestHost | undefined
afterEach(async () => {
  await host?.dispose()
  host = undefined
})

describe('createTestHost', () => {
  it('swap: the real engine hands the state over and tears the old instance down, with nothing left running', async () => {
    host = createTestHost({ id: 'counter' })
    const v1 = counter()
    expect(await host.load(v1)).toMatchObject({ active: true, leaks: [] })
    v1.setReloadState!({ count: 4 }, { reason: 'restore', fromVersion: undefined, fromStateVersion: undefined })
    const v2 = counter({ tag: '2' })
    const result = await host.swap(v2)
    expect(result).toMatchObject({ outcome: 'swapped', stateKept: true, leaks: [] })
    expect(v2.count()).toBe(4)
    expect(v2.log).toEqual(['hot-swap'])
    expect(host.host.get('counter')).toMatchObject({ version: '2', reloadCount: 1 })
    expect(result.events.map((e) => e.type)).toEqual(['reload-started', 'state-preserved', 'reload-completed'])
  })

  it('reports what the old instance left, at the line that started it', async () => {
    host = createTestHost({ id: 'counter', file: 'packages/client/test/testing/index.ts' })
    await host.load(counter({ leaky: true }))
    const result = await host.swap(counter())
    expect(result.outcome).toBe('swapped')
    expect(result.leaks).toEqual([{ kind: 'interval', what: 'interval (every 60000 ms)', site: expect.stringMatching(/^test-host\.test\.ts:\d+:\d+$/) }])
    expect(host.logs.at(-1)?.message).toMatch(/^plugin "counter" \(packages\/client\/test\/testing\/index\.ts\) left 1 interval/)
  })

  it('rollback: a failing version puts the running one back with its state; what that version started is reported', async () => {
    host = createTestHost()
    const v1 = counter()
    await host.load(v1)
    v1.setReloadState!({ count: 2 }, { reason: 'restore', fromVersion: undefined, fromStateVersion: undefined })
    const result = await host.rollback()
    expect(result).toMatchObject({ outcome: 'rolled-back', stateKept: true, leaks: [] })
    expect(result.error?.message).toMatch(/activate\(\) threw.*a failing version/)
    expect(v1.log.slice(-1)).toEqual(['rollback'])
    expect(v1.count()).toBe(2)

    const leaving: PluginModule = {
      activate() {
        setTimeout(() => {}, 60_000)
        throw new Error('broken')
      },
    }
    expect(await host.rollback(leaving)).toMatchObject({ outcome: 'rolled-back', leaks: [{ kind: 'timeout', what: 'timeout (after 60000 ms)' }] })
  })

  it('a version whose setReloadState throws on the rollback: the state is not kept, and the result says so', async () => {
    host = createTestHost()
    let refuse = false
    await host.load({ ...counter(), setReloadState: () => void (refuse && fail()) })
    refuse = true
    expect(await host.rollback()).toMatchObject({ outcome: 'rolled-back', stateKept: false })
  })

  it('reload: the state is saved, restored into a new host, and migrated across a stateVersion change', async () => {
    host = createTestHost({ id: 'counter' })
    const v1 = counter()
    await host.load(v1)
    v1.setReloadState!({ count: 7 }, { reason: 'restore', fromVersion: undefined, fromStateVersion: undefined })
    const same = counter()
    expect(await host.reload(same)).toMatchObject({ active: true, stateRestored: true, leaks: [] })
    expect(same.count()).toBe(7)
    const before = host.host

    const v2: PluginModule = { ...counter({ stateVersion: 2 }), getReloadState: () => ({ total: 9 }) }
    await host.swap(v2)
    const migrated = counter({ stateVersion: 3 })
    expect(await host.reload(migrated)).toMatchObject({ stateRestored: true, migratedFrom: 2 })
    expect(migrated.count()).toBe(9)
    expect(host.host).not.toBe(before)
  })

  it("leaks: 'clean' stops what was left; 'off' watches nothing", async () => {
    host = createTestHost({ leaks: 'clean' })
    let ticks = 0
    const leaky: PluginModule = { activate: () => void setInterval(() => void ticks++, 1) }
    await host.load(leaky)
    const result = await host.swap({ activate() {} })
    expect(result.events.find((e) => e.type === 'leak-detected')?.payload).toMatchObject({ cleaned: true })
    const at = ticks
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(ticks).toBe(at)
    await host.dispose()

    host = createTestHost({ leaks: 'off' })
    const left: ReturnType<typeof setInterval>[] = []
    await host.load({ activate: () => void left.push(setInterval(() => {}, 1000)) })
    expect(await host.dispose()).toEqual([])
    left.forEach(clearInterval)
  })

  it('what setReloadState starts is the instance\'s; what runs after an await of a foreign promise is no one\'s (not guessed)', async () => {
    host = createTestHost()
    const timers: ReturnType<typeof setTimeout>[] = []
    const version = (): PluginModule => ({
      async activate() {
        await new Promise<void>((resolve) => queueMicrotask(resolve))
        timers.push(setTimeout(() => {}, 60_000))
      },
      getReloadState: () => ({}),
      setReloadState: () => void timers.push(setInterval(() => {}, 60_000)),
    })
    await host.load(version())
    await host.swap(version())
    const result = await host.swap(version())
    expect(result.leaks).toEqual([{ kind: 'interval', what: 'interval (every 60000 ms)', site: expect.stringMatching(/test-host\.test\.ts:\d+:\d+$/) }])
    timers.forEach(clearTimeout)
  })

  it('load: an activate that throws does not run, and says why', async () => {
    host = createTestHost()
    const result = await host.load({ activate: () => fail() })
    expect(result).toMatchObject({ active: false })
    expect(result.error?.message).toMatch(/activate\(\) threw/)
    await expect(createTestHost({ leaks: 'off' }).swap({ activate() {} })).rejects.toThrow(/load\(module\) the plugin before/)
  })
})

describe('a version that never went live leaves nothing, whatever the leak mode', () => {
  afterEach(() => void vi.useRealTimers())

  /** A version whose interval counts its ticks and has no teardown (a live instance leaks it), and throws in `step`. */
  const throwing = (step: 'activate' | 'setReloadState' | 'none') => {
    const version = {
      ticks: 0,
      activate() {
        setInterval(() => void (version.ticks += 1), 1000)
        if (step === 'activate') fail()
      },
      getReloadState: () => ({}),
      setReloadState: () => void (step === 'setReloadState' && fail()),
    }
    return version
  }

  it('its activate throws at start: the interval it started is stopped', async () => {
    vi.useFakeTimers()
    host = createTestHost()
    const failing = throwing('activate')
    expect(await host.load(failing)).toMatchObject({ active: false, leaks: [{ kind: 'interval' }] })
    vi.advanceTimersByTime(5000)
    expect(failing.ticks).toBe(0)
  })

  it.each(['activate', 'setReloadState'] as const)('its %s throws on a swap: the batch rolls back, and what the new version started is stopped', async (step) => {
    vi.useFakeTimers()
    host = createTestHost()
    await host.load(counter())
    const failing = throwing(step)
    const result = await host.rollback(failing)
    expect(result).toMatchObject({ outcome: 'rolled-back', leaks: [{ kind: 'interval' }] })
    expect(host.events.filter((e) => e.type === 'leak-detected').at(-1)?.payload).toMatchObject({ cleaned: true })
    vi.advanceTimersByTime(5000)
    expect(failing.ticks).toBe(0)
  })

  it('a version that went live keeps what it left after its teardown reported, not stopped (leaks: warn)', async () => {
    vi.useFakeTimers()
    host = createTestHost()
    const live = throwing('none')
    await host.load(live)
    expect(await host.swap(counter())).toMatchObject({ outcome: 'swapped', leaks: [{ kind: 'interval' }] })
    vi.advanceTimersByTime(5000)
    expect(live.ticks).toBe(5)
  })
})

function fail(): never {
  throw new Error('refused')
}
