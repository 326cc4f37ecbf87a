import { expect, test, type App } from './fixtures'
import { LEAKY, LEAKY_SOURCE } from './leaky-plugin'
import { copyPlayground } from './playground'

const REPORT =
  'plugin "leaky" (src/plugins/leaky/index.ts) left 1 interval (every 777 ms, started at index.ts:11:3) and 1 "resize" listener on window (added at index.ts:15:10) after its teardown'

test.use({
  appCopy: {
    async make(name) {
      const copy = await copyPlayground(name)
      await copy.write(LEAKY, LEAKY_SOURCE)
      return copy
    },
  },
})

// Counts the page's live intervals of 777 ms (the leaky plugin's), under the runtime's own patches.
test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => {
    const live = new Set<unknown>()
    const set = window.setInterval
    const clear = window.clearInterval
    ;(window as unknown as { setInterval: unknown }).setInterval = (handler: TimerHandler, ms?: number, ...rest: unknown[]) => {
      const id = set(handler, ms, ...rest)
      if (ms === 777) live.add(id)
      return id
    }
    ;(window as unknown as { clearInterval: unknown }).clearInterval = (id?: number) => {
      live.delete(id)
      clear(id)
    }
    ;(window as unknown as { __leakyIntervals: () => number }).__leakyIntervals = () => live.size
  })
})

const liveIntervals = (app: App) => app.page.evaluate(() => (window as unknown as { __leakyIntervals: () => number }).__leakyIntervals())

/** Saves the leaky plugin with a new version `n` and waits for its n-th swap. */
async function save(app: App, n: number): Promise<void> {
  await app.edit(LEAKY, `version: '1.0.${n - 1}'`, `version: '1.0.${n}'`)
  await app.waitForReloads('leaky', n)
}

test.describe('leaks: warn (the default)', () => {
  test('a save reports what the old instance left, with its lines, in the console, the panel and an event', async ({ app }) => {
    const { page } = app
    await expect(page.getByTestId('leaky-ticks')).toHaveText(/\d+/)
    await save(app, 1)
    await expect.poll(() => app.console.filter((line) => line.includes('left 1 interval'))).toEqual([`[hot-plugins] ${REPORT}`])
    expect(await app.events('leak-detected', 'leaky')).toEqual([expect.objectContaining({ id: 'leaky', message: REPORT })])

    await page.getByTestId('hp-badge').click()
    await page.getByRole('tab', { name: 'History' }).click()
    const entry = page.locator('[data-testid="hp-history-entry"][data-outcome="leaked"]')
    await expect(entry).toHaveCount(1)
    await expect(entry).toContainText('left running after teardown')
    await expect(entry).toContainText('started at index.ts:11:3')
    // Warned, not stopped: both instances' intervals run.
    expect(await liveIntervals(app)).toBe(2)
    await app.expectNoPageReload()
  })
})

test("the playground's own plugins, React's and Vue's included, leave nothing behind their teardowns", async ({ app }) => {
  const edits: [string, string, string, string][] = [
    ['clock', 'src/plugins/clock/index.ts', "ctx.setTitle('Clock')", "ctx.setTitle('Clock!')"],
    ['counter', 'src/plugins/counter/index.ts', "const label = 'Count'", "const label = 'Total'"],
    ['react-counter', 'src/plugins/react-counter/index.tsx', "const title = 'React counter'", "const title = 'React counter!'"],
    ['vue-todos', 'src/plugins/vue-todos/index.ts', "const title = 'Vue todos'", "const title = 'Vue todos!'"],
    ['theme', 'src/plugins/theme/index.ts', "version: '1.0.0'", "version: '1.0.1'"],
  ]
  for (const [id, file, from, to] of edits) {
    await app.edit(file, from, to)
    await app.waitForReloads(id, 1)
  }
  await app.page.getByTestId('react-add').click()
  await expect(app.page.getByTestId('react-count')).toHaveText('1')
  expect(await app.events('leak-detected')).toEqual([])
  expect(app.console.filter((line) => line.includes('after its teardown'))).toEqual([])
})

test.describe("leaks: 'clean'", () => {
  test.use({ hotPluginsOptions: "leaks: 'clean'" })

  test('five swaps leave exactly one live timer, the state kept, each report saying it was cleared', async ({ app }) => {
    const { page } = app
    await expect(page.getByTestId('leaky-ticks')).toHaveText(/\d+/)
    for (let n = 1; n <= 5; n++) await save(app, n)
    await expect.poll(() => liveIntervals(app)).toBe(1)
    const reports = await app.events('leak-detected', 'leaky')
    expect(reports).toHaveLength(5)
    for (const report of reports) expect(report.message).toBe(`${REPORT}; they were cleared (leaks: 'clean')`)
    expect((await app.events('reload-completed', 'leaky')).every((e) => e.stateKept)).toBe(true)
    // The one timer left ticks on from the state handed over.
    const before = Number(await page.getByTestId('leaky-ticks').textContent())
    await expect.poll(async () => Number(await page.getByTestId('leaky-ticks').textContent())).toBeGreaterThan(before)
    await app.expectNoPageReload()
  })
})

test.describe("leaks: 'off'", () => {
  test.use({ hotPluginsOptions: "leaks: 'off'" })

  test('nothing of the page is patched and nothing is reported', async ({ app }) => {
    const patched = await app.page.evaluate(() =>
      [window.setTimeout, window.requestAnimationFrame, EventTarget.prototype.addEventListener, Node.prototype.appendChild].map((f) =>
        /\[native code\]/.test(Function.prototype.toString.call(f)),
      ),
    )
    // setInterval is the init script's counter here; the others are the browser's own.
    expect(patched).toEqual([true, true, true, true])
    expect(await app.page.evaluate(() => MutationObserver.toString())).toContain('[native code]')
    await save(app, 1)
    expect(await app.events('leak-detected')).toEqual([])
    expect(await liveIntervals(app)).toBe(2)
  })
})
