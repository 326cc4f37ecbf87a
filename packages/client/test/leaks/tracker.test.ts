import { describe, expect, it } from 'vitest'
import { createLeakTracker } from '../../src/leaks/tracker.js'

const init = (isLive: () => boolean) => ({ kind: 'node' as const, noun: 'node', plural: 'nodes', isLive, dispose() {} })

describe('leak tracker', () => {
  it('records only while an instance runs, restores the one before after a nested run, and nothing after its sweep', () => {
    const tracker = createLeakTracker()
    expect(tracker.track(init(() => true))).toBeUndefined()
    const a = tracker.owner('a', 'a.ts')
    const b = tracker.owner('b', 'b.ts')
    tracker.run(a, () => {
      tracker.run(b, () => tracker.track(init(() => true)))
      expect(tracker.current()).toBe(a)
      tracker.track(init(() => true))
    })
    expect(tracker.current()).toBeUndefined()
    expect([a.resources.size, b.resources.size]).toEqual([1, 1])
    expect(tracker.sweep(a)).toHaveLength(1)
    tracker.run(a, () => tracker.track(init(() => true)))
    expect(a.resources.size).toBe(0)
  })

  it('an instance that keeps inserting and removing does not keep what ended', () => {
    const tracker = createLeakTracker()
    const owner = tracker.owner('a', 'a.ts')
    let kept = 0
    tracker.run(owner, () => {
      for (let i = 0; i < 1000; i++) tracker.track(init(i % 100 === 0 ? () => (kept++, true) : () => false))
    })
    expect(owner.resources.size).toBeLessThan(256 + 10)
    expect(tracker.sweep(owner)).toHaveLength(10)
    expect(kept).toBeGreaterThan(0)
  })

  it('a wrapped callback runs as the instance that was running when it was wrapped, and passes its this and arguments', () => {
    const tracker = createLeakTracker()
    const owner = tracker.owner('a', 'a.ts')
    const plain = () => 1
    expect(tracker.wrap(plain)).toBe(plain)
    const wrapped = tracker.run(owner, () => tracker.wrap(function (this: unknown, x: number) {
      return [this, x, tracker.current()]
    }))
    const self = {}
    expect(wrapped.call(self, 5)).toEqual([self, 5, owner])
  })
})
