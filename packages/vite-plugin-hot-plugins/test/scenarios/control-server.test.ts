import { describe, expect, it } from 'vitest'
import { createServer, type BindCLIShortcutsOptions, type Logger, type Plugin, type ViteDevServer } from 'vite'
import hotPlugins from '../../src/index.js'
import { listen } from '../control/fixtures.js'
import { cleanupAfterEach } from '../fixtures.js'

const files = {
  'src/plugins/counter/index.ts': 'export function activate() {}',
  'src/plugins/notes/index.ts': 'export function activate() {}',
}

const teardown = cleanupAfterEach()

/** A dev server in middleware mode (no WebSocket: no tab ever connects), served on a free port. */
async function serve(config: { base?: string; plugins?: Plugin[]; logger?: Logger } = {}) {
  const made = await teardown.tree(files)
  const server = teardown.server(await createServer({
    root: made.root,
    base: config.base,
    configFile: false,
    logLevel: 'silent',
    customLogger: config.logger,
    plugins: [...(config.plugins ?? []), hotPlugins({ plugins: 'src/plugins/*/index.ts' })],
    server: { middlewareMode: true, ws: false, watch: null },
    optimizeDeps: { noDiscovery: true },
  }))
  const http = await listen(server.middlewares)
  teardown.server(http)
  return { ...http, server }
}

describe('the control API in a dev server', () => {
  it('serves the status of the discovered plugins, and 409 for commands while no tab is connected', async () => {
    const http = await serve()
    const status = await http.request('GET', '/__hot-plugins/status')
    expect(status.status).toBe(200)
    expect(status.body).toEqual({
      tabs: 0,
      plugins: [
        { id: 'counter', file: 'src/plugins/counter/index.ts', tabs: [] },
        { id: 'notes', file: 'src/plugins/notes/index.ts', tabs: [] },
      ],
    })
    const reload = await http.post('/__hot-plugins/reload', { id: 'counter' })
    expect(reload.status).toBe(409)
    expect(reload.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(reload.body.error).toMatch(/^no browser tab is connected/)
  })

  it("lives under Vite's base", async () => {
    const http = await serve({ base: '/app/' })
    expect((await http.request('GET', '/app/__hot-plugins/status')).status).toBe(200)
    expect((await http.request('GET', '/__hot-plugins/status')).status).not.toBe(200)
  })

  it('adds the terminal shortcut, which still lists from the live server after a restart', async () => {
    const bound: BindCLIShortcutsOptions<ViteDevServer>[] = []
    const seen: object[] = []
    // Stands in for Vite's own bindCLIShortcuts, which binds nothing outside a terminal.
    const recordShortcuts: Plugin = {
      name: 'record-shortcuts',
      configureServer(s) {
        seen.push(s.environments.client)
        s.bindCLIShortcuts = (options) => void bound.push(options ?? {})
      },
    }
    const info: string[] = []
    const logger = { info: (m: string) => info.push(m), warn() {}, warnOnce() {}, error() {}, clearScreen() {}, hasErrorLogged: () => false, hasWarned: false } as Logger
    const { server } = await serve({ plugins: [recordShortcuts], logger })
    server.bindCLIShortcuts({ print: true })
    const shortcut = bound[0]?.customShortcuts?.find((s) => s.key === 'l')
    expect(shortcut?.description).toBe('list hot plugins')

    await server.restart()
    // The restarted server is the same object, with the new environment the new plugin instance saw.
    expect(server.environments.client).toBe(seen[1])
    await shortcut!.action!(server)
    expect(info.at(-1)).toBe('[hot-plugins] no browser tab is connected; open the app to see its plugins run (2 plugins: counter, notes)')
  })
})
