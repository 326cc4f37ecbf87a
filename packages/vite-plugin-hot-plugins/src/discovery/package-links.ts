import { existsSync, readdirSync, watch, type FSWatcher } from 'node:fs'
import path from 'node:path'
import picomatch from 'picomatch'

/** Quiet time after the last change of a node_modules folder: an install links many packages. */
const LINKS_QUIET_MS = 100

/**
 * Watches the `node_modules` folders plugin packages are looked up in (the root's and every one
 * above it, and in each the scopes `patterns` name) for packages linked or unlinked while the dev
 * server runs (`pnpm install`); `changed` is called once such a folder has been quiet for a moment.
 * Vite's own watcher ignores node_modules. Only the folders themselves are watched, not what is in
 * the packages: a few watches, never a crawl.
 */
export function watchPackageLinks(root: string, patterns: readonly string[], changed: () => void, quietMs = LINKS_QUIET_MS) {
  const watchers = new Map<string, FSWatcher>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let closed = false
  const settle = () => {
    timer = undefined
    if (closed) return
    arm()
    changed()
  }
  const touched = (filename: string | Buffer | null) => {
    // Vite's own caches live in node_modules too; they link nothing.
    if (filename !== null && String(filename).startsWith('.vite')) return
    clearTimeout(timer)
    timer = setTimeout(settle, quietMs)
  }
  const arm = () => {
    const wanted = new Set(linkFolders(root, patterns))
    for (const [dir, watcher] of watchers) {
      if (wanted.has(dir)) continue
      watcher.close()
      watchers.delete(dir)
    }
    for (const dir of wanted) {
      if (watchers.has(dir)) continue
      try {
        const watcher = watch(dir, { persistent: false }, (_event, filename) => touched(filename))
        // A folder removed (node_modules deleted by a clean install) is armed again on the next change.
        watcher.on('error', () => {
          watcher.close()
          watchers.delete(dir)
        })
        watchers.set(dir, watcher)
      } catch {
        // Unreadable or gone meanwhile: the next change of its parent arms it again.
      }
    }
  }
  arm()
  return {
    close(): void {
      closed = true
      clearTimeout(timer)
      for (const watcher of watchers.values()) watcher.close()
      watchers.clear()
    },
  }
}

/** The existing `node_modules` folders from `root` up, and in each the scope folders a pattern names. */
export function linkFolders(root: string, patterns: readonly string[]): string[] {
  const scopes = patterns.filter((p) => p.startsWith('@')).map((p) => p.split('/')[0] as string)
  const isScope = scopes.length === 0 ? () => false : picomatch(scopes)
  const folders: string[] = []
  for (let dir = path.resolve(root); ; dir = path.dirname(dir)) {
    const modules = path.join(dir, 'node_modules')
    if (existsSync(modules)) {
      folders.push(modules)
      for (const entry of list(modules)) if (entry.startsWith('@') && isScope(entry)) folders.push(path.join(modules, entry))
    }
    if (path.dirname(dir) === dir) break
  }
  return folders
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}
