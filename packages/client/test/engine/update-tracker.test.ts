import { describe, expect, it } from 'vitest'
import { createUpdateTracker } from '../../src/engine/update-tracker.js'
import { fakeClock } from '../helpers.js'

const twoHosts = () => {
  const a = fakeClock(100)
  const b = fakeClock(500)
  return { a, b, hosts: [a, b] }
}

describe('update tracker', () => {
  it('an announcement starts a pending update: its files, when it began on each host, its generation', () => {
    const { a, b, hosts } = twoHosts()
    const tracker = createUpdateTracker(hosts)
    tracker.announced('p', ['src/p/index.ts'], false)
    a.advance(5)
    tracker.announced('p', ['src/p/helper.ts', 'src/p/index.ts'], false)
    const update = tracker.take('p')
    expect([...(update?.files ?? [])]).toEqual(['src/p/index.ts', 'src/p/helper.ts'])
    // The first announcement's moment counts.
    expect(update?.startedAt.get(a)).toBe(100)
    expect(update?.startedAt.get(b)).toBe(500)
    expect(update?.generation).toBe(2)
    expect(tracker.take('p')).toBeUndefined()
  })

  it('in a storm, a change is a new generation but not the version to wait for', () => {
    const tracker = createUpdateTracker([])
    tracker.announced('p', [], true)
    expect(tracker.data.generation.get('p')).toBe(1)
    expect(tracker.take('p')?.generation).toBeUndefined()
  })

  it('a version is superseded once a newer change of its plugin comes, not by another plugin', () => {
    const tracker = createUpdateTracker([])
    const mine = tracker.nextGeneration('p')
    const superseded = tracker.superseded('p', mine)
    tracker.nextGeneration('q')
    expect(superseded()).toBe(false)
    tracker.announced('p', [], false)
    expect(superseded()).toBe(true)
  })

  it('a coming version records its timestamp as the newest; one without keeps the last', () => {
    const { a, hosts } = twoHosts()
    const tracker = createUpdateTracker(hosts)
    tracker.coming('p', 7)
    a.advance(3)
    tracker.coming('p')
    expect(tracker.isLatest('p', 7)).toBe(true)
    expect(tracker.isLatest('p', 6)).toBe(false)
    const update = tracker.take('p')
    expect(update).toMatchObject({ timestamp: 7 })
    expect(update?.startedAt.get(a)).toBe(100)
  })

  it('a refused update is dropped', () => {
    const tracker = createUpdateTracker([])
    tracker.announced('p', ['f'], false)
    tracker.drop('p')
    expect(tracker.take('p')).toBeUndefined()
  })

  it('a fresh update is newer than every version before, even with the wall clock behind', () => {
    const { a, b, hosts } = twoHosts()
    const tracker = createUpdateTracker(hosts)
    tracker.coming('p', 9_000)
    const fresh = tracker.fresh('p', () => 1_000)
    expect(fresh.timestamp).toBe(9_001)
    expect(tracker.isLatest('p', 9_000)).toBe(false)
    expect(tracker.isLatest('p', 9_001)).toBe(true)
    expect(fresh.startedAt.get(a)).toBe(100)
    expect(fresh.startedAt.get(b)).toBe(500)
    expect(tracker.fresh('q', () => 1_000).timestamp).toBe(1_000)
    // A fresh update is the engine's own: nothing is pending for it.
    expect(tracker.take('p')?.timestamp).toBe(9_000)
  })
})
