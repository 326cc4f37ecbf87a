import { originalPosition, type SourceMapV3 } from '../../leaks/source-map.js'
import type { Frame } from '../../leaks/site.js'

/** Source maps kept, newest last. */
const KEPT_MAPS = 50

/** The inline source map Vite appends to the code it serves. */
const INLINE_MAP = /\/\/[#@] sourceMappingURL=data:application\/json(?:;charset=[\w-]+)?;base64,([A-Za-z0-9+/=]+)\s*$/

/**
 * Maps the frames of the browser's stacks (served code) to the files the author wrote, by the
 * source map inline in each script (fetched once per script URL). A frame whose map cannot be read
 * is told as it is.
 */
export function sourceMapper(fetchText: (url: string) => Promise<string> = (url) => fetch(url).then((r) => r.text())) {
  const maps = new Map<string, Promise<SourceMapV3 | undefined>>()
  const mapOf = (url: string) => {
    let map = maps.get(url)
    if (!map) {
      map = fetchText(url).then(readInlineMap, () => undefined)
      maps.set(url, map)
      // Every save is a new URL (`?t=`): only the recent ones are kept.
      if (maps.size > KEPT_MAPS) maps.delete(maps.keys().next().value!)
    }
    return map
  }
  return async (frame: Frame): Promise<Frame> => {
    if (!/^https?:/.test(frame.url)) return frame
    const map = await mapOf(frame.url)
    const position = map && originalPosition(map, frame.line, frame.column)
    return position ? { url: frame.url, line: position.line, column: position.column } : frame
  }
}

function readInlineMap(code: string): SourceMapV3 | undefined {
  const base64 = INLINE_MAP.exec(code)?.[1]
  if (!base64) return undefined
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))
  const map = JSON.parse(new TextDecoder().decode(bytes)) as SourceMapV3
  return map.version === 3 && typeof map.mappings === 'string' ? map : undefined
}
