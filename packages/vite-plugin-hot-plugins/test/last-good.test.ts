import type { IncomingMessage, ServerResponse } from 'node:http'
import type { BatchResult, LastGoodManifest, TabStatusReport } from '@hot-plugins/client/protocol'
import { describe, expect, it } from 'vitest'
import { createLastGoodVersions } from '../src/hmr/last-good.js'
import { collectSnapshot, graphUrl, rewriteSnapshotModule, type SnapshotModules, type SnapshotNode } from '../src/hmr/last-good-snapshot.js'

function node(url: string, code: string | null, imports: SnapshotNode[] = [], extra: Partial<SnapshotNode> = {}): SnapshotNode {
  return { url, id: `/root${url}`, file: `/root${url}`, type: 'js', transformResult: code === null ? null : { code }, importedModules: new Set(imports), ...extra }
}

describe('collectSnapshot', () => {
  it("takes the entry and its own helpers, transitively, and leaves dependencies, Vite's modules, styles and other plugins shared", async () => {
    const deep = node('/src/plugins/counter/deep.ts', 'export const d = 1')
    const format = node('/src/plugins/counter/format.ts', 'import "/src/plugins/counter/deep.ts"', [deep])
    const other = node('/src/plugins/theme/index.ts', 'export {}')
    const entry = node('/src/plugins/counter/index.ts', 'entry code', [
      format,
      node('/node_modules/.vite/deps/react.js', 'react', [], { file: '/root/node_modules/.vite/deps/react.js' }),
      node('/@vite/client', 'client', [], { file: null }),
      node('/src/plugins/counter/style.css', 'css as js', [], { type: 'css' }),
      node('/@id/__x00__virtual:thing', 'virtual', [], { id: '\0virtual:thing' }),
      other,
      format,
    ])
    const modules = await collectSnapshot(entry, { isOtherEntry: (n) => n === other, transform: async () => null })
    expect([...modules!.keys()]).toEqual(['/src/plugins/counter/index.ts', '/src/plugins/counter/format.ts', '/src/plugins/counter/deep.ts'])
    expect(modules!.get('/src/plugins/counter/index.ts')).toBe('entry code')
  })

  it('transforms a module whose transform is not at hand, and gives up when it cannot be', async () => {
    const helper = node('/src/plugins/p/helper.ts', null)
    const entry = node('/src/plugins/p/index.ts', 'entry', [helper])
    const transformed = await collectSnapshot(entry, { isOtherEntry: () => false, transform: async (url) => ({ code: `fresh ${url}` }) })
    expect(transformed!.get('/src/plugins/p/helper.ts')).toBe('fresh /src/plugins/p/helper.ts')
    expect(await collectSnapshot(entry, { isOtherEntry: () => false, transform: async () => null })).toBeUndefined()
    expect(await collectSnapshot(entry, { isOtherEntry: () => false, transform: () => Promise.reject(new Error('gone')) })).toBeUndefined()
  })
})

describe('rewriteSnapshotModule', () => {
  const own = new Set(['/src/plugins/counter/index.ts', '/src/plugins/counter/format.ts', '/src/plugins/counter/data.json'])
  const prefix = '/sub/__hot-plugins/last-good/counter/123'

  it("points imports of the snapshot's modules, and its hot context, into the snapshot; leaves the rest", async () => {
    const code = [
      'import { createHotContext as __vite__createHotContext } from "/sub/@vite/client";',
      'import.meta.hot = __vite__createHotContext("/src/plugins/counter/index.ts");',
      'import { formatCount } from "/sub/src/plugins/counter/format.ts?t=1700000000000";',
      'import data from "/sub/src/plugins/counter/data.json?import";',
      'import react from "/sub/node_modules/.vite/deps/react.js?v=abc";',
      'import "/sub/src/plugins/counter/style.css";',
      'const lazy = () => import("/sub/src/plugins/counter/format.ts");',
      'const other = () => import(name);',
    ].join('\n')
    const rewritten = await rewriteSnapshotModule(code, prefix, own, '/sub/')
    expect(rewritten.split('\n')).toEqual([
      'import { createHotContext as __vite__createHotContext } from "/sub/@vite/client";',
      `import.meta.hot = __vite__createHotContext("${prefix}/src/plugins/counter/index.ts");`,
      `import { formatCount } from "${prefix}/src/plugins/counter/format.ts";`,
      `import data from "${prefix}/src/plugins/counter/data.json";`,
      'import react from "/sub/node_modules/.vite/deps/react.js?v=abc";',
      'import "/sub/src/plugins/counter/style.css";',
      `const lazy = () => import("${prefix}/src/plugins/counter/format.ts");`,
      'const other = () => import(name);',
    ])
  })

  it('reads served URLs as the module graph names them', () => {
    expect(graphUrl('/src/a.ts?t=12', '/')).toBe('/src/a.ts')
    expect(graphUrl('/app/src/a.svg?import&t=12', '/app/')).toBe('/src/a.svg')
    expect(graphUrl('/src/a.txt?raw&t=3', '/')).toBe('/src/a.txt?raw')
    expect(graphUrl('/src/a.txt?import&raw', '/')).toBe('/src/a.txt?raw')
  })
})

/** A response the middleware writes into. */
function response() {
  const res = {
    statusCode: 0,
    headers: {} as Record<string, string>,
    body: '',
    setHeader(name: string, value: string) {
      res.headers[name.toLowerCase()] = value
    },
    end(body: string) {
      res.body = body
      done()
    },
  }
  let done = () => {}
  const ended = new Promise<void>((resolve) => (done = resolve))
  return { res, ended }
}

