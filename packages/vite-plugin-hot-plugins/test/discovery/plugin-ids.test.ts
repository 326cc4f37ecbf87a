import { init } from 'es-module-lexer'
import { beforeAll, describe, expect, it } from 'vitest'
import { defaultPluginId, readStaticMeta, readStaticMetaId } from '../../src/discovery/plugin-ids.js'

describe('defaultPluginId', () => {
  it.each([
    ['src/plugins/counter/index.ts', 'counter'],
    ['src/plugins/group/nested/chart/index.tsx', 'chart'],
    ['src/plugins/counter.ts', 'counter'],
    ['src/plugins/theme.plugin.js', 'theme.plugin'],
    ['index.ts', 'index'],
  ])('%s → %s', (file, id) => {
    expect(defaultPluginId(file)).toBe(id)
  })
})

describe('readStaticMetaId', () => {
  beforeAll(() => init)

  it.each([
    [`export const meta = { id: 'charts', version: '1.0.0' }`, 'charts'],
    [`export const meta: PluginMeta = {\n  version: "2",\n  id: "typed",\n}`, 'typed'],
    [`export const meta = { nested: { id: 'inner' }, id: 'outer' } as const`, 'outer'],
    [`const x = 1\nexport const meta = { 'id': 'quoted' } satisfies PluginMeta`, 'quoted'],
  ])('reads the literal id of %j', (code, id) => {
    expect(readStaticMetaId(code)).toBe(id)
  })

  it.each([
    [`export const meta = { version: '1' }`],
    [`export const meta = { nested: { id: 'inner' } }`],
    [`export const meta = { id: computeId() }`],
    [`export const meta = { label: "id: 'fake'" }`],
    [`// export const meta = { id: 'commented' }\nexport function activate() {}`],
    [`export function activate() {}`],
    [`export const meta = {`],
  ])('finds no static id in %j', (code) => {
    expect(readStaticMetaId(code)).toBeUndefined()
  })
})

describe('readStaticMeta', () => {
  beforeAll(() => init)

  it('reads the literal version, dependsOn and stateVersion, and the id', () => {
    const code = `export const meta = { id: 'notes', version: '1.2.0', dependsOn: ['theme', "store"], stateVersion: 2 }`
    expect(readStaticMeta(code)).toEqual({ id: 'notes', version: '1.2.0', dependsOn: ['theme', 'store'], stateVersion: 2 })
  })

  it('leaves out what is computed, nested or not written', () => {
    expect(readStaticMeta(`export const meta = { version: VERSION, dependsOn: deps(), stateVersion: 1 + 1 }`)).toEqual({})
    expect(readStaticMeta(`export const meta = { dependsOn: ['theme', other] }`)).toEqual({})
    expect(readStaticMeta(`export const meta = { nested: { version: '9' }, dependsOn: [] }`)).toEqual({ dependsOn: [] })
    expect(readStaticMeta(`export function activate() {}`)).toEqual({})
  })
})
