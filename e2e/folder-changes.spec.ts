import { rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { expect, test, type App } from './fixtures'

type HostGlobal = { pluginHost: { get(id: string): { file: string; status: string } | undefined } }

const ROUNDS = 5

/** A plugin of two files: an entry that counts clicks and a helper that formats them. */
function multiFilePlugin(folder: string, options: { id?: string; word?: string; testid?: string } = {}): Record<string, string> {
  const id = options.id ?? folder
  const testid = options.testid ?? id
  return {
    [`src/plugins/${folder}/index.ts`]: `import type { PlaygroundContext } from '../../host/context'
import { describe } from './helper'
${options.id ? `export const meta = { id: '${options.id}' }\n` : ''}
let clicks = 0
let render = () => {}
export function getReloadState() { return { clicks } }
export function setReloadState(state: { clicks: number }) { clicks = state.clicks; render() }

export function activate(ctx: PlaygroundContext) {
  ctx.setTitle('${id}')
  const button = document.createElement('button')
  button.dataset.testid = '${testid}'
  render = () => { button.textContent = describe(clicks) }
  button.onclick = () => { clicks++; render() }
  render()
  ctx.panel.append(button)
  return () => ctx.panel.replaceChildren()
}
`,
    [`src/plugins/${folder}/helper.ts`]: `export function describe(clicks: number): string {
  return \`${options.word ?? 'clicked'} \${clicks}\`
}
`,
  }
}

async function writeAll(app: App, files: Record<string, string>): Promise<void> {
  for (const [file, content] of Object.entries(files)) await app.write(file, content)
}

/** Every other plugin keeps its state: the counter's clicks and the notes' text. */
async function expectOthersKept(app: App, clicks: number, notes: string): Promise<void> {
  await expect(app.page.getByTestId('counter-value')).toHaveText(`${clicks} clicks`)
  await expect(app.page.getByTestId('notes-text')).toHaveValue(notes)
}

/** After the rounds the plugin still takes hot updates: an edit of its helper swaps it in, state kept; nothing failed to load, the page never reloaded. */
async function expectStillHot(app: App, plugin: { testid: string; helper: string; word: string; clicks: number }): Promise<void> {
  await app.edit(plugin.helper, plugin.word, 'pressed')
  await expect(app.page.getByTestId(plugin.testid)).toHaveText(`pressed ${plugin.clicks}`)
  expect(app.console.filter((line) => /ENOENT|Failed to reload/.test(line))).toEqual([])
  await app.expectNoPageReload()
}

async function expectNoErrorOverlay(app: App): Promise<void> {
  await expect(app.page.locator('vite-error-overlay')).toHaveCount(0)
}

test('deleting a plugin folder of two files, again and again: no page reload, no state lost', async ({ app }) => {
  const { page } = app
  await writeAll(app, multiFilePlugin('hh0'))
  await expect(page.getByTestId('hh0')).toHaveText('clicked 0')
  await page.getByTestId('counter-button').click()
  await page.getByTestId('notes-text').fill('kept through deletes')

  for (let round = 1; round <= ROUNDS; round++) {
    await page.getByTestId('hh0').click()
    await expect(page.getByTestId('hh0')).toHaveText(`${round === 1 ? 'clicked' : `round ${round - 1}`} ${round}`)

    await rm(path.join(app.root, 'src/plugins/hh0'), { recursive: true })
    await expect.poll(() => app.events('plugin-removed', 'hh0')).toHaveLength(round)
    expect((await app.events('plugin-removed', 'hh0')).every((e) => e.stateKept === true)).toBe(true)
    await expect(page.getByTestId('hh0')).toHaveCount(0)
    await expectOthersKept(app, 1, 'kept through deletes')
    await expectNoErrorOverlay(app)
    await app.expectNoPageReload()

    // Created again, its helper changed: it comes back with the clicks it had, and the new helper.
    await writeAll(app, multiFilePlugin('hh0', { word: `round ${round}` }))
    await expect(page.getByTestId('hh0')).toHaveText(`round ${round} ${round}`)
    await expectNoErrorOverlay(app)
    await app.expectNoPageReload()
  }
  await expectStillHot(app, { testid: 'hh0', helper: 'src/plugins/hh0/helper.ts', word: `round ${ROUNDS}`, clicks: ROUNDS })
  await expectOthersKept(app, 1, 'kept through deletes')
  // The terminal: one line per change of the set of plugins, naming it (not Vite's `hmr update virtual:hot-plugins`).
  const removed = '[hot-plugins] plugin removed: hh0 (src/plugins/hh0/index.ts), its state kept in case it comes back'
  expect(app.logs.filter((line) => line.includes(removed))).toHaveLength(ROUNDS)
  expect(app.logs.filter((line) => line.includes('virtual:hot-plugins') || line.includes('page reload'))).toEqual([])
})

test('renaming a plugin folder of two files back and forth: each name is its own plugin, each keeps its state', async ({ app }) => {
  const { page } = app
  const host = (id: string) => page.evaluate((id) => (window as unknown as HostGlobal).pluginHost.get(id)?.file, id)
  await writeAll(app, multiFilePlugin('hh0', { testid: 'multi' }))
  await expect(page.getByTestId('multi')).toHaveText('clicked 0')
  await page.getByTestId('counter-button').click()
  await page.getByTestId('notes-text').fill('kept through renames')

  for (let round = 1; round <= ROUNDS; round++) {
    await page.getByTestId('multi').click()
    await expect(page.getByTestId('multi')).toHaveText(`clicked ${round}`)

    // Renamed: the folder name is its id, so it is another plugin, starting with what hh1 had (nothing).
    await rename(path.join(app.root, 'src/plugins/hh0'), path.join(app.root, 'src/plugins/hh1'))
    await expect.poll(() => host('hh1')).toBe('src/plugins/hh1/index.ts')
    await expect.poll(() => app.events('plugin-removed', 'hh0')).toHaveLength(round)
    await expect(page.getByTestId('multi')).toHaveText('clicked 0')
    expect(await host('hh0')).toBeUndefined()
    await expectOthersKept(app, 1, 'kept through renames')
    await expectNoErrorOverlay(app)
    await app.expectNoPageReload()

    // Renamed back: hh0 comes back with its clicks.
    await rename(path.join(app.root, 'src/plugins/hh1'), path.join(app.root, 'src/plugins/hh0'))
    await expect.poll(() => app.events('plugin-removed', 'hh1')).toHaveLength(round)
    await expect.poll(() => host('hh0')).toBe('src/plugins/hh0/index.ts')
    await expect(page.getByTestId('multi')).toHaveText(`clicked ${round}`)
    await expectNoErrorOverlay(app)
    await app.expectNoPageReload()
  }
  const removed = await app.events('plugin-removed')
  expect(removed.every((e) => e.stateKept === true)).toBe(true)
  await expectStillHot(app, { testid: 'multi', helper: 'src/plugins/hh0/helper.ts', word: 'clicked', clicks: ROUNDS })
  await expectOthersKept(app, 1, 'kept through renames')
})

test('moving a plugin folder of two files whose meta.id is kept, again and again: the same plugin, swapped in with its state', async ({ app }) => {
  const { page } = app
  const file = () => page.evaluate(() => (window as unknown as HostGlobal).pluginHost.get('tally')?.file)
  await writeAll(app, multiFilePlugin('tally-a', { id: 'tally' }))
  await expect(page.getByTestId('tally')).toHaveText('clicked 0')
  await page.getByTestId('notes-text').fill('kept through moves')

  for (let round = 1; round <= ROUNDS; round++) {
    const [from, to] = round % 2 === 1 ? ['tally-a', 'tally-b'] : ['tally-b', 'tally-a']
    await page.getByTestId('tally').click()
    await expect(page.getByTestId('tally')).toHaveText(`clicked ${round}`)
    await rename(path.join(app.root, `src/plugins/${from}`), path.join(app.root, `src/plugins/${to}`))
    await expect.poll(file).toBe(`src/plugins/${to}/index.ts`)
    await expect(page.getByTestId('tally')).toHaveText(`clicked ${round}`)
    await expect(page.getByTestId('notes-text')).toHaveValue('kept through moves')
    await expectNoErrorOverlay(app)
    await app.expectNoPageReload()
  }
  expect(await app.events('plugin-removed', 'tally')).toEqual([])
  const folder = ROUNDS % 2 === 1 ? 'tally-b' : 'tally-a'
  await expectStillHot(app, { testid: 'tally', helper: `src/plugins/${folder}/helper.ts`, word: 'clicked', clicks: ROUNDS })
})

test('a plugin folder of two files deleted and written back at once (a checkout), again and again: it runs the new files with its state', async ({ app }) => {
  const { page } = app
  await writeAll(app, multiFilePlugin('hh0'))
  await expect(page.getByTestId('hh0')).toHaveText('clicked 0')
  await page.getByTestId('notes-text').fill('kept through checkouts')
  for (let round = 1; round <= ROUNDS; round++) {
    await page.getByTestId('hh0').click()
    await expect(page.getByTestId('hh0')).toHaveText(`${round === 1 ? 'clicked' : `checkout ${round - 1}`} ${round}`)
    // Whatever the watcher makes of it — deletes and creates, or changes — the new files run.
    await rm(path.join(app.root, 'src/plugins/hh0'), { recursive: true })
    await writeAll(app, multiFilePlugin('hh0', { word: `checkout ${round}` }))
    await expect(page.getByTestId('hh0')).toHaveText(`checkout ${round} ${round}`)
    await expect(page.getByTestId('notes-text')).toHaveValue('kept through checkouts')
    await expectNoErrorOverlay(app)
    await app.expectNoPageReload()
  }
  await expectStillHot(app, { testid: 'hh0', helper: 'src/plugins/hh0/helper.ts', word: `checkout ${ROUNDS}`, clicks: ROUNDS })
})
