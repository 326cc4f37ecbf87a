import { describe, expect, it } from 'vitest'
import { createReloadLog } from '../../src/vite-devtools/reload-log'

describe('createReloadLog', () => {
  it('keeps the newest batches first, each with the time it came, and drops the oldest past its limit', () => {
    let now = 1000
    const log = createReloadLog(() => now++, 2)
    for (const batch of [1, 2, 3]) log.add({ batch, durationMs: 1, plugins: [] })
    expect(log.entries().map((e) => [e.batch, e.at])).toEqual([[3, 1002], [2, 1001]])
    // A copy: changing it changes nothing kept.
    log.entries().length = 0
    expect(log.entries()).toHaveLength(2)
  })
})
