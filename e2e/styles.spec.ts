import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { expect, test, type App } from './fixtures'

// A plugin's stylesheets go with it: when its folder is deleted, the plain CSS and CSS modules it
// imported stop applying to the page, unless a plugin still running (or the host) imports them too.

const PAINTED = 'src/plugins/painted'

/** A plugin importing a plain stylesheet, a CSS module and a stylesheet shared with `framed`. */
const paintedFiles = {
  'painted.css': 'body { background-color: rgb(255, 0, 0); }\n',
  'painted.module.css': '.note { font-style: italic; }\n:global(header h1) { letter-spacing: 7px; }\n',
  'index.ts': [
    "import './painted.css'",
    "import '../../shared/outline.css'",
    "import styles from './painted.module.css'",
    '',
    'export function activate(ctx: { panel: HTMLElement }) {',
    "  const note = document.createElement('p')",
    '  note.className = styles.note',
    "  note.dataset.testid = 'painted-note'",
    "  note.textContent = 'painted'",
    '  ctx.panel.append(note)',
    '  return () => note.remove()',
    '}',
    '',
  ].join('\n'),
}

/**
 * Brings the painted plugin's folder in whole, as a checkout or `mv` does. (Files written one by
 * one into a folder just created can be missed by Vite's file watcher on a busy machine, plain
 * Vite's too: that is not what these tests are about.)
 */
async function writePainted(app: App, files: Partial<typeof paintedFiles> = {}) {
  const staging = `${app.root}.staging`
  await rm(staging, { recursive: true, force: true })
  await mkdir(staging)
  for (const [name, content] of Object.entries({ ...paintedFiles, ...files })) await writeFile(path.join(staging, name), content)
  await rename(staging, path.join(app.root, PAINTED))
}

/** What the painted plugin's styles change, read from the page. */
function look(app: App) {
  return app.page.evaluate(() => {
    const main = getComputedStyle(document.querySelector('main')!)
    return {
      background: getComputedStyle(document.body).backgroundColor,
      heading: getComputedStyle(document.querySelector('header h1')!).letterSpacing,
      outline: main.outlineStyle === 'none' ? 'none' : main.outlineColor,
    }
  })
}

const painted = { background: 'rgb(255, 0, 0)', heading: '7px', outline: 'rgb(1, 2, 3)' }

/** The dev-id of every style element Vite's client keeps for a module under `folder`. */
function stylesUnder(app: App, folder: string) {
  return app.page.evaluate(
    (folder) => [...document.querySelectorAll('style[data-vite-dev-id]')].map((s) => s.getAttribute('data-vite-dev-id')!).filter((id) => id.includes(folder)),
    `/${folder}/`,
  )
}

test.beforeEach(async ({ app }) => {
  await app.write('src/shared/outline.css', 'main { outline: 2px solid rgb(1, 2, 3); }\n')
  // `framed` keeps the shared stylesheet in use.
  await app.write('src/plugins/framed/index.ts', "import '../../shared/outline.css'\n\nexport function activate() {}\n")
  await expect.poll(() => app.events('plugin-added', 'framed')).toHaveLength(1)
})

test('a deleted plugin takes its stylesheets and CSS modules with it; one shared with a running plugin stays', async ({ app }) => {
  const before = await look(app)
  expect(before.background).not.toBe(painted.background)
  for (let round = 1; round <= 3; round++) {
    await writePainted(app)
    await expect(app.page.getByTestId('painted-note')).toHaveCSS('font-style', 'italic')
    await expect.poll(() => look(app)).toEqual(painted)

    await rm(path.join(app.root, PAINTED), { recursive: true })

    await expect.poll(() => app.events('plugin-removed', 'painted')).toHaveLength(round)
    await expect.poll(() => look(app)).toEqual({ ...before, outline: painted.outline })
    await expect.poll(() => stylesUnder(app, PAINTED)).toEqual([])
  }
  expect(app.console.filter((line) => line.includes('Failed to reload'))).toEqual([])
  await app.expectNoPageReload()
})

test('a renamed plugin keeps its styles; once its last importer is gone, the shared stylesheet goes too', async ({ app }) => {
  const before = await look(app)
  await writePainted(app)
  await expect.poll(() => look(app)).toEqual(painted)
  let folder = PAINTED
  for (let round = 1; round <= 3; round++) {
    const previous = folder
    folder = `src/plugins/painted-${round}`
    await rename(path.join(app.root, previous), path.join(app.root, folder))
    await expect(app.page.getByTestId('painted-note')).toHaveCount(1)
    await expect(app.page.getByTestId('painted-note')).toHaveCSS('font-style', 'italic')
    await expect.poll(() => look(app)).toEqual(painted)
    await expect.poll(() => stylesUnder(app, previous)).toEqual([])
  }

  await rm(path.join(app.root, 'src/plugins/framed'), { recursive: true })
  await rm(path.join(app.root, folder), { recursive: true })
  await expect.poll(() => look(app)).toEqual({ ...before, outline: 'none' })
  await app.expectNoPageReload()
})

test('an edit of a plugin\'s plain CSS is applied by Vite in place; one of its CSS module swaps the plugin', async ({ app }) => {
  await writePainted(app)
  await expect.poll(() => look(app)).toEqual(painted)
  const completed = () => app.events('reload-completed', 'painted')

  await app.edit(`${PAINTED}/painted.css`, 'rgb(255, 0, 0)', 'rgb(0, 0, 255)')
  await expect.poll(async () => (await look(app)).background).toBe('rgb(0, 0, 255)')
  expect(await completed()).toEqual([])

  await app.edit(`${PAINTED}/painted.module.css`, 'letter-spacing: 7px', 'letter-spacing: 9px')
  await expect.poll(async () => (await look(app)).heading).toBe('9px')
  await expect.poll(completed).toHaveLength(1)
  await expect(app.page.getByTestId('painted-note')).toHaveCount(1)
  await app.expectNoPageReload()
})

test('a plugin moved with its meta.id kept keeps its look; its old stylesheets go once its new version runs', async ({ app }) => {
  await writePainted(app, { 'index.ts': `export const meta = { id: 'painted' }\n${paintedFiles['index.ts']}` })
  await expect.poll(() => look(app)).toEqual(painted)

  await rename(path.join(app.root, PAINTED), path.join(app.root, 'src/plugins/moved'))

  await app.waitForReloads('painted', 1)
  await expect.poll(() => stylesUnder(app, PAINTED)).toEqual([])
  expect(await look(app)).toEqual(painted)
  expect(await stylesUnder(app, 'src/plugins/moved')).toHaveLength(2)
  await expect(app.page.getByTestId('painted-note')).toHaveCSS('font-style', 'italic')
  await app.expectNoPageReload()
})
