// A production host following a feed, in Node: the host starts from its build's plugin list, the
// feed is served from memory, and "verifying and importing" a chunk hands back an in-memory module
// by its URL (the browser's part, browser/verified-import.ts, is tested end to end in e2e/feed.spec.ts).
import { describe, expect, it } from 'vitest'
import { createPluginHost } from '../../src/host/host.js'
import type { PluginModule } from '../../src/host/types.js'
import type { FeedPlugin } from '../../src/protocol/index.js'
import { ChunkLoadError } from '../../src/sources/feed/feed-source.js'
import { follow } from '../../src/sources/feed/follow.js'
import type { ResolvedFeedPlugin } from '../../src/sources/feed/feed-manifest.js'
import { memoryLogger, recordEvents } from '../helpers.js'
import { fakeTimers } from '../sources/feed/fake-tabs.js'

const ORIGIN = 'https://app.example.com'
const FEED = `${ORIGIN}/hot-plugins.json`
const SRI = `sha384-${'A'.repeat(64)}`
/** A check that applied a feed and changed nothing: each test spreads it and sets what it expects. */
const NOTHING = { status: 'applied', updated: [], added: [], removed: [], rolledBack: [], failed: [], refused: [], waiting: [], pending: [] }

/** A counter plugin: its state is its count, its version names its label. */
function counter(label: string, extra: Partial<PluginModule> = {}): PluginModule & { read(): string; click(): void } {
  let count = 0
  let shown = ''
  const render = () => void (shown = `${label}: ${count}`)
  return {
    meta: { version: label },
    activate: () => render(),
    getReloadState: () => ({ count }),
    setReloadState: (state: { count: number }) => void ((count = state.count), render()),
    read: () => shown,
    click: () => void (count++, render()),
    ...extra,
  }
}

/** A deploy: each plugin's chunk URL names the module a load of it gives. */
function site(base = `${ORIGIN}/`) {
  const modules = new Map<string, PluginModule>()
  const refused = new Set<string>()
  const unavailable = new Set<string>()
  const loads: string[] = []
  let text = ''
  let etag = 0
  const served = { ok: 0, notModified: 0 }
  const publish = (plugins: { id: string; url: string; module?: PluginModule; dependsOn?: string[] }[]) => {
    for (const p of plugins) if (p.module) modules.set(`${base}${p.url}`, p.module)
    const listed: FeedPlugin[] = plugins.map((p) => ({ id: p.id, file: `src/plugins/${p.id}/index.ts`, url: p.url, integrity: SRI, imports: [], ...(p.dependsOn ? { dependsOn: p.dependsOn } : {}) }))
    text = JSON.stringify({ format: 1, plugins: listed })
    etag++
  }
  const load = async (plugin: ResolvedFeedPlugin): Promise<PluginModule> => {
    loads.push(plugin.url)
    if (refused.has(plugin.url)) throw new ChunkLoadError(`plugin "${plugin.id}": its chunk ${plugin.url} does not match its integrity`, true)
    if (unavailable.has(plugin.url)) throw new ChunkLoadError(`plugin "${plugin.id}": its chunk ${plugin.url} could not be loaded (HTTP 404)`, false)
    return modules.get(plugin.url)!
  }
  const fetchFeed = async (_url: string, headers: Record<string, string>) => {
    const tag = `"${etag}"`
    const notModified = headers['If-None-Match'] === tag
    served[notModified ? 'notModified' : 'ok']++
    return { status: notModified ? 304 : 200, ok: !notModified, headers: { get: (name: string) => (name === 'etag' ? tag : null) }, text: async () => text }
  }
  return { modules, refused, unavailable, loads, served, publish, load, fetchFeed, setText: (raw: string) => void ((text = raw), etag++) }
}

/** The usual start: a site that publishes plugin `a` (a counter, `a1`), and an app that follows it. */
async function startWithA() {
  const deploy = site()
  const a = counter('a1')
  deploy.publish([{ id: 'a', url: 'assets/a-1.js', module: a }])
  const app = await startApp({ a }, deploy)
  return { deploy, a, app }
}

