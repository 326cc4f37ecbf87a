import { describe, expect, it } from 'vitest'
import { trackConnectedTabs } from '../../src/control/connected-tabs.js'
import { fakeChannel, pluginStatus } from './fixtures.js'

describe('trackConnectedTabs', () => {
  it("keeps each connection's plugins: a full report replaces them, a partial one updates those it names", () => {
    const { channel, connect } = fakeChannel()
    const tabs = trackConnectedTabs(channel)
    const tab = connect('tab-1')
    tab.report([pluginStatus('a'), pluginStatus('b')])
    tab.report([pluginStatus('b', { status: 'reloading' })], { full: false })
    expect([...tabs.list()[0]!.plugins.values()].map((p) => [p.id, p.status])).toEqual([
      ['a', 'idle'],
      ['b', 'reloading'],
    ])
    tab.report([pluginStatus('c')])
    expect([...tabs.list()[0]!.plugins.keys()]).toEqual(['c'])
  })

  it('lists tabs in the order they first reported; two connections of one tab id are two tabs', () => {
    const { channel, connect } = fakeChannel()
    const tabs = trackConnectedTabs(channel)
    const first = connect('tab-1')
    const second = connect('tab-2')
    const duplicate = connect('tab-1') // a duplicated browser tab copies sessionStorage, and so its id
    second.report([])
    first.report([])
    duplicate.report([])
    first.report([pluginStatus('a')])
    expect(tabs.list().map((t) => t.tab)).toEqual(['tab-2', 'tab-1', 'tab-1'])
    first.disconnect()
    expect(tabs.list().map((t) => t.tab)).toEqual(['tab-2', 'tab-1'])
  })

  it("puts the tab's times on the server's clock", () => {
    const { channel, connect } = fakeChannel()
    const tabs = trackConnectedTabs(channel, () => 10_000)
    // The tab's clock is 3 s behind: its reload 1 s before sending happened at 9,000 on ours.
    connect('tab-1').report([pluginStatus('a', { lastReload: { outcome: 'swapped', durationMs: 5, at: 6_000 } })], { sentAt: 7_000 })
    expect(tabs.list()[0]!.plugins.get('a')?.lastReload).toEqual({ outcome: 'swapped', durationMs: 5, at: 9_000 })
  })

  it('sends a command to one connection only', () => {
    const { channel, connect } = fakeChannel()
    const tabs = trackConnectedTabs(channel)
    const one = connect('tab-1')
    const two = connect('tab-2')
    one.report([])
    two.report([])
    tabs.list()[1]!.send({ action: 'reload', id: 'a' })
    expect(one.received).toEqual([])
    expect(two.received).toEqual([{ action: 'reload', id: 'a' }])
  })

  it('ignores a malformed report', () => {
    const { channel, connect } = fakeChannel()
    const tabs = trackConnectedTabs(channel)
    const tab = connect('tab-1')
    tab.report(undefined as never)
    tab.report([null as never, pluginStatus('a')], { tab: 7 as never })
    expect(tabs.list()).toEqual([])
    tab.report([null as never, pluginStatus('a')])
    expect([...tabs.list()[0]!.plugins.keys()]).toEqual(['a'])
  })
})
