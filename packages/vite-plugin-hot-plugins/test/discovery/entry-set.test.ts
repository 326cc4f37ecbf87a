import { afterEach, describe, expect, it, vi } from 'vitest'
import type { DiscoveredPlugin } from '../../src/discovery/discover-plugins.js'
import { createPluginSetUpdater, describePluginSetChange, diffPluginSets } from '../../src/discovery/entry-set.js'

const plugin = (id: string, folder = id): DiscoveredPlugin => ({
  id,
  file: `src/plugins/${folder}/index.ts`,
  absFile: `/app/src/plugins/${folder}/index.ts`,
  url: `/src/plugins/${folder}/index.ts`,
})

describe('diffPluginSets', () => {
  it('tells added, removed and moved plugins apart', () => {
    const change = diffPluginSets([plugin('a'), plugin('b'), plugin('c')], [plugin('a'), plugin('c', 'charts'), plugin('d')])
    expect(change.added.map((p) => p.id)).toEqual(['d'])
    expect(change.removed.map((p) => p.id)).toEqual(['b'])
    expect(change.moved.map((m) => [m.from.file, m.to.file])).toEqual([['src/plugins/c/index.ts', 'src/plugins/charts/index.ts']])
    expect(change.changed).toBe(true)
    expect(describePluginSetChange(change)).toBe(
      'plugin added: d (src/plugins/d/index.ts); ' +
        'plugin removed: b (src/plugins/b/index.ts), its state kept in case it comes back; ' +
        'plugin moved: c (src/plugins/c/index.ts → src/plugins/charts/index.ts), the same plugin with its state',
    )
  })

  it('names at most five changes in its one terminal line, and counts the rest', () => {
    const many = Array.from({ length: 8 }, (_, i) => plugin(`p${i}`))
    expect(describePluginSetChange(diffPluginSets([], many))).toBe(
      `${many.slice(0, 5).map((p) => `plugin added: ${p.id} (${p.file})`).join('; ')}; and 3 more`,
    )
  })

  it('finds no change when the same entries are discovered again', () => {
    expect(diffPluginSets([plugin('a')], [plugin('a')]).changed).toBe(false)
  })

  it('a move alone, or one plugin replacing another, is a change', () => {
    expect(diffPluginSets([plugin('a')], [plugin('a', 'alpha')]).changed).toBe(true)
    expect(diffPluginSets([plugin('a')], [plugin('b')]).changed).toBe(true)
  })
})

describe('createPluginSetUpdater', () => {
  afterEach(() => void vi.useRealTimers())

  it('applies once after a burst of entry events (a rename is a delete and a create)', async () => {
    vi.useFakeTimers()
    const apply = vi.fn(async () => {})
    const updater = createPluginSetUpdater(apply, 50)
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
    const updater = createPluginSetUpdater(apply, 10)
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
    const updater = createPluginSetUpdater(apply, 50)
    updater.changed()
    updater.dispose()
    await vi.advanceTimersByTimeAsync(100)
    expect(apply).not.toHaveBeenCalled()
  })
})
