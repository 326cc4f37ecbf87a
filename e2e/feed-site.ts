import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from '@playwright/test'
import { buildApp, tempFolder, type PlaygroundCopy } from './playground'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** The playground's main.ts made to follow a feed once its plugins run: `?feed=` names another feed, `?allow=` an origin to allow, `?interval=` the ms between checks (default an hour). */
export async function followTheFeed(copy: PlaygroundCopy): Promise<void> {
  await copy.edit('src/main.ts', "import './style.css'", "import './style.css'\nimport { followFeed } from '@hot-plugins/client/feed'")
  await copy.edit(
    'src/main.ts',
    'void host.start(plugins).then(({ active }) => dashboard.log(`started ${active.join(\', \')}`))',
    [
      'void host.start(plugins).then(({ active }) => {',
      '  dashboard.log(`started ${active.join(\', \')}`)',
      '  const query = new URLSearchParams(location.search)',
      "  const url = query.get('feed') ?? '/hot-plugins.json'",
      "  const allowOrigins = query.getAll('allow')",
      "  const intervalMs = Number(query.get('interval') ?? 3_600_000)",
      '  ;(window as unknown as { feed: unknown }).feed = followFeed(host, { url, allowOrigins, intervalMs })',
      '})',
    ].join('\n'),
  )
}

/** Builds the copy as it is now into `dist-<name>`. */
export async function buildVariant(copy: PlaygroundCopy, name: string): Promise<string> {
  await buildApp(copy.root, `dist-${name}`)
  return path.join(copy.root, `dist-${name}`)
}

interface FeedPluginFiles {
  id: string
  url: string
  imports: { url: string }[]
  css: { url: string }[]
}

async function pluginOf(build: string, id: string): Promise<FeedPluginFiles> {
  const feed = JSON.parse(await readFile(path.join(build, 'hot-plugins.json'), 'utf8')) as { plugins: FeedPluginFiles[] }
  const plugin = feed.plugins.find((p) => p.id === id)
  if (!plugin) throw new Error(`the feed of ${build} lists no plugin "${id}"`)
  return plugin
}

/** A request the site answered. */
export interface Served {
  path: string
  host: string
  status: number
}

/**
 * Builds made once for every engine project of a run: kept in `playground-temp/` under a hash of
 * what they are built from (both packages' `dist`, the playground, the calling spec), and made
 * again by `make(folder)` (which writes `folder/<name>` for each name) when any of it changed.
 */
export async function cachedBuilds(names: readonly string[], make: (folder: string) => Promise<void>): Promise<Record<string, string>> {
  const key = await hashOf([
    path.join(repoRoot, 'packages/client/dist'),
    path.join(repoRoot, 'packages/vite-plugin-hot-plugins/dist'),
    path.join(repoRoot, 'playground/src'),
    path.join(repoRoot, 'playground/vite.config.ts'),
    path.join(repoRoot, 'playground/index.html'),
    path.join(repoRoot, 'e2e/feed-site.ts'),
    test.info().file,
  ])
  const folder = tempFolder(`builds-${path.basename(test.info().file, '.spec.ts')}-${key}`)
  const builds = Object.fromEntries(names.map((name) => [name, path.join(folder, name)]))
  if (names.every((name) => existsSync(path.join(folder, name, 'hot-plugins.json')))) return builds
  await rm(folder, { recursive: true, force: true })
  await mkdir(folder, { recursive: true })
  await make(folder)
  return builds
}

async function hashOf(paths: readonly string[]): Promise<string> {
  const hash = createHash('sha1')
  const add = async (file: string): Promise<void> => {
    const info = await stat(file)
    if (info.isDirectory()) {
      for (const entry of (await readdir(file)).sort()) await add(path.join(file, entry))
      return
    }
    hash.update(file).update(await readFile(file))
  }
  for (const file of paths) await add(file)
  return hash.digest('hex').slice(0, 12)
}

/** The nonce the builds of the cross-engine feed tests write (Vite's `html.cspNonce`) and their site allows. */
export const SITE_NONCE = 'hot-plugins-e2e-nonce'

