import { expect, expectNoNulByte, terminalLines, test, type App } from './fixtures'

// Plugins written with React and Vue. Two mechanisms share the work without overlapping:
// - an edit to a component module is handled by the framework's own HMR (React Fast Refresh, Vue's
//   HMR runtime): the module accepts its own update, Vite stops there, our host does not swap;
// - an edit to the plugin entry reaches the registry: the host swaps the plugin once, handing its
//   state over; also when the entry defines components itself (the dev server keeps entries out of
//   Fast Refresh, which would refuse them and lose the save).

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

/**
 * Edits the label in Counter.tsx (a module of components only): React Fast Refresh re-renders it in
 * place, the component's `step` and the store's count unchanged.
 */
async function refreshCounterLabel(app: App, expected: { count: string; step: string }) {
  const { page } = app
  const refreshed = hotUpdated(app, '/src/plugins/react-counter/Counter.tsx')
  await app.edit('src/plugins/react-counter/Counter.tsx', '>Clicks<', '>Presses<')
  await refreshed
  await expect(page.getByTestId('react-label')).toHaveText('Presses')
  await expect(page.getByTestId('react-count')).toHaveText(expected.count)
  await expect(page.getByTestId('react-step')).toHaveText(expected.step)
}

test.describe('a React plugin', () => {
  test('a component edit is applied by Fast Refresh alone: component and plugin state kept, no swap', async ({ app }) => {
    const { page } = app
    await page.getByTestId('react-step').click() // component state (useState): step 2
    await page.getByTestId('react-add').click() // plugin state (the store): 2
    await expect(page.getByTestId('react-count')).toHaveText('2')

    await refreshCounterLabel(app, { count: '2', step: 'step 2' })

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
    // The update Fast Refresh's invalidation starts names the module and its plugin, not the registry.
    await expect
      .poll(() => terminalLines(app, 'hmr update'))
      .toEqual(['info: hmr update /src/plugins/react-counter/Counter.tsx', 'info: hmr update src/plugins/react-counter/Counter.tsx → react-counter'])
    expectNoNulByte(app)
  })
})

/**
 * A React plugin whose entry defines the component it renders, as a new user writes it: Fast
 * Refresh would take the entry for its own boundary, then refuse it (`activate` is no component).
 */
function helloEntry(version: string): string {
  return `import { createRoot } from 'react-dom/client'
import type { PlaygroundContext } from '../../host/context'

let count = 0
let render = () => {}
// Each version runs once: counted, to catch a second copy of the module running.
;(window as unknown as { __helloRuns: number }).__helloRuns = ((window as unknown as { __helloRuns?: number }).__helloRuns ?? 0) + 1

function Hello() {
  return (
    <p>
      <span data-testid="hello-text">hello ${version}</span>
      <button data-testid="hello-add" onClick={() => { count += 1; render() }}>{count}</button>
    </p>
  )
}

export function activate(ctx: PlaygroundContext) {
  const root = createRoot(ctx.panel)
  render = () => root.render(<Hello />)
  render()
  return () => root.unmount()
}

export function getReloadState() {
  return { count }
}

export function setReloadState(state: { count: number }) {
  count = state.count
  render()
}
`
}

const HELLO = 'src/plugins/hello/index.tsx'

/** Saves B2 and B3 of the hello entry: each is swapped in by the host, the count handed over. */
async function saveHelloTwice(app: App, clicks: number) {
  const { page } = app
  const runs = () => page.evaluate(() => (window as unknown as { __helloRuns?: number }).__helloRuns)
  expect(await runs()).toBe(1)
  for (const [n, version] of ['B2', 'B3'].entries()) {
    await app.edit(HELLO, `hello ${n === 0 ? 'B1' : 'B2'}`, `hello ${version}`)
    await expect(page.getByTestId('hello-text')).toHaveText(`hello ${version}`)
    await app.waitForReloads('hello', n + 1)
    await expect(page.getByTestId('hello-add')).toHaveText(String(clicks))
  }
  const completed = await app.events('reload-completed', 'hello')
  expect(completed.map((e) => [e.stateKept, e.files])).toEqual([
    [true, [HELLO]],
    [true, [HELLO]],
  ])
  // One root: the old one was unmounted at each swap. One copy of each version ran.
  await expect(page.getByTestId('hello-text')).toHaveCount(1)
  expect(await runs()).toBe(3)
  await app.expectNoPageReload()
  expect(app.logs.filter((l) => l.includes('Could not Fast Refresh') || l.includes('accepts its own HMR updates'))).toEqual([])
}

test.describe('a React plugin whose entry defines a component', () => {
  test('each save is swapped in by the host, state kept, listed in the panel; at start and when added while running', async ({ app }) => {
    const { page } = app
    await app.write(HELLO, helloEntry('B1'))
    await expect(page.getByTestId('hello-text')).toHaveText('hello B1')
    await page.getByTestId('hello-add').click()
    await saveHelloTwice(app, 1)

    // The same after a page load that finds it at start (B1 again on disk: a third swap).
    await app.write(HELLO, helloEntry('B1'))
    await expect(page.getByTestId('hello-text')).toHaveText('hello B1')
    await app.waitForReloads('hello', 3)
    await app.open()
    await expect(page.getByTestId('hello-text')).toHaveText('hello B1')
    for (let i = 0; i < 2; i++) await page.getByTestId('hello-add').click()
    await saveHelloTwice(app, 2)

    await page.getByTestId('hp-badge').click()
    // The history survives the page load: the three swaps before it are listed too.
    const swaps = page.locator('[data-testid="hp-history-entry"][data-plugin="hello"]').filter({ has: page.getByTestId('hp-outcome').getByText('swapped', { exact: true }) })
    await expect(swaps).toHaveCount(5)
    await expect(page.getByTestId('hp-history-entry').first()).toHaveAttribute('data-plugin', 'hello')
    for (const entry of await swaps.all()) await expect(entry).toContainText(HELLO)
  })

  test('a component in its own module is still refreshed by Fast Refresh: its state kept, no swap', async ({ app }) => {
    const { page } = app
    await page.getByTestId('react-step').click() // component state: step 2
    // The entry now defines a component too, around the one in Counter.tsx.
    await app.edit(
      'src/plugins/react-counter/index.tsx',
      "const title = 'React counter'",
      "const title = 'React counter'\nfunction Frame({ children }: { children: import('react').ReactNode }) {\n  return <div data-testid=\"react-frame\">{children}</div>\n}",
    )
    await app.waitForReloads('react-counter', 1)
    await app.edit('src/plugins/react-counter/index.tsx', 'root.render(<Counter store={store} />)', 'root.render(<Frame><Counter store={store} /></Frame>)')
    await expect(page.getByTestId('react-frame')).toHaveCount(1)
    await app.waitForReloads('react-counter', 2)
    await page.getByTestId('react-add').click()
    await page.getByTestId('react-step').click() // step 2 again: the swap started the component afresh
    await expect(page.getByTestId('react-step')).toHaveText('step 2')

    await refreshCounterLabel(app, { count: '1', step: 'step 2' })

    expect(await app.events('reload-completed', 'react-counter')).toHaveLength(2)
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
