import { rm, symlink } from 'node:fs/promises'
import path from 'node:path'
import { expect, test, type PageGlobals } from './fixtures'
import { buildAndPreview, buildApp } from './playground'
import { copyWorkspace, countingPlugin } from './workspace'

test.describe('a workspace: plugins outside the Vite root and linked plugin packages', () => {
  test.use({ appCopy: { make: copyWorkspace } })

  test('each runs, and saving an entry or a helper outside the root swaps it with its state, without a page reload', async ({ app }) => {
    const { page } = app
    const plugins = await page.evaluate(() => (window as unknown as PageGlobals).pluginHost!.plugins().map((p) => `${p.id} ${p.file} ${p.status}`))
    expect(plugins).toEqual(
      expect.arrayContaining([
        'tally ../shared-plugins/tally/index.ts idle',
        '@acme/plugin-alpha ../packages/plugin-alpha/src/index.ts idle',
        'beta ../packages/plugin-beta/src/main.ts idle',
        'counter src/plugins/counter/index.ts idle',
      ]),
    )
    const click = async (name: string, times: number) => {
      for (let i = 0; i < times; i++) await page.getByTestId(`${name}-button`).click()
    }
    await click('tally', 2)
    await click('alpha', 3)
    await click('beta', 4)
    await click('counter', 5)
    await expect(page.getByTestId('tally-value')).toHaveText('2 tallied')
    await expect(page.getByTestId('alpha-value')).toHaveText('alpha 3')
    await expect(page.getByTestId('beta-value')).toHaveText('beta 4')
    await expect(page.getByTestId('counter-value')).toHaveText('5 clicks')

    const saves: { file: string; from: string; to: string; plugin: string; testid: string; text: string }[] = [
      // An entry a ../ glob names.
      { file: '../shared-plugins/tally/index.ts', from: "'tallied'", to: "'counted'", plugin: 'tally', testid: 'tally-value', text: '2 counted' },
      // A helper outside the root, imported by a plugin under src/.
      { file: '../shared-lib/format.ts', from: '} clicks', to: '} taps', plugin: 'counter', testid: 'counter-value', text: '5 taps' },
      // A linked package's entry, and a helper of its own.
      { file: '../packages/plugin-alpha/src/index.ts', from: '`${label} ${count}`', to: '`${label}: ${count}`', plugin: '@acme/plugin-alpha', testid: 'alpha-value', text: 'alpha: 3' },
      { file: '../packages/plugin-alpha/src/label.ts', from: "'alpha'", to: "'ALPHA'", plugin: '@acme/plugin-alpha', testid: 'alpha-value', text: 'ALPHA: 3' },
      { file: '../packages/plugin-beta/src/main.ts', from: '`beta ${mark}${count}`', to: '`beta = ${mark}${count}`', plugin: 'beta', testid: 'beta-value', text: 'beta = 4' },
      // A module of another workspace package, imported by its package name.
      { file: '../packages/utils/src/index.ts', from: "mark = ''", to: "mark = '#'", plugin: 'beta', testid: 'beta-value', text: 'beta = #4' },
    ]
    const reloads = new Map<string, number>()
    for (const save of saves) {
      await app.edit(save.file, save.from, save.to)
      await expect(page.getByTestId(save.testid)).toHaveText(save.text)
      reloads.set(save.plugin, (reloads.get(save.plugin) ?? 0) + 1)
      await app.waitForReloads(save.plugin, reloads.get(save.plugin)!)
      const last = (await app.events('reload-completed', save.plugin)).at(-1)
      expect(last, save.file).toMatchObject({ stateKept: true, files: [save.file] })
    }
    await app.expectNoPageReload()

    // The terminal logs each reload, and nothing was found that cannot hot-reload.
    for (const id of ['tally', 'counter', '@acme/plugin-alpha', 'beta']) {
      expect(app.logs.some((line) => line.startsWith(`info: [hot-plugins] reloaded ${id} in `) && line.endsWith('state kept')), id).toBe(true)
    }
    expect(app.logs.filter((line) => line.startsWith('warn: [hot-plugins]'))).toEqual([])
    expect(app.logs.filter((line) => line.startsWith('error:'))).toEqual([])
  })

  test('a plugin folder created outside the root while the app runs is added, and removed when deleted, without a page reload', async ({ app }) => {
    await app.write('../shared-plugins/extra/index.ts', countingPlugin('extra', "const label = 'extra'", '`${label} ${count}`'))
    await expect(app.page.getByTestId('extra-value')).toHaveText('extra 0')
    await app.page.getByTestId('extra-button').click()
    await app.edit('../shared-plugins/extra/index.ts', "'extra'", "'more'")
    await expect(app.page.getByTestId('extra-value')).toHaveText('more 1')
    await rm(path.join(app.root, '../shared-plugins/extra'), { recursive: true })
    await expect.poll(async () => (await app.events('plugin-removed', 'extra')).length).toBe(1)
    expect(app.logs).toContain('info: [hot-plugins] plugin added: extra (../shared-plugins/extra/index.ts)')
    await app.expectNoPageReload()
  })

  test("changing a plugin package's exports while the app runs moves it to the new entry, with its state, without a page reload", async ({ app }) => {
    await app.page.getByTestId('alpha-button').click()
    await expect(app.page.getByTestId('alpha-value')).toHaveText('alpha 1')
    await app.write('../packages/plugin-alpha/src/next.ts', countingPlugin('alpha', "const label = 'next'", '`${label} ${count}`'))
    await app.edit('../packages/plugin-alpha/package.json', '"development": "./src/index.ts"', '"development": "./src/next.ts"')
    await expect(app.page.getByTestId('alpha-value')).toHaveText('next 1')
    expect(app.logs).toContain(
      'info: [hot-plugins] plugin moved: @acme/plugin-alpha (../packages/plugin-alpha/src/index.ts → ../packages/plugin-alpha/src/next.ts), the same plugin with its state',
    )
    await app.expectNoPageReload()
  })

  test('a .js entry beside globs of {ts,tsx} is not a plugin, and the terminal says so once', async ({ app }) => {
    const warning = `warn: [hot-plugins] src/plugins/legacy/index.js is named like a plugin entry, but no "plugins" glob matches it (src/plugins/*/index.{ts,tsx}), so it is not a plugin; if it is one, add its extension: 'src/plugins/*/index.{ts,tsx,js}'`
    await app.write('src/plugins/legacy/index.js', 'export function activate() {}\n')
    await expect.poll(() => app.logs.filter((line) => line === warning)).toHaveLength(1)
    await app.write('src/plugins/legacy/index.js', 'export function activate() { return 1 }\n')
    await app.write('../shared-plugins/tally/index.js', 'export function activate() {}\n')
    await expect.poll(() => app.logs.some((line) => line.includes('../shared-plugins/tally/index.js is named like a plugin entry'))).toBe(true)
    expect(app.logs.filter((line) => line === warning)).toHaveLength(1)
    await app.expectNoPageReload()
  })
})

