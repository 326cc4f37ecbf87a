import { describe, expect, it } from 'vitest'
import { createRegistryUpdater, hotPaths } from '../../src/hmr/registry-update'

describe('hotPaths', () => {
  it("keeps a served URL as the one path (a real file's)", () => {
    expect(hotPaths('/@id/__x00__virtual:hot-plugins')).toEqual(['/@id/__x00__virtual:hot-plugins'])
    expect(hotPaths('/src/main.ts')).toEqual(['/src/main.ts'])
  })

  it("names a raw virtual id (its URL in Vite 7 and 8) in both forms a hot context may have (Vite 8's, Vite 7's)", () => {
    expect(hotPaths('\0virtual:hot-plugins')).toEqual(['\0virtual:hot-plugins', '/@id/__x00__virtual:hot-plugins'])
    expect(hotPaths('virtual:other')).toEqual(['virtual:other', '/@id/virtual:other'])
  })
})

describe('createRegistryUpdater', () => {
  it('sends one update of self-accepted js-updates under the hot paths, a new timestamp each time', () => {
    const sent: unknown[] = []
    const invalidated: number[] = []
    const environment = {
      config: { server: { hmr: true } },
      moduleGraph: { invalidateModule: (_m: unknown, _s: unknown, timestamp: number) => invalidated.push(timestamp) },
      hot: { send: (payload: unknown) => sent.push(payload) },
    }
    const update = createRegistryUpdater()
    const registry = { url: '\0virtual:hot-plugins' }
    update(environment as never, registry as never)
    update(environment as never, registry as never)
    const payloads = sent as { updates: { path: string; acceptedPath: string; timestamp: number }[] }[]
    expect(payloads.map((p) => p.updates.map((u) => [u.path, u.acceptedPath]))).toEqual(
      [0, 1].map(() => [
        ['\0virtual:hot-plugins', '\0virtual:hot-plugins'],
        ['/@id/__x00__virtual:hot-plugins', '/@id/__x00__virtual:hot-plugins'],
      ]),
    )
    const [first, second] = payloads.map((p) => p.updates[0]!.timestamp)
    expect(second).toBeGreaterThan(first!)
    expect(payloads.every((p) => p.updates.every((u) => u.timestamp === p.updates[0]!.timestamp))).toBe(true)
    expect(invalidated).toEqual([first, second])
  })

  it('sends nothing when HMR is off', () => {
    const sent: unknown[] = []
    const environment = { config: { server: { hmr: false } }, moduleGraph: { invalidateModule: () => {} }, hot: { send: (p: unknown) => sent.push(p) } }
    createRegistryUpdater()(environment as never, { url: '\0virtual:hot-plugins' } as never)
    expect(sent).toEqual([])
  })
})
