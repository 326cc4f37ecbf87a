import { describe, expect, it } from 'vitest'
import type { Change, PipelineParts } from '../../src/hmr/change.js'
import { startValidation } from '../../src/hmr/early-validation.js'

/** A plugin entry `/root/src/plugins/a/index.ts` and a change of it, with what the check did in order. */
function setup(overrides: { type?: Change['type']; settled?: boolean; mayReload?: boolean; file?: string; fails?: boolean; storm?: boolean } = {}) {
  const steps: string[] = []
  const file = overrides.file ?? '/root/src/plugins/a/index.ts'
  const module = { file, url: file.replace('/root', ''), type: 'js', importers: new Set(), acceptedHmrDeps: new Set() }
  const parts = {
    context: {
      settled: () => overrides.settled ?? true,
      entryByFile: (absFile: string) => (absFile === '/root/src/plugins/a/index.ts' ? { id: 'a', absFile } : undefined),
      mayReload: () => overrides.mayReload ?? true,
    },
    finalContent: { stormsNow: () => overrides.storm ?? false },
    validated: {
      transform: async (_environment: unknown, m: { url: string }) => {
        steps.push(`transform ${m.url}`)
        if (overrides.fails) throw Object.assign(new Error('Unexpected token'), { id: m.url })
        return { code: '', map: null }
      },
    },
  } as unknown as Pick<PipelineParts, 'context' | 'validated' | 'finalContent'>
  const change = {
    type: overrides.type ?? 'update',
    file,
    relative: file.replace('/root/', ''),
    modules: [module],
    timestamp: 7,
    environment: {},
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
    expect(steps).toEqual(['read', 'transform /src/plugins/a/index.ts'])
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