test.describe('a workspace with a plugin package the app does not depend on', () => {
  test.use({
    appCopy: {
      async make(name) {
        const copy = await copyWorkspace(name)
        await copy.write('../packages/plugin-gamma/package.json', `${JSON.stringify({ name: '@acme/plugin-gamma', private: true, type: 'module', exports: { '.': './src/index.ts' } })}\n`)
        await copy.write('../packages/plugin-gamma/src/index.ts', countingPlugin('gamma', "const label = 'gamma'", '`${label} ${count}`'))
        return copy
      },
    },
  })

  test('the terminal names it and what to do; once linked while the app runs, it is added without a page reload', async ({ app }) => {
    expect(app.logs).toContain(
      `warn: [hot-plugins] plugin package "@acme/plugin-gamma" (../packages/plugin-gamma) is in the workspace, but not linked into a node_modules folder the app resolves from (the app does not depend on it), so it is not loaded; add "@acme/plugin-gamma": "workspace:*" to the app's package.json dependencies and run pnpm install`,
    )
    await expect(app.page.getByTestId('gamma-value')).toHaveCount(0)
    // What pnpm install does once the app depends on it: a link in the app's node_modules.
    await symlink('../../../packages/plugin-gamma', path.join(app.root, 'node_modules/@acme/plugin-gamma'), 'dir')
    await expect(app.page.getByTestId('gamma-value')).toHaveText('gamma 0')
    expect(app.logs).toContain('info: [hot-plugins] plugin added: @acme/plugin-gamma (../packages/plugin-gamma/src/index.ts)')
    await app.page.getByTestId('gamma-button').click()
    await app.edit('../packages/plugin-gamma/src/index.ts', "'gamma'", "'GAMMA'")
    await expect(app.page.getByTestId('gamma-value')).toHaveText('GAMMA 1')
    await app.expectNoPageReload()
  })
})

test('vite build of a plugin package whose exports name a dist not built fails with one error naming it and what to do', async () => {
  const copy = await copyWorkspace('monorepo-build-no-dist')
  // A dev server run earlier in this worker left NODE_ENV=development, which a build keeps: the build would resolve "development".
  const nodeEnv = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  try {
    // The README's recommended exports, and no dist.
    await copy.edit('../packages/plugin-alpha/package.json', '"default": "./src/index.ts"', '"default": "./dist/index.js"')
    const failure = await buildApp(copy.root).then(() => undefined, (error: unknown) => error as Error)
    expect(failure?.message).toContain(
      `[hot-plugins] plugin package "@acme/plugin-alpha" (../packages/plugin-alpha) cannot be imported by vite build: for the build's conditions (solid, module, browser, production, svelte, import, default) its package.json names ./dist/index.js, which does not exist (the dev server loads ./src/index.ts, under "development"). Build the package first, or point a condition the build uses at its source`,
    )
    expect(failure?.message).not.toContain('failed to resolve import')
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV
    else process.env.NODE_ENV = nodeEnv
    await copy.remove()
  }
})

test('vite build of the workspace app ships every plugin, those outside the root and the packages too', async ({ page }) => {
  const copy = await copyWorkspace('monorepo-build')
  try {
    await buildAndPreview(copy.root, async (url) => {
      await page.goto(url)
      for (const [name, text] of [['tally', '1 tallied'], ['alpha', 'alpha 1'], ['beta', 'beta 1'], ['counter', '1 clicks']] as const) {
        await page.getByTestId(`${name}-button`).click()
        await expect(page.getByTestId(`${name}-value`)).toHaveText(text)
      }
    })
  } finally {
    await copy.remove()
  }
})
