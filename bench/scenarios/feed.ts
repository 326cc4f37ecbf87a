import { createHash } from 'node:crypto'
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { build } from 'vite'
import type { BenchContext } from '../context'
import { repoRoot } from '../fixtures'
import type { FeedResult } from '../results'
import { pause } from '../session'
import { round, summarize } from '../stats'

// A built app following its feed (`followFeed`), one plugin of about 20 kB. Each sample deploys a
// new version of its chunk (the built chunk with another version string, its integrity computed as
// the build does) and measures, in the page, `feed.check()` until the new version runs with its
// state: the conditional request, the feed, the chunk verified and imported, the swap.

const PLUGIN = (rows: number) => `export const meta = { version: '1.0.0' }
const VERSION = 'v0-version'
const WORDS = [${Array.from({ length: rows }, (_, i) => `'word ${i} of the plugin that is deployed on its own'`).join(', ')}]
let count = 0
let render = () => {}
export function activate(ctx: { panel: HTMLElement }) {
  const p = document.createElement('p')
  p.dataset.bench = 'big'
  render = () => void (p.textContent = VERSION + ' ' + count + ' ' + WORDS.length)
  render()
  ctx.panel.append(p)
  return () => p.remove()
}
export function getReloadState() { return { count } }
export function setReloadState(state: { count: number }) {
  count = state.count + 1
  render()
}
`

const MAIN = `import { createPluginHost } from '@hot-plugins/client'
import { followFeed } from '@hot-plugins/client/feed'
import plugins from 'virtual:hot-plugins'
const panel = document.body
const host = createPluginHost({ context: { panel } })
void host.start(plugins).then(() => {
  ;(window as unknown as { feed: unknown }).feed = followFeed(host, { url: '/hot-plugins.json', intervalMs: 3_600_000 })
})
`

async function buildFeedApp(root: string): Promise<string> {
  await rm(root, { recursive: true, force: true })
  await mkdir(path.join(root, 'src/plugins/big'), { recursive: true })
  await symlink(path.join(repoRoot, 'playground', 'node_modules'), path.join(root, 'node_modules'), 'dir')
  await writeFile(path.join(root, 'index.html'), '<!doctype html><script type="module" src="/src/main.ts"></script>\n')
  await writeFile(path.join(root, 'src/main.ts'), MAIN)
  await writeFile(path.join(root, 'src/plugins/big/index.ts'), PLUGIN(360))
  await writeFile(path.join(root, 'vite.config.ts'), `import { defineConfig } from 'vite'\nimport hotPlugins from 'vite-plugin-hot-plugins'\nexport default defineConfig({ plugins: [hotPlugins({ plugins: 'src/plugins/*/index.ts' })] })\n`)
  const nodeEnv = process.env.NODE_ENV
  try {
    await build({ root, configFile: path.join(root, 'vite.config.ts'), logLevel: 'silent', build: { minify: false } })
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV
    else process.env.NODE_ENV = nodeEnv
  }
  return path.join(root, 'dist')
}

/** Serves `dist`, the feed from memory, with ETags (a 304 when unchanged). */
async function serve(dist: string, feed: () => string) {
  const server = createServer((request, response) => {
    void (async () => {
      const pathname = new URL(request.url ?? '/', 'http://bench').pathname
      const body = pathname === '/hot-plugins.json' ? Buffer.from(feed()) : await readFile(path.join(dist, pathname === '/' ? 'index.html' : pathname)).catch(() => undefined)
      if (!body) return void response.writeHead(404).end()
      const etag = `"${createHash('sha1').update(body).digest('hex')}"`
      if (request.headers['if-none-match'] === etag) return void response.writeHead(304, { etag }).end()
      const type = pathname.endsWith('.js') ? 'text/javascript' : pathname.endsWith('.json') ? 'application/json' : 'text/html'
      response.writeHead(200, { 'content-type': type, etag, 'content-security-policy': "script-src 'self'" }).end(body)
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, resolve))
  return { url: `http://localhost:${(server.address() as AddressInfo).port}/`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

/** Feed check → the new version of a ~20 kB plugin runs with its state, timed in the page; and an unchanged check (a 304). */
export async function feed(bench: BenchContext): Promise<FeedResult> {
  const counts = bench.profile.feed
  const dist = await buildFeedApp(path.join(bench.workDir, 'feed'))
  const manifest = JSON.parse(await readFile(path.join(dist, 'hot-plugins.json'), 'utf8')) as { plugins: { url: string; integrity: string }[] }
  const chunk = await readFile(path.join(dist, manifest.plugins[0]!.url), 'utf8')
  let current = JSON.stringify(manifest)
  /** Deploys version `n` of the chunk: a file of its own, its integrity as the build computes it. */
  const deploy = async (n: number) => {
    const code = chunk.replace('v0-version', `v${n}-version`)
    const url = `assets/big-v${n}.js`
    await writeFile(path.join(dist, url), code)
    const integrity = `sha384-${createHash('sha384').update(code).digest('base64')}`
    current = JSON.stringify({ ...manifest, plugins: [{ ...manifest.plugins[0], url, integrity }] })
  }
  const site = await serve(dist, () => current)
  const context = await bench.browser.newContext()
  try {
    const page = await context.newPage()
    await page.goto(site.url)
    await page.waitForFunction(() => 'feed' in window)
    const check = () =>
      page.evaluate(async () => {
        const started = performance.now()
        const result = (await (window as unknown as { feed: { check(): Promise<{ status: string }> } }).feed.check()) as { status: string; updated?: string[] }
        return { ms: performance.now() - started, status: result.status, updated: result.updated ?? [], text: document.querySelector('[data-bench=big]')?.textContent ?? '' }
      })
    const swaps: number[] = []
    const unchanged: number[] = []
    // The follower checks once at once: that check must be over before the first deploy, or it may
    // be the one to find version 1 (and ours, asked for meanwhile, would find nothing new). Ours
    // waits for it; when the page's own was still on its way (a busy machine), ours is the first
    // the follower answers, which applies the feed the page already runs: nothing updated.
    const first = await check()
    if (first.status !== 'unchanged' && !(first.status === 'applied' && first.updated.length === 0)) {
      throw new Error(`feed: the first check of the built feed gave ${JSON.stringify(first)}`)
    }
    for (let n = 1; n <= counts.warmup + counts.samples; n++) {
      await deploy(n)
      const swapped = await check()
      if (swapped.status !== 'applied' || swapped.updated[0] !== 'big' || !swapped.text.startsWith(`v${n}-version ${n} `)) {
        throw new Error(`feed: version ${n} did not run with its state (${JSON.stringify(swapped)})`)
      }
      const same = await check()
      if (same.status !== 'unchanged') throw new Error(`feed: a check of an unchanged feed gave ${same.status}`)
      if (n > counts.warmup) {
        swaps.push(swapped.ms)
        unchanged.push(same.ms)
      }
      await pause(40)
    }
    return { chunkBytes: Buffer.byteLength(chunk), feedBytes: Buffer.byteLength(current), swap: summarize(swaps), unchanged: summarize(unchanged), ratio: round(summarize(swaps).p50 / summarize(unchanged).p50) }
  } finally {
    await context.close()
    await site.close()
  }
}
