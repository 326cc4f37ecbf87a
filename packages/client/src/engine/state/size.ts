/** Stops counting after this many values: the size of a huge state is "at least" this much. */
const MAX_VALUES = 100_000

/**
 * An estimate, in bytes, of a structured-cloneable value: strings count 2 bytes per character,
 * numbers 8, binary data its byte length; containers the sum of their contents. Cycles and shared
 * values count once. Shown in the devtools history; never on a swap's critical path before it ends.
 */
export function estimateSize(value: unknown): number {
  const seen = new Set<object>()
  const stack: unknown[] = [value]
  let bytes = 0
  for (let visited = 0; stack.length > 0 && visited < MAX_VALUES; visited++) {
    const item = stack.pop()
    switch (typeof item) {
      case 'string':
        bytes += item.length * 2
        continue
      case 'number':
      case 'bigint':
        bytes += 8
        continue
      case 'boolean':
        bytes += 4
        continue
      case 'object':
        break
      default:
        continue
    }
    if (item === null || seen.has(item)) continue
    seen.add(item)
    if (ArrayBuffer.isView(item)) bytes += item.byteLength
    else if (item instanceof ArrayBuffer) bytes += item.byteLength
    else if (item instanceof Map) for (const [key, entry] of item) stack.push(key, entry)
    else if (item instanceof Set) for (const entry of item) stack.push(entry)
    else if (item instanceof Date) bytes += 8
    else if (Array.isArray(item)) for (const entry of item) stack.push(entry)
    else for (const key of Object.keys(item)) stack.push(key, (item as Record<string, unknown>)[key])
  }
  return bytes
}
