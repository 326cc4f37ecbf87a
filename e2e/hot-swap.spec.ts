import { expect, expectNoNulByte, terminalLines, test } from './fixtures'

const COUNTER = 'src/plugins/counter/index.ts'

test('editing a plugin swaps it in place: new code runs, state kept, no page reload', async ({ app }) => {
  const { page } = app
  const button = page.getByTestId('counter-button')
  for (let i = 0; i < 5; i++) await button.click()
  await expect(page.getByTestId('counter-value')).toHaveText('5 clicks')

  await app.edit(COUNTER, "const label = 'Count'", "const label = 'Total'")

  await expect(page.getByTestId('counter-label')).toHaveText('Total')
  await expect(page.getByTestId('counter-value')).toHaveText('5 clicks')
  await app.waitForReloads('counter', 1)
  expect((await app.events('reload-completed', 'counter'))[0]?.stateKept).toBe(true)
  // Only the edited plugin reloaded; the old instance is gone (one button, not two).
  expect(await app.events('reload-started')).toHaveLength(1)
  await expect(button).toHaveCount(1)
  await button.click()
  await expect(page.getByTestId('counter-value')).toHaveText('6 clicks')
  await app.expectNoPageReload()
  await expect.poll(() => app.logs.some((l) => /\[hot-plugins\] reloaded counter in \d+ ms, state kept/.test(l))).toBe(true)
})

test('editing a helper the plugin imports swaps the plugin, state kept', async ({ app }) => {
  const { page } = app
  for (let i = 0; i < 3; i++) await page.getByTestId('counter-button').click()

  await app.edit('src/plugins/counter/format.ts', '`${count} clicks`', '`${count} taps`')

  await expect(page.getByTestId('counter-value')).toHaveText('3 taps')
  await app.waitForReloads('counter', 1)
  expect(await app.events('reload-started')).toHaveLength(1)
  await app.expectNoPageReload()
  // Vite's own lines of the swap name the file (and the terminal's, the plugin), not a NUL byte.
  await expect.poll(() => app.console.filter((l) => l.includes('hot updated'))).toEqual(['[vite] hot updated: /src/plugins/counter/index.ts via virtual:hot-plugins'])
  expect(terminalLines(app, 'hmr update')).toEqual(['info: hmr update src/plugins/counter/format.ts → counter'])
  expectNoNulByte(app)
})

test('notes keep their text and cursor through a swap', async ({ app }) => {
  const { page } = app
  const notes = page.getByTestId('notes-text')
  await notes.fill('Hello hot plugins')
  await notes.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(6, 9))

  await app.edit('src/plugins/notes/index.ts', "'Write a note…'", "'Jot something down…'")

  await expect(notes).toHaveAttribute('placeholder', 'Jot something down…')
  await expect(notes).toHaveValue('Hello hot plugins')
  expect(await notes.evaluate((el: HTMLTextAreaElement) => [el.selectionStart, el.selectionEnd])).toEqual([6, 9])
  await expect(notes).toBeFocused()
  await app.expectNoPageReload()
})

test('the clock ticks exactly once a second after five reloads (old timers are torn down)', async ({ app }) => {
  const { page } = app
  // Count the intervals the clock's modules start and clear: a leaked one keeps ticking an old
  // instance whose nodes are detached, so only counting live intervals sees it.
  await page.addInitScript(() => {
    const live = new Set<unknown>()
    const w = window as unknown as { __clockIntervals: () => number }
    w.__clockIntervals = () => live.size
    const { setInterval: set, clearInterval: clear } = window
    window.setInterval = ((handler: TimerHandler, timeout?: number, ...rest: unknown[]) => {
      const id = set(handler, timeout, ...rest)
      if (/\/plugins\/clock\//.test(new Error().stack ?? '')) live.add(id)
      return id
    }) as typeof window.setInterval
    window.clearInterval = ((id?: number) => {
      live.delete(id)
      clear(id)
    }) as typeof window.clearInterval
  })
  await app.open()
  const liveIntervals = () => page.evaluate(() => (window as unknown as { __clockIntervals: () => number }).__clockIntervals())
  expect(await liveIntervals()).toBe(1)

  for (let i = 1; i <= 5; i++) {
    await app.edit('src/plugins/clock/index.ts', "ctx.setTitle('Clock", `ctx.setTitle('Clock ${i}`)
    await app.waitForReloads('clock', i)
    expect(await liveIntervals(), `after reload ${i}`).toBe(1)
  }
  await expect(page.locator('[data-plugin="clock"] h2')).toHaveText(/^Clock 5/)

  // Record when the tick count changes on screen; with a leaked timer it would change twice a second.
  await page.evaluate(() => {
    const w = window as unknown as { __tickTimes: number[] }
    w.__tickTimes = []
    const ticks = document.querySelector('[data-testid="clock-ticks"]')!
    new MutationObserver(() => w.__tickTimes.push(performance.now())).observe(ticks, {
      childList: true,
      characterData: true,
      subtree: true,
    })
  })
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __tickTimes: number[] }).__tickTimes.length), {
      timeout: 15_000,
    })
    .toBeGreaterThanOrEqual(5)
  const times = await page.evaluate(() => (window as unknown as { __tickTimes: number[] }).__tickTimes)
  const gaps = times.slice(1).map((t, i) => t - (times[i] as number))
  for (const gap of gaps) expect(gap).toBeGreaterThan(800)
  // The tick count survived the reloads instead of starting over.
  const shown = Number((await page.getByTestId('clock-ticks').textContent())?.split(' ')[0])
  expect(shown).toBeGreaterThanOrEqual(5)
  expect(await liveIntervals()).toBe(1)
  await app.expectNoPageReload()
})

