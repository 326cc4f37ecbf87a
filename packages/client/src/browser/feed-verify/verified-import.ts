import type { PluginModule } from '../../host/types.js'
import { ChunkLoadError } from '../../sources/feed/feed-source.js'
import type { ResolvedChunk, ResolvedFeedPlugin } from '../../sources/feed/feed-manifest.js'
import { diagnose } from './chunk-diagnosis.js'

/** What verifying a feed's chunks needs from the page. */
export interface VerifiedImportOptions {
  /** The nonce of the page's Content Security Policy, for the import map (else the one Vite's `html.cspNonce` wrote). */
  nonce?: string | undefined
}

/**
 * Imports a plugin of the feed so that no byte of it runs unless it is what the feed published.
 * The way is chosen by what the engine guarantees, each measured in Chromium, Firefox and WebKit:
 *
 * 1. **Module preloads with `integrity`**, one chunk at a time, dependencies first, then the
 *    `import()`, in the engines that put the checked module in the module map for the `import()`:
 *    Chromium and Firefox. In Chromium nothing is imported after a preload that failed (its
 *    `import()` would fetch the URL again, unchecked). Firefox keeps a failed preload in its module
 *    map, so its `import()` of that URL fails without a fetch; it also refuses to preload a module
 *    the page already runs, whose `import()` then gives the module that runs: in Firefox the
 *    `import()` follows the preloads whatever they did, and fetches nothing again. Because a failed
 *    preload stays for the page's life there, Firefox first fetches a chunk the page has not run
 *    (`fetch` with its `integrity`), and preloads it only once it is there as published: a chunk
 *    not there yet is tried again later, and loads then.
 * 2. **An import map with `integrity`** for every chunk of the plugin, added before the `import()`,
 *    in every other engine (WebKit, whose preloads check nothing for the `import()`): the browser
 *    checks each module's bytes as it fetches them, the entry's and every chunk it imports, and runs
 *    only what matches. Whether the map was taken is read back at once (`import.meta.resolve` of a
 *    name only that map defines).
 * 3. **Otherwise it fails closed**: a Content Security Policy that blocks the inline import map (no
 *    nonce for it), or an engine that takes no import map once modules have loaded, leaves nothing
 *    that guards the `import()`: nothing is imported, the refusal says why, and what ran before runs on.
 *
 * The plugin's stylesheets are checked first (`<link rel="stylesheet" integrity>`), so they are in
 * the page before its code runs, and taken out again when its code is refused.
 */
export function verifiedImporter(options: VerifiedImportOptions = {}): (plugin: ResolvedFeedPlugin) => Promise<PluginModule> {
  let maps = 0
  // Once the page refused an import map (its CSP), it refuses the next: not tried again.
  let mapsTaken = true
  return async (plugin) => {
    const styles = await loadStyles(plugin)
    try {
      const engine = preloadEngine()
      if (engine) return await preloadThenImport(plugin, engine)
      mapsTaken &&= addImportMap(plugin, `${MAP_NAME}${++maps}`, options.nonce ?? pageNonce())
      if (mapsTaken) return await importChecked(plugin)
      throw cannotVerify(plugin)
    } catch (error) {
      for (const style of styles) style.remove()
      throw error
    }
  }
}

/** The names the import maps of the feed define, one each, to read back that the map was taken. */
const MAP_NAME = '@hot-plugins/feed-verified/'

/** Adds an import map that gives every chunk of `plugin` its integrity; whether the browser took it. */
function addImportMap(plugin: ResolvedFeedPlugin, name: string, nonce: string | undefined): boolean {
  const integrity: Record<string, string> = {}
  for (const chunk of [...plugin.imports, plugin]) integrity[chunk.url] = chunk.integrity
  const script = document.createElement('script')
  script.type = 'importmap'
  if (nonce) script.nonce = nonce
  script.textContent = JSON.stringify({ imports: { [name]: plugin.url }, integrity })
  document.head.append(script)
  // Registered (or refused) as it is inserted: the element itself is no longer needed.
  script.remove()
  try {
    return (import.meta as ImportMeta & { resolve?(specifier: string): string }).resolve?.(name) === plugin.url
  } catch {
    return false
  }
}

/** Imports the entry under an import map that carries the integrity of all of its chunks. */
async function importChecked(plugin: ResolvedFeedPlugin): Promise<PluginModule> {
  try {
    return (await import(/* @vite-ignore */ plugin.url)) as PluginModule
  } catch {
    throw await diagnose(plugin, [...plugin.imports, plugin], 'script')
  }
}