async function startApp(initial: Record<string, PluginModule>, deploy: ReturnType<typeof site>) {
  const { logger, lines } = memoryLogger()
  const host = createPluginHost({ logger })
  const events = recordEvents(host)
  await host.start(Object.entries(initial).map(([id, module]) => ({ id, file: `src/plugins/${id}/index.ts`, load: async () => module })))
  const timers = fakeTimers()
  const feed = followOne(host, deploy, timers)
  await timers.settle()
  return { host, events, lines, feed, timers }
}

function followOne(host: ReturnType<typeof createPluginHost>, deploy: ReturnType<typeof site>, timers: ReturnType<typeof fakeTimers>, feedUrl = FEED) {
  return follow(host, {
    feedUrl,
    fetchFeed: deploy.fetchFeed,
    load: deploy.load,
    timers,
    random: () => 0.5,
    intervalMs: 60_000,
    hiddenIntervalMs: 300_000,
    jitter: 0.2,
    maxBytes: 100_000,
    retry: { initialDelayMs: 5_000, maxDelayMs: 60_000 },
    checkTimeoutMs: 30_000,
    settleTimeoutMs: 60_000,
  })
}

describe('a production host following a feed', () => {
  it('the page runs the feed\'s versions already: the first check swaps nothing', async () => {
    const { deploy, a, app } = await startWithA()
    expect(await app.feed.check()).toEqual({ status: 'unchanged' })
    expect(deploy.served).toEqual({ ok: 1, notModified: 1 })
    expect(app.events.filter((e) => e.type.startsWith('reload'))).toEqual([])
  })

  it('swaps changed plugins in one batch, dependencies first, each with its state', async () => {
    const deploy = site()
    const theme = counter('theme1')
    const notes = counter('notes1', { meta: { dependsOn: ['theme'] } })
    deploy.publish([{ id: 'notes', url: 'assets/notes-1.js', module: notes, dependsOn: ['theme'] }, { id: 'theme', url: 'assets/theme-1.js', module: theme }])
    const app = await startApp({ theme, notes }, deploy)
    notes.click()
    notes.click()
    const notes2 = counter('notes2', { meta: { dependsOn: ['theme'] } })
    const theme2 = counter('theme2')
    deploy.publish([{ id: 'notes', url: 'assets/notes-2.js', module: notes2, dependsOn: ['theme'] }, { id: 'theme', url: 'assets/theme-2.js', module: theme2 }])
    expect(await app.feed.check()).toMatchObject({ status: 'applied', updated: ['notes', 'theme'], added: [], removed: [] })
    expect(notes2.read()).toBe('notes2: 2')
    const completed = app.events.filter((e) => e.type === 'reload-completed').map((e) => [e.payload.id, e.payload.batch, e.payload.stateKept, e.payload.source])
    expect(completed).toEqual([['theme', 1, true, 'feed'], ['notes', 1, true, 'feed']])
  })

  it('a chunk refused by its integrity: the old version runs on, reported once, never tried again', async () => {
    const { deploy, a, app } = await startWithA()
    a.click()
    deploy.publish([{ id: 'a', url: 'assets/a-2.js', module: counter('a2') }])
    deploy.refused.add(`${ORIGIN}/assets/a-2.js`)
    await app.feed.check()
    const failed = app.events.filter((e) => e.type === 'reload-failed')
    expect(failed.map((e) => [e.payload.id, e.payload.outcome, e.payload.source, e.payload.error.message])).toEqual([
      ['a', 'kept-old', 'feed', expect.stringContaining('does not match its integrity')],
    ])
    expect(a.read()).toBe('a1: 1')
    deploy.setText(JSON.stringify(JSON.parse(JSON.stringify({ format: 1, plugins: [{ id: 'a', file: 'src/plugins/a/index.ts', url: 'assets/a-2.js', integrity: SRI, imports: [] }] }))))
    await app.feed.check()
    expect(app.events.filter((e) => e.type === 'reload-failed')).toHaveLength(1)
    expect(deploy.loads.filter((url) => url.endsWith('a-2.js'))).toHaveLength(1)
  })

  it('a chunk that could not be fetched: reported once, fetched again with backoff, quietly, and swapped in once it loads', async () => {
    const { deploy, a, app } = await startWithA()
    a.click()
    const a2 = counter('a2')
    deploy.publish([{ id: 'a', url: 'assets/a-2.js', module: a2 }])
    deploy.unavailable.add(`${ORIGIN}/assets/a-2.js`)
    expect(await app.feed.check()).toEqual({ ...NOTHING, waiting: [{ id: 'a', error: expect.objectContaining({ message: expect.stringContaining('HTTP 404') }) }] })
    const fetches = () => deploy.loads.filter((url) => url.endsWith('a-2.js')).length
    const afterCheck = fetches()
    // Retries after 5 s, then 10 s, then 20 s: still failing, never reported again.
    await app.timers.advance(5_000 + 10_000 + 20_000)
    expect(fetches()).toBe(afterCheck + 3)
    expect(app.events.filter((e) => e.type === 'reload-failed')).toHaveLength(1)
    expect(a.read()).toBe('a1: 1')
    deploy.unavailable.clear()
    await app.timers.advance(40_000)
    expect(a2.read()).toBe('a2: 1')
    expect(app.events.filter((e) => e.type === 'reload-completed').map((e) => e.payload.id)).toEqual(['a'])
    // Nothing more to fetch again.
    const settled = fetches()
    await app.timers.advance(600_000)
    expect(fetches()).toBe(settled)
  })

  it('a plugin new in the feed whose chunk could not be fetched starts once it loads', async () => {
    const { deploy, a, app } = await startWithA()
    const c = counter('c1')
    deploy.publish([{ id: 'a', url: 'assets/a-1.js' }, { id: 'c', url: 'assets/c-1.js', module: c }])
    deploy.unavailable.add(`${ORIGIN}/assets/c-1.js`)
    expect(await app.feed.check()).toEqual({ ...NOTHING, waiting: [{ id: 'c', error: expect.objectContaining({ message: expect.stringContaining('HTTP 404') }) }] })
    expect(app.host.get('c')?.status).toBe('failed')
    deploy.unavailable.clear()
    await app.timers.advance(5_000)
    expect(c.read()).toBe('c1: 0')
    expect(app.host.get('c')?.status).toBe('idle')
  })

  it('a version whose activate throws is rolled back to the old one, with its state', async () => {
    const { deploy, a, app } = await startWithA()
    a.click()
    deploy.publish([{ id: 'a', url: 'assets/a-2.js', module: counter('a2', { activate: () => { throw new Error('a2 cannot start') } }) }])
    await app.feed.check()
    expect(app.events.filter((e) => e.type === 'reload-failed').map((e) => e.payload.error.message)).toEqual([expect.stringContaining('a2 cannot start')])
    expect(a.read()).toBe('a1: 1')
    expect(app.host.get('a')?.status).not.toBe('failed')
  })

  it('a page opened on a broken deploy takes the fix, then every later deploy, each check resolving, the polling going on', async () => {
    const deploy = site()
    const broken = counter('a1', { activate: () => { throw new Error('a1 cannot start') } })
    deploy.publish([{ id: 'a', url: 'assets/a-1.js', module: broken }])
    const app = await startApp({ a: broken }, deploy)
    expect(app.host.get('a')?.status).toBe('failed')
    const a2 = counter('a2')
    deploy.publish([{ id: 'a', url: 'assets/a-2.js', module: a2 }])
    expect(await app.feed.check()).toEqual({ ...NOTHING, updated: ['a'] })
    expect(a2.read()).toBe('a2: 0')
    a2.click()
    const a3 = counter('a3')
    deploy.publish([{ id: 'a', url: 'assets/a-3.js', module: a3 }])
    expect(await app.feed.check()).toEqual({ ...NOTHING, updated: ['a'] })
    expect(a3.read()).toBe('a3: 1')
    // The follower checks on by itself: the next deploy arrives without a check().
    const a4 = counter('a4')
    deploy.publish([{ id: 'a', url: 'assets/a-4.js', module: a4 }])
    await app.timers.advance(72_000)
    expect(a4.read()).toBe('a4: 1')
    const swaps = app.events.filter((e) => e.type.startsWith('reload-'))
    expect(swaps.filter((e) => e.payload.source !== 'feed')).toEqual([])
  })

  it('a version whose activate throws: check() says rolled back, with the error, never updated', async () => {
    const { deploy, a, app } = await startWithA()
    a.click()
    deploy.publish([{ id: 'a', url: 'assets/a-2.js', module: counter('a2', { activate: () => { throw new Error('a2 cannot start') } }) }])
    expect(await app.feed.check()).toEqual({
      ...NOTHING,
      rolledBack: [{ id: 'a', error: expect.objectContaining({ message: 'plugin "a" (src/plugins/a/index.ts): activate() threw: a2 cannot start' }) }],
    })
    expect(a.read()).toBe('a1: 1')
  })

  it('a batch-mate of a version that throws: rolled back too, saying which one failed', async () => {
    const deploy = site()
    const a = counter('a1')
    const b = counter('b1')
    deploy.publish([{ id: 'a', url: 'assets/a-1.js', module: a }, { id: 'b', url: 'assets/b-1.js', module: b }])
    const app = await startApp({ a, b }, deploy)
    deploy.publish([
      { id: 'a', url: 'assets/a-2.js', module: counter('a2', { activate: () => { throw new Error('a2 cannot start') } }) },
      { id: 'b', url: 'assets/b-2.js', module: counter('b2') },
    ])
    expect(await app.feed.check()).toEqual({
      ...NOTHING,
      rolledBack: [
        { id: 'a', error: expect.objectContaining({ message: expect.stringContaining('a2 cannot start') }) },
        { id: 'b', error: expect.objectContaining({ message: 'plugin "b" (src/plugins/b/index.ts): its new version was rolled back with its deploy: "a" failed; the previous version runs, with its state' }) },
      ],
    })
    expect(b.read()).toBe('b1: 0')
  })

  it('a chunk that could not be fetched: check() says waiting, with why, never updated; no word of Vite', async () => {
    const { deploy, app } = await startWithA()
    deploy.publish([{ id: 'a', url: 'assets/a-2.js', module: counter('a2') }])
    deploy.unavailable.add(`${ORIGIN}/assets/a-2.js`)
    expect(await app.feed.check()).toEqual({
      ...NOTHING,
      waiting: [{ id: 'a', error: expect.objectContaining({ message: `plugin "a": its chunk ${ORIGIN}/assets/a-2.js could not be loaded (HTTP 404)` }) }],
    })
    const failed = app.events.filter((e) => e.type === 'reload-failed').map((e) => e.payload.error.message)
    expect(failed).toEqual([`plugin "a" (src/plugins/a/index.ts): its new version could not be loaded; the previous version keeps running: plugin "a": its chunk ${ORIGIN}/assets/a-2.js could not be loaded (HTTP 404)`])
    expect(app.lines.map((l) => l.message).join('\n')).not.toContain('Vite')
  })

  it('a chunk refused by its integrity: check() says refused, with why, never updated', async () => {
    const { deploy, app } = await startWithA()
    deploy.publish([{ id: 'a', url: 'assets/a-2.js', module: counter('a2') }])
    deploy.refused.add(`${ORIGIN}/assets/a-2.js`)
    expect(await app.feed.check()).toEqual({
      ...NOTHING,
      refused: [{ id: 'a', error: expect.objectContaining({ message: `plugin "a": its chunk ${ORIGIN}/assets/a-2.js does not match its integrity`, refused: true }) }],
    })
  })

  it('a plugin new in the feed whose activate throws is not added: it failed, with the error', async () => {
    const { deploy, app } = await startWithA()
    deploy.publish([{ id: 'a', url: 'assets/a-1.js' }, { id: 'c', url: 'assets/c-1.js', module: counter('c1', { activate: () => { throw new Error('c1 cannot start') } }) }])
    expect(await app.feed.check()).toEqual({
      ...NOTHING,
      failed: [{ id: 'c', error: expect.objectContaining({ message: 'plugin "c" (src/plugins/c/index.ts): activate() threw: c1 cannot start' }) }],
    })
  })

  it('a swap that never ends: check() resolves after its time, naming it pending, and the next check runs', async () => {
    const { deploy, app } = await startWithA()
    deploy.publish([{ id: 'a', url: 'assets/a-2.js', module: counter('a2', { activate: () => new Promise<never>(() => {}) }) }])
    const checked = app.feed.check()
    await app.timers.advance(60_000)
    expect(await checked).toEqual({ ...NOTHING, pending: ['a'] })
    expect(await app.feed.check()).toEqual({ status: 'unchanged' })
  })

  it('starts a plugin new in the feed, stops one gone from it', async () => {
    const deploy = site()
    const a = counter('a1')
    const b = counter('b1')
    deploy.publish([{ id: 'a', url: 'assets/a-1.js', module: a }, { id: 'b', url: 'assets/b-1.js', module: b }])
    const app = await startApp({ a, b }, deploy)
    const c = counter('c1')
    deploy.publish([{ id: 'a', url: 'assets/a-1.js' }, { id: 'c', url: 'assets/c-1.js', module: c }])
    expect(await app.feed.check()).toEqual({ ...NOTHING, added: ['c'], removed: ['b'] })
    expect(app.host.plugins().map((p) => p.id).sort()).toEqual(['a', 'c'])
    expect(c.read()).toBe('c1: 0')
  })

  it('a malformed feed is refused with a message; the plugins keep running', async () => {
    const { deploy, a, app } = await startWithA()
    deploy.setText(JSON.stringify({ format: 1, plugins: [{ id: 'a', file: 'src/plugins/a/index.ts', url: 'https://cdn.evil.example/a.js', integrity: SRI, imports: [] }] }))
    expect(await app.feed.check()).toMatchObject({ status: 'failed', error: { message: expect.stringContaining('leads out of the feed\'s folder') } })
    deploy.setText('<html>not json</html>')
    expect(await app.feed.check()).toMatchObject({ status: 'failed', error: { message: expect.stringContaining('is not JSON') } })
    expect(app.lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      expect.stringMatching(/leads out of the feed's folder .*; the feed is refused, the plugins keep running what they run$/),
      expect.stringMatching(/is not JSON .*; the feed is refused/),
    ])
    expect(app.host.get('a')?.status).toBe('idle')
  })

  it("follows several feeds: the app's own and a plugin project's, each changing only its own plugins", async () => {
    const own = site()
    const a = counter('a1')
    own.publish([{ id: 'a', url: 'assets/a-1.js', module: a }])
    const app = await startApp({ a }, own)
    const remote = site(`${ORIGIN}/charts/`)
    const chart = counter('chart1')
    remote.publish([{ id: 'chart', url: 'assets/chart-1.js', module: chart }])
    const charts = followOne(app.host, remote, app.timers, `${ORIGIN}/charts/hot-plugins.json`)
    await app.timers.settle()
    await expect.poll(() => chart.read()).toBe('chart1: 0')
    chart.click()
    const chart2 = counter('chart2')
    remote.publish([{ id: 'chart', url: 'assets/chart-2.js', module: chart2 }])
    expect(await charts.check()).toMatchObject({ status: 'applied', updated: ['chart'], removed: [] })
    expect(chart2.read()).toBe('chart2: 1')
    // The app's own feed knows nothing of the chart plugin: it neither stops nor swaps it.
    expect(await app.feed.check()).toEqual({ status: 'unchanged' })
    const a2 = counter('a2')
    own.publish([{ id: 'a', url: 'assets/a-2.js', module: a2 }])
    expect(await app.feed.check()).toMatchObject({ status: 'applied', updated: ['a'], removed: [] })
    expect(app.host.plugins().map((p) => [p.id, p.version])).toEqual([['a', 'a2'], ['chart', 'chart2']])
  })
})
