import { describe, expect, it } from 'vitest'
import type { HotPluginsContext } from '../../src/context.js'
import type { DiscoveredPlugin } from '../../src/discovery/discover-plugins.js'
import { changesEntrySet } from '../../src/hmr/entry-set-update.js'

const counter: DiscoveredPlugin = { id: 'counter', file: 'src/plugins/counter/index.ts', absFile: '/app/src/plugins/counter/index.ts', url: '/src/plugins/counter/index.ts' }

/** The part of the context the check reads: entries are index.ts files under src/plugins. */
function context(failed = false): HotPluginsContext {
  return {
    isEntryPath: (file: string) => /^src\/plugins\/[^/]+\/index\.ts$/.test(file),
    discoveryFailed: () => failed,
    plugins: async () => [counter],
  } as unknown as HotPluginsContext
}
const event = (type: 'create' | 'update' | 'delete', code: string | undefined, relative = counter.file) => ({
  type,
  file: `/app/${relative}`,
  relative,
  read: () => (code === undefined ? Promise.reject(Object.assign(new Error('gone'), { code: 'ENOENT' })) : code),
})

describe('changesEntrySet', () => {
  it('is an entry created or deleted, never another file', async () => {
    expect(await changesEntrySet(context(), event('create', ''))).toBe(true)
    expect(await changesEntrySet(context(), event('delete', undefined))).toBe(true)
    expect(await changesEntrySet(context(), event('create', '', 'src/plugins/counter/format.ts'))).toBe(false)
  })

  it("is a save of an entry only when its literal meta.id changes the plugin's id, or it is gone", async () => {
    expect(await changesEntrySet(context(), event('update', 'export function activate() {}'))).toBe(false)
    expect(await changesEntrySet(context(), event('update', "export const meta = { id: 'counter' }\nexport function activate() {}"))).toBe(false)
    expect(await changesEntrySet(context(), event('update', "export const meta = { id: 'tally' }\nexport function activate() {}"))).toBe(true)
    expect(await changesEntrySet(context(), event('update', undefined))).toBe(true)
    // An entry path no discovery found (not yet discovered): its create event is the change.
    expect(await changesEntrySet(context(), event('update', '', 'src/plugins/other/index.ts'))).toBe(false)
  })

  it('is any save of an entry after a discovery that failed (two entries with one id): it may fix it', async () => {
    expect(await changesEntrySet(context(true), event('update', 'export function activate() {}'))).toBe(true)
  })
})
