import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createFinalContentCheck } from '../../src/hmr/final-content.js'

// The files on disk, as the final-content check reads them (no real I/O, so the fake clock decides).
const disk = vi.hoisted(() => new Map<string, string>())
vi.mock('node:fs/promises', () => ({
  readFile: async (file: string) => {
    const content = disk.get(file)
    if (content === undefined) throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT' })
    return content
  },
}))

const FILE = '/app/src/plugins/a/index.ts'

beforeEach(() => {
  vi.useFakeTimers()
  disk.clear()
  disk.set(FILE, 'v1')
})
afterEach(() => void vi.useRealTimers())

function setup() {
  const replayed: string[] = []
  const check = createFinalContentCheck((file) => replayed.push(file), 150, 100)
  return { check, replayed }
}

describe('the final-content check', () => {
  it('sees a storm only in events of one file closer together than the storm window', () => {
    const { check } = setup()
    expect(check.inStorm(FILE, 1000)).toBe(false)
    expect(check.inStorm(FILE, 1099)).toBe(true)
    expect(check.inStorm(FILE, 1150)).toBe(true)
    expect(check.inStorm(FILE, 1250)).toBe(false) // the window apart: a new save, not a storm
    expect(check.inStorm('/app/other.ts', 1251)).toBe(false)
    check.dispose()
  })

  it('tells whether an event now would come in a storm, without recording one', () => {
    const { check } = setup()
    expect(check.stormsNow(FILE, 1000)).toBe(false)
    expect(check.inStorm(FILE, 1000)).toBe(false)
    expect(check.stormsNow(FILE, 1050)).toBe(true)
    expect(check.stormsNow(FILE, 1099)).toBe(true)
    // Asking recorded nothing: the next event is measured from the one at 1000.
    expect(check.stormsNow(FILE, 1100)).toBe(false)
    expect(check.inStorm(FILE, 1100)).toBe(false)
    check.dispose()
  })

  it('replays a file whose content on disk differs, once quiet, from what was last sent', async () => {
    const { check, replayed } = setup()
    check.sent(FILE, 'v1')
    disk.set(FILE, 'v2')
    await vi.advanceTimersByTimeAsync(149)
    expect(replayed).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(replayed).toEqual([FILE])
  })

  it('does not replay when the final content was sent', async () => {
    const { check, replayed } = setup()
    check.sent(FILE, 'v1')
    await vi.advanceTimersByTimeAsync(1000)
    expect(replayed).toEqual([])
  })

  it('waits for the end of a storm: each event in it starts the quiet time again', async () => {
    const { check, replayed } = setup()
    expect(check.inStorm(FILE, 0)).toBe(false)
    check.sent(FILE, 'v1')
    disk.set(FILE, 'v2')
    await vi.advanceTimersByTimeAsync(100)
    expect(check.inStorm(FILE, 50)).toBe(true)
    await vi.advanceTimersByTimeAsync(100)
    expect(replayed).toEqual([])
    await vi.advanceTimersByTimeAsync(50)
    expect(replayed).toEqual([FILE])
  })

  it('an event of a storm alone schedules the check (no update was sent for it)', async () => {
    const { check, replayed } = setup()
    check.sent(FILE, 'v1')
    await vi.advanceTimersByTimeAsync(150)
    check.inStorm(FILE, 0)
    disk.set(FILE, 'v2')
    expect(check.inStorm(FILE, 10)).toBe(true)
    await vi.advanceTimersByTimeAsync(150)
    expect(replayed).toEqual([FILE])
  })

  it('checks a file again once quiet when asked to (it changed while being handled)', async () => {
    const { check, replayed } = setup()
    check.sent(FILE, 'v1')
    await vi.advanceTimersByTimeAsync(150)
    disk.set(FILE, 'v2')
    check.overtaken(FILE)
    await vi.advanceTimersByTimeAsync(150)
    expect(replayed).toEqual([FILE])
  })

  it('after a change overtaken by a newer save, the next event is a first version, not a storm', () => {
    const { check } = setup()
    expect(check.inStorm(FILE, 1000)).toBe(false)
    expect(check.inStorm(FILE, 1010)).toBe(true) // arrived while the first was transformed
    check.overtaken(FILE)
    expect(check.inStorm(FILE, 1020)).toBe(false) // sent at once: the page had nothing of this storm
    expect(check.inStorm(FILE, 1030)).toBe(true)
    check.dispose()
  })

  it('schedules no check for an event outside a storm: that event is handled as it is', async () => {
    const { check, replayed } = setup()
    check.sent(FILE, 'v1')
    await vi.advanceTimersByTimeAsync(150)
    disk.set(FILE, 'v2')
    expect(check.inStorm(FILE, 5000)).toBe(false)
    await vi.advanceTimersByTimeAsync(150)
    expect(replayed).toEqual([])
    check.dispose()
  })

  it('replays nothing for a file never sent or deleted meanwhile', async () => {
    const { check, replayed } = setup()
    check.overtaken(FILE)
    await vi.advanceTimersByTimeAsync(150)
    check.sent(FILE, 'v0')
    disk.delete(FILE)
    await vi.advanceTimersByTimeAsync(150)
    expect(replayed).toEqual([])
  })

  it('dispose stops every pending check', async () => {
    const { check, replayed } = setup()
    check.sent(FILE, 'v0')
    check.sent('/app/b.ts', 'v0')
    check.dispose()
    expect(vi.getTimerCount()).toBe(0)
    await vi.advanceTimersByTimeAsync(1000)
    expect(replayed).toEqual([])
  })
})
