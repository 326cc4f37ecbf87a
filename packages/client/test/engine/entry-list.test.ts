import { describe, expect, it } from 'vitest'
import { HOT_SOURCE_SYMBOL_KEY } from '../../src/protocol/index.js'
import { createEntryList } from '../../src/engine/entry-list.js'
import type { HotSource } from '../../src/host/core.js'
import { entry } from '../helpers.js'

const source: HotSource = { attach: () => () => {} }
const linkedTo = (value: object) => (value as Record<symbol, unknown>)[Symbol.for(HOT_SOURCE_SYMBOL_KEY)]

describe('entry list', () => {
  it('links each entry, and the list itself, to the hot source; entries are frozen and carry no URL', () => {
    const list = createEntryList([entry('a', { activate() {} })], source)
    expect(linkedTo(list.entries)).toBe(source)
    expect(linkedTo(list.entries[0] as object)).toBe(source)
    expect(Object.isFrozen(list.entries[0])).toBe(true)
    expect(Object.keys(list.entries[0] as object)).toEqual(['id', 'file', 'load'])
    expect(list.urlOf('a')).toBe('/src/plugins/a/index.ts')
    expect(list.urlOf('b')).toBeUndefined()
  })

  it('replaced, it keeps the same array (a host that starts later gets the new list) and returns the old entries', () => {
    const list = createEntryList([entry('a', { activate() {} })], source)
    const array = list.entries
    const before = list.replace([entry('b', { activate() {} })])
    expect([...before.keys()]).toEqual(['a'])
    expect(list.entries).toBe(array)
    expect(list.entries.map((e) => e.id)).toEqual(['b'])
    expect(linkedTo(list.entries[0] as object)).toBe(source)
    expect(list.urlOf('a')).toBeUndefined()
    expect(list.urlOf('b')).toBe('/src/plugins/b/index.ts')
  })

  it('an added entry is imported afresh, with a new t= (the browser would give back a deleted entry’s old code)', async () => {
    const imported: string[] = []
    const module = { activate() {} }
    const list = createEntryList([], source, async (url, query) => (imported.push(`${url}?${query}`), module), () => 42)
    const added = list.added(entry('b', { activate() {} }))
    expect(linkedTo(added)).toBe(source)
    expect(await added.load()).toBe(module)
    expect(imported).toEqual(['/src/plugins/b/index.ts?t=42'])
  })

  it('without an importer, an added entry loads as declared', async () => {
    const module = { activate() {} }
    const list = createEntryList([], source)
    expect(await list.added(entry('b', module)).load()).toBe(module)
  })
})
