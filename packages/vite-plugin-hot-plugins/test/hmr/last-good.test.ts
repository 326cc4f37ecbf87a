import type { IncomingMessage, ServerResponse } from 'node:http'
import type { BatchResult, LastGoodManifest, TabStatusReport } from '@hot-plugins/client/protocol'
import { describe, expect, it } from 'vitest'
import { createLastGoodVersions } from '../../src/hmr/last-good.js'
import type { SnapshotModules } from '../../src/hmr/last-good-snapshot.js'

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
