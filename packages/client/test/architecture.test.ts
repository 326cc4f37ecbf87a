// The dependence rules of ARCHITECTURE.md, checked on the source: imports run one way, from the
// adapters (sources, browser, devtools) to the engine, to the host, to the protocol; the server
// package reads only the protocol; the devtools are reached only by a dynamic import.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const clientSrc = join(repo, 'packages/client/src')
const serverSrc = join(repo, 'packages/vite-plugin-hot-plugins/src')

interface Import {
  from: string
  /** Relative to the client's src for a client module; the bare specifier otherwise. */
  to: string
  dynamic: boolean
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(entry.name) ? [path] : []
  })
}

function importsOf(file: string): Import[] {
  const code = readFileSync(file, 'utf8')
  const found: Import[] = []
  const from = relative(clientSrc, file)
  for (const match of code.matchAll(/(?:^|\n)\s*(?:import|export)[^'"\n;]*?from\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const specifier = match[1] ?? match[2]!
    const to = specifier.startsWith('.') ? relative(clientSrc, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts') : specifier
    found.push({ from, to, dynamic: match[2] !== undefined })
  }
  return found
}

const clientImports = sourceFiles(clientSrc).flatMap(importsOf)
const layer = (path: string) => path.split('/')[0]!.replace(/\.ts$/, '')

/** Imports from `layer` into any of `forbidden` (each a top-level folder or file of src). */
function crossings(from: string, forbidden: readonly string[]): string[] {
  return clientImports
    .filter((i) => layer(i.from) === from && !i.to.startsWith('@') && !i.to.startsWith('node:') && forbidden.includes(layer(i.to)))
    .map((i) => `${i.from} → ${i.to}`)
}

describe('dependence rules', () => {
  it('the protocol imports nothing of the client', () => {
    expect(crossings('protocol', ['host', 'graph', 'engine', 'sources', 'browser', 'devtools', 'hot', 'index'])).toEqual([])
  })

  it('the host and the dependency graph know nothing of the engine, the sources or the browser', () => {
    const outside = ['engine', 'sources', 'browser', 'devtools', 'hot']
    // The graph orders plugins by their declared dependencies: it reads the module type, nothing else.
    const graphToHost = clientImports.filter((i) => layer(i.from) === 'graph' && layer(i.to) === 'host' && i.to !== 'host/types.ts')
    expect([...crossings('host', outside), ...crossings('graph', outside), ...graphToHost.map((i) => `${i.from} → ${i.to}`)]).toEqual([])
  })

  it('the leak report knows neither the engine nor anything of the browser; the host knows nothing of it', () => {
    expect([...crossings('leaks', ['engine', 'sources', 'browser', 'devtools', 'hot', 'testing']), ...crossings('host', ['leaks'])]).toEqual([])
  })

  it('nothing of the runtime imports the test kit', () => {
    const intoKit = clientImports.filter((i) => layer(i.from) !== 'testing' && layer(i.to) === 'testing')
    expect(intoKit.map((i) => `${i.from} → ${i.to}`)).toEqual([])
  })

  it('the engine knows no update source, browser adapter or devtools', () => {
    expect(crossings('engine', ['sources', 'browser', 'devtools', 'hot'])).toEqual([])
  })

  it('the engine does not know Vite exists', () => {
    const engineFiles = sourceFiles(join(clientSrc, 'engine'))
    const mentions = engineFiles.filter((file) => /['"`]vite:|import\.meta\.hot|HotContextLike/.test(readFileSync(file, 'utf8')))
    expect(mentions.map((file) => relative(clientSrc, file))).toEqual([])
  })

  it('the update sources reach neither the browser adapters nor the devtools', () => {
    expect(crossings('sources', ['browser', 'devtools', 'hot'])).toEqual([])
  })

  it('the devtools and the remote control see the public host, not its internals', () => {
    const internal = clientImports.filter(
      (i) => (layer(i.from) === 'devtools' || i.from === 'sources/remote-control.ts') && (i.to.startsWith('engine/') || i.to === 'host/internals.ts'),
    )
    expect(internal.map((i) => `${i.from} → ${i.to}`)).toEqual([])
  })

  it('nothing outside the devtools imports them statically', () => {
    const static_ = clientImports.filter((i) => layer(i.from) !== 'devtools' && layer(i.to) === 'devtools' && !i.dynamic)
    expect(static_.map((i) => `${i.from} → ${i.to}`)).toEqual([])
  })

  it('the server reads only the protocol of the client', () => {
    const specifiers = sourceFiles(serverSrc)
      .flatMap(importsOf)
      .map((i) => i.to)
      .filter((to) => to.startsWith('@hot-plugins/client'))
    expect(specifiers.length).toBeGreaterThan(0)
    expect([...new Set(specifiers)]).toEqual(['@hot-plugins/client/protocol'])
  })
})
