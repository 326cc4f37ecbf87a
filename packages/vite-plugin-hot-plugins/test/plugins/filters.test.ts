import { describe, expect, it } from 'vitest'
import { RESOLVED_VIRTUAL_REGISTRY_ID, VIRTUAL_REGISTRY_ID } from '@hot-plugins/client/protocol'
import { exactRegex, VIRTUAL_MODULE_ID, withoutQuery } from '../../src/plugins/filters.js'

describe('exactRegex', () => {
  it('matches the id itself and nothing around it, its special characters taken literally', () => {
    const resolved = exactRegex(RESOLVED_VIRTUAL_REGISTRY_ID)
    expect(resolved.test(RESOLVED_VIRTUAL_REGISTRY_ID)).toBe(true)
    expect(resolved.test(`\0${RESOLVED_VIRTUAL_REGISTRY_ID}`)).toBe(false)
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

describe('VIRTUAL_MODULE_ID', () => {
  it("matches the registry's id, which has no NUL byte for Vite to print, and Rollup's NUL-prefixed ids; never a file", () => {
    expect(RESOLVED_VIRTUAL_REGISTRY_ID).toBe(VIRTUAL_REGISTRY_ID)
    expect(RESOLVED_VIRTUAL_REGISTRY_ID).not.toContain('\0')
    expect(VIRTUAL_MODULE_ID.test(RESOLVED_VIRTUAL_REGISTRY_ID)).toBe(true)
    expect(VIRTUAL_MODULE_ID.test('\0virtual:other')).toBe(true)
    expect(VIRTUAL_MODULE_ID.test('/app/src/plugins/virtual:a/index.ts')).toBe(false)
  })
})
