import { describe, expect, it } from 'vitest'
import { createServer, type Logger, type Plugin } from 'vite'
import hotPlugins from '../../src/index.js'
import { cleanupAfterEach } from '../fixtures.js'

const teardown = cleanupAfterEach()

/** A stand-in for a framework's HMR transform: makes every module it sees accept its own updates. */
const frameworkSelfAccept: Plugin = {
  name: 'framework-hmr',
  transform: (code, id) => (id.endsWith('.ts') ? `${code}\nif (import.meta.hot) import.meta.hot.accept(() => {})\n` : undefined),
}

async function warningsFor(entry: string, plugins: Plugin[] = [], about = 'accepts its own HMR updates'): Promise<string[]> {
  const made = await teardown.tree({ 'src/plugins/p/index.ts': entry })
  const warnings: string[] = []
  const logger = { info() {}, warn: (m: string) => warnings.push(m), warnOnce() {}, error() {}, clearScreen() {}, hasErrorLogged: () => false, hasWarned: false } as Logger
  const server = teardown.server(await createServer({
    root: made.root,
    configFile: false,
    customLogger: logger,
    plugins: [...plugins, hotPlugins({ plugins: 'src/plugins/*/index.ts' })],
    server: { middlewareMode: true, ws: false, watch: null },
    optimizeDeps: { noDiscovery: true },
  }))
  await server.transformRequest('/src/plugins/p/index.ts')
  // Only the self-accept warnings: with `watch: null` the dev server also (rightly) warns that the
  // entry cannot hot-reload, which is not what these tests are about.
  return warnings.filter((w) => w.includes('[hot-plugins]') && w.includes(about))
}

describe('warnings about a plugin entry that accepts its own updates', () => {
  it('name the self-accept the author wrote', async () => {
    const warnings = await warningsFor('export function activate() {}\nimport.meta.hot?.accept()')
    expect(warnings).toEqual([expect.stringContaining('plugin "p" (src/plugins/p/index.ts) accepts its own HMR updates (it calls import.meta.hot.accept())')])
  })

  it('name another Vite plugin when the author wrote none', async () => {
    const warnings = await warningsFor('export function activate() {}', [frameworkSelfAccept])
    expect(warnings).toEqual([expect.stringContaining('plugin "p" (src/plugins/p/index.ts) accepts its own HMR updates through code another Vite plugin added to it')])
    expect(warnings[0]).not.toContain('Remove the self-accept')
  })

  it('stay silent for an entry that accepts nothing', async () => {
    expect(await warningsFor('export function activate() {}')).toEqual([])
  })
})

describe('the warning about an entry without activate', () => {
  it('names the entry that exports none', async () => {
    const warnings = await warningsFor('export const meta = {}', [], 'no `activate` export')
    expect(warnings).toEqual([expect.stringContaining('plugin "p" (src/plugins/p/index.ts) has no `activate` export')])
  })

  it('is not given for an empty entry: a save caught halfway, whose content comes with the next change', async () => {
    expect(await warningsFor('', [], 'no `activate` export')).toEqual([])
  })
})