/**
 * A static site, as a CDN would serve a deploy: every build's assets side by side (old ones are
 * kept), the page of the first build, the feed of whichever build is deployed; ETags and `304`s;
 * `Content-Security-Policy: script-src 'self' <the site's other origin>` on every answer (with
 * `'nonce-…'` of SITE_NONCE where `nonce` is set, unless the page is asked for with `?csp=no-nonce`),
 * and CORS headers: reached as `127.0.0.1`, the site is a CDN of another origin.
 */
export async function startFeedSite(root: string, builds: Record<string, string>, first: string, { nonce = false } = {}) {
  const served: Served[] = []
  await rm(root, { recursive: true, force: true })
  for (const dir of Object.values(builds)) await cp(path.join(dir, 'assets'), path.join(root, 'assets'), { recursive: true, force: false })
  await cp(path.join(builds[first]!, 'index.html'), path.join(root, 'index.html'))
  let port = 0
  // Like `vite preview` or a CDN set up for a single-page app: a missing file is answered with index.html.
  let fallbackToIndex = false
  const server: Server = createServer((request, response) => {
    void (async () => {
      const requested = new URL(request.url ?? '/', 'http://site')
      const pathname = requested.pathname
      const withNonce = nonce && requested.searchParams.get('csp') !== 'no-nonce'
      const file = path.join(root, pathname === '/' ? 'index.html' : pathname)
      const body = await readFile(file).catch(() => undefined)
      const answer = (status: number, headers: Record<string, string> = {}, content?: Buffer) => {
        served.push({ path: pathname, host: request.headers.host ?? '', status })
        const csp = `script-src 'self' http://127.0.0.1:${port}${withNonce ? ` 'nonce-${SITE_NONCE}'` : ''}`
        response.writeHead(status, { 'content-security-policy': csp, 'access-control-allow-origin': '*', ...headers })
        response.end(content)
      }
      if (!file.startsWith(root)) return answer(404)
      if (!body && fallbackToIndex) return answer(200, { 'content-type': 'text/html' }, await readFile(path.join(root, 'index.html')))
      if (!body) return answer(404)
      const etag = `"${createHash('sha1').update(body).digest('hex')}"`
      if (request.headers['if-none-match'] === etag) return answer(304, { etag })
      const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : file.endsWith('.json') ? 'application/json' : 'text/html'
      answer(200, { 'content-type': type, etag, 'cache-control': 'no-cache' }, body)
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, resolve))
  port = (server.address() as AddressInfo).port
  return {
    /** The page's URL (by name: `127.0.0.1` is another origin for the page). */
    url: `http://localhost:${port}/`,
    otherOrigin: `http://127.0.0.1:${port}`,
    served,
    /** Serves the page of build `name` (as a tab opened on that deploy loads it). */
    page: (name: string) => cp(path.join(builds[name]!, 'index.html'), path.join(root, 'index.html')),
    /** Publishes the feed of build `name` (its assets are there already). */
    deploy: (name: string) => cp(path.join(builds[name]!, 'hot-plugins.json'), path.join(root, 'hot-plugins.json')),
    /** A chunk's path in the site, by the start of its file name (`counter-`) in build `name`'s feed. */
    async chunkOf(name: string, id: string): Promise<string> {
      return path.join(root, (await pluginOf(builds[name]!, id)).url)
    },
    /** The files of plugin `id`'s chunks it imports and its stylesheets in build `name`, as paths in the site. */
    async importsOf(name: string, id: string): Promise<{ imports: string[]; css: string[] }> {
      const plugin = await pluginOf(builds[name]!, id)
      return { imports: plugin.imports.map((c) => path.join(root, c.url)), css: plugin.css.map((c) => path.join(root, c.url)) }
    },
    write: (file: string, content: string) => writeFile(file, content),
    /** Answers every missing file with index.html (`200`, `text/html`), as a single-page app's host does. */
    fallBackToIndex: (on: boolean) => void (fallbackToIndex = on),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
