import { describe, expect, it } from 'vitest'
import type { ControlStatus } from '@hot-plugins/client/protocol'
import { describeReload, formatAgo, formatPluginListing } from '../../src/control/plugin-listing.js'

const NOW = 1_700_000_000_000

describe('formatPluginListing (the terminal shortcut)', () => {
  it('says when no tab is connected, naming the plugins found', () => {
    const status: ControlStatus = {
      tabs: 0,
      plugins: [
        { id: 'counter', file: 'src/plugins/counter/index.ts', tabs: [] },
        { id: 'notes', file: 'src/plugins/notes/index.ts', tabs: [] },
      ],
    }
    expect(formatPluginListing(status, NOW)).toBe(
      '[hot-plugins] no browser tab is connected; open the app to see its plugins run (2 plugins: counter, notes)',
    )
    expect(formatPluginListing({ tabs: 0, plugins: [] }, NOW)).toBe(
      '[hot-plugins] no browser tab is connected; open the app to see its plugins run (0 plugins)',
    )
  })

  it('names a remote dev server’s plugin as the status does, with the remote', () => {
    const status: ControlStatus = { tabs: 0, plugins: [{ id: 'charts@localhost:5174', file: '//localhost:5174/src/plugins/charts/index.ts', tabs: [] }] }
    expect(formatPluginListing(status, NOW)).toContain('(1 plugin: charts@localhost:5174)')
    expect(formatPluginListing({ ...status, tabs: 1 }, NOW).split('\n')[2]).toMatch(/^  charts@localhost:5174 .*not running in any tab$/)
  })

  it('lists each plugin of one tab with status, version, reloads and its last reload', () => {
    const status: ControlStatus = {
      tabs: 1,
      plugins: [
        {
          id: 'counter',
          file: 'src/plugins/counter/index.ts',
          tabs: [
            {
              tab: 'a1b2c3d4-e5f6',
              status: 'idle',
              version: '1.2.0',
              reloadCount: 3,
              lastReloadMs: 12.4,
              hotReload: true,
              lastReload: { outcome: 'swapped', durationMs: 12.4, at: NOW - 5_000 },
            },
          ],
        },
        {
          id: 'clock',
          file: 'src/plugins/clock/index.ts',
          tabs: [
            {
              tab: 'a1b2c3d4-e5f6',
              status: 'rolled-back',
              reloadCount: 0,
              hotReload: false,
              error: 'boom',
              lastReload: { outcome: 'rolled-back', durationMs: 8, at: NOW - 150_000, error: 'plugin "clock": activate() threw: boom\n    at x' },
            },
          ],
        },
        { id: 'notes', file: 'src/plugins/notes/index.ts', tabs: [{ tab: 'a1b2c3d4-e5f6', status: 'disabled', reloadCount: 0, hotReload: false }] },
        { id: 'legacy', file: 'src/plugins/legacy/index.ts', tabs: [] },
      ],
    }
    expect(formatPluginListing(status, NOW).split('\n')).toEqual([
      '[hot-plugins] 4 plugins in 1 tab',
      '  plugin   status                        version  reloads  last reload',
      '  counter  idle                          1.2.0    3        swapped in 12 ms, 5 s ago',
      '  clock    rolled-back (hot reload off)  –        0        rolled back after 8 ms, 2 min ago: plugin "clock": activate() threw: boom',
      '  notes    disabled                      –        0        –',
      '  legacy   –                             –        –        not running in any tab',
    ])
  })

  it('adds a tab column when several tabs are connected', () => {
    const status: ControlStatus = {
      tabs: 2,
      plugins: [
        {
          id: 'counter',
          file: 'src/plugins/counter/index.ts',
          tabs: [
            { tab: '11111111-aaaa', status: 'idle', reloadCount: 1, hotReload: true, lastReload: { outcome: 'kept-old', at: NOW - 10, error: 'x' } },
            { tab: '22222222-bbbb', status: 'reloading', reloadCount: 0, hotReload: true },
          ],
        },
      ],
    }
    expect(formatPluginListing(status, NOW).split('\n')).toEqual([
      '[hot-plugins] 1 plugin in 2 tabs',
      '  plugin   tab       status     version  reloads  last reload',
      '  counter  11111111  idle       –        1        kept the old version, just now: x',
      '  counter  22222222  reloading  –        0        –',
    ])
  })
})

describe('describeReload and formatAgo', () => {
  it('say what happened and how long ago', () => {
    expect(describeReload({ outcome: 'swapped', at: NOW - 3_600_000 }, NOW)).toBe('swapped, 1 h ago')
    expect(describeReload({ outcome: 'kept-old', durationMs: 3.6, at: NOW - 61_000 }, NOW)).toBe('kept the old version after 4 ms, 1 min ago')
    expect(describeReload({ outcome: 'kept-old', running: true, at: NOW - 61_000 }, NOW)).toBe('kept the old version, 1 min ago')
    // A plugin that never started kept no old version.
    expect(describeReload({ outcome: 'kept-old', running: false, durationMs: 2, at: NOW - 1_000, error: 'activate() threw: x' }, NOW)).toBe('failed, not running after 2 ms, 1 s ago: activate() threw: x')
    expect(formatAgo(-50)).toBe('just now')
    expect(formatAgo(59_999)).toBe('59 s ago')
    expect(formatAgo(3 * 86_400_000)).toBe('3 d ago')
  })
})
