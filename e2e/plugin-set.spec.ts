import { rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { expect, expectNoNulByte, test } from './fixtures'

type HostGlobal = { pluginHost: { get(id: string): { file: string } | undefined } }

/** A plugin with state: a button counting its clicks. `id` set: its id does not come from its folder. */
const greeting = (text: string, id?: string) => `import type { PlaygroundContext } from '../../host/context'
${id ? `export const meta = { id: '${id}' }\n` : ''}
let clicks = 0
export function getReloadState() { return { clicks } }
export function setReloadState(state: { clicks: number }) { clicks = state.clicks; render() }
let render = () => {}

export function activate(ctx: PlaygroundContext) {
  ctx.setTitle('Greeting')
  const button = document.createElement('button')
  button.dataset.testid = 'greeting'
  render = () => { button.textContent = \`${text} (\${clicks})\` }
  button.onclick = () => { clicks++; render() }
  render()
  ctx.panel.append(button)
  return () => ctx.panel.replaceChildren()
}
`

test('a plugin folder created, deleted and created again while the app runs: no page reload, state kept', async ({ app }) => {
  const { page } = app
  await app.write('src/plugins/greeting/index.ts', greeting('Hello'))
  await expect(page.getByTestId('greeting')).toHaveText('Hello (0)')
  await expect.poll(() => app.events('plugin-added', 'greeting')).toHaveLength(1)
  await expect.poll(() => app.logs.some((l) => l.includes('[hot-plugins] plugin added: greeting (src/plugins/greeting/index.ts)'))).toBe(true)
  await page.getByTestId('greeting').click()
  await page.getByTestId('greeting').click()
  await expect(page.getByTestId('greeting')).toHaveText('Hello (2)')

  // The new plugin takes hot updates like the others.
  await app.edit('src/plugins/greeting/index.ts', 'Hello', 'Hi')
  await expect(page.getByTestId('greeting')).toHaveText('Hi (2)')
  // The dev server's control API still reaches the tab (through the new registry's hot context).
  const statusUrl = new URL('__hot-plugins/status', app.url).href
  await expect
    .poll(async () => {
      const status = (await (await page.request.get(statusUrl)).json()) as { plugins: { id: string; tabs: { status: string }[] }[] }
      return status.plugins.find((p) => p.id === 'greeting')?.tabs.map((t) => t.status)
    })
    .toEqual(['idle'])
  const reloaded = await page.request.post(new URL('__hot-plugins/reload', app.url).href, { data: { id: 'greeting' } })
  expect(reloaded.status()).toBe(202)
  await app.waitForReloads('greeting', 2)
  await expect(page.getByTestId('greeting')).toHaveText('Hi (2)')

  await rm(path.join(app.root, 'src/plugins/greeting'), { recursive: true })
  await expect.poll(() => app.events('plugin-removed', 'greeting')).toEqual([expect.objectContaining({ stateKept: true })])
  await expect(page.getByTestId('greeting')).toHaveCount(0)
  expect(await page.evaluate(() => (window as unknown as HostGlobal).pluginHost.get('greeting'))).toBeUndefined()
  // The other plugins run on.
  await page.getByTestId('counter-button').click()
  await expect(page.getByTestId('counter-value')).toHaveText('1 clicks')

  // It comes back with the state it had.
  await app.write('src/plugins/greeting/index.ts', greeting('Back'))
  await expect(page.getByTestId('greeting')).toHaveText('Back (2)')
  await app.expectNoPageReload()
  // Vite's lines name the registry as the app imports it: its own updates, and the new plugin's.
  const updated = app.console.filter((l) => l.includes('hot updated'))
  expect(updated).toContain('[vite] hot updated: virtual:hot-plugins')
  expect(updated).toContain('[vite] hot updated: /src/plugins/greeting/index.ts via virtual:hot-plugins')
  expectNoNulByte(app)
})

test('a renamed plugin folder whose meta.id is kept is the same plugin: swapped in with its state', async ({ app }) => {
  const { page } = app
  await app.write('src/plugins/greeting/index.ts', greeting('Hello', 'greeting'))
  await expect(page.getByTestId('greeting')).toHaveText('Hello (0)')
  await page.getByTestId('greeting').click()
  await expect(page.getByTestId('greeting')).toHaveText('Hello (1)')

  await rename(path.join(app.root, 'src/plugins/greeting'), path.join(app.root, 'src/plugins/welcome'))
  await expect.poll(async () => (await page.evaluate(() => (window as unknown as HostGlobal).pluginHost.get('greeting')))?.file).toBe('src/plugins/welcome/index.ts')
  await expect(page.getByTestId('greeting')).toHaveText('Hello (1)')
  await app.edit('src/plugins/welcome/index.ts', 'Hello', 'Welcome')
  await expect(page.getByTestId('greeting')).toHaveText('Welcome (1)')
  await app.expectNoPageReload()
})

test('deleting a plugin others depend on stops them; they start again, with their state, when it is back', async ({ app }) => {
  const { page } = app
  const theme = await app.read('src/plugins/theme/index.ts')
  await page.getByTestId('notes-text').fill('kept while theme was away')

  await rm(path.join(app.root, 'src/plugins/theme'), { recursive: true })
  await expect.poll(() => app.events('plugin-failed', 'notes')).toEqual([
    expect.objectContaining({ message: expect.stringContaining('it depends on "theme", whose entry (src/plugins/theme/index.ts) was deleted') }),
  ])
  await expect(page.getByTestId('notes-text')).toHaveCount(0)

  await app.write('src/plugins/theme/index.ts', theme)
  await expect(page.getByTestId('notes-text')).toHaveValue('kept while theme was away')
  await expect(page.getByTestId('theme-accent')).toHaveText('accent #3559e0')
  await app.expectNoPageReload()
})

test('an entry created with an id another plugin has is refused in the overlay; the running plugins are unchanged', async ({ app }) => {
  const { page } = app
  await app.write('src/plugins/counter-copy/index.ts', greeting('Copy', 'counter'))
  await expect(page.locator('vite-error-overlay')).toBeAttached()
  await expect(page.locator('vite-error-overlay')).toContainText('two plugin entries have the id "counter"')
  await expect.poll(() => app.logs.some((l) => l.includes('two plugin entries have the id "counter"'))).toBe(true)
  expect((await page.evaluate(() => (window as unknown as HostGlobal).pluginHost.get('counter')))?.file).toBe('src/plugins/counter/index.ts')

  // Giving it an id of its own adds it, and clears the overlay (without the page reload Vite
  // makes on its first update after an overlay).
  await app.edit('src/plugins/counter-copy/index.ts', "id: 'counter'", "id: 'copy'")
  await expect(page.getByTestId('greeting')).toHaveText('Copy (0)')
  await expect(page.locator('vite-error-overlay')).toHaveCount(0)
  await page.getByTestId('counter-button').click()
  await expect(page.getByTestId('counter-value')).toHaveText('1 clicks')
  await app.expectNoPageReload()
})

test('an entry created empty and written a moment later, as editors do, runs once written', async ({ app }) => {
  const { page } = app
  await app.write('src/plugins/greeting/index.ts', '')
  await expect.poll(() => app.events('plugin-failed', 'greeting')).toEqual([
    expect.objectContaining({ message: expect.stringContaining('no activate() export') }),
  ])
  await app.write('src/plugins/greeting/index.ts', greeting('Written'))
  await expect(page.getByTestId('greeting')).toHaveText('Written (0)')
  await app.expectNoPageReload()
})
