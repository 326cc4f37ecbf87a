import { rm } from 'node:fs/promises'
import path from 'node:path'
import { expect, test } from './fixtures'

const greeting = `import type { PlaygroundContext } from '../../host/context'

export function activate(ctx: PlaygroundContext) {
  ctx.setTitle('Greeting')
  const text = document.createElement('p')
  text.dataset.testid = 'greeting'
  text.textContent = 'Hello from a new plugin'
  ctx.panel.append(text)
  return () => ctx.panel.replaceChildren()
}
`

test('a plugin folder created or deleted while the server runs is picked up after one page reload', async ({ app }) => {
  const { page } = app
  let reloaded = page.waitForEvent('load')
  await app.write('src/plugins/greeting/index.ts', greeting)
  await reloaded
  await expect(page.getByTestId('greeting')).toHaveText('Hello from a new plugin')
  await expect
    .poll(() => app.logs.some((l) => l.includes('[hot-plugins] plugin entries changed (src/plugins/greeting/index.ts)')))
    .toBe(true)

  reloaded = page.waitForEvent('load')
  await rm(path.join(app.root, 'src/plugins/greeting'), { recursive: true })
  await reloaded
  await expect(page.getByTestId('counter-value')).toHaveText('0 clicks')
  await expect(page.getByTestId('greeting')).toHaveCount(0)
})
