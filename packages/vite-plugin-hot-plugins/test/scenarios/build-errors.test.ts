import { build } from 'vite'
import { afterEach, describe, expect, it } from 'vitest'
import { VIRTUAL_REGISTRY_ID } from '@hot-plugins/client/protocol'
import hotPlugins from '../../src/index.js'
import { makeTree } from '../fixtures.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

describe('a build that fails in a plugin', () => {
  it('quotes the registry as the app imports it (virtual:hot-plugins), with no NUL byte, on the path to the plugin', async () => {
    const tree = await makeTree({
      'index.html': '<script type="module" src="/src/main.ts"></script>',
      'src/main.ts': `import plugins from 'virtual:hot-plugins'\nfor (const p of plugins) void p.load()\n`,
      'src/plugins/chart/index.ts': "import './missing'\nexport function activate() {}\n",
    })
    cleanups.push(tree.cleanup)
    const nodeEnv = process.env.NODE_ENV
    const failed = await build({
      root: tree.root,
      configFile: false,
      logLevel: 'silent',
      plugins: [hotPlugins({ plugins: 'src/plugins/*/index.ts' })],
      build: { outDir: 'dist', write: false },
    }).then(
      () => undefined,
      (error: Error) => error,
    )
    if (nodeEnv === undefined) delete process.env.NODE_ENV
    else process.env.NODE_ENV = nodeEnv
    const message = failed?.message ?? ''
    expect(message).toContain('src/plugins/chart/index.ts')
    // Rolldown lists the importers: the entry, then the registry, then main.ts.
    expect(message).toMatch(new RegExp(`- ${VIRTUAL_REGISTRY_ID}\\n`))
    expect(message).not.toContain('\0')
    expect(message).not.toContain('__x00__')
  }, 30_000)
})
