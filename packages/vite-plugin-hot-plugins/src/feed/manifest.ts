import { createHash } from 'node:crypto'
import path from 'node:path'
import { FEED_FORMAT, type FeedChunk, type FeedManifest, type FeedPlugin } from '@hot-plugins/client/protocol'
import type { StaticMeta } from '../discovery/plugin-ids.js'

/** A chunk of the build's output, as the feed needs it (the shape of Rollup's and Rolldown's `OutputChunk`). */
export interface BuiltChunk {
  fileName: string
  code: string
  imports: readonly string[]
  dynamicImports: readonly string[]
  facadeModuleId: string | null
  /** An entry chunk of the page (`index.html`'s script): it runs the app. */
  isEntry: boolean
  /** The CSS files Vite split out of this chunk (`viteMetadata.importedCss`). */
  viteMetadata?: { importedCss: ReadonlySet<string> }
}

/** A file of the build that is no chunk: the CSS Vite split out. */
export interface BuiltAsset {
  fileName: string
  source: string | Uint8Array
}

/** A plugin entry of the build. */
export interface FeedEntry {
  id: string
  /** Relative to the Vite root. */
  file: string
  /** Absolute posix path: what a chunk's `facadeModuleId` names. */
  absFile: string
  meta: StaticMeta
}

/** `sha384-…` of the chunk's bytes, as the browser computes it for `integrity`. */
export function integrityOf(code: string | Uint8Array): string {
  return `sha384-${createHash('sha384').update(code).digest('base64')}`
}

/**
 * The feed of a build: each plugin's entry chunk, and every chunk it imports (statically or lazily,
 * directly or not), with their integrity. URLs are relative to the feed file, which sits at
 * `feedFile` in the output folder. A plugin with no chunk of its own (not in this build) is left out.
 */
export function buildFeedManifest(
  entries: readonly FeedEntry[],
  chunks: readonly BuiltChunk[],
  feedFile: string,
  warn: (message: string) => void = () => {},
  assets: readonly BuiltAsset[] = [],
): FeedManifest {
  const byFile = new Map(chunks.map((chunk) => [chunk.fileName, chunk]))
  const byFacade = new Map(chunks.filter((chunk) => chunk.facadeModuleId !== null).map((chunk) => [chunk.facadeModuleId!, chunk]))
  const relative = (fileName: string) => path.posix.relative(path.posix.dirname(feedFile), fileName)
  const described = (chunk: BuiltChunk): FeedChunk => ({ url: relative(chunk.fileName), integrity: integrityOf(chunk.code) })
  const plugins: FeedPlugin[] = []
  for (const entry of entries) {
    const chunk = byFacade.get(entry.absFile)
    if (!chunk) continue
    const imported = importedChunks(chunk, byFile)
    const appEntry = imported.find((c) => c.isEntry)
    if (appEntry) {
      warn(
        `plugin "${entry.id}" (${entry.file}) imports from the app's entry chunk ${appEntry.fileName}: a page following the feed would run a second copy of the app with its next version. Import shared code from a module of its own (Vite then puts it in a chunk of its own), and the host API through activate(ctx).`,
      )
    }
    const imports = imported.map(described)
    const css = cssOf([chunk, ...imported], assets).map((asset) => ({ url: relative(asset.fileName), integrity: integrityOf(asset.source) }))
    plugins.push({ id: entry.id, file: entry.file, ...described(chunk), imports, css, ...metaFields(entry.meta) })
  }
  return { format: FEED_FORMAT, plugins }
}

/** Every chunk `entry` imports, directly or not, dependencies before their dependents (the entry left out). */
function importedChunks(entry: BuiltChunk, byFile: ReadonlyMap<string, BuiltChunk>): BuiltChunk[] {
  const seen = new Set<string>([entry.fileName])
  const order: BuiltChunk[] = []
  const visit = (chunk: BuiltChunk) => {
    for (const name of [...chunk.imports, ...chunk.dynamicImports]) {
      const imported = byFile.get(name)
      if (!imported || seen.has(name)) continue
      seen.add(name)
      visit(imported)
      order.push(imported)
    }
  }
  visit(entry)
  return order
}

/** The CSS files Vite split out of these chunks, each once. */
function cssOf(chunks: readonly BuiltChunk[], assets: readonly BuiltAsset[]): BuiltAsset[] {
  const names = new Set(chunks.flatMap((chunk) => [...(chunk.viteMetadata?.importedCss ?? [])]))
  return assets.filter((asset) => names.has(asset.fileName))
}

function metaFields(meta: StaticMeta): Pick<FeedPlugin, 'version' | 'dependsOn' | 'stateVersion'> {
  return {
    ...(meta.version === undefined ? {} : { version: meta.version }),
    ...(meta.dependsOn === undefined ? {} : { dependsOn: meta.dependsOn }),
    ...(meta.stateVersion === undefined ? {} : { stateVersion: meta.stateVersion }),
  }
}
