import { STORM_WINDOW_MS } from '../packages/vite-plugin-hot-plugins/src/hmr/final-content'
import { breakCounterUntilFallbackReload, expect, test } from './fixtures'

const COUNTER = 'src/plugins/counter/index.ts'
/** Vite's file watcher reports a change of a path at most once in this time, and drops the others. */
const WATCHER_DROPS_WITHIN_MS = 50
const NOTES = 'src/plugins/notes/index.ts'

test('activate of the new version throws: rolled back to the old version with its state', async ({ app }) => {
  const { page } = app
  for (let i = 0; i < 3; i++) await page.getByTestId('counter-button').click()

  await app.edit(COUNTER, "  ctx.setTitle('Counter')", "  ctx.setTitle('Counter')\n  throw new Error('no room for the counter')")

  await expect.poll(async () => (await app.events('reload-failed', 'counter')).length).toBe(1)
  const [failure] = await app.events('reload-failed', 'counter')
  expect(failure?.outcome).toBe('rolled-back')
  expect(failure?.message).toBe('plugin "counter" (src/plugins/counter/index.ts): activate() threw: no room for the counter')
  // The old version runs again, with its state, and works.
  await expect(page.getByTestId('counter-value')).toHaveText('3 clicks')
  await page.getByTestId('counter-button').click()
  await expect(page.getByTestId('counter-value')).toHaveText('4 clicks')
  await expect(page.getByTestId('counter-button')).toHaveCount(1)
  expect(await page.evaluate(() => (window as any).pluginHost.get('counter').status)).toBe('rolled-back')

  await app.edit(COUNTER, "\n  throw new Error('no room for the counter')", '')
  await app.waitForReloads('counter', 1)
  await expect(page.getByTestId('counter-value')).toHaveText('4 clicks')
  expect(await page.evaluate(() => (window as any).pluginHost.get('counter').status)).toBe('idle')
  await app.expectNoPageReload()
})

/** The counter, edited so that its activate puts its nodes and a stray one in the page, then throws. */
const APPEND_THEN_THROW = [
  '  ctx.panel.append(title, value, button)\n',
  "  ctx.panel.append(title, value, button)\n  const stray = document.createElement('aside')\n  stray.dataset.testid = 'stray'\n  document.body.append(stray)\n  throw new Error('threw after adding nodes')\n",
] as const

test('an activate that adds nodes, then throws: at a swap, its nodes go with the rollback and the old version runs', async ({ app }) => {
  const { page } = app
  await page.getByTestId('counter-button').click()
  await app.edit(COUNTER, ...APPEND_THEN_THROW)

  await expect.poll(async () => (await app.events('reload-failed', 'counter')).map((e) => e.outcome)).toEqual(['rolled-back'])
  // Nothing of the failed version stays: not its stray node, not its copy of the counter.
  await expect(page.getByTestId('stray')).toHaveCount(0)
  await expect(page.getByTestId('counter-button')).toHaveCount(1)
  await expect(page.getByTestId('counter-value')).toHaveText('1 clicks')
  await page.getByTestId('counter-button').click()
  await expect(page.getByTestId('counter-value')).toHaveText('2 clicks')
  const [leak] = await app.events('leak-detected', 'counter')
  expect(leak?.message).toMatch(/1 <aside> node in <body> \(inserted at index\.ts:\d+:\d+\) after its activate\(\) threw; they were cleared/)
  await app.expectNoPageReload()
})

test('an activate that adds nodes, then throws: at page load, its nodes are removed; the others run, and the fix activates it', async ({ app }) => {
  const { page } = app
  await app.edit(COUNTER, ...APPEND_THEN_THROW)
  await expect.poll(async () => (await app.events('reload-failed', 'counter')).length).toBe(1)

  await page.reload()
  await expect.poll(() => page.evaluate(() => (window as any).pluginHost?.get('counter')?.status)).toBe('failed')
  await expect(page.getByTestId('stray')).toHaveCount(0)
  await expect(page.getByTestId('counter-button')).toHaveCount(0)
  await expect(page.getByTestId('notes-text')).toBeVisible()

  await app.edit(COUNTER, APPEND_THEN_THROW[1], APPEND_THEN_THROW[0])
  await expect(page.getByTestId('counter-button')).toHaveCount(1)
  await expect(page.getByTestId('stray')).toHaveCount(0)
  expect(await page.evaluate(() => (window as any).pluginHost.get('counter').status)).toBe('idle')
})

