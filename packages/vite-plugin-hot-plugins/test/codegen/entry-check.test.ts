import { SourceMap } from 'node:module'
import { init } from 'es-module-lexer'
import { beforeAll, describe, expect, it } from 'vitest'
import { checkEntry } from '../../src/codegen/entry-check.js'

const source = [
  "import { formatCount } from './format'",
  "export const meta = { version: '1.0.0' }",
  'let count = 0',
  'export function activate(ctx) {',
  '  ctx.panel.textContent = formatCount(count)',
  '}',
  'export function getReloadState() { return { count } }',
].join('\n')

describe('checkEntry', () => {
  beforeAll(() => init)

  it('reads the export names and adds nothing: the entry is served as Vite made it', () => {
    const result = checkEntry(source, '/app/src/plugins/counter/index.ts')
    expect(result.exports).toEqual(['meta', 'activate', 'getReloadState'])
    expect(result.selfAccepts).toBe(false)
    expect(result.refreshBoundaryRemoved).toBe(false)
    expect(result.rewritten).toBeUndefined()
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
    expect(checkEntry(code, '/x.ts').selfAccepts).toBe(expected)
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

  it('is no Fast Refresh boundary: the wrapper\'s self-accept becomes a plain expression, so updates reach the registry', () => {
    const result = checkEntry(refreshWrapped, '/app/src/plugins/hello/index.tsx')
    expect(result.refreshBoundaryRemoved).toBe(true)
    expect(result.selfAccepts).toBe(false)
    const { code } = result.rewritten!
    expect(code).not.toContain('import.meta.hot.accept(')
    expect(code).toContain('    void ((nextExports) => {')
    // Still registered with React Refresh, still invalidating nothing: the rest is left as it was.
    expect(code).toContain('$RefreshReg$(_c, "Hello");')
    expect(code).toContain('RefreshRuntime.registerExportsForReactRefresh(')
    // No import of the module itself: imported under another query, it would run a second copy.
    expect(code).not.toContain('from "/src/plugins/hello/index.tsx"')
    expect(code).toContain('const __vite_react_currentExports = {};\n')
    expect(checkEntry(code, '/x.tsx').selfAccepts).toBe(false)
  })

  it('keeps every original line on its line in the source map', () => {
    const { code, map: written } = checkEntry(refreshWrapped, '/app/src/plugins/hello/index.tsx').rewritten!
    const map = new SourceMap(JSON.parse(written.toString()))
    const line = refreshWrapped.split('\n').findIndex((l) => l.includes('import.meta.hot.accept('))
    expect(code.split('\n')[line]).toContain('void (')
    expect(map.findEntry(line + 1, 6)).toMatchObject({ originalLine: line + 1 })
  })

  it('leaves a self-accept the author wrote, next to the wrapper, to be reported', () => {
    const code = `${refreshWrapped}\nif (import.meta.hot) import.meta.hot.accept(() => {})`
    const result = checkEntry(code, '/app/src/plugins/hello/index.tsx')
    expect(result.refreshBoundaryRemoved).toBe(true)
    expect(result.selfAccepts).toBe(true)
    expect(result.rewritten?.code).toContain('import.meta.hot.accept(() => {})')
  })

  it('leaves the self-import of a module whose refresh accept it could not take out', () => {
    const code = refreshWrapped.replace('import.meta.hot.accept((nextExports) =>', 'import.meta.hot.accept(function (nextExports)')
    const result = checkEntry(code, '/app/src/plugins/hello/index.tsx')
    expect(result.refreshBoundaryRemoved).toBe(false)
    // Served as it is.
    expect(result.rewritten).toBeUndefined()
  })

  it('leaves a module without the refresh runtime alone, whatever its callback is called', () => {
    const code = 'export function activate() {}\nimport.meta.hot.accept((nextExports) => {})'
    const result = checkEntry(code, '/x.ts')
    expect(result.refreshBoundaryRemoved).toBe(false)
    expect(result.selfAccepts).toBe(true)
  })
})
