// @vitest-environment happy-dom
import { createTestHost } from '@hot-plugins/client/testing'
import { expect, it, vi } from 'vitest'
import * as theme from '../theme/index'

it('keeps its text and selection across a swap and a reload, next to the theme it depends on', async () => {
  const panels = new Map<string, HTMLElement>()
  const context = ({ id }: { id: string }) => {
    const panel = document.body.appendChild(document.createElement('div'))
    panels.set(id, panel)
    return { panel, setTitle() {}, log() {} }
  }
  const host = createTestHost({ id: 'notes', context, dependencies: { theme } })
  expect(await host.load(await import('./index'))).toMatchObject({ active: true })
  const text = () => panels.get('notes')!.querySelector('textarea')!
  text().value = 'buy milk'
  text().setSelectionRange(4, 8)
  expect(text().dataset.accent).toBe('#3559e0')

  vi.resetModules()
  expect(await host.swap(await import('./index'))).toMatchObject({ outcome: 'swapped', stateKept: true, leaks: [] })
  expect([text().value, text().selectionStart, text().selectionEnd]).toEqual(['buy milk', 4, 8])
  expect(await host.reload()).toMatchObject({ active: true, stateRestored: true, leaks: [] })
  expect(text().value).toBe('buy milk')
  expect(await host.dispose()).toEqual([])
})
