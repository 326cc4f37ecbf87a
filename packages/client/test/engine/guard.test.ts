import { afterEach, describe, expect, it, vi } from 'vitest'
import { createGuard } from '../../src/engine/guard.js'
import type { HostCore } from '../../src/host/core.js'
import { memoryLogger } from '../helpers.js'

afterEach(() => void vi.restoreAllMocks())

describe('guard', () => {
  it('runs the handler; a throw is logged through the first host, not passed on', () => {
    const first = memoryLogger()
    const second = memoryLogger()
    const guard = createGuard([{ logger: first.logger } as HostCore, { logger: second.logger } as HostCore])
    let ran = false
    guard(() => void (ran = true))
    expect(ran).toBe(true)
    const error = new Error('bad payload')
    expect(() =>
      guard(() => {
        throw error
      }),
    ).not.toThrow()
    expect(first.lines).toEqual([{ level: 'error', message: 'handling a hot update failed', error }])
    expect(second.lines).toEqual([])
  })

  it('with no host, logs to the console', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    createGuard([])(() => {
      throw new Error('early')
    })
    expect(spy).toHaveBeenCalledTimes(1)
    expect(String(spy.mock.calls[0]?.[0])).toContain('handling a hot update failed')
  })
})
