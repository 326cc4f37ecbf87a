import { describe, expect, it } from 'vitest'
import { createBatcher, type BatchClock, type BatchWindow, type ClosedBatch } from '../../src/hmr/batcher.js'

/** A clock moved by hand, with timers. */
function manualClock() {
  let time = 0
  let timers: { at: number; task: () => void; handle: number }[] = []
  let next = 1
  const clock: BatchClock = {
    now: () => time,
    setTimeout(task, ms) {
      const handle = next++
      timers.push({ at: time + ms, task, handle })
      return handle
    },
    clearTimeout(handle) {
      timers = timers.filter((t) => t.handle !== handle)
    },
  }
  const advance = async (ms: number) => {
    const until = time + ms
    for (;;) {
      const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0]
      if (!due) break
      timers = timers.filter((t) => t !== due)
      time = due.at
      due.task()
      await Promise.resolve()
    }
    time = until
    await Promise.resolve()
  }
  return { clock, advance }
}

function setup(window: BatchWindow = { min: 5, max: 100 }) {
  const { clock, advance } = manualClock()
  const batches: ClosedBatch[] = []
  const batcher = createBatcher(window, (batch) => batches.push(batch), clock)
  return { batcher, batches, advance }
}

describe('createBatcher', () => {
  it('a single save is announced as soon as it is checked, once the short quiet time has passed', async () => {
    const { batcher, batches, advance } = setup()
    const ticket = batcher.join('src/plugins/a/index.ts', 1)
    let released = false
    void ticket.ready.then(() => (released = true))
    await advance(2)
    ticket.validated(['a'])
    await advance(2)
    expect(batches).toEqual([])
    await advance(1)
    expect(batches).toEqual([{ id: 1, files: ['src/plugins/a/index.ts'], plugins: ['a'], timestamp: 1 }])
    expect(released).toBe(true)
  })

  describe('with first: 0 (the default)', () => {
    const window = { first: 0, min: 5, max: 100 }
    const file = (name: string) => `src/plugins/${name}/index.ts`

    it('a save after a quiet spell is announced the moment it is checked', async () => {
      const { batcher, batches, advance } = setup(window)
      const ticket = batcher.join(file('a'), 1)
      await advance(2)
      expect(batches).toEqual([])
      ticket.validated(['a'])
      await advance(0)
      expect(batches).toEqual([{ id: 1, files: [file('a')], plugins: ['a'], timestamp: 1 }])
    })

    it('a change arriving while the first is checked joins it, and the batch then waits min after it', async () => {
      const { batcher, batches, advance } = setup(window)
      const a = batcher.join(file('a'), 1)
      await advance(1)
      const b = batcher.join(file('b'), 2)
      a.validated(['a'])
      b.validated(['b'])
      await advance(4)
      expect(batches).toEqual([])
      await advance(1)
      expect(batches).toEqual([{ id: 1, files: [file('a'), file('b')], plugins: ['a', 'b'], timestamp: 1 }])
    })

    it("says which change opened its batch: a save on its own, or a burst's first change", async () => {
      const { batcher, advance } = setup(window)
      const a = batcher.join(file('a'), 1)
      const b = batcher.join(file('b'), 2)
      expect([a.opened, b.opened]).toEqual([true, false])
      a.validated(['a'])
      b.validated(['b'])
      await advance(10)
      // The next change opens the next batch, quiet or not.
      const c = batcher.join(file('c'), 3)
      const d = batcher.join(file('d'), 4)
      expect([c.opened, d.opened]).toEqual([true, false])
    })

    it('a change less than max after the previous one (a burst going on) waits min, as without first', async () => {
      const { batcher, batches, advance } = setup(window)
      batcher.join(file('a'), 1).validated(['a'])
      await advance(0)
      expect(batches).toHaveLength(1)
      await advance(50)
      batcher.join(file('b'), 2).validated(['b'])
      await advance(4)
      expect(batches).toHaveLength(1)
      await advance(1)
      expect(batches.map((batch) => batch.plugins)).toEqual([['a'], ['b']])
      // Quiet for max again: the next save is on its own.
      await advance(100)
      batcher.join(file('c'), 3).validated(['c'])
      await advance(0)
      expect(batches.map((batch) => batch.plugins)).toEqual([['a'], ['b'], ['c']])
    })
  })

  it('waits for a change still being checked when the quiet time ends', async () => {
    const { batcher, batches, advance } = setup()
    const ticket = batcher.join('a.ts', 1)
    await advance(50)
    expect(batches).toEqual([])
    ticket.validated(['a'])
    await advance(0)
    expect(batches).toHaveLength(1)
  })

  it('coalesces a burst into one batch, the quiet time doubling with each change', async () => {
    const { batcher, batches, advance } = setup()
    const tickets: [ReturnType<typeof batcher.join>, string[]][] = []
    // Changes 4, 8 and 16 ms apart: each arrives within the grown quiet time.
    tickets.push([batcher.join('a.ts', 1), ['a']])
    await advance(4)
    tickets.push([batcher.join('b.ts', 2), ['b']])
    await advance(8)
    tickets.push([batcher.join('c.ts', 3), ['c', 'a']])
    await advance(16)
    tickets.push([batcher.join('d.ts', 4), ['d']])
    for (const [ticket, plugins] of tickets) ticket.validated(plugins)
    // The last change came at 28 ms with a quiet time of 40 ms: the batch closes at 68 ms.
    await advance(39)
    expect(batches).toEqual([])
    await advance(1)
    expect(batches).toEqual([{ id: 1, files: ['a.ts', 'b.ts', 'c.ts', 'd.ts'], plugins: ['a', 'b', 'c', 'd'], timestamp: 1 }])
  })

  it('closes a batch at most max ms after its first change, even in a storm; later changes open the next', async () => {
    const { batcher, batches, advance } = setup({ min: 5, max: 20 })
    for (let i = 0; i < 10; i++) {
      batcher.join(`f${i}.ts`, i).validated([`p${i}`])
      await advance(3)
    }
    await advance(100)
    expect(batches.map((b) => b.files.length)).toEqual([7, 3])
    expect(batches.map((b) => b.id)).toEqual([1, 2])
  })

  it('leaves withdrawn changes out; a batch of only withdrawn changes is not announced but still released', async () => {
    const { batcher, batches, advance } = setup()
    const good = batcher.join('a.ts', 1)
    const broken = batcher.join('b.ts', 2)
    good.validated(['a'])
    broken.withdraw()
    await advance(100)
    expect(batches).toEqual([{ id: 1, files: ['a.ts'], plugins: ['a'], timestamp: 1 }])

    const alone = batcher.join('c.ts', 3)
    let released = false
    void alone.ready.then(() => (released = true))
    alone.withdraw()
    await advance(100)
    expect(batches).toHaveLength(1)
    expect(released).toBe(true)
  })

  it('a change arriving after the quiet time, while another is still being checked, joins its batch', async () => {
    const { batcher, batches, advance } = setup()
    const slow = batcher.join('a.ts', 1)
    await advance(14) // a busy machine: the first check is slow, the second event late
    const late = batcher.join('b.ts', 2)
    slow.validated(['a'])
    await advance(1)
    expect(batches).toEqual([])
    late.validated(['b'])
    await advance(0)
    expect(batches.map((b) => b.files)).toEqual([['a.ts', 'b.ts']])
  })

  it('a withdraw after the change is in changes nothing', async () => {
    const { batcher, batches, advance } = setup()
    const ticket = batcher.join('a.ts', 1)
    ticket.validated(['a'])
    ticket.withdraw()
    await advance(10)
    expect(batches.map((b) => b.plugins)).toEqual([['a']])
  })

  it('with a window of 0 announces every change on its own', async () => {
    const { batcher, batches, advance } = setup({ min: 0, max: 0 })
    const a = batcher.join('a.ts', 1)
    a.validated(['a'])
    await advance(0)
    const b = batcher.join('b.ts', 2)
    b.validated(['b'])
    await advance(0)
    expect(batches.map((x) => x.files)).toEqual([['a.ts'], ['b.ts']])
  })

  it('hands the modules of the whole batch to one change (one update for Vite to send), none to the others', async () => {
    const { clock, advance } = manualClock()
    const batcher = createBatcher<string>({ min: 5, max: 100 }, () => {}, clock)
    // Two files of one plugin saved together, and a change that does not compile.
    const entry = batcher.join('counter/index.ts', 1)
    const helper = batcher.join('counter/format.ts', 2)
    const broken = batcher.join('notes/index.ts', 3)
    broken.withdraw()
    helper.validated(['counter'], ['format.ts', 'shared.ts'])
    entry.validated(['counter'], ['index.ts', 'shared.ts'])
    const carried = Promise.all([entry.ready, helper.ready, broken.ready])
    await advance(100)
    expect(await carried).toEqual([['index.ts', 'shared.ts', 'format.ts'], [], []])
  })

  it('a withdrawn first change does not carry: the first change that is in does', async () => {
    const { clock, advance } = manualClock()
    const batcher = createBatcher<string>({ min: 5, max: 100 }, () => {}, clock)
    const first = batcher.join('a.ts', 1)
    const second = batcher.join('b.ts', 2)
    first.withdraw()
    second.validated(['b'], ['b.ts'])
    const carried = Promise.all([first.ready, second.ready])
    await advance(100)
    expect(await carried).toEqual([[], ['b.ts']])
  })

  it('a batch open for max takes no more changes while one is still checked; when it closes, the next batch stays open', async () => {
    const { batcher, batches, advance } = setup()
    const slow = batcher.join('a.ts', 1)
    await advance(100) // the first batch is due, and still waits for its check
    const b = batcher.join('b.ts', 2) // exactly max after it opened: the next batch
    b.validated(['b'])
    slow.validated(['a'])
    await advance(0)
    expect(batches).toEqual([{ id: 1, files: ['a.ts'], plugins: ['a'], timestamp: 1 }])
    const c = batcher.join('c.ts', 3) // joins b's batch, still open
    c.validated(['c'])
    await advance(100)
    expect(batches.slice(1)).toEqual([{ id: 2, files: ['b.ts', 'c.ts'], plugins: ['b', 'c'], timestamp: 2 }])
  })

  it('dispose drops the open batch: nothing is announced after it', async () => {
    const { batcher, batches, advance } = setup()
    batcher.join('a.ts', 1).validated(['a'])
    batcher.dispose()
    await advance(1000)
    expect(batches).toEqual([])
  })
})
