import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { STORM_WINDOW_MS } from '../packages/vite-plugin-hot-plugins/src/hmr/final-content'
import { expect, test } from './fixtures'

test('files of several plugins changed at once are one batch: each plugin reloads once, dependents included', async ({ app }) => {
  const { page } = app
  await page.getByTestId('counter-button').click()
  await page.getByTestId('notes-text').fill('typed before the checkout')
  const edits = [
    ['src/plugins/counter/index.ts', "const label = 'Count'", "const label = 'Count (checked out)'"],
    ['src/plugins/theme/index.ts', "const accent = '#3559e0'", "const accent = '#15803d'"],
  ] as const
  // Like a checkout: both files written at once.
  const contents = await Promise.all(edits.map(([file]) => app.read(file)))
  await Promise.all(
    edits.map(([file, from, to], i) => {
      expect(contents[i]).toContain(from)
      return writeFile(path.join(app.root, file), contents[i]!.replace(from, to))
    }),
  )

  await expect(page.getByTestId('counter-label')).toHaveText('Count (checked out)')
  await expect(page.getByTestId('theme-accent')).toHaveText('accent #15803d')
  await expect(page.getByTestId('notes-text')).toHaveAttribute('data-accent', '#15803d')
  const completed = await app.events('reload-completed')
  // theme before notes (its dependent); each once; all in one batch.
  expect(completed.map((e) => e.id).sort()).toEqual(['counter', 'notes', 'theme'])
  expect(completed.map((e) => e.id).indexOf('theme')).toBeLessThan(completed.map((e) => e.id).indexOf('notes'))
  expect(new Set(completed.map((e) => e.batch)).size).toBe(1)
  expect(completed[0]?.batch).toEqual(expect.any(Number))
  expect(completed.find((e) => e.id === 'notes')?.via).toBe('theme')
  // State kept everywhere.
  await expect(page.getByTestId('counter-value')).toHaveText('1 clicks')
  await expect(page.getByTestId('notes-text')).toHaveValue('typed before the checkout')
  // One line in the terminal for the batch.
  await expect.poll(() => app.logs.filter((l) => /\[hot-plugins\] reloaded (counter|theme)/.test(l))).toEqual([
    expect.stringMatching(/\[hot-plugins\] reloaded counter, theme, notes \(for theme\) in \d+ ms, state kept for 2 of 3/),
  ])
  await app.expectNoPageReload()
})

test('a batch in which one plugin throws is rolled back as a whole; fixing it applies the whole batch', async ({ app }) => {
  const { page } = app
  const counter = await app.read('src/plugins/counter/index.ts')
  const clock = await app.read('src/plugins/clock/index.ts')
  const brokenClock = clock.replace('export function activate(', "export function activate(...args: unknown[]) { throw new Error('clock is broken') }\nexport function unused(")
  expect(brokenClock).not.toBe(clock)
  await Promise.all([
    writeFile(path.join(app.root, 'src/plugins/counter/index.ts'), counter.replace("const label = 'Count'", "const label = 'Count v2'")),
    writeFile(path.join(app.root, 'src/plugins/clock/index.ts'), brokenClock),
  ])
  await expect.poll(() => app.events('reload-failed', 'clock')).toEqual([expect.objectContaining({ outcome: 'rolled-back' })])
  await expect.poll(async () => (await app.events('rolled-back')).map((e) => e.id).sort()).toEqual(['clock', 'counter'])
  // counter's new version was taken back with its batch.
  await expect(page.getByTestId('counter-label')).toHaveText('Count')

  await writeFile(path.join(app.root, 'src/plugins/clock/index.ts'), clock.replace('export function activate(', '// fixed\nexport function activate('))
  await expect(page.getByTestId('counter-label')).toHaveText('Count v2')
  await app.expectNoPageReload()
})

test('two files of one plugin saved at once, again and again: it swaps once per save, with both files in its batch', async ({ app }) => {
  const { page } = app
  await page.getByTestId('counter-button').click()
  const rounds = 5
  for (let round = 1; round <= rounds; round++) {
    // Saved again as a person would: saves of one file closer together than the storm window are a
    // storm, whose final content is applied when the file is quiet (not a swap per save).
    if (round > 1) await new Promise((resolve) => setTimeout(resolve, STORM_WINDOW_MS + 50))
    const entry = await app.read('src/plugins/counter/index.ts')
    const format = await app.read('src/plugins/counter/format.ts')
    // Like "save all" or a formatter: the entry and its helper written at once.
    await Promise.all([
      writeFile(path.join(app.root, 'src/plugins/counter/index.ts'), entry.replace(/const label = '[^']*'/, `const label = 'Count ${round}'`)),
      writeFile(path.join(app.root, 'src/plugins/counter/format.ts'), format.replace(/`\$\{count\} [^`]*`/, `\`\${count} clicks (${round})\``)),
    ])
    await expect(page.getByTestId('counter-label')).toHaveText(`Count ${round}`)
    await expect(page.getByTestId('counter-value')).toHaveText(`1 clicks (${round})`)
    await expect.poll(async () => (await app.events('reload-completed', 'counter')).length).toBeGreaterThanOrEqual(round)
  }
  // A save of another plugin after the last round: a second swap of the counter would have come before it.
  await app.edit('src/plugins/clock/index.ts', 'export function activate(', '// edited\nexport function activate(')
  await app.waitForReloads('clock', 1)
  const swaps = await app.events('reload-completed', 'counter')
  expect(swaps).toHaveLength(rounds)
  for (const swap of swaps) {
    expect(swap.batch).toEqual(expect.any(Number))
    expect(swap.files).toEqual(['src/plugins/counter/format.ts', 'src/plugins/counter/index.ts'])
  }
  expect(new Set(swaps.map((s) => s.batch)).size).toBe(rounds)
  // The terminal names the files and the plugin of each update (not the registry module).
  const updates = app.logs.filter((line) => line.includes('hmr update') && line.includes('counter'))
  expect(updates).toHaveLength(rounds)
  expect(updates.every((line) => line.includes('src/plugins/counter/format.ts, src/plugins/counter/index.ts → counter'))).toBe(true)
  await app.expectNoPageReload()
})