test('a syntax error is caught on the server: the old plugin keeps running with its state; the fixed file then swaps', async ({ app }) => {
  const { page } = app
  const button = page.getByTestId('counter-button')
  for (let i = 0; i < 3; i++) await button.click()
  const good = await app.read(COUNTER)

  await app.edit(COUNTER, 'export function getReloadState() {', 'export function getReloadState() {{{')

  await expect.poll(async () => (await app.events('reload-failed', 'counter')).length).toBe(1)
  const [failure] = await app.events('reload-failed', 'counter')
  expect(failure?.outcome).toBe('kept-old')
  expect(failure?.message).toMatch(
    /^plugin "counter" \(src\/plugins\/counter\/index\.ts\): its new code does not compile; the previous version keeps running: src\/plugins\/counter\/index\.ts(:\d+:\d+)?: [^]*index\.ts:\d+:\d+/,
  )
  await expect(page.locator('vite-error-overlay')).toHaveCount(1)
  await expect
    .poll(() => app.logs.some((l) => l.includes('[hot-plugins] src/plugins/counter/index.ts') && l.includes('does not compile; counter keeps running the previous version')))
    .toBe(true)
  // The old version never saw the broken code: it still works and kept its state.
  expect(await app.events('reload-completed')).toEqual([])
  await button.dispatchEvent('click')
  await expect(page.getByTestId('counter-value')).toHaveText('4 clicks')

  // Fixed while Vite's overlay still shows: the fix swaps in place (no page reload) and the overlay goes.
  await app.write(COUNTER, good.replace("const label = 'Count'", "const label = 'Fixed'"))

  await expect(page.getByTestId('counter-label')).toHaveText('Fixed')
  await expect(page.getByTestId('counter-value')).toHaveText('4 clicks')
  await app.waitForReloads('counter', 1)
  await expect(page.locator('vite-error-overlay')).toHaveCount(0)
  await button.click()
  await expect(page.getByTestId('counter-value')).toHaveText('5 clicks')
  await app.expectNoPageReload()
})

test('a plugin that throws while its new module evaluates keeps its old version running', async ({ app }) => {
  const { page } = app
  for (let i = 0; i < 2; i++) await page.getByTestId('counter-button').click()
  await app.edit(COUNTER, "const label = 'Count'", "const label = 'Count'\nthrow new Error('broken at load')")
  await expect.poll(async () => (await app.events('reload-failed', 'counter')).length).toBe(1)
  const [failure] = await app.events('reload-failed', 'counter')
  expect(failure?.message).toContain('plugin "counter" (src/plugins/counter/index.ts): its new code failed to load')
  expect(failure?.message).toContain(': broken at load')
  // Code that throws is not retried: only a failed fetch may pass.
  expect(await app.events('retrying')).toEqual([])
  await page.getByTestId('counter-button').click()
  await expect(page.getByTestId('counter-value')).toHaveText('3 clicks')

  await app.edit(COUNTER, "\nthrow new Error('broken at load')", '')
  await app.waitForReloads('counter', 1)
  await expect(page.getByTestId('counter-value')).toHaveText('3 clicks')
  await app.expectNoPageReload()
})
