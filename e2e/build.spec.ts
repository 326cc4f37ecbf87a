import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { build, preview } from 'vite'
import { expect, test } from '@playwright/test'
import { copyPlayground } from './playground'

// Strings that exist only in the dev-only hot-reload runtime or in what the dev server injects.
const DEV_ONLY = [
  'hot-plugins:update',
  'hot-plugins:result',
  'vite:beforeUpdate',
  '__hotPlugin',
  'import.meta.hot',
  '/@vite/client',
  'handling a hot update failed',
  'the new version has no activate() export',
  'its state was dropped',
]

test('vite build ships the plugins and none of the hot-reload runtime or injected code', async ({ page }) => {
  const copy = await copyPlayground('build')
  // vite build sets NODE_ENV=production when it is unset; left so, every later dev server in this
  // worker would run in production mode (no React Fast Refresh, no Vue HMR).
  const nodeEnv = process.env.NODE_ENV
  try {
    await build({ root: copy.root, configFile: path.join(copy.root, 'vite.config.ts'), logLevel: 'silent' })
    const outDir = path.join(copy.root, 'dist')
    const files = (await readdir(outDir, { recursive: true })).filter((f) => f.endsWith('.js'))
    const code = (await Promise.all(files.map((f) => readFile(path.join(outDir, f), 'utf8')))).join('\n')
    expect(code).toContain('clicks') // the counter plugin's code is there
    for (const marker of DEV_ONLY) expect(code, `build output contains ${JSON.stringify(marker)}`).not.toContain(marker)

    // And the production app runs its plugins.
    const server = await preview({ root: copy.root, configFile: path.join(copy.root, 'vite.config.ts'), logLevel: 'silent', preview: { port: 0 } })
    try {
      await page.goto(server.resolvedUrls!.local[0]!)
      await page.getByTestId('counter-button').click()
      await expect(page.getByTestId('counter-value')).toHaveText('1 clicks')
      await expect(page.getByTestId('notes-text')).toBeVisible()
      await expect(page.getByTestId('clock-ticks')).toHaveText(/ticks$/)
      await page.getByTestId('react-add').click()
      await expect(page.getByTestId('react-count')).toHaveText('1')
      await expect(page.getByTestId('vue-label')).toHaveText('To do')
    } finally {
      await server.close()
    }
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV
    else process.env.NODE_ENV = nodeEnv
    await copy.remove()
  }
})
