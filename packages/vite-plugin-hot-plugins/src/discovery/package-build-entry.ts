import { readFileSync } from 'node:fs'
import path from 'node:path'
import { normalizePath } from 'vite'
import type { DiscoveredPlugin } from './discover-plugins.js'
import { rootRelative } from './path-globs.js'
import { isFile, packageEntry } from './plugin-packages.js'

/** Vite's placeholder condition, `development` in the dev server and `production` in a build. */
const DEV_PROD_CONDITION = 'development|production'

/**
 * The `exports` conditions an environment resolves a bare import with, as Vite's resolver does: its
 * `resolve.conditions` (the placeholder made `production` or `development`), then `import`, and
 * `default`, which always applies.
 */
export function importConditions(conditions: readonly string[], isProduction: boolean): string[] {
  const named = conditions.map((c) => (c === DEV_PROD_CONDITION ? (isProduction ? 'production' : 'development') : c))
  return [...new Set([...named, 'import', 'default'])]
}

/**
 * Why `vite build` could not import a plugin package by name, and what to do. The dev server loads
 * the package's entry under the `development` condition, usually its source; a build resolves it
 * with the build's conditions, usually to a built file the package's own build makes.
 */
export function describeUnresolvedPackage(
  root: string,
  plugin: Pick<DiscoveredPlugin, 'package' | 'packageDir' | 'absFile'>,
  conditions: readonly string[],
  cause?: string,
): string {
  const name = plugin.package ?? ''
  const dir = plugin.packageDir ?? path.posix.dirname(plugin.absFile)
  const head = `plugin package "${name}" (${rootRelative(root, dir)}) cannot be imported by vite build`
  const devEntry = `./${path.posix.relative(dir, plugin.absFile)}`
  let target: string | undefined
  try {
    target = packageEntry(JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>, conditions)
  } catch {
    return `${head}${cause ? `: ${cause}` : ''}`
  }
  const source = `point a condition the build uses at its source ("production": "${devEntry}", before "default", or a condition of your own added to resolve.conditions)`
  if (target === undefined) {
    return `${head}: its package.json "exports" has no "." entry for the build's conditions ${conditions.join(', ')}. Add one: ${source}, or its built file`
  }
  if (!isFile(normalizePath(path.resolve(dir, target)))) {
    return (
      `${head}: for the build's conditions (${conditions.join(', ')}) its package.json names ${target}, which does not exist ` +
      `(the dev server loads ${devEntry}, under "development"). Build the package first, or ${source}`
    )
  }
  return `${head}: it resolves to ${target}${cause ? `, but ${cause}` : ', which Vite could not resolve'}`
}
