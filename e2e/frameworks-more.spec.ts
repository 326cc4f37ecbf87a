import { expect, test, type App } from './fixtures'

// Plugins written with Svelte 5, Solid and Preact share the work with the framework's own HMR like
// the React and Vue ones (frameworks.spec.ts): a component edit is the framework's (Svelte's HMR,
// solid-refresh, Prefresh), the host does not swap; an edit of the entry or of a module of the
// plugin that is no component is the host's one swap, the state handed over. Never a page reload.

interface Framework {
  name: string
  /** The plugin id, its folder under src/plugins/ and its test ids' prefix (`svelte-count`…). */
  id: string
  entry: string
  component: string
  /** Whether the framework's HMR keeps the component's own state (`step`) on a component edit. */
  keepsComponentState: boolean
}

const FRAMEWORKS: Framework[] = [
  { name: 'Svelte 5', id: 'svelte-counter', entry: 'index.ts', component: 'Counter.svelte', keepsComponentState: false },
  { name: 'Solid', id: 'solid-counter', entry: 'index.tsx', component: 'Counter.tsx', keepsComponentState: false },
  { name: 'Preact', id: 'preact-counter', entry: 'index.tsx', component: 'Counter.tsx', keepsComponentState: true },
]

/** Waits until Vite's client logged that it applied an update for `url`. */
function hotUpdated(app: App, url: string) {
  return app.page.waitForEvent('console', (m) => m.text().includes(`[vite] hot updated: ${url}`))
}

/** The plugin's controls, by test id. */
function controls(app: App, f: Framework) {
  const byId = (name: string) => app.page.getByTestId(`${f.id.replace('-counter', '')}-${name}`)
  return { label: byId('label'), count: byId('count'), add: byId('add'), step: byId('step') }
}

/** Fails on anything of the framework's or ours that says an update was refused or lost. */
function expectNoHmrTrouble(app: App) {
  const trouble = /accepts its own HMR updates|Could not Fast Refresh|page reload|\[hot-plugins\].*(error|failed)/i
  expect(app.logs.filter((l) => trouble.test(l))).toEqual([])
  expect(app.console.filter((l) => /\[vite\] (page reload|Failed)|\[PREFRESH\]|\[HMR\]\[Svelte\]/.test(l))).toEqual([])
}

for (const f of FRAMEWORKS) {
  const dir = `src/plugins/${f.id}`
  test.describe(`a ${f.name} plugin`, () => {
    test(`a component edit is applied by the framework's own HMR alone: the plugin's state kept, no swap`, async ({ app }) => {
      const c = controls(app, f)
      await c.step.click() // the component's own state: step 2
      await c.add.click() // the plugin's state: 2
      await expect(c.count).toHaveText('2')

      const updated = hotUpdated(app, `/${dir}/${f.component}`)
      await app.edit(`${dir}/${f.component}`, '>Clicks<', '>Presses<')
      await updated
      await expect(c.label).toHaveText('Presses')
      await expect(c.count).toHaveText('2')
      await expect(c.step).toHaveText(f.keepsComponentState ? 'step 2' : 'step 1')

      expect(await app.events('reload-started')).toEqual([])
      expect(await app.events('reload-completed')).toEqual([])
      // One component, the edited one, and it still works against the plugin's state.
      await expect(c.count).toHaveCount(1)
      await c.add.click()
      await expect(c.count).toHaveText(f.keepsComponentState ? '4' : '3')

      // The host was not even told: the next swap names only its own file.
      await app.edit(`${dir}/${f.entry}`, 'ctx.setTitle(title)', "ctx.setTitle(`${title}, edited`)")
      await app.waitForReloads(f.id, 1)
      expect((await app.events('reload-completed', f.id))[0]?.files).toEqual([`${dir}/${f.entry}`])
      await app.expectNoPageReload()
      expectNoHmrTrouble(app)
    })

    for (const [what, file, from, to] of [
      ['the entry', f.entry, 'ctx.setTitle(title)', "ctx.setTitle(`${title}, edited`)"],
      ['a module of the plugin that is no component', 'title.ts', ' counter', ' counter, edited'],
    ] as const) {
      test(`an edit of ${what} is swapped by the host once, the count handed over`, async ({ app }) => {
        const c = controls(app, f)
        for (let i = 0; i < 3; i++) await c.add.click()
        await expect(c.count).toHaveText('3')

        await app.edit(`${dir}/${file}`, from, to)

        await expect(app.page.locator(`[data-plugin="${f.id}"] h2`)).toHaveText(/, edited$/)
        await app.waitForReloads(f.id, 1)
        const [completed] = await app.events('reload-completed', f.id)
        expect([completed?.stateKept, completed?.files]).toEqual([true, [`${dir}/${file}`]])
        expect(await app.events('reload-started')).toHaveLength(1)
        // The old tree was unmounted: one counter, counting on from the handed-over state.
        await expect(c.count).toHaveCount(1)
        await expect(c.count).toHaveText('3')
        await c.add.click()
        await expect(c.count).toHaveText('4')
        await app.expectNoPageReload()
        expectNoHmrTrouble(app)
      })
    }
  })
}
