/**
 * Maps a position in served code to its source, by the code's source map (version 3, no index
 * maps): what the browser's stacks name is the code Vite served, not the file the author wrote.
 * DOM-free; browser/leaks/source-maps.ts fetches the maps.
 */

export interface SourceMapV3 {
  version: number
  sources: string[]
  mappings: string
  sourceRoot?: string
}

/** A position, 1-based line and column, and the source it is in. */
export interface SourcePosition {
  source: string | undefined
  line: number
  column: number
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const DIGIT = new Map([...BASE64].map((char, value) => [char, value]))

/** The VLQ numbers of one segment (`AAAA`). */
function decodeSegment(segment: string): number[] {
  const values: number[] = []
  let value = 0
  let shift = 0
  for (const char of segment) {
    const digit = DIGIT.get(char)
    if (digit === undefined) throw new Error(`not a source map digit: ${char}`)
    value += (digit & 31) << shift
    if (digit & 32) {
      shift += 5
      continue
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1)
    value = 0
    shift = 0
  }
  return values
}

/**
 * The source position of `line`:`column` (1-based) of the generated code: the mapping at or
 * before it on its line; undefined when the line has none.
 */
export function originalPosition(map: SourceMapV3, line: number, column: number): SourcePosition | undefined {
  // Source, line and column are relative to the previous segment's, across lines.
  let source = 0
  let sourceLine = 0
  let sourceColumn = 0
  const lines = map.mappings.split(';')
  let found: SourcePosition | undefined
  for (let index = 0; index < Math.min(lines.length, line); index++) {
    let generated = 0
    for (const segment of lines[index]!.split(',')) {
      if (!segment) continue
      const [column0, sourceDelta, lineDelta, columnDelta] = decodeSegment(segment)
      generated += column0!
      if (sourceDelta === undefined) continue
      source += sourceDelta
      sourceLine += lineDelta!
      sourceColumn += columnDelta!
      if (index === line - 1 && generated <= column - 1) {
        found = { source: map.sources[source], line: sourceLine + 1, column: sourceColumn + 1 }
      }
    }
  }
  return found
}
