import type { PluginModule } from '../host/types.js'
import { ChunkLoadError } from '../sources/feed/feed-source.js'
import type { ResolvedChunk, ResolvedFeedPlugin } from '../sources/feed/feed-manifest.js'

/**
 * Imports a plugin of the feed only once the browser has verified every one of its chunks.
 *
 * Each chunk is fetched by a `<link rel="modulepreload" integrity>`: the browser checks the bytes
 * against the hash and only then puts the module, parsed and not run, in the page's module map,
 * under its URL. The entry's `import()` then takes the modules from that map — what was verified is
 * what runs, without a second fetch. A chunk whose check fails is blocked; nothing is imported
 * then (an `import()` after a failed preload would fetch the URL again, unchecked). Chunks are
 * verified one at a time, dependencies first, so no chunk is ever fetched as an unchecked
 * dependency of another. A `fetch(…, { integrity })` followed by `import()` would check one copy
 * of the bytes and run another. The plugin's stylesheets are checked the same way (`<link
 * rel="stylesheet" integrity>`) before its code runs.
 */
export function verifiedImport(plugin: ResolvedFeedPlugin): Promise<PluginModule> {
  return (async () => {
    for (const chunk of [...plugin.imports, plugin]) await load(plugin, chunk, 'modulepreload')
    // Its stylesheets, verified too, are in the page before its code runs (a page's earlier ones stay).
    const present = new Set(Array.from(document.querySelectorAll<HTMLLinkElement>('link[rel=stylesheet]'), (link) => link.href))
    await Promise.all(plugin.css.filter((css) => !present.has(css.url)).map((css) => load(plugin, css, 'stylesheet')))
    return (await import(/* @vite-ignore */ plugin.url)) as PluginModule
  })()
}

/** A `<link>` that fetches and checks `chunk`: a module preload (removed once done: the module map keeps it) or a stylesheet (kept). */
function load(plugin: ResolvedFeedPlugin, chunk: ResolvedChunk, rel: 'modulepreload' | 'stylesheet'): Promise<void> {
  return new Promise((resolve, reject) => {
    const link = document.createElement('link')
    link.rel = rel
    link.href = chunk.url
    link.integrity = chunk.integrity
    if (new URL(chunk.url).origin !== location.origin) link.crossOrigin = 'anonymous'
    link.onload = () => {
      if (rel === 'modulepreload') link.remove()
      resolve()
    }
    link.onerror = () => {
      link.remove()
      void diagnose(plugin, chunk).then(reject)
    }
    document.head.append(link)
  })
}

/** Why the browser refused a chunk: fetched again (never run) to tell a tampered chunk from a missing one. */
async function diagnose(plugin: ResolvedFeedPlugin, chunk: ResolvedChunk): Promise<ChunkLoadError> {
  const what = `plugin "${plugin.id}" (${plugin.file}): its chunk ${chunk.url}`
  let response: Response
  try {
    response = await fetch(chunk.url, { cache: 'no-store' })
  } catch (error) {
    return new ChunkLoadError(`${what} could not be fetched (${error instanceof Error ? error.message : String(error)}); the old version runs on`, false)
  }
  if (!response.ok) return new ChunkLoadError(`${what} could not be loaded (HTTP ${response.status}); the old version runs on`, false)
  const [algorithm] = chunk.integrity.split('-') as [string]
  const actual = await digest(algorithm, await response.arrayBuffer())
  if (actual !== undefined && actual !== chunk.integrity) {
    return new ChunkLoadError(`${what} does not match its integrity: the feed says ${chunk.integrity}, the server sent ${actual}; refused before any of it ran, the old version runs on`, true)
  }
  return new ChunkLoadError(`${what} was refused by the browser (integrity, MIME type or Content Security Policy); the old version runs on`, actual === undefined)
}

async function digest(algorithm: string, bytes: ArrayBuffer): Promise<string | undefined> {
  if (!globalThis.crypto?.subtle) return undefined
  const hash = await crypto.subtle.digest(`SHA-${algorithm.slice(3)}`, bytes)
  return `${algorithm}-${btoa(String.fromCharCode(...new Uint8Array(hash)))}`
}
