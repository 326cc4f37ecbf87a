import { afterEach, describe, expect, it, vi } from 'vitest'
import type { BatchResult, ReloadResult } from '@hot-plugins/client/protocol'
import { describeBatch, logBatchResult, nameRegistryUpdates } from '../../src/hmr/update-log.js'

const REGISTRY = 'virtual:hot-plugins'

function setup(nameInvalidated?: (url: string) => string | undefined) {
  const lines: string[] = []
  const logger = { info: (message: string) => void lines.push(message) }
  return { lines, logger, log: nameRegistryUpdates(logger, REGISTRY, nameInvalidated) }
}

describe('nameRegistryUpdates', () => {
  afterEach(() => void vi.useRealTimers())

  it("replaces the registry in Vite's line for a batch's update by its files and plugins, once", () => {
    const { lines, logger, log } = setup()
    log.batchSent({ files: ['src/plugins/counter/format.ts', 'src/plugins/counter/index.ts'], plugins: ['counter'] })
    logger.info(`\u001b[32mhmr update \u001b[39m\u001b[2m${REGISTRY}\u001b[22m`)
    logger.info(`hmr update ${REGISTRY}`)
    expect(lines).toEqual([
      '\u001b[32mhmr update \u001b[39m\u001b[2msrc/plugins/counter/format.ts, src/plugins/counter/index.ts → counter\u001b[22m',
      `hmr update ${REGISTRY}`,
    ])
  })

  it("names the batch in Vite 7's line too, where the registry is served as /@id/… (a host started from an inline script)", () => {
    const { lines, logger, log } = setup()
    log.batchSent({ files: ['src/plugins/counter/index.ts'], plugins: ['counter'] })
    logger.info(`\u001b[32mhmr update \u001b[39m\u001b[2m/@id/${REGISTRY}\u001b[22m`)
    expect(lines).toEqual(['\u001b[32mhmr update \u001b[39m\u001b[2msrc/plugins/counter/index.ts → counter\u001b[22m'])
  })

  it("names the module an invalidation started from (Fast Refresh giving up) and its plugins, with no batch pending", () => {
    const asked: string[] = []
    const { lines, logger, log } = setup((url) => (asked.push(url), url === '/src/plugins/react-counter/Counter.tsx' ? 'src/plugins/react-counter/Counter.tsx → react-counter' : undefined))
    const invalidate = '\u001b[33mhmr invalidate \u001b[39m\u001b[2m/src/plugins/react-counter/Counter.tsx\u001b[22m Could not Fast Refresh ("label" export is incompatible).'
    logger.info(invalidate)
    logger.info(`\u001b[32mhmr update \u001b[39m\u001b[2m${REGISTRY}\u001b[22m`)
    expect(asked).toEqual(['/src/plugins/react-counter/Counter.tsx'])
    expect(lines).toEqual([invalidate, '\u001b[32mhmr update \u001b[39m\u001b[2msrc/plugins/react-counter/Counter.tsx → react-counter\u001b[22m'])

    // The invalidation names its own update only; a batch pending meanwhile keeps its name for its line.
    log.batchSent({ files: ['src/plugins/counter/index.ts'], plugins: ['counter'] })
    logger.info('hmr invalidate /src/plugins/react-counter/Counter.tsx')
    logger.info(`hmr update /@id/${REGISTRY}`)
    logger.info(`hmr update ${REGISTRY}`)
    logger.info(`hmr update ${REGISTRY}`)
    expect(lines.slice(2)).toEqual([
      'hmr invalidate /src/plugins/react-counter/Counter.tsx',
      'hmr update src/plugins/react-counter/Counter.tsx → react-counter',
      'hmr update src/plugins/counter/index.ts → counter',
      `hmr update ${REGISTRY}`,
    ])
  })

  it('leaves every other line alone, and a name that Vite never logged expires', () => {
    vi.useFakeTimers()
    const { lines, logger, log } = setup()
    log.batchSent({ files: ['src/plugins/a/index.ts'], plugins: ['a'] })
    logger.info('page reload src/plugins/a/index.ts')
    logger.info('hmr update /src/style.css')
    vi.advanceTimersByTime(5_000)
    logger.info(`hmr update ${REGISTRY}`)
    expect(lines).toEqual(['page reload src/plugins/a/index.ts', 'hmr update /src/style.css', `hmr update ${REGISTRY}`])
  })
})

describe('describeBatch', () => {
  it('names three files at most and every plugin', () => {
    const files = ['a', 'b', 'c', 'd', 'e'].map((id) => `src/plugins/${id}/index.ts`)
    expect(describeBatch({ files, plugins: ['a', 'b', 'c', 'd', 'e'] })).toBe(
      'src/plugins/a/index.ts, src/plugins/b/index.ts, src/plugins/c/index.ts and 2 more → a, b, c, d, e',
    )
  })
})

describe('logBatchResult', () => {
  const reload = (id: string, extra: Partial<ReloadResult> = {}): ReloadResult => ({ id, file: `src/plugins/${id}/index.ts`, outcome: 'swapped', durationMs: 3, stateKept: true, ...extra })
  const log = (plugins: ReloadResult[]) => {
    const lines: { level: string; message: string; timestamp?: boolean }[] = []
    const logger = {
      info: (message: string, options?: { timestamp?: boolean }) => void lines.push({ level: 'info', message, timestamp: options?.timestamp }),
      warn: (message: string, options?: { timestamp?: boolean }) => void lines.push({ level: 'warn', message, timestamp: options?.timestamp }),
    }
    logBatchResult(logger, { batch: 1, durationMs: 12.4, plugins } satisfies BatchResult)
    return lines
  }

  it('names the plugins swapped, those restarted for another, and how many kept their state', () => {
    expect(log([reload('counter'), reload('notes', { via: 'theme', stateKept: false }), reload('theme')])).toEqual([
      { level: 'info', message: '[hot-plugins] reloaded counter, notes (for theme), theme in 12 ms, state kept for 2 of 3', timestamp: true },
    ])
    expect(log([reload('counter')])[0]?.message).toBe('[hot-plugins] reloaded counter in 12 ms, state kept')
    expect(log([reload('counter', { stateKept: false })])[0]?.message).toBe('[hot-plugins] reloaded counter in 12 ms')
  })

  it('warns once per plugin that failed, with its error or, without one, its id, and the outcome', () => {
    expect(log([reload('a', { outcome: 'rolled-back', error: 'plugin "a" (src/plugins/a/index.ts): activate() threw: boom' }), reload('b', { outcome: 'kept-old' })])).toEqual([
      { level: 'warn', message: '[hot-plugins] plugin "a" (src/plugins/a/index.ts): activate() threw: boom (rolled-back)', timestamp: true },
      { level: 'warn', message: '[hot-plugins] plugin "b" failed to reload (kept-old)', timestamp: true },
    ])
    expect(log([])).toEqual([])
  })

  it('says a plugin that never started is not running, not that it kept its old version', () => {
    expect(log([reload('a', { outcome: 'kept-old', running: false, error: 'plugin "a" (src/plugins/a/index.ts): activate() threw: boom' })])).toEqual([
      { level: 'warn', message: '[hot-plugins] plugin "a" (src/plugins/a/index.ts): activate() threw: boom (not running)', timestamp: true },
    ])
    expect(log([reload('b', { outcome: 'kept-old', running: true })])[0]?.message).toBe('[hot-plugins] plugin "b" failed to reload (kept-old)')
  })
})