function setup() {
  let time = 1_000
  const code = new Map<string, string>([
    ['/src/plugins/counter/index.ts', 'import { f } from "/src/plugins/counter/format.ts?t=5"; export const v = 1'],
    ['/src/plugins/counter/format.ts', 'export const f = 1'],
  ])
  const captures: string[] = []
  const warnings: string[] = []
  const versions = createLastGoodVersions({
    base: '/',
    now: () => time,
    warn: (message) => void warnings.push(message),
    async capture(id) {
      captures.push(id)
      return id === 'counter' ? (new Map(code) as SnapshotModules) : undefined
    },
  })
  const get = async (url: string, method = 'GET') => {
    const { res, ended } = response()
    let passed = false
    versions.middleware({ url, method } as IncomingMessage, res as unknown as ServerResponse, () => {
      passed = true
      res.end('')
    })
    await ended
    return { ...res, passed }
  }
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0))
  const status = (plugins: TabStatusReport['plugins']): TabStatusReport => ({ tab: 't1', full: true, sentAt: 0, plugins })
  const tick = (ms: number) => void (time += ms)
  return { versions, code, captures, warnings, get, settle, status, tick }
}

const idle = (id: string) => ({ id, file: `src/plugins/${id}/index.ts`, status: 'idle' as const, reloadCount: 0, hotReload: true })

describe('the last good versions the dev server keeps', () => {
  it('keeps the version a batch brought once a tab reports it swapped, not a later one', async () => {
    const app = setup()
    app.versions.announced(1, ['counter'])
    // A newer save is transformed before the page reports: the announced version is still the one kept.
    app.code.set('/src/plugins/counter/index.ts', 'export const v = 2 // broken later')
    app.tick(500)
    const result: BatchResult = { batch: 1, durationMs: 10, plugins: [{ id: 'counter', file: 'x', outcome: 'swapped', durationMs: 10, stateKept: true }] }
    app.versions.reported(result)
    await app.settle()
    expect(app.versions.get('counter')).toMatchObject({ at: 1_500, entry: '/src/plugins/counter/index.ts' })
    expect(app.versions.get('counter')!.modules.get('/src/plugins/counter/index.ts')).toContain('export const v = 1')
    // Another tab reporting the same batch takes nothing newer.
    app.versions.reported(result)
    await app.settle()
    expect(app.captures).toEqual(['counter'])
  })

  it('keeps nothing for a batch that failed, and the version a tab started with when it has none', async () => {
    const app = setup()
    app.versions.announced(1, ['counter'])
    app.versions.reported({ batch: 1, durationMs: 1, plugins: [{ id: 'counter', file: 'x', outcome: 'rolled-back', durationMs: 1, stateKept: false }] })
    await app.settle()
    expect(app.versions.get('counter')).toBeUndefined()

    app.versions.status(app.status([{ ...idle('counter'), status: 'failed' }]))
    await app.settle()
    expect(app.versions.get('counter')).toBeUndefined()
    app.versions.status(app.status([idle('counter')]))
    await app.settle()
    expect(app.versions.get('counter')).toBeDefined()
    // Later reports of the same running version do not take the code again.
    app.versions.status(app.status([idle('counter')]))
    expect(app.captures.filter((id) => id === 'counter')).toHaveLength(2)
  })

  it('serves the manifest and the modules, imports pointing into the snapshot; 404 for what it does not keep', async () => {
    const app = setup()
    expect(await app.get('/__hot-plugins/last-good/counter')).toMatchObject({ statusCode: 404 })
    app.versions.status(app.status([idle('counter')]))
    await app.settle()

    const manifest = await app.get('/__hot-plugins/last-good/counter')
    expect(manifest.statusCode).toBe(200)
    expect(manifest.headers['cache-control']).toBe('no-store')
    const parsed = JSON.parse(manifest.body) as LastGoodManifest
    expect(parsed).toEqual({ id: 'counter', at: 1_000, entry: '/__hot-plugins/last-good/counter/1000/src/plugins/counter/index.ts' })

    const entry = await app.get(`${parsed.entry}?import`)
    expect(entry.statusCode).toBe(200)
    expect(entry.headers['content-type']).toBe('text/javascript')
    expect(entry.body).toBe('import { f } from "/__hot-plugins/last-good/counter/1000/src/plugins/counter/format.ts"; export const v = 1')
    expect((await app.get('/__hot-plugins/last-good/counter/1000/src/plugins/counter/format.ts')).body).toBe('export const f = 1')
    expect(await app.get('/__hot-plugins/last-good/counter/999/src/plugins/counter/format.ts')).toMatchObject({ statusCode: 404 })
    expect(await app.get('/__hot-plugins/last-good/counter/1000/src/other.ts')).toMatchObject({ statusCode: 404 })
    expect(await app.get('/__hot-plugins/status')).toMatchObject({ passed: true })
    expect(await app.get('/__hot-plugins/last-good/counter', 'POST')).toMatchObject({ passed: true })
  })

  it('says once per tab and version, in the terminal, that a tab runs a last good version', async () => {
    const app = setup()
    const since = new Date(2026, 0, 1, 10, 42, 7).getTime()
    const report = app.status([{ ...idle('counter'), lastGood: { since, error: 'activate() threw: broken 3' } }])
    app.versions.status(report)
    app.versions.status(report)
    expect(app.warnings).toEqual([
      '[hot-plugins] counter runs its last good version from 10:42:07; the file on disk fails: activate() threw: broken 3; the next good save replaces it',
    ])
    // Running its last good version is no reason to take the code on disk as good.
    await app.settle()
    expect(app.versions.get('counter')).toBeUndefined()
  })
})
