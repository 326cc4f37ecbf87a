import { expect, savedStates, test, withHotPluginsOptions } from './fixtures'
import { startPlayground } from './playground'

const COUNTER = 'src/plugins/counter/index.ts'

async function clickCounter(app: { page: import('@playwright/test').Page }, times: number) {
  for (let i = 0; i < times; i++) await app.page.getByTestId('counter-button').click()
}

/** Makes Vite reload the page the way it does for a host file with no HMR boundary. */
async function toolingReload(app: { edit: (f: string, a: string, b: string) => Promise<void>; read: (f: string) => Promise<string> }) {
  const about = await app.read('src/host/about.ts')
  const title = /'([^']*)'/.exec(about)![1]!
  await app.edit('src/host/about.ts', `'${title}'`, `'${title}!'`)
}

test.describe('state survives a reload made by the dev tools', () => {
  test('counter and notes come back exactly as they were', async ({ app }) => {
    const { page } = app
    await clickCounter(app, 5)
    const notes = page.getByTestId('notes-text')
    await notes.fill('A paragraph typed before the reload')
    await notes.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(2, 11))

    const reloaded = app.expectReload()
    await toolingReload(app)
    await reloaded

    await expect(page.getByTestId('counter-value')).toHaveText('5 clicks')
    await expect(notes).toHaveValue('A paragraph typed before the reload')
    expect(await notes.evaluate((el: HTMLTextAreaElement) => [el.selectionStart, el.selectionEnd])).toEqual([2, 11])
    // The counter still works after the restore.
    await clickCounter(app, 1)
    await expect(page.getByTestId('counter-value')).toHaveText('6 clicks')
  })

  test('a plugin file that does not compile at the reload: its last good version runs with its state; the fix swaps in without another reload', async ({ app }) => {
    const { page } = app
    await clickCounter(app, 2)
    await page.getByTestId('notes-text').fill('kept through it all')
    await app.edit(COUNTER, "const label = 'Count'", "const label = 'Count' +")
    await expect.poll(async () => (await app.events('reload-failed', 'counter')).length).toBe(1)

    const reloaded = app.expectReload()
    await toolingReload(app)
    await reloaded

    await expect(page.getByTestId('counter-value')).toHaveText('2 clicks')
    await expect(page.getByTestId('notes-text')).toHaveValue('kept through it all')
    expect(await page.evaluate(() => (window as any).pluginHost.get('counter').lastGood.error)).toMatch(/^its module failed to load/)
    // Vite shows the file's error, as for any save that does not compile…
    await expect(page.locator('vite-error-overlay')).toHaveCount(1)

    // …and its next update must not take that for a page that failed to load, and reload it.
    await app.edit(COUNTER, "const label = 'Count' +", "const label = 'Fixed'")
    await expect(page.getByTestId('counter-label')).toHaveText('Fixed')
    await expect(page.locator('vite-error-overlay')).toHaveCount(0)
    await expect(page.getByTestId('counter-value')).toHaveText('2 clicks')
    await clickCounter(app, 1)
    await expect(page.getByTestId('counter-value')).toHaveText('3 clicks')
    await expect(page.getByTestId('notes-text')).toHaveValue('kept through it all')
    await app.expectNoPageReload()
  })

  test('Vite reloads only once the state is written, even when IndexedDB takes its time', async ({ app }) => {
    const { page } = app
    // Once switched on, every write to IndexedDB commits 400 ms late: its transaction is kept busy
    // (and its explicit commit() ignored). A page that went away before that would lose the write.
    await page.addInitScript(() => {
      const w = window as unknown as { __slowWrites?: boolean }
      const transaction = IDBDatabase.prototype.transaction
      IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
        const tx = transaction.apply(this, args)
        if (args[1] === 'readwrite' && w.__slowWrites) {
          tx.commit = () => {}
          const store = tx.objectStore(tx.objectStoreNames[0]!)
          const until = performance.now() + 400
          const busy = () => {
            if (performance.now() < until) store.count().onsuccess = busy
          }
          busy()
        }
        return tx
      } as IDBDatabase['transaction']
    })
    await app.open()
    await clickCounter(app, 4)
    await page.evaluate(() => ((window as unknown as { __slowWrites?: boolean }).__slowWrites = true))
    const reloaded = app.expectReload()
    await toolingReload(app)
    await reloaded
    await expect(page.getByTestId('counter-value')).toHaveText('4 clicks')
  })

  test('state comes back after the dev server restarts', async ({ app }) => {
    await clickCounter(app, 3)
    const reloaded = app.expectReload()
    await app.server.restart()
    await reloaded
    await expect(app.page.getByTestId('counter-value')).toHaveText('3 clicks')
  })

  test('a reload the user makes (F5) starts fresh by default', async ({ app }) => {
    await clickCounter(app, 3)
    // A swap writes the state to IndexedDB: there is state that F5 must not restore.
    await app.edit(COUNTER, "const label = 'Count'", "const label = 'Total'")
    await app.waitForReloads('counter', 1)
    await app.waitForSavedState('counter', { count: 3 })
    const reloaded = app.expectReload()
    await app.page.reload()
    await reloaded
    await expect(app.page.getByTestId('counter-label')).toHaveText('Total')
    await expect(app.page.getByTestId('counter-value')).toHaveText('0 clicks')
    expect(await app.events('state-restored')).toEqual([])
  })

  test('two tabs keep their own state', async ({ app, context }) => {
    await clickCounter(app, 2)
    const other = await context.newPage()
    await other.goto(app.url)
    for (let i = 0; i < 4; i++) await other.getByTestId('counter-button').click()
    await expect(other.getByTestId('counter-value')).toHaveText('4 clicks')

    const otherReloaded = other.waitForEvent('load')
    const reloaded = app.expectReload()
    await toolingReload(app)
    await Promise.all([reloaded, otherReloaded])

    await expect(app.page.getByTestId('counter-value')).toHaveText('2 clicks')
    await expect(other.getByTestId('counter-value')).toHaveText('4 clicks')
  })
})

