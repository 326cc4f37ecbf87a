// @vitest-environment happy-dom
import { createTestHost } from '@hot-plugins/client/testing'
import { expect, it, vi } from 'vitest'

it('keeps its count across a swap, and its button counts once per click', async () => {
  const panel = document.body.appendChild(document.createElement('div'))
  const host = createTestHost({ id: 'counter', context: { panel, setTitle() {}, log() {} } })
  await host.load(await import('./index'))
  panel.querySelector<HTMLButtonElement>('[data-testid="counter-button"]')!.click()

  vi.resetModules()
  expect(await host.swap(await import('./index'))).toMatchObject({ outcome: 'swapped', stateKept: true, leaks: [] })
  panel.querySelector<HTMLButtonElement>('[data-testid="counter-button"]')!.click()
  expect(panel.querySelector('[data-testid="counter-value"]')?.textContent).toContain('2')
  expect(panel.querySelectorAll('button')).toHaveLength(1)
  expect(await host.dispose()).toEqual([])
})
