import { writeFile } from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { build, type Logger, type ViteDevServer } from 'vite'
import { HotEvents, RESOLVED_VIRTUAL_REGISTRY_ID, type RemoteUpdate } from '@hot-plugins/client/protocol'
import hotPlugins from '../../src/index.js'
import { cleanupAfterEach, listeningServer } from '../fixtures.js'

const CHARTS = 'src/plugins/charts/index.ts'
const charts = (title: string) => `import { bars } from './bars'\nexport const title = '${title}'\nexport function activate() { bars() }\n`
const remoteFiles = { [CHARTS]: charts('v1'), 'src/plugins/charts/bars.ts': 'export function bars() {}\n' }
const hostFiles = { 'src/plugins/counter/index.ts': 'export function activate() {}\n', 'src/main.ts': "import plugins from 'virtual:hot-plugins'\nconsole.log(plugins)\n" }

const teardown = cleanupAfterEach()

function recordingLogger() {
  const lines: string[] = []
  const record = (level: string) => (message: string) => void lines.push(`${level}: ${message}`)
  const logger: Logger = { info: record('info'), warn: record('warn'), warnOnce: record('warn'), error: record('error'), clearScreen: () => {}, hasErrorLogged: () => false, hasWarned: false }
  return { logger, lines }
}

/** The plugin project, exposing its plugins; `port` 0: any. */
async function remoteProject(expose: Parameters<typeof hotPlugins>[0] = { expose: true }, port = 0, servedUnder = '/', files = remoteFiles) {
  const made = await teardown.tree(files)
  const { logger, lines } = recordingLogger()
  const { server, base } = await listeningServer(made.root, [], {
    plugins: [hotPlugins({ plugins: 'src/plugins/*/index.ts', ...expose })],
    server: { port, strictPort: port !== 0, watch: null },
    customLogger: logger,
    base: servedUnder,
  })
  teardown.server(server)
  const save = async (file: string, content: string) => {
    await writeFile(path.join(made.root, file), content)
    server.watcher.emit('change', path.join(made.root, file))
  }
  return { server, base, lines, save }
}

/** The host app, with `remotes`; what its dev server sends its pages is recorded. */
async function hostApp(remotes: string[]) {
  const made = await teardown.tree(hostFiles)
  const { logger, lines } = recordingLogger()
  const { server, base } = await listeningServer(made.root, [], {
    plugins: [hotPlugins({ plugins: 'src/plugins/*/index.ts', remotes })],
    customLogger: logger,
  })
  teardown.server(server)
  return { server, base, lines, sent: recordSent(server) }
}

function recordSent(server: ViteDevServer): unknown[][] {
  const sent: unknown[][] = []
  const hot = server.environments.client.hot
  const send = hot.send.bind(hot) as (...args: unknown[]) => void
  hot.send = ((...args: unknown[]) => {
    sent.push(args)
    send(...args)
  }) as typeof hot.send
  return sent
}

const fromHost = (host: { base: string }) => ({ headers: { Origin: host.base } })
const registryOf = async (host: { server: ViteDevServer }) => {
  const loaded = await host.server.environments.client.pluginContainer.load(RESOLVED_VIRTUAL_REGISTRY_ID)
  return typeof loaded === 'string' ? loaded : (loaded?.code ?? '')
}
const logged = (lines: string[], text: string) => vi.waitFor(() => expect(lines.filter((l) => l.includes(text))).not.toHaveLength(0), { timeout: 5_000 })

