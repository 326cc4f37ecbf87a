import { describe, expect, it } from 'vitest'
import type { Change, PipelineParts } from '../../src/hmr/change.js'
import { startValidation } from '../../src/hmr/early-validation.js'

/** A plugin entry `/root/src/plugins/a/index.ts` and a change of it, with what the check did in order. */
function setup(overrides: { type?: Change['type']; settled?: boolean; mayReload?: boolean; file?: string; fails?: boolean; storm?: boolean; opened?: boolean } = {}) {
  const steps: string[] = []
  const file = overrides.file ?? '/root/src/plugins/a/index.ts'
  const module = { file, url: file.replace('/root', ''), type: 'js', importers: new Set(), acceptedHmrDeps: new Set() }
  const parts = {
    context: {
      settled: () => overrides.settled ?? true,
      entryByFile: (absFile: string) => (absFile === '/root/src/plugins/a/index.ts' ? { id: 'a', absFile } : undefined),
      pluginById: (id: string) => (id === 'a' ? { id, url: '/src/plugins/a/index.ts' } : undefined),
      mayReload: () => overrides.mayReload ?? true,
    },
    finalContent: { stormsNow: () => overrides.storm ?? false },
    prefetch: { announce: (timestamp: number, urls: string[]) => steps.push(`prefetch ${urls.join(' ')} at ${timestamp}`) },
    validated: {
      transform: async (_environment: unknown, m: { url: string }) => {
        steps.push(`transform ${m.url}`)
        if (overrides.fails) throw Object.assign(new Error('Unexpected token'), { id: m.url })
        return { code: '', map: null }
      },
    },
  } as unknown as Pick<PipelineParts, 'context' | 'validated' | 'finalContent' | 'prefetch'>
  const change = {
    type: overrides.type ?? 'update',
    file,
    relative: file.replace('/root/', ''),
    modules: [module],
    timestamp: 7,
    environment: {},
    ticket: { opened: overrides.opened ?? true },
    read: () => (steps.push('read'), Promise.resolve('export function activate() {}')),
  } as unknown as Change
  return { parts, change, steps }
}

describe('startValidation', () => {
  it("starts the compile check of a plugin's file saved at once, its content read first", async () => {
    const { parts, change, steps } = setup()
    const validation = startValidation(parts, change)
    expect(validation).toBeDefined()
    expect(await validation).toBeUndefined()
    expect(steps).toEqual(['read', 'transform /src/plugins/a/index.ts', 'prefetch /src/plugins/a/index.ts at 7'])
  })

  it("lets the page fetch the changed module and its plugins' entries ahead, when the save opened its batch", async () => {
    const helper = setup({ file: '/root/src/plugins/a/format.ts' })
    const entry = { file: '/root/src/plugins/a/index.ts', url: '/src/plugins/a/index.ts', type: 'js', importers: new Set(), acceptedHmrDeps: new Set() }
    const [module] = helper.change.modules as unknown as [{ importers: Set<unknown> }]
    module.importers.add(entry)
    await startValidation(helper.parts, helper.change)
    expect(helper.steps).toContain('prefetch /src/plugins/a/format.ts /src/plugins/a/index.ts at 7')

    // A later change of a burst: its batch's update is the first change's.
    const joined = setup({ opened: false })
    expect(await startValidation(joined.parts, joined.change)).toBeUndefined()
    expect(joined.steps).toEqual(['read', 'transform /src/plugins/a/index.ts'])
  })

  it('gives a failing compile as its result, never as a rejection', async () => {
    const { parts, change } = setup({ fails: true })
    expect(await startValidation(parts, change)).toMatchObject({ message: 'Unexpected token', id: '/src/plugins/a/index.ts' })
  })

  it('leaves every other change to the pipeline: created or deleted files, files no plugin owns, filtered out, in a storm, entries not known yet', () => {
    for (const overrides of [{ type: 'create' as const }, { type: 'delete' as const }, { file: '/root/src/main.ts' }, { mayReload: false }, { storm: true }, { settled: false }]) {
      const { parts, change, steps } = setup(overrides)
      expect(startValidation(parts, change), JSON.stringify(overrides)).toBeUndefined()
      expect(steps).toEqual([])
    }
  })
})
