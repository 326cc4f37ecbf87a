import { FEED_FORMAT, type FeedChunk, type FeedPlugin } from '../../protocol/index.js'

/** A chunk of the feed, its URL resolved against the feed's. */
export type ResolvedChunk = FeedChunk

/** A plugin of the feed, every URL absolute and checked to lie under the feed's folder; its stylesheets always listed. */
export type ResolvedFeedPlugin = Omit<FeedPlugin, 'css'> & { css: ResolvedChunk[] }

/** Why a feed was refused: its text, its shape, or a URL in it. The page keeps running what it runs. */
export class FeedError extends Error {
  override readonly name = 'FeedError'
}

/** The part of WHATWG `URL` used here (the core is typed without DOM or Node globals; every browser and Node has it). */
interface ParsedUrl {
  href: string
  origin: string
  pathname: string
  protocol: string
}
const Url = (globalThis as unknown as { URL: new (url: string, base?: string) => ParsedUrl }).URL

/** The URL `url` names, resolved against `base`; throws a FeedError naming `where` if it is none. */
export function parseUrl(url: string, base: string | undefined, where: string): ParsedUrl {
  try {
    return new Url(url, base)
  } catch {
    throw new FeedError(`${where} is not a URL: ${JSON.stringify(url)}`)
  }
}

/** The folder of the feed: every chunk it names must lie in it (or below). */
export function feedFolder(feedUrl: string): string {
  const url = parseUrl(feedUrl, undefined, 'the feed URL')
  return `${url.origin}${url.pathname.slice(0, url.pathname.lastIndexOf('/') + 1)}`
}

const INTEGRITY = /^sha(256|384|512)-[A-Za-z0-9+/]+={0,2}$/

/**
 * Reads the text of a feed: JSON, of the known format, every plugin with an id, a file, an entry
 * chunk and the chunks it imports, each with a `sha256/384/512-…` integrity, every URL under the
 * feed's folder (so a feed cannot send the page to code elsewhere). Throws a FeedError saying what
 * is wrong, where: a feed is taken whole or not at all.
 */
export function parseFeed(text: string, feedUrl: string, maxBytes: number): ResolvedFeedPlugin[] {
  if (text.length > maxBytes) throw new FeedError(`the feed ${feedUrl} has ${text.length} characters, more than maxBytes (${maxBytes})`)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new FeedError(`the feed ${feedUrl} is not JSON (${error instanceof Error ? error.message : String(error)})`)
  }
  const feed = record(json, 'the feed')
  if (feed.format !== FEED_FORMAT) throw new FeedError(`the feed ${feedUrl} has format ${JSON.stringify(feed.format)}; this runtime reads format ${FEED_FORMAT}`)
  if (!Array.isArray(feed.plugins)) throw new FeedError(`the feed ${feedUrl} has no "plugins" list`)
  const folder = feedFolder(feedUrl)
  const seen = new Set<string>()
  return feed.plugins.map((raw: unknown, index: number) => {
    const where = `plugins[${index}] of the feed ${feedUrl}`
    const plugin = resolvePlugin(record(raw, where), where, feedUrl, folder)
    if (seen.has(plugin.id)) throw new FeedError(`${where}: the id "${plugin.id}" is listed twice`)
    seen.add(plugin.id)
    return plugin
  })
}

function resolvePlugin(raw: Record<string, unknown>, where: string, feedUrl: string, folder: string): ResolvedFeedPlugin {
  const id = text(raw.id, `${where}: "id"`)
  const at = `${where} ("${id}")`
  const chunks = (key: 'imports' | 'css', list: unknown) => {
    if (!Array.isArray(list)) throw new FeedError(`${at}: "${key}" must be a list`)
    return list.map((chunk: unknown, index: number) => resolveChunk(record(chunk, `${at}: ${key}[${index}]`), `${at}: ${key}[${index}]`, feedUrl, folder))
  }
  const plugin: ResolvedFeedPlugin = {
    id,
    file: text(raw.file, `${at}: "file"`),
    ...resolveChunk(raw, at, feedUrl, folder),
    imports: chunks('imports', raw.imports),
    css: chunks('css', raw.css ?? []),
  }
  if (typeof raw.version === 'string') plugin.version = raw.version
  if (Array.isArray(raw.dependsOn) && raw.dependsOn.every((d) => typeof d === 'string')) plugin.dependsOn = raw.dependsOn
  if (typeof raw.stateVersion === 'number') plugin.stateVersion = raw.stateVersion
  return plugin
}

function resolveChunk(raw: Record<string, unknown>, where: string, feedUrl: string, folder: string): ResolvedChunk {
  const url = parseUrl(text(raw.url, `${where}: "url"`), feedUrl, `${where}: "url"`)
  if (!url.href.startsWith(folder)) {
    throw new FeedError(`${where}: "url" ${JSON.stringify(raw.url)} leads out of the feed's folder (${folder}) to ${url.href}`)
  }
  const integrity = text(raw.integrity, `${where}: "integrity"`)
  if (!INTEGRITY.test(integrity)) throw new FeedError(`${where}: "integrity" must be sha256-, sha384- or sha512- and a base64 hash, got ${JSON.stringify(integrity)}`)
  return { url: url.href, integrity }
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new FeedError(`${where} must be an object`)
  return value as Record<string, unknown>
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new FeedError(`${where} must be a non-empty string`)
  return value
}
