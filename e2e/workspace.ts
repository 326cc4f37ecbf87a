import { mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { copyPlaygroundSources, editableFiles, playgroundRoot, tempFolder, type PlaygroundCopy } from './playground'

/** A plugin with a click count kept across swaps; `ctx` is the playground's host API. */
export function countingPlugin(name: string, header: string, text: string): string {
  return `${header}

let count = 0
let render = (): void => {}

export function activate(ctx: { panel: HTMLElement; setTitle(title: string): void }) {
  ctx.setTitle('${name}')
  const value = document.createElement('output')
  value.dataset.testid = '${name}-value'
  const button = document.createElement('button')
  button.dataset.testid = '${name}-button'
  button.textContent = '+1'
  button.addEventListener('click', () => {
    count += 1
    render()
  })
  render = () => {
    value.textContent = ${text}
  }
  render()
  ctx.panel.append(value, button)
  return () => ctx.panel.replaceChildren()
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

/** Where the fixture's plugins come from, as `hotPlugins()` options in the app's vite.config.ts. */
export const WORKSPACE_PLUGINS = `plugins: ['src/plugins/*/index.{ts,tsx}', '../shared-plugins/*/index.ts', { packages: '@acme/plugin-*' }]`

/**
 * A pnpm workspace in `playground-temp/<name>/`: `app/` (the playground, the Vite root) whose
 * counter formats its count with a helper in `shared-lib/`, a plugin in `shared-plugins/tally/`
 * named by a `../` glob, and two plugin packages in `packages/` linked into `app/node_modules` as
 * pnpm links them (relative symlinks): `@acme/plugin-alpha` (entry in `exports`, a helper of its
 * own) and `@acme/plugin-beta` (entry in `module`, `meta.id` 'beta'), which imports the workspace
 * package `@acme/utils` (not a plugin) by name.
 */
export async function copyWorkspace(name: string): Promise<PlaygroundCopy> {
  const dir = tempFolder(name)
  const root = path.join(dir, 'app')
  await rm(dir, { recursive: true, force: true })
  await copyPlaygroundSources(root)
  const files = editableFiles(root)
  await linkPlaygroundModules(path.join(root, 'node_modules'))
  const write = async (file: string, content: string) => {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true })
    await writeFile(path.join(dir, file), content)
  }
  await write('pnpm-workspace.yaml', "packages:\n  - app\n  - packages/*\n")
  await write('shared-lib/format.ts', 'export function formatCount(count: number): string {\n  return `${count} clicks`\n}\n')
  await files.edit('src/plugins/counter/index.ts', "from './format'", "from '../../../../shared-lib/format'")
  await write('shared-plugins/tally/index.ts', countingPlugin('tally', "const label = 'tallied'", '`${count} ${label}`'))
  await write('packages/plugin-alpha/package.json', manifest('@acme/plugin-alpha', { exports: { '.': { development: './src/index.ts', default: './src/index.ts' } } }))
  await write('packages/plugin-alpha/src/label.ts', "export const label = 'alpha'\n")
  await write('packages/plugin-alpha/src/index.ts', countingPlugin('alpha', "import { label } from './label'", '`${label} ${count}`'))
  await write('packages/plugin-beta/package.json', manifest('@acme/plugin-beta', { module: './src/main.ts' }))
  await write('packages/plugin-beta/src/main.ts', countingPlugin('beta', "import { mark } from '@acme/utils'\n\nexport const meta = { id: 'beta' }", '`beta ${mark}${count}`'))
  await write('packages/utils/package.json', manifest('@acme/utils', { exports: './src/index.ts' }))
  await write('packages/utils/src/index.ts', "export const mark = ''\n")
  for (const plugin of ['plugin-alpha', 'plugin-beta']) {
    await symlink(`../../../packages/${plugin}`, path.join(root, 'node_modules/@acme', plugin), 'dir')
  }
  // plugin-beta depends on the workspace package @acme/utils: pnpm links it into beta's node_modules.
  await mkdir(path.join(dir, 'packages/plugin-beta/node_modules/@acme'), { recursive: true })
  await symlink('../../../utils', path.join(dir, 'packages/plugin-beta/node_modules/@acme/utils'), 'dir')
  await files.edit('vite.config.ts', "hotPlugins({ plugins: 'src/plugins/*/index.{ts,tsx}',", `hotPlugins({ ${WORKSPACE_PLUGINS},`)
  return { root, ...files, remove: () => rm(dir, { recursive: true, force: true }) }
}

function manifest(name: string, fields: Record<string, unknown>): string {
  return `${JSON.stringify({ name, version: '1.0.0', private: true, type: 'module', ...fields }, null, 2)}\n`
}

/** The app's node_modules as pnpm lays one out: a link per dependency (the playground's), and a folder @acme for the workspace links. */
async function linkPlaygroundModules(modules: string): Promise<void> {
  await mkdir(path.join(modules, '@acme'), { recursive: true })
  const source = path.join(playgroundRoot, 'node_modules')
  for (const entry of await readdir(source)) {
    await symlink(path.join(source, entry), path.join(modules, entry), 'dir')
  }
}