test('a new version that cannot be fetched is fetched again, and swaps', async ({ app }) => {
  const { page } = app
  await page.getByTestId('counter-button').click()
  // The new version's URL cannot be fetched, as on a flaky network: every request of it fails (the
  // page's fetch ahead, Vite's import if it does not share that one, the runtime's import again);
  // the retry after a backoff, under a new `?t=`, goes through.
  let failing: string | undefined
  let failed = 0
  let passed = 0
  await page.route(/\/src\/plugins\/counter\/index\.ts\?(import&)?t=\d+/, async (route) => {
    const t = new URL(route.request().url()).searchParams.get('t')!
    failing ??= t
    if (t === failing) {
      failed += 1
      return route.fulfill({ status: 503, body: 'unavailable' })
    }
    passed += 1
    return route.continue()
  })

  await app.edit(COUNTER, "const label = 'Count'", "const label = 'Retried'")

  await expect(page.getByTestId('counter-label')).toHaveText('Retried')
  await expect(page.getByTestId('counter-value')).toHaveText('1 clicks')
  expect(failed).toBeGreaterThanOrEqual(2)
  expect(passed).toBe(1)
  expect(await app.events('retrying', 'counter')).toHaveLength(1)
  expect(await app.events('reload-failed')).toEqual([])
  await app.expectNoPageReload()
})

test('a plugin that fails three times in a row: state saved, one page reload, state restored, reason shown', async ({ app }) => {
  const { page } = app
  for (let i = 0; i < 2; i++) await page.getByTestId('counter-button').click()
  await page.getByTestId('notes-text').fill('survives the fallback')

  await breakCounterUntilFallbackReload(app)

  await expect
    .poll(() =>
      app.console.some((l) => l.includes('[hot-plugins] the page was reloaded because plugin "counter" failed to reload 3 times in a row')),
    )
    .toBe(true)
  await expect(page.getByTestId('notes-text')).toHaveValue('survives the fallback')
  await expect(page.getByTestId('counter-value')).toHaveText('2 clicks')
  await app.expectNoPageReload()
})

test('three failing saves, then the page reloads while the file is still broken: the last good version runs with its state until a good save', async ({ app }) => {
  const { page } = app
  for (let i = 0; i < 2; i++) await page.getByTestId('counter-button').click()

  await breakCounterUntilFallbackReload(app)

  // The file on disk throws in activate(); the version that ran before the failures runs, with its state.
  await expect(page.getByTestId('counter-value')).toHaveText('2 clicks')
  await expect(page.getByTestId('counter-label')).toHaveText('Count')
  const info = await page.evaluate(() => (window as any).pluginHost.get('counter'))
  expect(info).toMatchObject({ status: 'idle', lastGood: { error: 'activate() threw: broken 3' } })
  const why = 'runs its last good version from \\d\\d:\\d\\d:\\d\\d; the file on disk fails: activate\\(\\) threw: broken 3'
  const notice = new RegExp(`counter ${why}`)
  // Said in the console, the panel and the terminal.
  await expect.poll(() => app.console.some((line) => notice.test(line))).toBe(true)
  await expect.poll(() => app.logs.some((line) => notice.test(line))).toBe(true)
  await page.getByTestId('hp-badge').click()
  await page.getByRole('tab', { name: 'Plugins' }).click()
  await expect(page.locator('[data-testid="hp-plugin-row"][data-plugin="counter"]').getByTestId('hp-last-good')).toHaveText(new RegExp(`^${why}$`))
  // …and by the control API.
  const status = await (await fetch(new URL('/__hot-plugins/status', app.url))).json()
  const counter = status.plugins.find((p: { id: string }) => p.id === 'counter')
  expect(counter.tabs[0].lastGood.error).toBe('activate() threw: broken 3')

  // It works: its state goes on, and is what the next version gets.
  await page.getByTestId('counter-button').click()
  await expect(page.getByTestId('counter-value')).toHaveText('3 clicks')
  expect(await app.events('reload-failed')).toEqual([])

  // The next good save swaps the real file in, with the state, and the mark goes.
  await app.edit(COUNTER, "\n  throw new Error('broken 3')", '')
  await app.edit(COUNTER, "const label = 'Count'", "const label = 'Fixed'")
  await expect(page.getByTestId('counter-label')).toHaveText('Fixed')
  await expect(page.getByTestId('counter-value')).toHaveText('3 clicks')
  expect(await page.evaluate(() => (window as any).pluginHost.get('counter').lastGood)).toBeUndefined()
  await page.getByTestId('counter-button').click()
  await expect(page.getByTestId('counter-value')).toHaveText('4 clicks')
  await expect(page.getByTestId('counter-button')).toHaveCount(1)
  await app.expectNoPageReload()
})

