import { describe, expect, it } from 'vitest'
import type { PluginModule, ReloadInfo } from '../../src/host/types.js'
import { entry, startHotHost } from '../helpers.js'

/** A counter version that records the info each setReloadState got. */
function version(tag: string, infos: [string, ReloadInfo][], extra: Partial<PluginModule> = {}) {
  let count = 0
  const module: PluginModule = {
    meta: { version: tag },
    activate() {},
    getReloadState: () => ({ count }),
    setReloadState(state: { count: number }, info: ReloadInfo) {
      count = state.count
      infos.push([tag, info])
    },
    ...extra,
  }
  return { module, set: (n: number) => void (count = n) }
}

describe('what setReloadState is told', () => {
  it("a swap: reason 'hot-swap' and the version the state came from; a rollback: reason 'rollback'", async () => {
    const infos: [string, ReloadInfo][] = []
    const v1 = version('1.0.0', infos)
    const app = await startHotHost([entry('counter', v1.module)])
    v1.set(4)

    const swapped = app.next('reload-completed')
    app.registry.accept('counter', version('2.0.0', infos).module)
    expect(await swapped).toMatchObject({ id: 'counter', stateKept: true, version: '2.0.0' })
    expect(infos).toEqual([['2.0.0', { reason: 'hot-swap', fromVersion: '1.0.0', fromStateVersion: undefined }]])

    const failed = app.next('reload-failed')
    const broken = version('3.0.0', infos, {
      activate() {
        throw new Error('broken 3')
      },
    })
    app.registry.accept('counter', broken.module)
    expect(await failed).toMatchObject({ id: 'counter', outcome: 'rolled-back' })
    expect(infos.at(-1)).toEqual(['2.0.0', { reason: 'rollback', fromVersion: '2.0.0', fromStateVersion: undefined }])
    const started = app.events.filter((e) => e.type === 'reload-started').map((e) => e.payload)
    expect(started.every((e) => !('via' in e))).toBe(true)
    const completed = app.events.filter((e) => e.type === 'reload-completed').map((e) => e.payload)
    expect(completed).toHaveLength(1)
    expect(completed[0]).not.toHaveProperty('via')
    expect(completed[0].durationMs).toBeGreaterThanOrEqual(0)
  })
})
