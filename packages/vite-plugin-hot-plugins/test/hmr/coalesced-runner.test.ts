import { afterEach, describe, expect, it, vi } from 'vitest'
import { createCoalescedRunner } from '../../src/hmr/coalesced-runner.js'

describe('createCoalescedRunner', () => {
  afterEach(() => void vi.useRealTimers())

  it('applies once after a burst of entry events (a rename is a delete and a create)', async () => {
    vi.useFakeTimers()
    const apply = vi.fn(async () => {})
    const updater = createCoalescedRunner(apply, 50)
    updater.changed()
    await vi.advanceTimersByTimeAsync(30)
    updater.changed()
    await vi.advanceTimersByTimeAsync(49)
    expect(apply).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(apply).toHaveBeenCalledTimes(1)
  })

  it('never runs two updates at once, and goes on after one fails', async () => {
    vi.useFakeTimers()
    const order: string[] = []
    let release!: () => void
    const apply = vi
      .fn<() => Promise<void>>()
      .mockImplementationOnce(async () => {
        order.push('first:start')
        await new Promise<void>((resolve) => (release = resolve))
        order.push('first:end')
        throw new Error('discovery failed')
      })
      .mockImplementationOnce(async () => void order.push('second'))
    const updater = createCoalescedRunner(apply, 10)
    updater.changed()
    await vi.advanceTimersByTimeAsync(10)
    updater.changed()
    await vi.advanceTimersByTimeAsync(10)
    expect(order).toEqual(['first:start'])
    release()
    await vi.advanceTimersByTimeAsync(0)
    expect(order).toEqual(['first:start', 'first:end', 'second'])
  })

  it('dispose cancels an update still waiting for the quiet time', async () => {
    vi.useFakeTimers()
    const apply = vi.fn(async () => {})
    const updater = createCoalescedRunner(apply, 50)
    updater.changed()
    updater.dispose()
    await vi.advanceTimersByTimeAsync(100)
    expect(apply).not.toHaveBeenCalled()
  })
})
