import { readFileSync } from 'node:fs'
import path from 'node:path'
import { init } from 'es-module-lexer'
import picomatch from 'picomatch'
import { globSync } from 'tinyglobby'
import { normalizePath } from 'vite'
import { defaultPluginId, readStaticMetaId } from './plugin-ids.js'

/** A plugin entry found by the `plugins` globs. */
export interface DiscoveredPlugin {
  id: string
  /** Posix path relative to the Vite root: what users read in messages. */
  file: string
  /** Absolute posix path: what Vite's module graph keys files by. */
  absFile: string
  /** The URL the dev server serves the entry at. */
  url: string
}

/** Thrown when two entries would get the same plugin id. */
export class DuplicatePluginIdError extends Error {
  override readonly name = 'DuplicatePluginIdError'
  constructor(
    readonly id: string,
    readonly files: [string, string],
  ) {
    super(
      `[hot-plugins] two plugin entries have the id "${id}": ${files[0]} and ${files[1]}. ` +
        `Rename one folder (or file), or give one a distinct id with \`export const meta = { id: '…' }\`.`,
    )
  }
}

const ALWAYS_IGNORED = ['**/node_modules/**', '**/.git/**']

/**
 * Finds every plugin entry under `root` matching `patterns`, sorted by file, with unique ids.
 *
 * It reads the file system synchronously on purpose. It runs as the dev server starts, while the
 * file watcher's first crawl fills libuv's thread pool with a stat call per file and folder of the
 * project; an asynchronous read of each entry waits in line behind all of them. With 1,000 entries
 * that made the server start in about 1 s instead of 50 ms.
 */
export async function discoverPlugins(root: string, patterns: string[]): Promise<DiscoveredPlugin[]> {
  const files = globSync(patterns, { cwd: root, ignore: ALWAYS_IGNORED, onlyFiles: true, expandDirectories: false })
  await init
  const plugins: DiscoveredPlugin[] = []
  for (const file of files.map(normalizePath).sort()) {
    const absFile = normalizePath(path.resolve(root, file))
    const code = readFileSync(absFile, 'utf8')
    plugins.push({
      id: readStaticMetaId(code) ?? defaultPluginId(file),
      file,
      absFile,
      url: toServedUrl(root, absFile),
    })
  }
  assertUniqueIds(plugins)
  return plugins
}

export function assertUniqueIds(plugins: readonly Pick<DiscoveredPlugin, 'id' | 'file'>[]): void {
  const seen = new Map<string, string>()
  for (const { id, file } of plugins) {
    const other = seen.get(id)
    if (other !== undefined) throw new DuplicatePluginIdError(id, [other, file])
    seen.set(id, file)
  }
}

/** A matcher telling whether a root-relative posix path is a plugin entry. */
export function createEntryMatcher(patterns: string[]): (file: string) => boolean {
  const match = picomatch(patterns, { dot: false })
  return (file) => !file.split('/').includes('node_modules') && match(file)
}

/** Whether a change of a root-relative posix path may reload a plugin: included and not excluded. */
export function createReloadFilter(include: string[], exclude: string[]): (file: string) => boolean {
  const included = picomatch(include, { dot: true })
  const excluded = picomatch(exclude, { dot: true })
  return (file) => included(file) && !excluded(file)
}

/** The URL under which Vite's dev server serves a file: root-relative inside the root, else /@fs/. */
export function toServedUrl(root: string, absFile: string): string {
  const relative = path.posix.relative(normalizePath(root), absFile)
  const outside = relative.startsWith('../') || path.posix.isAbsolute(relative)
  return outside ? `/@fs/${absFile.replace(/^\//, '')}` : `/${relative}`
}
