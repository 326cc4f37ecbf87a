import { SourceMap } from 'node:module'
import { init } from 'es-module-lexer'
import { beforeAll, describe, expect, it } from 'vitest'
import { injectPluginMeta } from '../../src/codegen/inject-meta.js'

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
    ['import.meta.hot?.accept()', true],
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

/** What @vitejs/plugin-react's Fast Refresh wrapper (Vite 8) appends to a module that defines a component. */
const refreshWrapped = [
  'function Hello() { return null }',
  '_c = Hello;',
  'export function activate(ctx) {}',
  'var _c;',
  '$RefreshReg$(_c, "Hello");',
  'import * as RefreshRuntime from "/@react-refresh";',
  'import * as __vite_react_currentExports from "/src/plugins/hello/index.tsx";',
  'if (import.meta.hot) {',
  '  const currentExports = __vite_react_currentExports;',
  '  queueMicrotask(() => {',
  '    RefreshRuntime.registerExportsForReactRefresh("/app/src/plugins/hello/index.tsx", currentExports);',
  '    import.meta.hot.accept((nextExports) => {',
  '      if (!nextExports) return;',
  '      const invalidateMessage = RefreshRuntime.validateRefreshBoundaryAndEnqueueUpdate("/app/src/plugins/hello/index.tsx", currentExports, nextExports);',
  '      if (invalidateMessage) import.meta.hot.invalidate(invalidateMessage);',
  '    });',
  '  });',
  '}',
].join('\n')

describe('an entry that defines a React component', () => {
  beforeAll(() => init)
  const hello = { id: 'hello', file: 'src/plugins/hello/index.tsx' }

  it('is no Fast Refresh boundary: the wrapper\'s self-accept becomes a plain expression, so updates reach the registry', () => {
    const result = injectPluginMeta(refreshWrapped, '/app/src/plugins/hello/index.tsx', hello)
    expect(result.refreshBoundaryRemoved).toBe(true)
    expect(result.selfAccepts).toBe(false)
    expect(result.code).not.toContain('import.meta.hot.accept(')
    expect(result.code).toContain('    void ((nextExports) => {')
    // Still registered with React Refresh, still invalidating nothing: the rest is left as it was.
    expect(result.code).toContain('$RefreshReg$(_c, "Hello");')
    expect(result.code).toContain('RefreshRuntime.registerExportsForReactRefresh(')
    // No import of the module itself: imported under another query, it would run a second copy.
    expect(result.code).not.toContain('from "/src/plugins/hello/index.tsx"')
    expect(result.code).toContain('const __vite_react_currentExports = {};\n')
    expect(injectPluginMeta(result.code.replace(/\nexport const __hotPlugin.*\n$/, ''), '/x.tsx', hello).selfAccepts).toBe(false)
  })

  it('keeps every original line on its line in the source map', () => {
    const result = injectPluginMeta(refreshWrapped, '/app/src/plugins/hello/index.tsx', hello)
    const map = new SourceMap(JSON.parse(result.map.toString()))
    const line = refreshWrapped.split('\n').findIndex((l) => l.includes('import.meta.hot.accept('))
    expect(result.code.split('\n')[line]).toContain('void (')
    expect(map.findEntry(line + 1, 6)).toMatchObject({ originalLine: line + 1 })
  })

  it('leaves a self-accept the author wrote, next to the wrapper, to be reported', () => {
    const code = `${refreshWrapped}\nif (import.meta.hot) import.meta.hot.accept(() => {})`
    const result = injectPluginMeta(code, '/app/src/plugins/hello/index.tsx', hello)
    expect(result.refreshBoundaryRemoved).toBe(true)
    expect(result.selfAccepts).toBe(true)
    expect(result.code).toContain('import.meta.hot.accept(() => {})')
  })

  it('leaves the self-import of a module whose refresh accept it could not take out', () => {
    const code = refreshWrapped.replace('import.meta.hot.accept((nextExports) =>', 'import.meta.hot.accept(function (nextExports)')
    const result = injectPluginMeta(code, '/app/src/plugins/hello/index.tsx', hello)
    expect(result.refreshBoundaryRemoved).toBe(false)
    expect(result.code).toContain('import * as __vite_react_currentExports from "/src/plugins/hello/index.tsx";')
  })

  it('leaves a module without the refresh runtime alone, whatever its callback is called', () => {
    const code = 'export function activate() {}\nimport.meta.hot.accept((nextExports) => {})'
    const result = injectPluginMeta(code, '/x.ts', plugin)
    expect(result.refreshBoundaryRemoved).toBe(false)
    expect(result.selfAccepts).toBe(true)
  })
})
