import { afterEach, describe, expect, it, vi } from 'vitest'
import { dependsOnOf } from '../../src/graph/dependencies.js'
import { runningDependencyNodes } from '../../src/host/records.js'
import { Emitter } from '../../src/host/emitter.js'
import { describe as describeError, PluginError } from '../../src/host/errors.js'
import type { PluginRecord } from '../../src/host/records.js'
import { consoleLogger } from '../../src/host/logger.js'
import { createFailureCounter } from '../../src/engine/recovery/policy.js'
import { estimateSize } from '../../src/engine/state/size.js'
import type { PersistedState, StateStore } from '../../src/engine/state/state.js'
import { createMemoryStore, createResilientStore } from '../../src/engine/state/stores.js'
import { later, sleep, soon } from '../../src/host/timers.js'
import type { PluginModule } from '../../src/host/types.js'
import { memoryLogger } from '../helpers.js'

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('estimateSize', () => {
  it('counts 2 bytes a character, 8 a number, bigint or date, 4 a boolean, binary data its length', () => {
    expect(estimateSize('abc')).toBe(6)
    expect(estimateSize(1.5)).toBe(8)
    expect(estimateSize(10n)).toBe(8)
    expect(estimateSize(true)).toBe(4)
    expect(estimateSize(new Date(0))).toBe(8)
    expect(estimateSize(new Uint8Array(10))).toBe(10)
    expect(estimateSize(new ArrayBuffer(7))).toBe(7)
    expect(estimateSize(null)).toBe(0)
    expect(estimateSize(undefined)).toBe(0)
    expect(estimateSize(() => 1)).toBe(0)
  })

  it('sums containers: object keys and values, arrays, maps, sets', () => {
    expect(estimateSize({ ab: 1, c: 'x' })).toBe(4 + 8 + 2 + 2)
    expect(estimateSize([1, 2, true])).toBe(20)
    expect(estimateSize(new Map([['k', 1]]))).toBe(2 + 8)
    expect(estimateSize(new Set(['ab', 'ab', 3]))).toBe(4 + 8)
  })

  it('counts a value shared or in a cycle once', () => {
    const shared = { n: 1 }
    expect(estimateSize([shared, shared])).toBe(estimateSize([shared]))
    const cycle: Record<string, unknown> = { n: 1 }
    cycle.self = cycle
    expect(estimateSize(cycle)).toBe(2 + 8 + 8)
  })

  it('stops counting after 100,000 values', () => {
    expect(estimateSize(Array.from({ length: 200_000 }, () => 1))).toBe(99_999 * 8)
  })
})

describe('consoleLogger', () => {
  it('prefixes every line, and passes the error on only when there is one', () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => {})
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const cause = new Error('why')
    consoleLogger.info('started')
    consoleLogger.warn('careful', cause)
    consoleLogger.error('broken')
    expect(info.mock.calls).toEqual([['[hot-plugins] started']])
    expect(warn.mock.calls).toEqual([['[hot-plugins] careful', cause]])
    expect(error.mock.calls).toEqual([['[hot-plugins] broken']])
  })
})

describe('timers', () => {
  it('soon runs a task after the current work, sleep and later after their time; later can be cancelled', async () => {
    vi.useFakeTimers()
    const ran: string[] = []
    soon(() => ran.push('soon'))
    void sleep(20).then(() => ran.push('sleep'))
    later(() => ran.push('later'), 10)
    const cancel = later(() => ran.push('cancelled'), 15)
    expect(ran).toEqual([])
    cancel()
    await vi.advanceTimersByTimeAsync(0)
    expect(ran).toEqual(['soon'])
    await vi.advanceTimersByTimeAsync(19)
    expect(ran).toEqual(['soon', 'later'])
    await vi.advanceTimersByTimeAsync(1)
    expect(ran).toEqual(['soon', 'later', 'sleep'])
  })
})

describe('Emitter', () => {
  it('calls each handler, logs a throwing one and goes on; the function on() returns unsubscribes', () => {
    const { logger, lines } = memoryLogger()
    const emitter = new Emitter<{ ping: number }>(logger)
    const got: number[] = []
    emitter.on('ping', () => {
      throw new Error('bad listener')
    })
    const off = emitter.on('ping', (n) => got.push(n))
    emitter.emit('ping', 1)
    off()
    emitter.emit('ping', 2)
    expect(got).toEqual([1])
    expect(lines.map((l) => l.message)).toEqual(['a listener of "ping" threw', 'a listener of "ping" threw'])
  })
})

