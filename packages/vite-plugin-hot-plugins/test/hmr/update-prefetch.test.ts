import { afterEach, describe, expect, it, vi } from 'vitest'
import { createUpdatePrefetch, PREFETCH_MAX_MODULES } from '../../src/hmr/update-prefetch.js'

/** A prefetch unit under base `/app/`, with what it sent to the pages. */
function setup(holdMs = 1000) {
  const sent: string[][] = []
  const prefetch = createUpdatePrefetch({ base: '/app/', send: (urls) => sent.push(urls), holdMs })
  /** The answer a request gets, or 'not held' when it goes on as any request. */
  const answerOf = async (url: string) => (await prefetch.held(url)) ?? 'not held'
  return { prefetch, sent, answerOf }
}

const update = (timestamp: number) => ({ type: 'update' as const, updates: [{ type: 'js-update' as const, path: '/registry', acceptedPath: '/src/a.ts', timestamp }] })

afterEach(() => void vi.useRealTimers())

describe('createUpdatePrefetch', () => {
  it("tells the pages the URLs of a save's coming update, and holds their requests until Vite sends it", async () => {
    const { prefetch, sent, answerOf } = setup()
    prefetch.announce(42, ['/src/plugins/a/index.ts', '/src/plugins/a/format.ts'])
    expect(sent).toEqual([['/app/src/plugins/a/index.ts?t=42', '/app/src/plugins/a/format.ts?t=42']])

    let answered: string | undefined
    void prefetch.held('/src/plugins/a/index.ts?t=42')!.then((answer) => (answered = answer))
    prefetch.handled(42, true)
    await Promise.resolve()
    expect(answered).toBeUndefined() // the hook returned; Vite has not sent the update yet
    prefetch.observed(update(42))
    await Promise.resolve()
    expect(answered).toBe('module')
    // Served once: later requests of that URL are any request.
    expect(await answerOf('/src/plugins/a/format.ts?t=42')).toBe('not held')
  })

  it('serves them too once the update went out by another way (to the hosts of exposed plugins)', async () => {
    const { prefetch } = setup()
    prefetch.announce(9, ['/src/plugins/a/index.ts'])
    const held = prefetch.held('/src/plugins/a/index.ts?t=9')!
    prefetch.handled(9, true)
    prefetch.sent(9)
    expect(await held).toBe('module')
  })

  it('answers with the empty module a save that sends no update of its own (refused, overtaken, carried by another change)', async () => {
    const { prefetch, answerOf } = setup()
    prefetch.announce(7, ['/src/plugins/a/index.ts'])
    const held = answerOf('/src/plugins/a/index.ts?t=7')
    prefetch.handled(7, false)
    expect(await held).toBe('empty')
    // A tab whose prefetch comes late gets it too, without a transform of the refused file.
    expect(await answerOf('/src/plugins/a/index.ts?t=7')).toBe('empty')
    // An update with that timestamp can no longer change it.
    prefetch.observed(update(7))
    expect(await answerOf('/src/plugins/a/index.ts?t=7')).toBe('empty')
  })

  it('holds nothing else: other timestamps, other files, and requests once the empty answer is old', async () => {
    vi.useFakeTimers()
    const { prefetch, answerOf } = setup(1000)
    prefetch.announce(7, ['/src/plugins/a/index.ts'])
    expect(await answerOf('/src/plugins/a/index.ts?t=8')).toBe('not held')
    expect(await answerOf('/src/plugins/a/index.ts')).toBe('not held')
    expect(await answerOf('/src/plugins/b/index.ts?t=7')).toBe('not held')
    prefetch.handled(7, false)
    await vi.advanceTimersByTimeAsync(1000)
    expect(await answerOf('/src/plugins/a/index.ts?t=7')).toBe('not held')
  })

  it('gives up on an update that never comes: the empty module after the hold time', async () => {
    vi.useFakeTimers()
    const { prefetch } = setup(1000)
    prefetch.announce(7, ['/src/plugins/a/index.ts'])
    const held = prefetch.held('/src/plugins/a/index.ts?t=7')!
    prefetch.handled(7, true)
    await vi.advanceTimersByTimeAsync(999)
    let answered: string | undefined
    void held.then((answer) => (answered = answer))
    await Promise.resolve()
    expect(answered).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(answered).toBe('empty')
  })

  it(`fetches up to ${PREFETCH_MAX_MODULES} modules ahead, only those imported by their plain URL, and nothing for a save announced twice`, () => {
    const { prefetch, sent } = setup()
    const entries = Array.from({ length: PREFETCH_MAX_MODULES }, (_, i) => `/src/plugins/p${i}/index.ts`)
    prefetch.announce(1, ['/src/plugins/a/style.css', '/src/plugins/a/Panel.vue?vue&type=style', 'virtual:x', ...entries, entries[0]!])
    expect(sent).toEqual([entries.map((url) => `/app${url}?t=1`)])
    prefetch.announce(1, ['/src/plugins/q/index.ts'])
    prefetch.announce(2, ['/src/plugins/a/style.css'])
    expect(sent).toHaveLength(1)
  })

  it(`fetches nothing ahead for an update of more than ${PREFETCH_MAX_MODULES} modules: most of its fetch comes after it anyway`, () => {
    const { prefetch, sent } = setup()
    const entries = Array.from({ length: PREFETCH_MAX_MODULES + 1 }, (_, i) => `/src/plugins/p${i}/index.ts`)
    prefetch.announce(1, entries)
    expect(sent).toEqual([])
    expect(prefetch.held(`${entries[0]}?t=1`)).toBeUndefined()
  })

  it('answers what it holds with the empty module when the dev server closes', async () => {
    const { prefetch } = setup()
    prefetch.announce(3, ['/src/plugins/a/index.ts'])
    const held = prefetch.held('/src/plugins/a/index.ts?t=3')!
    prefetch.dispose()
    expect(await held).toBe('empty')
  })
})
