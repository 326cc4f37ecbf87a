// @vitest-environment happy-dom
import { createTestHost } from '@hot-plugins/client/testing'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import type { PlaygroundContext } from '../../host/context'

// Fake timers go in before the test host: its leak report then watches the fake ones.
beforeEach(() => {
  vi.resetModules()
  vi.useFakeTimers()
})
afterEach(() => vi.useRealTimers())

function context(): PlaygroundContext {
  const panel = document.body.appendChild(document.createElement('div'))
  return { panel, setTitle() {}, log() {} }
}

it('keeps ticking from where it was after a swap, with one timer, and leaves nothing behind', async () => {
  const ctx = context()
  const host = createTestHost({ id: 'clock', context: ctx })
  await host.load(await import('./index'))
  vi.advanceTimersByTime(3000)
  expect(ctx.panel.querySelector('[data-testid="clock-ticks"]')?.textContent).toBe('3 ticks')

  vi.resetModules()
  const result = await host.swap(await import('./index'))
  expect(result).toMatchObject({ outcome: 'swapped', stateKept: true, leaks: [] })
  vi.advanceTimersByTime(1000)
  // One timer ran: a teardown that forgot clearInterval would make it 5.
  expect(ctx.panel.querySelector('[data-testid="clock-ticks"]')?.textContent).toBe('4 ticks')
  expect(ctx.panel.querySelectorAll('time')).toHaveLength(1)
  expect(await host.dispose()).toEqual([])
})

it('comes back with its ticks when a broken version is rolled back, and after a page reload', async () => {
  const ctx = context()
  const host = createTestHost({ id: 'clock', context: ctx })
  await host.load(await import('./index'))
  vi.advanceTimersByTime(2000)
  expect(await host.rollback()).toMatchObject({ outcome: 'rolled-back', stateKept: true, leaks: [] })
  vi.resetModules()
  expect(await host.reload(await import('./index'))).toMatchObject({ active: true, stateRestored: true, leaks: [] })
  expect(ctx.panel.querySelector('[data-testid="clock-ticks"]')?.textContent).toBe('2 ticks')
  await host.dispose()
})
