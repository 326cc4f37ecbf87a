import { expect, test } from './fixtures'

test('swapping a plugin restarts its dependents against the new version, their state kept', async ({ app }) => {
  const { page } = app
  const notes = page.getByTestId('notes-text')
  await expect(notes).toHaveAttribute('data-accent', '#3559e0')
  await notes.fill('text typed before the theme changed')

  await app.edit('src/plugins/theme/index.ts', "const accent = '#3559e0'", "const accent = '#c2410c'")

  await expect(page.getByTestId('theme-accent')).toHaveText('accent #c2410c')
  // notes started again against the new theme: it shows the new accent and kept its text.
  await expect(notes).toHaveAttribute('data-accent', '#c2410c')
  await expect(notes).toHaveValue('text typed before the theme changed')
  const completed = await app.events('reload-completed')
  expect(completed.map((e) => e.id)).toEqual(['theme', 'notes'])
  expect(completed.find((e) => e.id === 'notes')?.stateKept).toBe(true)
  // Plugins that do not depend on the theme were left alone.
  expect((await app.events('reload-started')).map((e) => e.id)).toEqual(['theme', 'notes'])
  await app.expectNoPageReload()
})

test('the playground starts plugins in dependency order', async ({ app }) => {
  // The dashboard makes a plugin's panel when the plugin is activated, so panel order is start order.
  const panels = await app.page.locator('.panel').evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.plugin))
  expect(panels.indexOf('theme')).toBeGreaterThanOrEqual(0)
  expect(panels.indexOf('theme')).toBeLessThan(panels.indexOf('notes'))
})

const dependent = (name: string, dependsOn: string[]) => `import type { PlaygroundContext } from '../../host/context'
export const meta = { dependsOn: ${JSON.stringify(dependsOn)} }
export function activate(ctx: PlaygroundContext) {
  ctx.setTitle('${name}')
}
`

test('a missing dependency and a cycle are reported by name, at once and after a reload; the rest works', async ({ app }) => {
  const { page } = app
  await app.write('src/plugins/legend/index.ts', dependent('Legend', ['ghost']))
  await app.write('src/plugins/ping/index.ts', dependent('Ping', ['pong']))
  await app.write('src/plugins/pong/index.ts', dependent('Pong', ['ping']))
  const failures = async () => (await app.events('plugin-failed')).map((e) => e.message ?? '')
  await expect.poll(failures).toContainEqual(expect.stringContaining('plugin "legend" (src/plugins/legend/index.ts): not activated: it depends on "ghost", which is not a plugin here'))
  await expect.poll(failures).toContainEqual(expect.stringMatching(/its dependencies form a cycle: "p[io]ng" → "p[io]ng" → "p[io]ng"/))
  await page.getByTestId('counter-button').click()
  await expect(page.getByTestId('counter-value')).toHaveText('1 clicks')
  await app.expectNoPageReload()

  // A page reload starts the same set: the same errors, nothing hangs.
  await app.open()
  const status = () => page.evaluate(() => (window as unknown as { pluginHost: { plugins(): { id: string; status: string; error?: Error }[] } }).pluginHost.plugins().filter((p) => ['legend', 'ping', 'pong'].includes(p.id)).map((p) => `${p.id}: ${p.status}: ${p.error?.message ?? ''}`))
  await expect.poll(status).toEqual([
    expect.stringContaining('legend: failed: plugin "legend" (src/plugins/legend/index.ts): not activated: it depends on "ghost", which is not a plugin here'),
    expect.stringMatching(/^ping: failed: .*its dependencies form a cycle: "ping" → "pong" → "ping"/),
    expect.stringMatching(/^pong: failed: .*its dependencies form a cycle: "ping" → "pong" → "ping"/),
  ])
  await expect(page.getByTestId('counter-value')).toHaveText(/clicks$/)
})
