import { expect, test, type App } from './fixtures'

/** A plugin that shows what a helper it imports gives. */
const usingHelper = `import type { PlaygroundContext } from '../../host/context'
import { greet } from './helper'

export function activate(ctx: PlaygroundContext) {
  ctx.setTitle('Greeting')
  const line = document.createElement('p')
  line.dataset.testid = 'greeting'
  line.textContent = greet()
  ctx.panel.append(line)
  return () => ctx.panel.replaceChildren()
}
`

const helper = "export const greet = () => 'hi from the helper'\n"

/** The failed reloads and starts the page saw for `id`, and what the terminal printed for it. */
async function noFalseReports(app: App, id: string): Promise<void> {
  expect(app.logs.filter((line) => line.includes("has no 'activate'") || line.includes('no activate() export'))).toEqual([])
  expect(await app.events('retrying', id)).toEqual([])
  await expect(app.page.getByTestId('hp-notice')).toBeHidden()
}

test('a new plugin whose helper is written after the import that names it runs once the helper is there', async ({ app }) => {
  const { page } = app
  await app.write('src/plugins/greeting/index.ts', usingHelper)
  // It cannot start without its helper: named, and not as a plugin that kept an old version.
  const line = page.locator('[data-testid="hp-notice-line"][data-plugin="greeting"]')
  await expect(line).toContainText('greeting is not running')

  await app.write('src/plugins/greeting/helper.ts', helper)
  await expect(page.getByTestId('greeting')).toHaveText('hi from the helper')
  await noFalseReports(app, 'greeting')
  await app.expectNoPageReload()
})

test("a running plugin's save that imports a helper not written yet runs once the helper is there", async ({ app }) => {
  const { page } = app
  const counter = 'src/plugins/counter/index.ts'
  const source = await app.read(counter)
  await app.write(counter, source.replace("import { formatCount } from './format'", "import { formatCount } from './format'\nimport { greet } from './helper'").replace("const label = 'Count'", 'const label = greet()'))
  // Refused while the helper is missing: the old version runs on, and says so.
  const line = page.locator('[data-testid="hp-notice-line"][data-plugin="counter"]')
  await expect(line).toContainText('counter kept its old version')
  await expect(line).toContainText('./helper')
  await expect(page.getByTestId('counter-label')).toHaveText('Count')

  await app.write('src/plugins/counter/helper.ts', helper)
  await expect(page.getByTestId('counter-label')).toHaveText('hi from the helper')
  await app.waitForReloads('counter', 1)
  await noFalseReports(app, 'counter')
  await app.expectNoPageReload()
})