test.describe("with state: { restoreOnReload: 'always' }", () => {
  test.use({ hotPluginsOptions: "state: { restoreOnReload: 'always' }" })

  test('a reload the user makes (F5) restores state too', async ({ app }) => {
    await clickCounter(app, 3)
    await app.page.getByTestId('notes-text').fill('kept through F5')
    // Saved moments after the last input, so a reload a moment later finds it.
    await app.waitForSavedState('counter', { count: 3 })
    await app.waitForSavedState('notes', { text: 'kept through F5', selectionStart: 15, selectionEnd: 15, focused: true })
    const reloaded = app.expectReload()
    await app.page.reload()
    await reloaded
    await expect(app.page.getByTestId('counter-value')).toHaveText('3 clicks')
    await expect(app.page.getByTestId('notes-text')).toHaveValue('kept through F5')
  })

  test('a stateVersion bump is migrated after a reload', async ({ app }) => {
    await clickCounter(app, 5)
    await app.waitForSavedState('counter', { count: 5 })
    await app.page.goto('about:blank')
    await app.edit(COUNTER, "export const meta = { version: '1.0.0' }", "export const meta = { version: '2.0.0', stateVersion: 2 }")
    await app.write(
      COUNTER,
      `${await app.read(COUNTER)}\nexport function migrateState(state: { count: number }, from: number) {\n  return { count: state.count * 10 + from }\n}\n`,
    )
    await app.open()
    await expect(app.page.getByTestId('counter-value')).toHaveText('50 clicks')
  })

  test('two projects served one after the other on one origin never restore each other', async ({ page }) => {
    const port = 5391
    const prepare = withHotPluginsOptions("state: { restoreOnReload: 'always' }")
    const first = await startPlayground('state-project-a', { prepare, port })
    let firstCopy = first
    try {
      await page.goto(first.url)
      for (let i = 0; i < 3; i++) await page.getByTestId('counter-button').click()
      await expect(page.getByTestId('counter-value')).toHaveText('3 clicks')
      await expect.poll(() => savedStates(page, 'counter')).toContain(JSON.stringify({ count: 3 }))
      await page.goto('about:blank')
      await first.server.close()

      const second = await startPlayground('state-project-b', { prepare, port })
      try {
        await page.goto(second.url)
        await expect(page.getByTestId('counter-value')).toHaveText('0 clicks')
        await page.getByTestId('counter-button').click()
        await page.goto('about:blank')
      } finally {
        await second.close()
      }

      // The first project's state was kept all along: serving it again in this tab restores it.
      firstCopy = await startPlayground('state-project-a', { port, copy: first })
      await page.goto(firstCopy.url)
      await expect(page.getByTestId('counter-value')).toHaveText('3 clicks')
    } finally {
      await firstCopy.server.close()
      await first.remove()
    }
  })
})