describe('dependencies', () => {
  const record = (id: string, module: PluginModule | undefined, status = 'idle') => ({ id, module, status }) as unknown as PluginRecord

  it('reads meta.dependsOn, keeping only strings', () => {
    expect(dependsOnOf(undefined)).toEqual([])
    expect(dependsOnOf({ activate() {} })).toEqual([])
    expect(dependsOnOf({ activate() {}, meta: { dependsOn: 'theme' as never } })).toEqual([])
    expect(dependsOnOf({ activate() {}, meta: { dependsOn: ['theme', 3 as never, 'data'] } })).toEqual(['theme', 'data'])
  })

  it('lists the running plugins only, with the dependsOn of their next version when one is given', () => {
    const a: PluginModule = { activate() {}, meta: { dependsOn: ['b'] } }
    const b: PluginModule = { activate() {} }
    const nodes = runningDependencyNodes(
      [record('a', a), record('b', b), record('gone', undefined), record('broken', b, 'failed')],
      new Map([['b', { activate() {}, meta: { dependsOn: ['c'] } }]]),
    )
    expect(nodes).toEqual([
      { id: 'a', dependsOn: ['b'] },
      { id: 'b', dependsOn: ['c'] },
    ])
  })
})

describe('errors', () => {
  it('describes any thrown value in one line; a PluginError names the plugin, file and phase', () => {
    expect(describeError('plain words')).toBe('plain words')
    expect(describeError(new TypeError(''))).toBe('TypeError')
    expect(describeError({ code: 42 })).toBe('{"code":42}')
    expect(describeError(undefined)).toBe('undefined')
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(describeError(cyclic)).toBe('[object Object]')
    const error = new PluginError('counter', 'src/plugins/counter/index.ts', 'activate', 'boom')
    expect(error.name).toBe('PluginError')
    expect(error.message).toBe('plugin "counter" (src/plugins/counter/index.ts): activate() threw: boom')
    expect(error.reason).toBe('activate() threw: boom')
  })
})

describe('createFailureCounter', () => {
  it('trips once, at the threshold; 0 never trips; a success starts over', () => {
    const counter = createFailureCounter(2)
    expect(counter.count('a')).toBe(0)
    expect(counter.failed('a')).toEqual({ count: 1, tripped: false })
    expect(counter.failed('a')).toEqual({ count: 2, tripped: true })
    expect(counter.failed('a')).toEqual({ count: 3, tripped: false })
    expect(counter.count('a')).toBe(3)
    counter.succeeded('a')
    expect(counter.count('a')).toBe(0)
    const never = createFailureCounter(0)
    expect(never.failed('a').tripped).toBe(false)
  })
})

describe('stores', () => {
  const saved = (n: number): PersistedState => ({ format: 1, state: { n }, stateVersion: 1, pluginVersion: '1', savedAt: n })

  it("the memory store clears a plugin's records, set-aside ones included, and no other plugin's", async () => {
    const store = createMemoryStore()
    await store.saveMany([
      ['a', saved(1)],
      ['ab', saved(2)],
    ])
    await store.setAside('a', saved(3))
    await store.clear('a')
    expect(await store.load('a')).toBeUndefined()
    expect(await store.load('a\u0000set-aside:1')).toBeUndefined()
    expect(await store.load('ab')).toEqual(saved(2))
  })

  it('the resilient store warns once when the durable one fails, then keeps everything in memory', async () => {
    const calls: string[] = []
    const failing = (name: string) => async () => {
      calls.push(name)
      throw new Error('quota exceeded')
    }
    const durable: StateStore = { load: failing('load'), saveMany: failing('saveMany'), setAside: failing('setAside'), clear: failing('clear') }
    const { logger, lines } = memoryLogger()
    const store = createResilientStore(durable, logger)
    await store.saveMany([['a', saved(1)]])
    await store.setAside('a', saved(2))
    expect(await store.load('a')).toEqual(saved(1))
    expect(await store.load('a\u0000set-aside:1')).toEqual(saved(2))
    await store.clear('a')
    expect(await store.load('a')).toBeUndefined()
    expect(calls).toEqual(['saveMany'])
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1)
    expect(lines[0]!.message).toContain('quota exceeded')
  })
})
