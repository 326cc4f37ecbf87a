import { describe, expect, it } from 'vitest'
import { backoffDelay, createFailureCounter, DEFAULT_RETRY, isTransientImportError } from '../../../src/engine/recovery/policy.js'

describe('backoffDelay', () => {
  const noJitter = { ...DEFAULT_RETRY, jitter: 0 }

  it('grows exponentially and is capped', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, noJitter))).toEqual([100, 200, 400, 800, 1600, 2000])
  })

  it('spreads each delay by the jitter fraction, never beyond the cap or below zero', () => {
    const policy = { ...DEFAULT_RETRY, jitter: 0.2 }
    expect(backoffDelay(2, policy, () => 0)).toBe(160)
    expect(backoffDelay(2, policy, () => 0.5)).toBe(200)
    expect(backoffDelay(2, policy, () => 1)).toBe(240)
    expect(backoffDelay(10, policy, () => 1)).toBe(2000)
    expect(backoffDelay(1, { ...policy, jitter: 5 }, () => 0)).toBe(0)
  })
})

describe('isTransientImportError', () => {
  it.each([
    [new TypeError('Failed to fetch dynamically imported module: http://localhost:5173/src/a.ts?t=1'), true],
    [new TypeError('error loading dynamically imported module: http://localhost/x.js'), true],
    [new TypeError('Importing a module script failed.'), true],
    [new Error('Failed to fetch dynamically imported module'), false],
    [new TypeError("Cannot read properties of undefined (reading 'x')"), false],
    [new SyntaxError('Unexpected token'), false],
    ['a string', false],
  ])('%s → %s', (error, transient) => {
    expect(isTransientImportError(error)).toBe(transient)
  })
})

describe('createFailureCounter', () => {
  it('trips once when a plugin fails the threshold number of times in a row', () => {
    const counter = createFailureCounter(3)
    expect([counter.failed('a'), counter.failed('a'), counter.failed('b'), counter.failed('a'), counter.failed('a')]).toEqual([
      { count: 1, tripped: false },
      { count: 2, tripped: false },
      { count: 1, tripped: false },
      { count: 3, tripped: true },
      { count: 4, tripped: false },
    ])
  })

  it('starts over after a success', () => {
    const counter = createFailureCounter(2)
    counter.failed('a')
    counter.succeeded('a')
    expect(counter.failed('a')).toEqual({ count: 1, tripped: false })
    expect(counter.failed('a')).toEqual({ count: 2, tripped: true })
  })

  it('never trips with a threshold of 0', () => {
    const counter = createFailureCounter(0)
    for (let i = 0; i < 5; i++) expect(counter.failed('a').tripped).toBe(false)
  })
})