test.describe('stateVersion on a hot swap', () => {
  test('with migrateState, the old state is migrated in place', async ({ app }) => {
    await clickCounter(app, 5)
    await app.write(
      COUNTER,
      (await app.read(COUNTER)).replace("export const meta = { version: '1.0.0' }", "export const meta = { version: '2.0.0', stateVersion: 2 }") +
        '\nexport function migrateState(state: { count: number }) {\n  return { count: state.count + 100 }\n}\n',
    )
    await expect(app.page.getByTestId('counter-value')).toHaveText('105 clicks')
    await app.expectNoPageReload()

    // The migrated state is what persists.
    const reloaded = app.expectReload()
    await toolingReload(app)
    await reloaded
    await expect(app.page.getByTestId('counter-value')).toHaveText('105 clicks')
  })

  test('without migrateState, the old state is set aside with a warning and the plugin starts fresh', async ({ app }) => {
    await clickCounter(app, 5)
    await app.edit(COUNTER, "export const meta = { version: '1.0.0' }", "export const meta = { version: '2.0.0', stateVersion: 2 }")
    await app.waitForReloads('counter', 1)
    await expect(app.page.getByTestId('counter-value')).toHaveText('0 clicks')
    const [warning] = await app.events('warning', 'counter')
    expect(warning?.message).toBe(
      'its state has stateVersion 0 but the code expects 2 and exports no migrateState(); the old state was set aside and the plugin starts fresh',
    )
    expect(app.console.some((line) => line.includes('[hot-plugins] plugin "counter" (src/plugins/counter/index.ts): its state has stateVersion 0'))).toBe(true)
    await app.expectNoPageReload()
  })
})

test('state that cannot be persisted is still handed over in a hot swap, with one warning', async ({ app }) => {
  const notPersisted = () => app.console.filter((line) => line.includes('its state is not persisted')).length
  await clickCounter(app, 4)
  // From this version on, the state holds a function.
  await app.edit(COUNTER, 'return { count }', 'return { count, render }')
  await app.waitForReloads('counter', 1)

  await app.edit(COUNTER, "const label = 'Count'", "const label = 'Still counting'")
  await app.waitForReloads('counter', 2)
  await expect(app.page.getByTestId('counter-label')).toHaveText('Still counting')
  await expect(app.page.getByTestId('counter-value')).toHaveText('4 clicks')
  await expect
    .poll(() => app.console.filter((line) => line.includes('its state is not persisted: state.render (a function)')).length)
    .toBe(1)

  await app.edit(COUNTER, "const label = 'Still counting'", "const label = 'Counting on'")
  await app.waitForReloads('counter', 3)
  await expect(app.page.getByTestId('counter-value')).toHaveText('4 clicks')
  expect(notPersisted()).toBe(1)
  await app.expectNoPageReload()
})