test('three saves whose setReloadState throws, then the fallback reload: the last good version takes the saved state, and so does the fix', async ({ app }) => {
  const { page } = app
  for (let i = 0; i < 4; i++) await page.getByTestId('counter-button').click()
  await page.getByTestId('notes-text').fill('still here')
  const failures = async () => (await app.events('reload-failed', 'counter')).length
  const signature = 'export function setReloadState(state: { count: number }) {'
  await app.edit(COUNTER, signature, `${signature}\n  throw new Error('refused 1')`)
  await expect.poll(failures).toBe(1)
  await app.edit(COUNTER, 'refused 1', 'refused 2')
  await expect.poll(failures).toBe(2)
  const reloaded = app.expectReload()
  await app.edit(COUNTER, 'refused 2', 'refused 3')
  await reloaded

  // On disk, setReloadState refuses the saved state: the last good version runs with it instead.
  await expect(page.getByTestId('counter-value')).toHaveText('4 clicks')
  await expect(page.getByTestId('notes-text')).toHaveValue('still here')
  expect(await page.evaluate(() => (window as any).pluginHost.get('counter').lastGood.error)).toBe('setReloadState() threw: refused 3')
  await page.getByTestId('counter-button').click()

  await app.edit(COUNTER, "\n  throw new Error('refused 3')", '')
  await app.waitForReloads('counter', 1)
  await expect(page.getByTestId('counter-value')).toHaveText('5 clicks')
  expect(await page.evaluate(() => (window as any).pluginHost.get('counter').lastGood)).toBeUndefined()
  await app.expectNoPageReload()
})

test.describe("with fallback: 'hot-only'", () => {
  test.use({ hotPluginsOptions: "fallback: 'hot-only'" })

  test('repeated failures only offer the reload', async ({ app }) => {
    const { page } = app
    await app.edit(COUNTER, "  ctx.setTitle('Counter')", "  ctx.setTitle('Counter')\n  throw new Error('broken 1')")
    for (let i = 2; i <= 3; i++) {
      await expect.poll(async () => (await app.events('reload-failed', 'counter')).length).toBe(i - 1)
      await app.edit(COUNTER, `broken ${i - 1}`, `broken ${i}`)
    }
    await expect.poll(async () => (await app.events('reload-failed', 'counter')).length).toBe(3)
    const banner = page.locator('hot-plugins-reload-banner')
    await expect(banner.getByRole('alert')).toContainText('plugin "counter" failed to reload 3 times in a row')
    await expect(banner.getByRole('button', { name: 'Reload page' })).toBeVisible()
    await app.expectNoPageReload()
    // The old counter still works underneath.
    await page.getByTestId('counter-button').click()
    await expect(page.getByTestId('counter-value')).toHaveText('1 clicks')
  })
})

