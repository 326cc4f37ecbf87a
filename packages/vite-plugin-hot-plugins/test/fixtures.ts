import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach } from 'vitest'
import { createServer, type InlineConfig, type Plugin } from 'vite'
import hotPlugins from '../src/index.js'

/**
 * Writes `files` (path → content) into a fresh temp folder, and `links` (path → the folder it points
 * to, relative to the link, as pnpm and npm link workspace packages); returns it and a cleanup.
 */
export async function makeTree(files: Record<string, string>, links: Record<string, string> = {}) {
  const root = await mkdtemp(path.join(os.tmpdir(), 'hot-plugins-'))
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true })
    await writeFile(path.join(root, file), content)
  }
  for (const [link, target] of Object.entries(links)) {
    await mkdir(path.dirname(path.join(root, link)), { recursive: true })
    await symlink(target, path.join(root, link), 'dir')
  }
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) }
}

/**
 * A listening dev server on `root` with `hotPlugins()` and `plugins`, its watcher left to the test
 * (it emits the file events); `base` is its URL without the trailing slash.
 */
export async function listeningServer(root: string, plugins: Plugin[] = [], config: InlineConfig = {}) {
  const server = await createServer({
    root,
    configFile: false,
    logLevel: 'silent',
    plugins: [hotPlugins({ plugins: 'src/plugins/*/index.ts' }), ...plugins],
    server: { port: 0, watch: null },
    optimizeDeps: { noDiscovery: true },
    ...config,
  })
  await server.listen()
  return { server, base: server.resolvedUrls!.local[0]!.replace(/\/$/, '') }
}

/**
 * A dev server on `root` in middleware mode, `hotPlugins(options)` its plugin: no socket and no
 * watcher (the test runs the file events through the hooks), no dependency discovery.
 */
export function middlewareServer(root: string, options: Parameters<typeof hotPlugins>[0] = { plugins: 'src/plugins/*/index.ts' }, config: InlineConfig = {}) {
  return createServer({
    root,
    configFile: false,
    logLevel: 'silent',
    plugins: [hotPlugins(options)],
    server: { middlewareMode: true, ws: false, watch: null },
    optimizeDeps: { noDiscovery: true },
    ...config,
  })
}

/** What a test made that must go when it ends: a dev server, an HTTP server. */
interface Closable {
  close(): Promise<void>
}

/**
 * After each test of the file that calls it: closes the servers the test started, then removes the
 * temp trees it made (a server may still read its tree while it closes). Every test of a file
 * that starts servers on temp trees needs this; each file wrote it out again.
 */
export function cleanupAfterEach() {
  const servers: Closable[] = []
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close()
    for (const cleanup of cleanups.splice(0)) await cleanup()
  })
  return {
    /** `makeTree`, removed after the test. */
    async tree(files: Record<string, string>, links: Record<string, string> = {}) {
      const made = await makeTree(files, links)
      cleanups.push(made.cleanup)
      return made
    },
    /** `server`, closed after the test. */
    server<S extends Closable>(server: S): S {
      servers.push(server)
      return server
    },
  }
}