describe('plugins from another dev server', () => {
  it('the host lists the remote’s plugins, and a save there reaches its pages as a batch to import from the remote', async () => {
    const remote = await remoteProject()
    const host = await hostApp([remote.base])
    await logged(host.lines, `remote ${remote.base} connected: charts`)
    const registry = await registryOf(host)
    expect(registry).toContain(`{ id: "charts", file: "//${new URL(remote.base).host}/${CHARTS}", url: "${remote.base}/${CHARTS}", load: () => import("${remote.base}/${CHARTS}") }`)
    // As the host's page does: the entry comes from the remote.
    expect(await (await fetch(`${remote.base}/${CHARTS}`, fromHost(host))).text()).toContain('title = "v1"')

    await remote.save('src/plugins/charts/bars.ts', 'export function bars() { return 2 }\n')
    await vi.waitFor(() => expect(host.sent.filter(([event]) => event === HotEvents.remoteUpdate)).toHaveLength(1))
    const [, update] = host.sent.find(([event]) => event === HotEvents.remoteUpdate) as [string, RemoteUpdate]
    expect(update.announcement).toMatchObject({ files: [`//${new URL(remote.base).host}/src/plugins/charts/bars.ts`], plugins: ['charts'], batch: -1 })
    expect(update.modules).toEqual([{ id: 'charts', url: `${remote.base}/${CHARTS}`, timestamp: update.announcement.timestamp }])
    // The new version imports the new helper.
    const entry = await (await fetch(`${update.modules[0]!.url}?t=${update.modules[0]!.timestamp}`, fromHost(host))).text()
    const helper = entry.match(/"(\/src\/plugins\/charts\/bars\.ts\?t=\d+)"/)?.[1]
    expect(helper, entry).toBeDefined()
    expect(await (await fetch(`${remote.base}${helper}`, fromHost(host))).text()).toContain('return 2')
    expect(host.lines.filter((l) => l.includes('hmr update'))).toEqual([
      expect.stringContaining(`//${new URL(remote.base).host}/src/plugins/charts/bars.ts → charts@${new URL(remote.base).host}`),
    ])
    // Vite found no page of the remote's own to update: it reloaded none, and said nothing of it.
    expect(remote.lines.filter((l) => l.includes('page reload'))).toEqual([])
    expect(remote.lines.filter((l) => l.includes('[hot-plugins] hmr update src/plugins/charts/bars.ts → charts (sent to 1 host)'))).toHaveLength(1)
  })

  it('a save of the remote that does not compile reaches the host’s pages as refused, with Vite’s overlay', async () => {
    const remote = await remoteProject()
    const host = await hostApp([remote.base])
    await logged(host.lines, 'connected: charts')
    await fetch(`${remote.base}/${CHARTS}`, fromHost(host))
    await remote.save(CHARTS, 'export function activate() {{{\n')
    await vi.waitFor(() => expect(host.sent.filter(([event]) => event === HotEvents.error)).toHaveLength(1))
    const name = new URL(remote.base).host
    expect(host.sent.find(([event]) => event === HotEvents.error)?.[1]).toMatchObject({ file: `//${name}/${CHARTS}`, plugins: ['charts'] })
    expect(host.sent.some(([payload]) => (payload as { type?: string }).type === 'error')).toBe(true)
    await logged(host.lines, `//${name}/${CHARTS} does not compile; charts@${name} keeps running the previous version`)
    expect(host.sent.filter(([event]) => event === HotEvents.remoteUpdate)).toEqual([])
  })

  it('serves host pages a Vite client without a socket, and its own pages Vite’s', async () => {
    const remote = await remoteProject()
    const standIn = await (await fetch(`${remote.base}/@vite/client`, { headers: { Origin: 'http://localhost:5999' } })).text()
    expect(standIn).toContain('export function createHotContext')
    expect(standIn).not.toContain('WebSocket')
    expect(await (await fetch(`${remote.base}/@vite/client`)).text()).toContain('WebSocket')
  })

  it('refuses an origin that allowOrigins does not name, on the page’s requests and on the feed', async () => {
    const remote = await remoteProject({ expose: { allowOrigins: ['http://localhost:1'] } })
    const refused = await fetch(`${remote.base}/${CHARTS}`, { headers: { Origin: 'http://localhost:5999' } })
    expect(refused.status).toBe(403)
    expect(await refused.text()).toContain('does not serve http://localhost:5999: add it to expose.allowOrigins')
    expect(remote.lines.filter((l) => l.includes('refused http://localhost:5999: it is not in expose.allowOrigins'))).toHaveLength(1)
    const host = await hostApp([remote.base])
    await logged(host.lines, `remote ${remote.base} refused this app (403`)
    expect(await registryOf(host)).not.toContain('charts')
    expect((await fetch(`${remote.base}/${CHARTS}`, { headers: { Origin: 'http://localhost:1' } })).status).toBe(200)
  })

  it('lets a page of an allowed origin that Vite’s own cors default would not allow load the plugins', async () => {
    const remote = await remoteProject({ expose: { allowOrigins: ['http://host.test:5173'] } })
    const response = await fetch(`${remote.base}/${CHARTS}`, { headers: { Origin: 'http://host.test:5173' } })
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBe('http://host.test:5173')
    expect((await fetch(`${remote.base}/${CHARTS}`, { headers: { Origin: 'http://localhost:5173' } })).status).toBe(403)
  })

  it('a remote served under a base is listed with it', async () => {
    const remote = await remoteProject({ expose: true }, 0, '/plugins/')
    const url = `${new URL(remote.base).origin}/plugins`
    const host = await hostApp([url])
    await logged(host.lines, `remote ${url} connected: charts`)
    expect(await registryOf(host)).toContain(`url: "${url}/${CHARTS}"`)
    expect(await (await fetch(`${url}/${CHARTS}`, fromHost(host))).text()).toContain('title = "v1"')
  })

  it('a remote that is not running: the host says so, and takes its plugins once it comes up', async () => {
    const port = await freePort()
    const url = `http://localhost:${port}`
    const host = await hostApp([url])
    await logged(host.lines, `remote ${url} is not reachable`)
    expect(await registryOf(host)).not.toContain('charts')
    await remoteProject({ expose: true }, port)
    await logged(host.lines, `remote ${url} connected: charts`)
    expect(await registryOf(host)).toContain(`url: "${url}/${CHARTS}"`)
    expect(host.lines.filter((l) => l.includes('is not reachable'))).toHaveLength(1)
  })

  it('a remote that is back after it was down: the host’s pages load its plugins again, with what was saved meanwhile', async () => {
    const port = await freePort()
    const url = `http://localhost:${port}`
    const before = await remoteProject({ expose: true }, port)
    const host = await hostApp([url])
    await logged(host.lines, `remote ${url} connected: charts`)
    const updates = () => host.sent.filter(([event]) => event === HotEvents.remoteUpdate).map(([, update]) => update as RemoteUpdate)
    // The first connection: the pages have the plugins from the registry, nothing to load again.
    expect(updates()).toEqual([])
    await before.server.close()
    await logged(host.lines, `remote ${url} stopped`)
    // Its project as it is after a save made while it was down.
    await remoteProject({ expose: true }, port, '/', { ...remoteFiles, [CHARTS]: charts('saved while down') })
    await logged(host.lines, `remote ${url} connected: charts; the open pages load charts again`)
    await vi.waitFor(() => expect(updates()).toHaveLength(1))
    const [update] = updates()
    expect(update!.announcement).toMatchObject({ files: [`//localhost:${port}/${CHARTS}`], plugins: ['charts'] })
    expect(update!.modules).toEqual([{ id: 'charts', url: `${url}/${CHARTS}`, timestamp: update!.announcement.timestamp }])
    expect(await (await fetch(`${url}/${CHARTS}?t=${update!.modules[0]!.timestamp}`, fromHost(host))).text()).toContain('title = "saved while down"')
  })
})

describe('vite build of a host with remotes', () => {
  it('bundles the app’s own plugins only, and says once that the remotes are left out', async () => {
    const made = await teardown.tree({ ...hostFiles, 'index.html': '<script type="module" src="/src/main.ts"></script>\n' })
    const { logger, lines } = recordingLogger()
    const nodeEnv = process.env.NODE_ENV
    try {
      const output = await build({
        root: made.root,
        configFile: false,
        customLogger: logger,
        plugins: [hotPlugins({ plugins: 'src/plugins/*/index.ts', remotes: ['http://localhost:5174'] })],
        build: { write: false },
      })
      const code = JSON.stringify(output)
      expect(code).toContain('function activate')
      expect(code).not.toContain('localhost:5174')
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV
      else process.env.NODE_ENV = nodeEnv
    }
    expect(lines.filter((l) => l.includes('"remotes" is for the dev server: the build holds this app\'s own plugins only (http://localhost:5174 left out)'))).toHaveLength(1)
  })
})

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}