test('a plugin whose activate throws at start is marked failed; the host and the others run; a fix activates it', async ({ app }) => {
  const { page } = app
  await app.edit(NOTES, "  ctx.setTitle('Notes')", "  ctx.setTitle('Notes')\n  throw new Error('notes cannot start')")
  await expect.poll(async () => (await app.events('reload-failed', 'notes')).length).toBe(1)

  await page.reload()
  await expect.poll(() => page.evaluate(() => (window as any).pluginHost?.get('notes')?.status)).toBe('failed')
  await expect(page.locator('.activity .error')).toContainText('plugin "notes" (src/plugins/notes/index.ts): activate() threw: notes cannot start')
  await page.getByTestId('counter-button').click()
  await expect(page.getByTestId('counter-value')).toHaveText('1 clicks')

  await app.edit(NOTES, "\n  throw new Error('notes cannot start')", '')
  await expect(page.getByTestId('notes-text')).toBeVisible()
  expect(await page.evaluate(() => (window as any).pluginHost.get('notes').status)).toBe('idle')
})

test('200 saves of one plugin file within 2 seconds: the first version at once, then the final one, state intact', async ({ app }) => {
  const { page } = app
  for (let i = 0; i < 3; i++) await page.getByTestId('counter-button').click()
  const original = await app.read(COUNTER)
  // Every label the counter shows from now on, in order (each swap renders a new label element).
  await page.evaluate(() => {
    const w = window as unknown as { __labels: string[] }
    w.__labels = []
    const panel = document.querySelector('[data-plugin="counter"]')!
    new MutationObserver(() => {
      const label = panel.querySelector('[data-testid="counter-label"]')?.textContent ?? ''
      if (label && label !== w.__labels.at(-1)) w.__labels.push(label)
    }).observe(panel, { childList: true, characterData: true, subtree: true })
  })
  const labels = () => page.evaluate(() => (window as unknown as { __labels: string[] }).__labels)

  // A save storm, as from a formatter or a `git checkout`: 200 writes, 10 ms apart. A busy machine
  // may pause the writer; a pause that leaves the watcher's events of the file the storm window
  // apart ends the storm (the file was quiet), and the next save is a new storm's first version.
  // The watcher drops a change of a path within 50 ms of the one it reported, so its events can be
  // that much further apart than the writes: a pause of more than the window less 50 ms may do it.
  let midStorm: string[] = []
  let pauses = 0
  let lastWrite = 0
  for (let i = 1; i <= 200; i++) {
    const now = Date.now()
    if (i > 1 && now - lastWrite > STORM_WINDOW_MS - WATCHER_DROPS_WITHIN_MS) pauses += 1
    lastWrite = now
    await app.write(COUNTER, original.replace("const label = 'Count'", `const label = 'Count ${i}'`))
    if (i === 150) midStorm = await labels()
    await new Promise((resolve) => setTimeout(resolve, 10))
  }

  await expect(page.getByTestId('counter-label')).toHaveText('Count 200')
  await expect(page.getByTestId('counter-value')).toHaveText('3 clicks')
  // The first version swapped in while the saves kept coming, then nothing until the final one.
  expect(midStorm.length).toBeGreaterThanOrEqual(1)
  expect(midStorm[0]).toMatch(/^Count \d+$/)
  const shown = await labels()
  expect(shown[0]).toBe(midStorm[0])
  expect(shown.at(-1)).toBe('Count 200')
  expect(shown.length, `versions shown: ${shown.join(', ')}; the writer paused ${pauses} times`).toBe(pauses === 0 ? 2 : Math.min(shown.length, 2 + pauses))
  expect(await app.events('reload-completed', 'counter')).toHaveLength(shown.length)
  // Vite never fell back to a page reload either.
  expect(app.logs.filter((line) => line.includes('page reload'))).toEqual([])
  expect(await app.events('reload-failed')).toEqual([])
  await expect(page.getByTestId('counter-button')).toHaveCount(1)
  await app.expectNoPageReload()
})
