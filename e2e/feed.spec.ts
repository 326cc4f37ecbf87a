import { readdir, readFile, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { buildVariant, followTheFeed, startFeedSite } from './feed-site'
import { copyPlayground, tempFolder, type PlaygroundCopy } from './playground'

// One build of each version, into the same site (a deploy keeps the old assets); each test opens
// the page of v1 and deploys a feed.
let copy: PlaygroundCopy
let site: Awaited<ReturnType<typeof startFeedSite>>

const GREETER = `export const meta = { version: '1.0.0' }
export function activate(ctx: { panel: HTMLElement; setTitle(title: string): void }) {
  ctx.setTitle('Greeter')
  const text = document.createElement('p')
  text.dataset.testid = 'greeter-text'
  text.textContent = 'Hello from the feed'
  ctx.panel.append(text)
  return () => ctx.panel.replaceChildren()
}
`

test.beforeAll(async () => {
  test.setTimeout(180_000)
  copy = await copyPlayground('feed')
  await followTheFeed(copy)
  const counter = 'src/plugins/counter/index.ts'
  const v1 = await buildVariant(copy, 'v1')
  // v4: a plugin added, one removed, the rest as in v1.
  const clockFolder = path.join(copy.root, 'src/plugins/clock')
  await copy.write('src/plugins/greeter/index.ts', GREETER)
  await rename(clockFolder, path.join(copy.root, 'clock-aside'))
  const v4 = await buildVariant(copy, 'v4')
  await rename(path.join(copy.root, 'src/plugins/greeter'), path.join(copy.root, 'greeter-aside'))
  await rename(path.join(copy.root, 'clock-aside'), clockFolder)
  // v2: the counter changed.
  await copy.edit(counter, "const label = 'Count'", "const label = 'Taps'")
  await copy.edit(counter, "version: '1.0.0'", "version: '1.1.0'")
  await copy.write('src/plugins/counter/counter.css', '[data-testid="counter-label"] { letter-spacing: 7px; }\n')
  await copy.edit(counter, "import { formatCount } from './format'", "import { formatCount } from './format'\nimport './counter.css'")
  const v2 = await buildVariant(copy, 'v2')
  // v3: the counter's activate throws.
  await copy.edit(counter, "ctx.setTitle('Counter')", "ctx.setTitle('Counter')\n  if (count >= 0) throw new Error('v3 cannot start')")
  await copy.edit(counter, "version: '1.1.0'", "version: '1.2.0'")
  const v3 = await buildVariant(copy, 'v3')
  site = await startFeedSite(tempFolder('feed-site'), { v1, v2, v3, v4 }, 'v1')
})

test.afterAll(async () => {
  await site?.close()
  await rm(tempFolder('feed-site'), { recursive: true, force: true })
  await copy?.remove()
})

/** Opens the page of v1 (its own feed deployed), counts to 3, marks the window; records failures and CSP violations. */
async function openV1(page: Page, query = ''): Promise<void> {
  await site.deploy('v1')
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] }
    w.cspViolations = []
    document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`))
  })
  await page.goto(`${site.url}${query}`)
  await page.waitForFunction(() => 'feed' in window)
  await page.evaluate(() => {
    const w = window as unknown as { failures: string[]; marker: string; pluginHost: { on(e: string, f: (p: { error: Error }) => void): void } }
    w.failures = []
    w.marker = 'v1 page'
    w.pluginHost.on('reload-failed', (e) => w.failures.push(e.error.message))
  })
  for (let i = 0; i < 3; i++) await page.getByTestId('counter-button').click()
  await expect(page.getByTestId('counter-value')).toHaveText('3 clicks')
}

/** What `feed.check()` resolves to, each plugin's error as its message. */
const checkResult = (page: Page) =>
  page.evaluate(async () => {
    const result = (await (window as unknown as { feed: { check(): Promise<Record<string, unknown>> } }).feed.check()) as Record<string, unknown>
    const plain = (value: unknown) => (Array.isArray(value) ? value.map((v: { id?: string; error?: Error }) => (v?.error ? { id: v.id, error: v.error.message } : v)) : value)
    return Object.fromEntries(Object.entries(result).map(([key, value]) => [key, plain(value)]))
  })
/** A check that applied a feed and changed nothing: each test spreads it and sets what it expects. */
const NOTHING = { status: 'applied', updated: [], added: [], removed: [], rolledBack: [], failed: [], refused: [], waiting: [], pending: [] }
const check = (page: Page) => page.evaluate(() => (window as unknown as { feed: { check(): Promise<unknown> } }).feed.check())
const marker = (page: Page) => page.evaluate(() => (window as unknown as { marker?: string }).marker)
const failures = (page: Page) => page.evaluate(() => (window as unknown as { failures: string[] }).failures)
const reloadCounts = (page: Page) =>
  page.evaluate(() => (window as unknown as { pluginHost: { plugins(): { id: string; reloadCount: number }[] } }).pluginHost.plugins().map((p) => `${p.id}:${p.reloadCount}`))

test('the build that follows a feed holds the engine, and none of Vite\'s HMR, the devtools or IndexedDB', async () => {
  const assets = path.join(copy.root, 'dist-v1/assets')
  const code = (await Promise.all((await readdir(assets)).filter((f) => f.endsWith('.js')).map((f) => readFile(path.join(assets, f), 'utf8')))).join('\n')
  expect(code).toContain('does not match its integrity')
  for (const marker of ['hot-plugins:update', 'vite:beforeUpdate', 'import.meta.hot', '/@vite/client', 'hot-plugins-devtools', 'indexedDB']) {
    expect(code, `build output contains ${JSON.stringify(marker)}`).not.toContain(marker)
  }
})

test('a new version in the feed is verified and swapped in with its state, without a page reload', async ({ page }) => {
  const v1Counter = `/${path.relative(tempFolder('feed-site'), await site.chunkOf('v1', 'counter'))}`
  const fetchesOfV1 = () => site.served.filter((s) => s.path === v1Counter).length
  const before = fetchesOfV1()
  await openV1(page)
  // The first check found the page's own build: nothing swapped, and no chunk the page has fetched again.
  expect((await reloadCounts(page)).every((entry) => entry.endsWith(':0'))).toBe(true)
  expect(fetchesOfV1()).toBe(before + 1)
  await site.deploy('v2')
  expect(await check(page)).toMatchObject({ status: 'applied', updated: ['counter'], added: [], removed: [] })
  await expect(page.getByTestId('counter-label')).toHaveText('Taps')
  await expect(page.getByTestId('counter-value')).toHaveText('3 clicks')
  // Its new stylesheet, verified too, came with it.
  await expect(page.getByTestId('counter-label')).toHaveCSS('letter-spacing', '7px')
  expect(await marker(page)).toBe('v1 page')
  expect(await page.evaluate(() => (window as unknown as { pluginHost: { get(id: string): { version?: string } } }).pluginHost.get('counter')?.version)).toBe('1.1.0')
  await page.getByTestId('counter-button').click()
  await expect(page.getByTestId('counter-value')).toHaveText('4 clicks')
  // Nothing changed since: a conditional request, answered 304.
  const notModified = site.served.filter((s) => s.path === '/hot-plugins.json' && s.status === 304).length
  expect(await check(page)).toEqual({ status: 'unchanged' })
  expect(site.served.filter((s) => s.path === '/hot-plugins.json' && s.status === 304).length).toBe(notModified + 1)
  expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([])
})

test('a tampered chunk is refused before any of it runs; the old version runs on', async ({ page }) => {
  const chunk = await site.chunkOf('v2', 'counter')
  const published = await readFile(chunk, 'utf8')
  await site.write(chunk, `${published};window.tampered = true\n`)
  try {
    await openV1(page)
    await site.deploy('v2')
    await check(page)
    expect(await failures(page)).toEqual([expect.stringMatching(/counter.*does not match its integrity.*refused before any of it ran/)])
    expect(await page.evaluate(() => (window as unknown as { tampered?: boolean }).tampered)).toBeUndefined()
    await expect(page.getByTestId('counter-label')).toHaveText('Count')
    await page.getByTestId('counter-button').click()
    await expect(page.getByTestId('counter-value')).toHaveText('4 clicks')
    expect(await marker(page)).toBe('v1 page')
  } finally {
    await site.write(chunk, published)
  }
})

test('a chunk that cannot be fetched: reported, the old version runs on, swapped in once it can be', async ({ page }) => {
  const chunk = await site.chunkOf('v2', 'counter')
  const published = await readFile(chunk, 'utf8')
  await rm(chunk)
  try {
    await openV1(page)
    await site.deploy('v2')
    expect(await checkResult(page)).toEqual({
      ...NOTHING,
      waiting: [{ id: 'counter', error: expect.stringMatching(/^plugin "counter" \(src\/plugins\/counter\/index\.ts\): its chunk http:\/\/localhost:\d+\/assets\/counter-[\w-]+\.js could not be loaded \(HTTP 404\); it is tried again later$/) }],
    })
    expect(await failures(page)).toEqual([expect.stringMatching(/counter.*could not be loaded \(HTTP 404\); it is tried again later/)])
    await expect(page.getByTestId('counter-label')).toHaveText('Count')
  } finally {
    await site.write(chunk, published)
  }
  // Fetched again after about 5 s, without a new check of the feed.
  await expect(page.getByTestId('counter-label')).toHaveText('Taps', { timeout: 15_000 })
  await expect(page.getByTestId('counter-value')).toHaveText('3 clicks')
  expect(await failures(page)).toHaveLength(1)
})

test('a version whose activate throws is rolled back, its state kept', async ({ page }) => {
  await openV1(page)
  await site.deploy('v3')
  expect(await checkResult(page)).toEqual({
    ...NOTHING,
    rolledBack: [{ id: 'counter', error: 'plugin "counter" (src/plugins/counter/index.ts): activate() threw: v3 cannot start' }],
  })
  expect(await failures(page)).toEqual([expect.stringContaining('v3 cannot start')])
  await expect(page.getByTestId('counter-label')).toHaveText('Count')
  await page.getByTestId('counter-button').click()
  await expect(page.getByTestId('counter-value')).toHaveText('4 clicks')
  expect(await marker(page)).toBe('v1 page')
})

test('a tab opened on a broken deploy gets the fix, and the next fix, and the polling goes on', async ({ page }) => {
  // Every swap event, from the host's creation on (the first check runs before the test could listen).
  await page.addInitScript(() => {
    const w = window as unknown as { swaps: string[]; pluginHost: unknown }
    w.swaps = []
    let host: unknown
    Object.defineProperty(window, 'pluginHost', {
      configurable: true,
      get: () => host,
      set(value: { on(event: string, listener: (e: { id: string; source?: string }) => void): void }) {
        host = value
        for (const event of ['reload-started', 'reload-completed', 'reload-failed', 'rolled-back']) value.on(event, (e) => w.swaps.push(`${event} ${e.id} ${e.source}`))
      },
    })
  })
  await site.page('v3')
  await site.deploy('v3')
  try {
    await page.goto(`${site.url}?interval=2000`)
    await page.waitForFunction(() => 'feed' in window)
    await expect(page.getByTestId('counter-button')).toHaveCount(0)
    await site.deploy('v2')
    expect(await checkResult(page)).toEqual({ ...NOTHING, updated: ['counter'] })
    await expect(page.getByTestId('counter-label')).toHaveText('Taps')
    await page.getByTestId('counter-button').click()
    await expect(page.getByTestId('counter-value')).toHaveText('1 clicks')
    await site.deploy('v1')
    expect(await checkResult(page)).toEqual({ ...NOTHING, updated: ['counter'] })
    await expect(page.getByTestId('counter-label')).toHaveText('Count')
    await expect(page.getByTestId('counter-value')).toHaveText('1 clicks')
    // No check() now: the follower checks on by itself, and brings the next deploy.
    await site.deploy('v4')
    await expect(page.getByTestId('greeter-text')).toHaveText('Hello from the feed', { timeout: 10_000 })
    const swaps = await page.evaluate(() => (window as unknown as { swaps: string[] }).swaps)
    expect(swaps.filter((line) => !line.endsWith(' feed'))).toEqual([])
    expect(swaps).toContain('reload-completed counter feed')
  } finally {
    await site.page('v1')
  }
})

test('a plugin new in the feed starts, a plugin gone from it stops', async ({ page }) => {
  await openV1(page)
  await expect(page.getByTestId('clock-ticks')).toBeVisible()
  await site.deploy('v4')
  expect(await check(page)).toMatchObject({ status: 'applied', added: ['greeter'], removed: ['clock'] })
  await expect(page.getByTestId('greeter-text')).toHaveText('Hello from the feed')
  await expect(page.getByTestId('clock-ticks')).toHaveCount(0)
  await expect(page.getByTestId('counter-value')).toHaveText('3 clicks')
  expect(await marker(page)).toBe('v1 page')
})

test('two tabs of one browser: one checks, both swap the new version in, each with its state', async ({ context }) => {
  const first = await context.newPage()
  await openV1(first)
  const feedRequests = () => site.served.filter((s) => s.path === '/hot-plugins.json').length
  const second = await context.newPage()
  const before = feedRequests()
  await openV1(second)
  await second.getByTestId('counter-button').click()
  // The second tab got the feed from the first, which holds the lock: it asked for nothing.
  expect(feedRequests()).toBe(before)
  await site.deploy('v2')
  expect(await check(first)).toMatchObject({ status: 'applied', updated: ['counter'] })
  await expect(first.getByTestId('counter-label')).toHaveText('Taps')
  await expect(second.getByTestId('counter-label')).toHaveText('Taps')
  await expect(second.getByTestId('counter-value')).toHaveText('4 clicks')
  await expect(first.getByTestId('counter-value')).toHaveText('3 clicks')
  expect(feedRequests()).toBe(before + 1)
  expect(await marker(second)).toBe('v1 page')
})

test('a deploy that deleted the old chunks: the running plugins keep working, the new version swaps in', async ({ page }) => {
  await openV1(page)
  const old = await site.chunkOf('v1', 'counter')
  const published = await readFile(old, 'utf8')
  await rm(old)
  try {
    await page.getByTestId('counter-button').click()
    await expect(page.getByTestId('counter-value')).toHaveText('4 clicks')
    await site.deploy('v2')
    expect(await check(page)).toMatchObject({ status: 'applied', updated: ['counter'] })
    await expect(page.getByTestId('counter-label')).toHaveText('Taps')
    await expect(page.getByTestId('counter-value')).toHaveText('4 clicks')
  } finally {
    await site.write(old, published)
  }
})

test('a feed of another origin listed in allowOrigins is followed: its version swaps in, verified, with state', async ({ page }) => {
  const other = site.otherOrigin
  await openV1(page, `?feed=${encodeURIComponent(`${other}/hot-plugins.json`)}&allow=${encodeURIComponent(other)}`)
  await site.deploy('v2')
  expect(await check(page)).toMatchObject({ status: 'applied', updated: ['counter'] })
  await expect(page.getByTestId('counter-label')).toHaveText('Taps')
  await expect(page.getByTestId('counter-value')).toHaveText('3 clicks')
  expect(site.served.filter((s) => s.host.startsWith('127.0.0.1') && s.path.endsWith('.js')).length).toBeGreaterThan(0)
  expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([])
})

test('a feed of another origin is refused, and never fetched', async ({ page }) => {
  const errors: string[] = []
  page.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())))
  const fromOtherOrigin = () => site.served.filter((s) => s.host.startsWith('127.0.0.1')).length
  const before = fromOtherOrigin()
  await openV1(page, `?feed=${encodeURIComponent(`${site.otherOrigin}/hot-plugins.json`)}`)
  expect(await check(page)).toMatchObject({ status: 'failed' })
  expect(errors).toContainEqual(expect.stringMatching(/\[hot-plugins\] followFeed: the feed .* is of another origin .* not in allowOrigins; refused/))
  expect(fromOtherOrigin()).toBe(before)
})
