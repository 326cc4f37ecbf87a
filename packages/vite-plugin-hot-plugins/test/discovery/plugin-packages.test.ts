import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { discoverPlugins } from '../../src/discovery/discover-plugins.js'
import { findPluginPackages, packageEntry } from '../../src/discovery/plugin-packages.js'
import { cleanupAfterEach } from '../fixtures.js'
import { makeWorkspace, manifest, plugin } from '../workspace-tree.js'

const teardown = cleanupAfterEach()
const workspace = () => makeWorkspace(teardown)

describe('plugin packages', () => {
  it('are found by name in node_modules up the tree, the nearest first, resolved through the link to their real entry', async () => {
    const { root, real } = await workspace()
    const search = findPluginPackages(root, ['@acme/plugin-*'])
    expect(search.found).toEqual([
      { name: '@acme/plugin-a', dir: `${real}/packages/plugin-a`, entry: `${real}/packages/plugin-a/src/index.ts`, linked: true },
      { name: '@acme/plugin-b', dir: `${real}/packages/plugin-b`, entry: `${real}/packages/plugin-b/src/main.ts`, linked: true },
      { name: '@acme/plugin-c', dir: `${real}/packages/plugin-c`, entry: `${real}/packages/plugin-c/index.js`, linked: true },
      {
        name: '@acme/plugin-installed',
        dir: `${root}/node_modules/@acme/plugin-installed`,
        entry: `${root}/node_modules/@acme/plugin-installed/index.js`,
        linked: false,
      },
    ])
    expect(search.problems).toEqual([
      `plugin package "@acme/plugin-broken" (${real}/packages/plugin-broken): its package.json "exports" has no "." entry for the conditions development, browser, module, import, default; it is not loaded.`,
    ])
    expect(findPluginPackages(root, ['@acme/other']).found.map((p) => p.name)).toEqual(['@acme/other'])
    expect(findPluginPackages(root, []).found).toEqual([])
  })

  it("read the entry from exports (conditions in the package's order), else module, else main", () => {
    expect(packageEntry({ exports: './a.js', module: './m.js' })).toBe('./a.js')
    expect(packageEntry({ exports: { import: './i.js', development: './d.js' } })).toBe('./i.js')
    expect(packageEntry({ exports: { '.': { node: './n.js', development: { types: './t.d.ts', default: './src.ts' } }, './x': './x.js' } })).toBe('./src.ts')
    expect(packageEntry({ exports: { '.': [{ require: './r.cjs' }, './fallback.js'] } })).toBe('./fallback.js')
    expect(packageEntry({ exports: { '.': { require: './r.cjs' } } })).toBeUndefined()
    expect(packageEntry({ module: './m.js', main: './c.cjs' })).toBe('./m.js')
    expect(packageEntry({ main: './c.js' })).toBe('./c.js')
    expect(packageEntry({})).toBe('index.js')
    // A build's conditions: the entry it imports.
    const built = { exports: { '.': { types: './t.d.ts', development: './src/index.ts', default: './dist/index.js' } } }
    expect(packageEntry(built, ['module', 'browser', 'production', 'import', 'default'])).toBe('./dist/index.js')
    expect(packageEntry({ exports: { '.': { development: './src/index.ts' } } }, ['production', 'import', 'default'])).toBeUndefined()
  })

  it('that are in the workspace but linked nowhere the app looks are named, with what to do', async () => {
    const { root } = await makeWorkspaceWith(teardown, { 'pnpm-workspace.yaml': "packages:\n  - 'app'\n  - packages/*   # every package\n  - '!packages/other'\n" })
    expect(findPluginPackages(root, ['@acme/plugin-*']).problems).toEqual([
      expect.stringContaining('plugin package "@acme/plugin-broken"'),
      `plugin package "@acme/plugin-gamma" (../packages/plugin-gamma) is in the workspace, but not linked into a node_modules folder the app resolves from (the app does not depend on it), so it is not loaded; add "@acme/plugin-gamma": "workspace:*" to the app's package.json dependencies and run pnpm install`,
    ])
    // Not a plugin by its name: nothing said.
    expect(findPluginPackages(root, ['@acme/plugin-a']).problems).toEqual([])
  })

  it('that are in an npm or yarn workspace but linked nowhere are named too', async () => {
    const { root } = await makeWorkspaceWith(teardown, { 'package.json': JSON.stringify({ private: true, workspaces: ['app', 'packages/*'] }) })
    expect(findPluginPackages(root, ['@acme/plugin-gamma']).problems).toEqual([
      `plugin package "@acme/plugin-gamma" (../packages/plugin-gamma) is in the workspace, but not linked into a node_modules folder the app resolves from (the app does not depend on it), so it is not loaded; add "@acme/plugin-gamma" to the app's package.json dependencies and run your package manager's install`,
    ])
  })

  it('are plugins beside the globs: the package name is the id unless meta.id, the file is root-relative', async () => {
    const { root, real } = await workspace()
    const problems: string[] = []
    const found = await discoverPlugins(root, ['src/plugins/*/index.ts', '../shared-plugins/*/index.ts'], ['@acme/plugin-a', '@acme/plugin-b'], (p) => problems.push(p))
    expect(found).toEqual([
      { id: 'notes', file: '../shared-plugins/notes/index.ts', absFile: `${real}/shared-plugins/notes/index.ts`, url: `/@fs${real}/shared-plugins/notes/index.ts` },
      { id: 'counter', file: 'src/plugins/counter/index.ts', absFile: `${root}/src/plugins/counter/index.ts`, url: '/src/plugins/counter/index.ts' },
      {
        id: '@acme/plugin-a',
        file: '../packages/plugin-a/src/index.ts',
        absFile: `${real}/packages/plugin-a/src/index.ts`,
        url: `/@fs${real}/packages/plugin-a/src/index.ts`,
        package: '@acme/plugin-a',
        packageDir: `${real}/packages/plugin-a`,
      },
      {
        id: 'beta',
        file: '../packages/plugin-b/src/main.ts',
        absFile: `${real}/packages/plugin-b/src/main.ts`,
        url: `/@fs${real}/packages/plugin-b/src/main.ts`,
        package: '@acme/plugin-b',
        packageDir: `${real}/packages/plugin-b`,
      },
    ])
    expect(problems).toEqual([])
  })
})

/** The workspace with a plugin package nothing links (`packages/plugin-gamma`) and `files` at its top. */
async function makeWorkspaceWith(t: typeof teardown, files: Record<string, string>) {
  const ws = await makeWorkspace(t)
  for (const [file, content] of Object.entries({ ...files, 'packages/plugin-gamma/package.json': manifest('@acme/plugin-gamma', { main: 'index.js' }), 'packages/plugin-gamma/index.js': plugin })) {
    await mkdir(path.dirname(path.join(ws.real, file)), { recursive: true })
    await writeFile(path.join(ws.real, file), content)
  }
  return ws
}
