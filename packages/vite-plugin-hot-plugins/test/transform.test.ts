import { SourceMap } from 'node:module'
import { init } from 'es-module-lexer'
import { beforeAll, describe, expect, it } from 'vitest'
import { injectPluginMeta } from '../src/transform.js'

const source = [
  "import { formatCount } from './format'",
  "export const meta = { version: '1.0.0' }",
  'let count = 0',
  'export function activate(ctx) {',
  '  ctx.panel.textContent = formatCount(count)',
  '}',
  'export function getReloadState() { return { count } }',
].join('\n')

const plugin = { id: 'counter', file: 'src/plugins/counter/index.ts' }

describe('injectPluginMeta', () => {
  beforeAll(() => init)

  it('appends the id, file and export names', () => {
    const result = injectPluginMeta(source, '/app/src/plugins/counter/index.ts', plugin)
    expect(result.code.startsWith(source)).toBe(true)
    expect(result.code).toContain(
      'export const __hotPlugin = {"id":"counter","file":"src/plugins/counter/index.ts","exports":["meta","activate","getReloadState"]};',
    )
    expect(result.exports).toEqual(['meta', 'activate', 'getReloadState'])
    expect(result.selfAccepts).toBe(false)
  })

  it('produces a source map that maps every original line back to itself', () => {
    const result = injectPluginMeta(source, '/app/src/plugins/counter/index.ts', plugin)
    const map = new SourceMap(JSON.parse(result.map.toString()))
    const lines = source.split('\n')
    lines.forEach((line, index) => {
      const column = line.indexOf(line.trim())
      const found = map.findEntry(index, column)
      expect(found, `line ${index + 1}`).toMatchObject({ originalLine: index, originalColumn: column })
    })
    expect(map.payload.sources).toEqual(['/app/src/plugins/counter/index.ts'])
    expect(map.payload.sourcesContent).toEqual([source])
  })

  it.each([
    ['import.meta.hot.accept()', true],
    ['import.meta.hot.accept((mod) => {})', true],
    ['import.meta.hot.accept(function (mod) {})', true],
    ['import.meta.hot.accept(onUpdate)', true],
    ["import.meta.hot.accept('./dep', () => {})", false],
    ["import.meta.hot.accept(['./a'], () => {})", false],
    ['import.meta.hot.dispose(() => {})', false],
  ])('detects a self-accepting entry: %s → %s', (statement, expected) => {
    const code = `export function activate() {}\nif (import.meta.hot) { ${statement} }`
    expect(injectPluginMeta(code, '/x.ts', plugin).selfAccepts).toBe(expected)
  })
})
