import { readFile, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { buildVariant, cachedBuilds, followTheFeed, SITE_NONCE, startFeedSite } from '../feed-site'
import { copyPlayground, tempFolder } from '../playground'
import { expect, test } from './fixtures'
import type { EnginePage } from './engine-page'

// The feed's one promise, in every engine: no byte runs that the feed did not publish. Two builds
// into one site: v1 (the page), v2 (the counter changed, with a stylesheet and a chunk it shares
// with the clock). Each test opens v1, deploys v2 and checks, with a file of v2 changed on disk.
// The builds are made once for the three engines (cachedBuilds: the same sources, the same builds).
let site: Awaited<ReturnType<typeof startFeedSite>>
let siteFolder: string

test.beforeAll(async ({ engine }) => {
  test.setTimeout(240_000)
  const builds = await cachedBuilds(['v1', 'v2'], makeBuilds)
  siteFolder = tempFolder(`feed-engines-site-${engine}`)
  site = await startFeedSite(siteFolder, builds, 'v1', { nonce: true })
})

/** Builds v1 and v2 of the playground into `into/<name>`. */
async function makeBuilds(into: string): Promise<void> {
  const copy = await copyPlayground('feed-engines')
  try {
    await followTheFeed(copy)
    // Errors the page logs, recorded by the page itself (WebDriver has no console in every engine).
    await copy.edit(
      'src/main.ts',
      "import './style.css'",
      "import './style.css'\nconst consoleErrors: string[] = ((window as unknown as { consoleErrors: string[] }).consoleErrors = [])\nconst logError = console.error.bind(console)\nconsole.error = (...args: unknown[]) => { consoleErrors.push(args.map(String).join(' ')); logError(...args) }",
    )
    await copy.edit('vite.config.ts', 'server: { port: 5173 },', `server: { port: 5173 },\n  html: { cspNonce: '${SITE_NONCE}' },`)
    await rename(await buildVariant(copy, 'v1'), path.join(into, 'v1'))
    const counter = 'src/plugins/counter/index.ts'
    await copy.edit(counter, "const label = 'Count'", "const label = 'Taps'")
    await copy.edit(counter, "version: '1.0.0'", "version: '1.1.0'")
    await copy.write('src/plugins/counter/counter.css', '[data-testid="counter-label"] { letter-spacing: 7px; }\n')
    await copy.edit(counter, "import { formatCount } from './format'", "import { formatCount } from './format'\nimport './counter.css'")
    // The counter's format helper, shared with the clock: a chunk of its own that the counter imports.
    await copy.edit('src/plugins/clock/index.ts', "import type { PlaygroundContext } from '../../host/context'", "import type { PlaygroundContext } from '../../host/context'\nimport { formatCount } from '../counter/format'")
    await copy.edit('src/plugins/clock/index.ts', 'counter.textContent = `${ticks} ticks`', 'counter.textContent = `${ticks} ticks`\n    counter.title = formatCount(ticks)')
    await rename(await buildVariant(copy, 'v2'), path.join(into, 'v2'))
  } finally {
    await copy.remove()
  }
}

test.afterAll(async () => {
  await site?.close()
  if (siteFolder) await rm(siteFolder, { recursive: true, force: true })
})

interface PageState {
  label: string | undefined
  value: string | undefined
  letterSpacing: string | undefined
  marker: string | undefined
  tampered: boolean
  failures: string[]
  consoleErrors: string[]
}

/** What a person would look at, and what the bad code would have set. */
const state = (tab: EnginePage): Promise<PageState> =>
  tab.evaluate(() => {
    const w = window as unknown as { marker?: string; tampered?: boolean; failures: string[]; consoleErrors: string[] }
    const label = document.querySelector<HTMLElement>('[data-testid="counter-label"]')
    return {
      label: label?.textContent ?? undefined,
      value: document.querySelector('[data-testid="counter-value"]')?.textContent ?? undefined,
      letterSpacing: label ? getComputedStyle(label).letterSpacing : undefined,
      marker: w.marker,
      tampered: w.tampered === true,
      failures: w.failures,
      consoleErrors: w.consoleErrors,
    }
  })

/** `feed.check()`, its errors as their messages (each engine's driver hands errors back its own way). */
const check = (tab: EnginePage) =>
  tab.evaluate(async () => {
    const result = await (window as unknown as { feed: { check(): Promise<unknown> } }).feed.check()
    return JSON.parse(JSON.stringify(result, (_key, value: unknown) => (value instanceof Error ? value.message : value))) as Record<string, unknown>
  })

/** Opens v1 with its own feed deployed, once the first check has run; counts to 3 and marks the window. */
async function openV1(tab: EnginePage, query = ''): Promise<void> {
  await site.deploy('v1')
  await tab.goto(`${site.url}${query}`)
  await expect.poll(() => tab.evaluate(() => 'feed' in window && document.querySelector('[data-testid="counter-button"]') !== null)).toBe(true)
  // The first check, started by followFeed: done once a second one finds the feed unchanged.
  await expect.poll(() => check(tab).then((result) => result.status)).toBe('unchanged')
  await tab.evaluate(() => {
    const w = window as unknown as { failures: string[]; marker: string; pluginHost: { on(e: string, f: (p: { error: Error }) => void): void } }
    w.failures = []
    w.marker = 'v1 page'
    w.pluginHost.on('reload-failed', (e) => w.failures.push(e.error.message))
    for (let i = 0; i < 3; i++) document.querySelector<HTMLButtonElement>('[data-testid="counter-button"]')!.click()
  })
  await expect.poll(() => state(tab).then((s) => s.value)).toBe('3 clicks')
}

/** Replaces a file of the site for the length of `run`. */
async function withFile(file: string, content: (published: string) => string, run: () => Promise<void>): Promise<void> {
  const published = await readFile(file, 'utf8')
  await site.write(file, content(published))
  try {
    await run()
  } finally {
    await site.write(file, published)
  }
}

test('a production page loads with no error, no plugin waiting, and no chunk it runs fetched again', async ({ tab }) => {
  const counterChunk = `/${path.relative(siteFolder, await site.chunkOf('v1', 'counter'))}`
  const fetches = () => site.served.filter((s) => s.path === counterChunk).length
  const before = fetches()
  await openV1(tab)
  expect(fetches()).toBe(before + 1)
  const page = await state(tab)
  expect(page.consoleErrors).toEqual([])
  const statuses = await tab.evaluate(() => (window as unknown as { pluginHost: { plugins(): { id: string; status: string }[] } }).pluginHost.plugins().map((p) => p.status))
  // Every plugin at rest, running its version: none `waiting`, `failed` or `starting`.
  expect(new Set(statuses)).toEqual(new Set(['idle']))
})

test('a new version is verified and swapped in with its state and its stylesheet, without a page reload', async ({ tab }) => {
  await openV1(tab)
  await site.deploy('v2')
  expect(await check(tab)).toMatchObject({ status: 'applied', updated: expect.arrayContaining(['counter', 'clock']) })
  await expect.poll(() => state(tab)).toMatchObject({ label: 'Taps', value: '3 clicks', letterSpacing: '7px', marker: 'v1 page', failures: [], consoleErrors: [] })
})

/** Opens v1, deploys v2 with `file` changed, checks: the counter's new version is refused, none of it ran, the old one runs on. */
async function expectRefused(tab: EnginePage, file: string, change: (published: string) => string, cause: RegExp): Promise<void> {
  await withFile(file, change, async () => {
    await openV1(tab)
    await site.deploy('v2')
    const result = await check(tab)
    const page = await state(tab)
    // The counter's new version refused (and the clock's, where the changed file is theirs both).
    expect(page.failures).toContainEqual(expect.stringMatching(new RegExp(`^plugin "counter" .*${cause.source}`)))
    for (const failure of page.failures) expect(failure).toMatch(cause)
    expect(page).toMatchObject({ label: 'Count', tampered: false, marker: 'v1 page' })
    expect(page.letterSpacing).not.toBe('7px')
    await tab.evaluate(() => document.querySelector<HTMLButtonElement>('[data-testid="counter-button"]')!.click())
    await expect.poll(() => state(tab).then((s) => s.value)).toBe('4 clicks')
    expect(result).toMatchObject({ status: 'applied', refused: expect.arrayContaining([{ id: 'counter', error: expect.stringMatching(cause) }]) })
    expect(result.updated).not.toContain('counter')
  })
}

const TAMPERED = /does not match its integrity.*refused before any of it ran/

test('a tampered entry chunk is refused before any of it runs', async ({ tab }) => {
  await expectRefused(tab, await site.chunkOf('v2', 'counter'), (published) => `window.tampered = true;\n${published}`, TAMPERED)
})

test('a truncated chunk is refused', async ({ tab }) => {
  await expectRefused(tab, await site.chunkOf('v2', 'counter'), (published) => `window.tampered = true;\n${published.slice(0, published.length / 2)}`, TAMPERED)
})

test("another plugin's real chunk served under the chunk's URL is refused", async ({ tab }) => {
  const clock = await readFile(await site.chunkOf('v2', 'clock'), 'utf8')
  await expectRefused(tab, await site.chunkOf('v2', 'counter'), () => `window.tampered = true;\n${clock}`, TAMPERED)
})

test('a tampered chunk the entry imports is refused before any of the plugin runs', async ({ tab }) => {
  const { imports } = await site.importsOf('v2', 'counter')
  expect(imports.length).toBeGreaterThan(0)
  await expectRefused(tab, imports[0]!, (published) => `window.tampered = true;\n${published}`, TAMPERED)
})

test('a tampered stylesheet is refused before any of the plugin runs', async ({ tab }) => {
  const { css } = await site.importsOf('v2', 'counter')
  expect(css).toHaveLength(1)
  await expectRefused(tab, css[0]!, (published) => `${published}\nbody { display: none }\n`, TAMPERED)
})

test("a chunk answered with the host's index.html is not there yet: waiting, then swapped in once it is", async ({ tab }) => {
  const chunk = await site.chunkOf('v2', 'counter')
  const published = await readFile(chunk, 'utf8')
  await rm(chunk)
  site.fallBackToIndex(true)
  try {
    await openV1(tab)
    await site.deploy('v2')
    expect(await check(tab)).toMatchObject({
      status: 'applied',
      refused: [],
      // The clock, of the same deploy, waits with it.
      waiting: expect.arrayContaining([{ id: 'counter', error: expect.stringMatching(/^plugin "counter" .*is not there yet: the server answered with text\/html, not JavaScript/) }]),
    })
    expect(await state(tab)).toMatchObject({ label: 'Count', value: '3 clicks' })
  } finally {
    site.fallBackToIndex(false)
    await site.write(chunk, published)
  }
  // Fetched again after about 5 s, without a new check of the feed.
  await expect.poll(() => state(tab), { timeout: 20_000 }).toMatchObject({ label: 'Taps', value: '3 clicks' })
})

test('a page whose CSP blocks the import map: verified through preloads, or refused where the engine cannot verify', async ({ tab }) => {
  await openV1(tab, '?csp=no-nonce')
  await site.deploy('v2')
  const result = await check(tab)
  if (tab.engine === 'webkit') {
    // WebKit's module preloads do not guard import(): without the import map it fails closed.
    expect(result).toMatchObject({ status: 'applied', updated: [], refused: expect.arrayContaining([{ id: 'counter', error: expect.stringMatching(/cannot verify/) }]) })
    await expect.poll(() => state(tab)).toMatchObject({
      label: 'Count',
      failures: expect.arrayContaining([expect.stringMatching(/plugin "counter" .*cannot verify the new version before it runs, so it is refused.*nonce/)]),
    })
  } else {
    expect(result).toMatchObject({ status: 'applied', updated: expect.arrayContaining(['counter']) })
    await expect.poll(() => state(tab)).toMatchObject({ label: 'Taps', value: '3 clicks', failures: [] })
  }
})

test('a tampered chunk is still refused when the page is opened again', async ({ tab }) => {
  const chunk = await site.chunkOf('v2', 'counter')
  await withFile(chunk, (published) => `window.tampered = true;\n${published}`, async () => {
    for (let round = 0; round < 2; round++) {
      await openV1(tab)
      await site.deploy('v2')
      await check(tab)
      expect(await state(tab)).toMatchObject({ label: 'Count', tampered: false, failures: [expect.stringMatching(new RegExp(`^plugin "counter" .*${TAMPERED.source}`))] })
    }
  })
})

test('two tabs of one browser: one holds the Web Lock and checks, both swap the new version in, each with its state', async ({ tab }) => {
  const feedRequests = () => site.served.filter((s) => s.path === '/hot-plugins.json').length
  await openV1(tab)
  const before = feedRequests()
  // A second tab of the same browser profile, opened without a check() of its own.
  const second = await tab.openTab()
  await second.goto(site.url)
  await expect.poll(() => second.evaluate(() => 'feed' in window && document.querySelector('[data-testid="counter-button"]') !== null)).toBe(true)
  await second.evaluate(() => {
    ;(window as unknown as { marker: string }).marker = 'second page'
    document.querySelector<HTMLButtonElement>('[data-testid="counter-button"]')!.click()
  })
  await site.deploy('v2')
  expect(await check(tab)).toMatchObject({ status: 'applied', updated: expect.arrayContaining(['counter']) })
  await expect.poll(() => state(tab)).toMatchObject({ label: 'Taps', value: '3 clicks', marker: 'v1 page' })
  await expect.poll(() => state(second)).toMatchObject({ label: 'Taps', value: '1 clicks', marker: 'second page' })
  // The first tab holds the lock: only its check asked for the feed; the second got it from the
  // first (at its start and on the deploy), without a request.
  expect(feedRequests()).toBe(before + 1)
  await second.close()
})
