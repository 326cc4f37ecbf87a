import { ChunkLoadError } from '../../sources/feed/feed-source.js'
import type { ResolvedChunk, ResolvedFeedPlugin } from '../../sources/feed/feed-manifest.js'

/** The words every refusal of a plugin's chunk starts with. */
export function chunkLabel(plugin: ResolvedFeedPlugin, chunk: ResolvedChunk): string {
  return `plugin "${plugin.id}" (${plugin.file}): its chunk ${chunk.url}`
}

/**
 * Why the browser would not load one of `chunks`: each is fetched again (read, never run) to tell
 * a tampered chunk from one that is not there yet. A server that answers a missing file with its
 * `index.html` (a single-page app's fallback) sends no JavaScript: that chunk is not there yet and
 * is tried again later, like a 404. Only bytes of the right kind that do not match the published
 * hash are "tampered", and refused for good.
 */
export async function diagnose(plugin: ResolvedFeedPlugin, chunks: readonly ResolvedChunk[], kind: 'script' | 'style'): Promise<ChunkLoadError> {
  return (await faultOf(plugin, chunks, kind)) ?? refusedThoughPublished(plugin, chunks)
}

/** What is wrong with the first of `chunks` the server does not serve as published, if any. */
export async function faultOf(plugin: ResolvedFeedPlugin, chunks: readonly ResolvedChunk[], kind: 'script' | 'style'): Promise<ChunkLoadError | undefined> {
  for (const chunk of chunks) {
    const error = await diagnoseChunk(plugin, chunk, kind)
    if (error) return error
  }
  return undefined
}

/** The browser refused chunks whose bytes are the published ones: a MIME type, or the Content Security Policy. */
function refusedThoughPublished(plugin: ResolvedFeedPlugin, chunks: readonly ResolvedChunk[]): ChunkLoadError {
  const what = chunks.length === 1 ? chunkLabel(plugin, chunks[0]!) : `plugin "${plugin.id}" (${plugin.file})`
  return new ChunkLoadError(`${what}: the browser refused to load it, although the server sends the published bytes (its Content Security Policy?); it is tried again later`, false)
}

async function diagnoseChunk(plugin: ResolvedFeedPlugin, chunk: ResolvedChunk, kind: 'script' | 'style'): Promise<ChunkLoadError | undefined> {
  const what = chunkLabel(plugin, chunk)
  let response: Response
  try {
    response = await fetch(chunk.url, { cache: 'no-store' })
  } catch (error) {
    return new ChunkLoadError(`${what} could not be fetched (${error instanceof Error ? error.message : String(error)}); it is tried again later`, false)
  }
  if (!response.ok) return new ChunkLoadError(`${what} could not be loaded (HTTP ${response.status}); it is tried again later`, false)
  const type = response.headers.get('content-type') ?? ''
  if (!typeMatches(type, kind)) {
    return new ChunkLoadError(`${what} is not there yet: the server answered with ${type || 'no content type'}, not ${kind === 'script' ? 'JavaScript' : 'CSS'} (a host that serves index.html for every path); it is tried again later`, false)
  }
  const [algorithm] = chunk.integrity.split('-') as [string]
  const actual = await digest(algorithm, await response.arrayBuffer())
  if (actual === undefined) return new ChunkLoadError(`${what} could not be checked: this page has no WebCrypto (crypto.subtle needs a secure context); refused`, true)
  if (actual !== chunk.integrity) {
    return new ChunkLoadError(`${what} does not match its integrity: the feed says ${chunk.integrity}, the server sent ${actual}; refused before any of it ran`, true)
  }
  return undefined
}

function typeMatches(contentType: string, kind: 'script' | 'style'): boolean {
  const type = contentType.split(';')[0]!.trim().toLowerCase()
  if (kind === 'style') return type === 'text/css'
  return /^(text|application)\/(x-)?(javascript|ecmascript)$/.test(type)
}

/** The integrity string of `bytes`, as a browser computes it (`sha384-…`), or undefined without WebCrypto. */
export async function digest(algorithm: string, bytes: ArrayBuffer): Promise<string | undefined> {
  if (!globalThis.crypto?.subtle) return undefined
  const hash = new Uint8Array(await crypto.subtle.digest(`SHA-${algorithm.slice(3)}`, bytes))
  let binary = ''
  for (const byte of hash) binary += String.fromCharCode(byte)
  return `${algorithm}-${btoa(binary)}`
}
