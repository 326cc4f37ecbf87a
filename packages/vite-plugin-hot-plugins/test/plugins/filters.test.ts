import { describe, expect, it } from 'vitest'
import { RESOLVED_VIRTUAL_REGISTRY_ID, VIRTUAL_REGISTRY_ID } from '@hot-plugins/client/protocol'
import { exactRegex, withoutQuery } from '../../src/plugins/filters.js'

describe('exactRegex', () => {
  it('matches the id itself and nothing around it, its special characters taken literally', () => {
    const resolved = exactRegex(RESOLVED_VIRTUAL_REGISTRY_ID)
    expect(resolved.test(RESOLVED_VIRTUAL_REGISTRY_ID)).toBe(true)
    expect(resolved.test(VIRTUAL_REGISTRY_ID)).toBe(false)
    expect(resolved.test(`${RESOLVED_VIRTUAL_REGISTRY_ID}?t=1`)).toBe(false)
    expect(resolved.test(`x${RESOLVED_VIRTUAL_REGISTRY_ID}`)).toBe(false)
    expect(exactRegex('a.b(c)+[d]*').test('a.b(c)+[d]*')).toBe(true)
    expect(exactRegex('a.b').test('axb')).toBe(false)
  })
})

describe('withoutQuery', () => {
  it('is the file of a module id', () => {
    expect(withoutQuery('/app/src/plugins/a/index.ts?t=12&import')).toBe('/app/src/plugins/a/index.ts')
    expect(withoutQuery('/app/src/plugins/a/index.ts')).toBe('/app/src/plugins/a/index.ts')
  })
})
