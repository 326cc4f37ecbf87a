import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs'
import path from 'node:path'
import picomatch from 'picomatch'
import { normalizePath } from 'vite'
import { inNodeModules, rootRelative } from './path-globs.js'
import { workspacePackages, type WorkspacePackage } from './workspace-packages.js'

/** A plugin package found by name in a `node_modules` folder. */
export interface PluginPackage {
  /** The package name, as it is imported. */
  name: string
  /** The real folder of the package (absolute posix): where a link points. */
  dir: string
  /** The real entry file (absolute posix). */
  entry: string
  /** Linked (a workspace package): its real folder lies outside every `node_modules`. */
  linked: boolean
}

export interface PluginPackageSearch {
  found: PluginPackage[]
  /** One message per package that matched but has no entry to load. */
  problems: string[]
}

/** The `exports` conditions of a plugin package's entry in the browser in dev, in the order Vite tries them. */
export const DEV_CONDITIONS: readonly string[] = ['development', 'browser', 'module', 'import', 'default']

/**
 * Finds the packages whose names match `patterns` in the `node_modules` folders of `root` and of
 * every folder above it (the nearest one wins, as in Node's lookup): pnpm links a workspace package
 * into the `node_modules` of each package that depends on it, npm and yarn into the workspace's.
 * Each one's entry is resolved from its `package.json`, through the link, to its real file.
 */
export function findPluginPackages(root: string, patterns: readonly string[]): PluginPackageSearch {
  const search: PluginPackageSearch = { found: [], problems: [] }
  if (patterns.length === 0) return search
  const matches = picomatch([...patterns])
  const seen = new Set<string>()
  for (let dir = path.resolve(root); ; dir = path.dirname(dir)) {
    const modules = path.join(dir, 'node_modules')
    for (const name of packageNames(modules, patterns)) {
      if (seen.has(name) || !matches(name)) continue
      seen.add(name)
      const found = resolvePluginPackage(name, path.join(modules, name))
      if (typeof found === 'string') search.problems.push(found)
      else search.found.push(found)
    }
    if (path.dirname(dir) === dir) break
  }
  for (const unlinked of workspacePackages(root, (name) => matches(name) && !seen.has(name))) search.problems.push(describeUnlinked(root, unlinked))
  search.found.sort((a, b) => a.name.localeCompare(b.name))
  return search
}

/** The package names in a `node_modules` folder that may match: scopes are entered when a pattern names them. */
function packageNames(modules: string, patterns: readonly string[]): string[] {
  const names: string[] = []
  for (const entry of list(modules)) {
    if (entry.startsWith('.')) continue
    if (!entry.startsWith('@')) {
      names.push(entry)
      continue
    }
    const scopeMatches = patterns.some((pattern) => pattern.startsWith('@') && picomatch.isMatch(entry, pattern.split('/')[0] as string))
    if (scopeMatches) for (const name of list(path.join(modules, entry))) names.push(`${entry}/${name}`)
  }
  return names
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

/** The package at `linkPath` (a link or a folder) with its real entry, or why it has none. */
function resolvePluginPackage(name: string, linkPath: string): PluginPackage | string {
  let dir: string
  let manifest: Record<string, unknown>
  try {
    dir = realpathSync(linkPath)
    manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>
  } catch (error) {
    return `plugin package "${name}" (${normalizePath(linkPath)}) has no readable package.json: ${error instanceof Error ? error.message : String(error)}; it is not loaded.`
  }
  const target = packageEntry(manifest)
  if (target === undefined) {
    return `plugin package "${name}" (${normalizePath(dir)}): its package.json "exports" has no "." entry for the conditions ${DEV_CONDITIONS.join(', ')}; it is not loaded.`
  }
  const file = path.resolve(dir, target)
  if (!isFile(file)) {
    return `plugin package "${name}" (${normalizePath(dir)}): its entry ${target} does not exist; it is not loaded.`
  }
  const real = normalizePath(realpathSync(file))
  return { name, dir: normalizePath(dir), entry: real, linked: !inNodeModules(real) }
}

export function isFile(file: string): boolean {
  return existsSync(file) && statSync(file).isFile()
}

/**
 * The entry a package.json names: `exports['.']` (the first of `conditions` in the package's own
 * order; the dev server's by default), else `module`, else `main`, else `index.js`.
 */
export function packageEntry(manifest: Record<string, unknown>, conditions: readonly string[] = DEV_CONDITIONS): string | undefined {
  const { exports } = manifest
  if (exports !== undefined && exports !== null) {
    const subpaths = typeof exports === 'object' && !Array.isArray(exports) && Object.keys(exports).some((key) => key.startsWith('.'))
    return exportTarget(subpaths ? (exports as Record<string, unknown>)['.'] : exports, new Set(conditions))
  }
  for (const field of ['module', 'main']) {
    const value = manifest[field]
    if (typeof value === 'string' && value !== '') return value
  }
  return 'index.js'
}

function exportTarget(value: unknown, conditions: ReadonlySet<string>): string | undefined {
  if (typeof value === 'string') return value
  if (Array.isArray(value)) {
    for (const item of value) {
      const target = exportTarget(item, conditions)
      if (target !== undefined) return target
    }
    return undefined
  }
  if (value === null || typeof value !== 'object') return undefined
  for (const [condition, nested] of Object.entries(value)) {
    if (!conditions.has(condition)) continue
    const target = exportTarget(nested, conditions)
    if (target !== undefined) return target
  }
  return undefined
}

/** A workspace package the app cannot import by name: the package manager linked it nowhere the app looks. */
function describeUnlinked(root: string, unlinked: WorkspacePackage): string {
  const pnpm = unlinked.manager === 'pnpm'
  const dependency = pnpm ? `"${unlinked.name}": "workspace:*"` : `"${unlinked.name}"`
  return (
    `plugin package "${unlinked.name}" (${rootRelative(root, unlinked.dir)}) is in the workspace, but not linked into a node_modules folder the app resolves from ` +
    `(the app does not depend on it), so it is not loaded; add ${dependency} to the app's package.json dependencies and run ${pnpm ? 'pnpm install' : "your package manager's install"}`
  )
}