/** Preloads each chunk with its integrity, dependencies first, then imports the entry (see `verifiedImporter`). */
async function preloadThenImport(plugin: ResolvedFeedPlugin, engine: 'blink' | 'gecko'): Promise<PluginModule> {
  for (const chunk of [...plugin.imports, plugin]) {
    if (engine === 'blink') {
      if (!(await linked(chunk, 'modulepreload'))) throw await diagnose(plugin, [chunk], 'script')
      continue
    }
    // Gecko keeps a failed preload for the page's life: a chunk not there yet (a 404, a host's
    // index.html) would fail every later try. So a chunk the page has not run is fetched first, its
    // integrity checked; only one that is there is preloaded. Its module map then holds the checked
    // module, the module the page already ran, or the failed preload: the import() fetches nothing again.
    if (!ranInPage(chunk.url) && !(await fetchedIntact(chunk))) throw await diagnose(plugin, [chunk], 'script')
    await linked(chunk, 'modulepreload')
  }
  try {
    return (await import(/* @vite-ignore */ plugin.url)) as PluginModule
  } catch {
    throw await diagnose(plugin, [...plugin.imports, plugin], 'script')
  }
}

/** Whether the page loaded `url` as a script (its own build's chunks), by its resource timing. */
function ranInPage(url: string): boolean {
  return performance
    .getEntriesByName(url, 'resource')
    .some((entry) => (entry as PerformanceResourceTiming).initiatorType === 'script' && ((entry as PerformanceResourceTiming).responseStatus ?? 200) === 200)
}

/** Whether `chunk` can be fetched now, as JavaScript, with the published bytes (read, never run). */
async function fetchedIntact(chunk: ResolvedChunk): Promise<boolean> {
  try {
    const response = await fetch(chunk.url, { integrity: chunk.integrity, credentials: 'same-origin' })
    const type = response.headers.get('content-type') ?? ''
    return response.ok && /javascript|ecmascript/i.test(type)
  } catch {
    return false
  }
}

/**
 * The engines whose module preloads guard the later `import()` of their URL, as measured: Blink
 * (`navigator.userAgentData` is Chromium's alone) and Gecko. Any other engine, WebKit among them,
 * takes the import map, or fails closed.
 */
function preloadEngine(): 'blink' | 'gecko' | undefined {
  const agent = navigator.userAgent
  if (/\bGecko\/\d/.test(agent) && /\bFirefox\/\d/.test(agent)) return 'gecko'
  if ('userAgentData' in navigator && /Chrom(e|ium)\/\d/.test(agent)) return 'blink'
  return undefined
}

function cannotVerify(plugin: ResolvedFeedPlugin): ChunkLoadError {
  return new ChunkLoadError(
    `plugin "${plugin.id}" (${plugin.file}): this browser cannot verify the new version before it runs, so it is refused: ` +
      'the page did not take the import map that carries the chunks\' integrity (a Content Security Policy without its nonce: pass followFeed(host, { nonce }) ' +
      'or set Vite\'s html.cspNonce), and this engine\'s module preloads do not guard what import() runs',
    true,
  )
}

/** The stylesheets of `plugin` the page does not have yet, checked and in the page; rejects on the first refused. */
async function loadStyles(plugin: ResolvedFeedPlugin): Promise<HTMLLinkElement[]> {
  const present = new Set(Array.from(document.querySelectorAll<HTMLLinkElement>('link[rel=stylesheet]'), (link) => link.href))
  const added: HTMLLinkElement[] = []
  for (const css of plugin.css.filter((css) => !present.has(css.url))) {
    const link = await linked(css, 'stylesheet')
    if (link) {
      added.push(link)
      continue
    }
    for (const style of added) style.remove()
    throw await diagnose(plugin, [css], 'style')
  }
  return added
}

/** A `<link>` that fetches and checks `chunk`: the link once loaded (a module preload's is removed: the module map keeps it), else undefined. */
function linked(chunk: ResolvedChunk, rel: 'modulepreload' | 'stylesheet'): Promise<HTMLLinkElement | undefined> {
  return new Promise((resolve) => {
    const link = document.createElement('link')
    link.rel = rel
    link.href = chunk.url
    link.integrity = chunk.integrity
    if (new URL(chunk.url).origin !== location.origin) link.crossOrigin = 'anonymous'
    link.onload = () => {
      if (rel === 'modulepreload') link.remove()
      resolve(link)
    }
    link.onerror = () => {
      link.remove()
      resolve(undefined)
    }
    document.head.append(link)
  })
}

/** The nonce Vite writes for `html.cspNonce` (`<meta property="csp-nonce">`), or a script's of the page. */
function pageNonce(): string | undefined {
  const carrier = document.querySelector<HTMLElement>('meta[property="csp-nonce"]') ?? document.querySelector<HTMLElement>('script[nonce]')
  return carrier?.nonce || undefined
}
