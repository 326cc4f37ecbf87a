import { realpathSync } from 'node:fs'
import { normalizePath } from 'vite'
import type { cleanupAfterEach } from './fixtures.js'

type Teardown = ReturnType<typeof cleanupAfterEach>

export const plugin = 'export function activate() {}'
export const manifest = (name: string, fields: Record<string, unknown> = {}) => JSON.stringify({ name, type: 'module', ...fields })

/** A workspace: the app (the Vite root), plugins and a helper lib beside it, packages linked pnpm-style and npm-style. */
export async function makeWorkspace(teardown: Teardown) {
  const tree = await teardown.tree(
    {
      'app/package.json': manifest('app'),
      'app/index.html': '<script type="module" src="/src/main.ts"></script>',
      'app/src/main.ts': "import plugins from 'virtual:hot-plugins'\nfor (const p of plugins) p.load().then((m) => m.activate())",
      'app/src/plugins/counter/index.ts': "import { f } from '../../../../shared-lib/format'\nexport function activate() { return 'counter ' + f }",
      'app/src/plugins/legacy/index.js': plugin,
      'shared-plugins/notes/index.ts': "export function activate() { return 'notes plugin' }",
      'shared-lib/format.ts': 'export const f = 1',
      'packages/plugin-a/package.json': manifest('@acme/plugin-a', { exports: { '.': { types: './dist/index.d.ts', development: './src/index.ts', default: './dist/index.js' } } }),
      'packages/plugin-a/src/index.ts': "import { label } from './label'\nexport function activate() { return label }",
      'packages/plugin-a/src/label.ts': "export const label = 'plugin a label'",
      'packages/plugin-b/package.json': manifest('@acme/plugin-b', { module: './src/main.ts', main: './dist/main.cjs' }),
      'packages/plugin-b/src/main.ts': "export const meta = { id: 'beta' }\nexport function activate() { return 'plugin b' }",
      'packages/other/package.json': manifest('@acme/other'),
      'packages/other/index.js': plugin,
      // npm and yarn hoist workspace links to the workspace's own node_modules.
      'packages/plugin-c/package.json': manifest('@acme/plugin-c', { exports: './index.js' }),
      'packages/plugin-c/index.js': plugin,
      // Installed from a registry: a real folder in node_modules.
      'app/node_modules/@acme/plugin-installed/package.json': manifest('@acme/plugin-installed', { main: 'index.js' }),
      'app/node_modules/@acme/plugin-installed/index.js': plugin,
      'packages/plugin-broken/package.json': manifest('@acme/plugin-broken', { exports: { './x': './x.js' } }),
    },
    {
      'app/node_modules/@acme/plugin-a': '../../../packages/plugin-a',
      'app/node_modules/@acme/plugin-b': '../../../packages/plugin-b',
      'app/node_modules/@acme/other': '../../../packages/other',
      'app/node_modules/@acme/plugin-broken': '../../../packages/plugin-broken',
      'node_modules/@acme/plugin-c': '../../packages/plugin-c',
      // Shadowed by the app's own link, as in Node's lookup.
      'node_modules/@acme/plugin-a': '../../packages/plugin-c',
    },
  )
  const real = normalizePath(realpathSync(tree.root))
  return { root: `${real}/app`, real }
}
