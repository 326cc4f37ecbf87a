import { expect, test, type App } from './fixtures'

// Plugins written with React and Vue. Two mechanisms share the work without overlapping:
// - an edit to a component module is handled by the framework's own HMR (React Fast Refresh, Vue's
//   HMR runtime): the module accepts its own update, Vite stops there, our host does not swap;
// - an edit to the plugin entry (which defines no component) reaches the registry: the host swaps
//   the plugin once, handing its state over.

/** Waits until Vite's client logged that it applied an update for `url`. */
function hotUpdated(app: App, url: string) {
  return app.page.waitForEvent('console', (m) => m.text().includes(`[vite] hot updated: ${url}`))
}

/** Waits for the host's one hot swap of plugin `id` (the only swap), its state handed over. */
async function expectOneSwap(app: App, id: string) {
  await app.waitForReloads(id, 1)
  expect((await app.events('reload-completed', id))[0]?.stateKept).toBe(true)
  expect(await app.events('reload-started')).toHaveLength(1)
}

/** Fails if the dev server warned that a plugin entry accepts its own updates. */
function expectNoSelfAcceptingEntry(app: App) {
  expect(app.logs.filter((l) => l.includes('accepts its own HMR updates'))).toEqual([])
}

test.describe('a React plugin', () => {
  test('a component edit is applied by Fast Refresh alone: component and plugin state kept, no swap', async ({ app }) => {
    const { page } = app
    await page.getByTestId('react-step').click() // component state (useState): step 2
    await page.getByTestId('react-add').click() // plugin state (the store): 2
    await expect(page.getByTestId('react-count')).toHaveText('2')
    const refreshed = hotUpdated(app, '/src/plugins/react-counter/Counter.tsx')

    await app.edit('src/plugins/react-counter/Counter.tsx', '>Clicks<', '>Presses<')

    await refreshed
    await expect(page.getByTestId('react-label')).toHaveText('Presses')
    await expect(page.getByTestId('react-count')).toHaveText('2')
    await expect(page.getByTestId('react-step')).toHaveText('step 2')
    expect(await app.events('reload-started', 'react-counter')).toEqual([])
    expect(await app.events('reload-completed')).toEqual([])
    await page.getByTestId('react-add').click()
    await expect(page.getByTestId('react-count')).toHaveText('4')

    // The host was not even told about the component edit: the next swap names only its own file.
    await app.edit('src/plugins/react-counter/index.tsx', "const title = 'React counter'", "const title = 'React tally'")
    await app.waitForReloads('react-counter', 1)
    expect((await app.events('reload-completed', 'react-counter'))[0]?.files).toEqual(['src/plugins/react-counter/index.tsx'])
    await app.expectNoPageReload()
    expectNoSelfAcceptingEntry(app)
  })

  test('an entry edit is swapped by the host once, the count handed over', async ({ app }) => {
    const { page } = app
    for (let i = 0; i < 3; i++) await page.getByTestId('react-add').click()
    await expect(page.getByTestId('react-count')).toHaveText('3')

    await app.edit('src/plugins/react-counter/index.tsx', "const title = 'React counter'", "const title = 'React tally'")

    await expect(page.locator('[data-plugin="react-counter"] h2')).toHaveText('React tally')
    await expectOneSwap(app, 'react-counter')
    // The old root was unmounted: one counter, and it counts on from the handed-over state.
    await expect(page.getByTestId('react-count')).toHaveCount(1)
    await expect(page.getByTestId('react-count')).toHaveText('3')
    await page.getByTestId('react-add').click()
    await expect(page.getByTestId('react-count')).toHaveText('4')
    await app.expectNoPageReload()
    expectNoSelfAcceptingEntry(app)
  })

  test('a component module that also exports something else is swapped by the host once, as Fast Refresh gives up', async ({ app }) => {
    const { page } = app
    await page.getByTestId('react-add').click()
    await expect(page.getByTestId('react-count')).toHaveText('1')

    await app.edit('src/plugins/react-counter/Counter.tsx', 'export function Counter', "export const label = 'Clicks'\nexport function Counter")

    await expectOneSwap(app, 'react-counter')
    await expect(page.getByTestId('react-count')).toHaveText('1')
    await expect.poll(() => app.logs.some((l) => l.includes('Could not Fast Refresh'))).toBe(true)
    await app.expectNoPageReload()
  })
})

test.describe('a Vue plugin', () => {
  test('single-file component edits are applied by Vue alone: state kept, no swap', async ({ app }) => {
    const { page } = app
    await page.getByTestId('vue-draft').fill('eggs')
    await page.getByTestId('vue-add').click()
    await expect(page.getByTestId('vue-item')).toHaveText(['eggs'])
    await page.getByTestId('vue-draft').fill('milk')

    // A template edit re-renders in place: even the component's own state (the draft) stays.
    let updated = hotUpdated(app, '/src/plugins/vue-todos/Todos.vue')
    await app.edit('src/plugins/vue-todos/Todos.vue', '>To do<', '>Tasks<')
    await updated
    await expect(page.getByTestId('vue-label')).toHaveText('Tasks')
    await expect(page.getByTestId('vue-item')).toHaveText(['eggs'])
    await expect(page.getByTestId('vue-draft')).toHaveValue('milk')

    // A script edit makes Vue re-create the component; the plugin's state (the items) stays.
    updated = hotUpdated(app, '/src/plugins/vue-todos/Todos.vue')
    await app.edit('src/plugins/vue-todos/Todos.vue', 'const text = draft.value.trim()', 'const text = draft.value.trim().toUpperCase()')
    await updated
    await page.getByTestId('vue-draft').fill('bread')
    await page.getByTestId('vue-add').click()
    await expect(page.getByTestId('vue-item')).toHaveText(['eggs', 'BREAD'])

    expect(await app.events('reload-started', 'vue-todos')).toEqual([])
    expect(await app.events('reload-completed')).toEqual([])
    await app.expectNoPageReload()
  })

  test('an entry edit is swapped by the host once, the items handed over', async ({ app }) => {
    const { page } = app
    for (const item of ['eggs', 'milk']) {
      await page.getByTestId('vue-draft').fill(item)
      await page.getByTestId('vue-add').click()
    }
    await expect(page.getByTestId('vue-item')).toHaveText(['eggs', 'milk'])

    await app.edit('src/plugins/vue-todos/index.ts', "const title = 'Vue todos'", "const title = 'Vue tasks'")

    await expect(page.locator('[data-plugin="vue-todos"] h2')).toHaveText('Vue tasks')
    await expectOneSwap(app, 'vue-todos')
    // The old app was unmounted: one list, with the handed-over items.
    await expect(page.getByTestId('vue-draft')).toHaveCount(1)
    await expect(page.getByTestId('vue-item')).toHaveText(['eggs', 'milk'])
    await page.getByTestId('vue-draft').fill('bread')
    await page.getByTestId('vue-add').click()
    await expect(page.getByTestId('vue-item')).toHaveText(['eggs', 'milk', 'bread'])
    await app.expectNoPageReload()
    expectNoSelfAcceptingEntry(app)
  })
})
