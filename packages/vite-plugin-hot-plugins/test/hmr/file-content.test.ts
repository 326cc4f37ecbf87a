import { rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { readFile } from 'node:fs/promises'
import { changedSince, fileStamp, readIfPresent, readOnce, savedAgain } from '../../src/hmr/file-content.js'
import { cleanupAfterEach } from '../fixtures.js'

const teardown = cleanupAfterEach()
const gone = () => Promise.reject(Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' }))

describe('readIfPresent', () => {
  it('is the content, or undefined once the file is gone; any other failure is thrown', async () => {
    expect(await readIfPresent(() => 'export const a = 1')).toBe('export const a = 1')
    expect(await readIfPresent(async () => 'async')).toBe('async')
    expect(await readIfPresent(gone)).toBeUndefined()
    await expect(readIfPresent(() => Promise.reject(Object.assign(new Error('EACCES'), { code: 'EACCES' })))).rejects.toThrow('EACCES')
  })
})

describe('changedSince', () => {
  it('tells a file saved again, or gone, from one that still holds the content', async () => {
    const { root } = await teardown.tree({ 'a.ts': 'one' })
    const file = path.join(root, 'a.ts')
    expect(await changedSince(file, 'one')).toBe(false)
    await writeFile(file, 'two')
    expect(await changedSince(file, 'one')).toBe(true)
    expect(await changedSince(path.join(root, 'missing.ts'), 'one')).toBe(true)
  })
})

describe('readOnce', () => {
  it('reads the file once for every step of a change, and stamps it just before', async () => {
    const { root } = await teardown.tree({ 'a.ts': 'one' })
    const file = path.join(root, 'a.ts')
    let reads = 0
    const once = readOnce(file, () => {
      reads += 1
      return readFile(file, 'utf8')
    })
    expect(once.stampBeforeRead()).toBeUndefined()
    expect(await Promise.all([once.read(), once.read()])).toEqual(['one', 'one'])
    expect(await once.read()).toBe('one')
    expect(reads).toBe(1)
    expect(once.stampBeforeRead()).toBe(fileStamp(file))
  })

  it('hands every step the same failure of a file gone', async () => {
    const once = readOnce('/nowhere/a.ts', gone)
    expect(await readIfPresent(once.read)).toBeUndefined()
    expect(await readIfPresent(once.read)).toBeUndefined()
    expect(once.stampBeforeRead()).toBeUndefined()
  })
})

describe('savedAgain', () => {
  it('is false while the stamp holds, and asks the content once it moved', async () => {
    const { root } = await teardown.tree({ 'a.ts': 'one', 'b.ts': 'one' })
    const file = path.join(root, 'a.ts')
    const stamp = fileStamp(file)
    expect(await savedAgain(file, stamp, 'one')).toBe(false)
    // Saved again with the same content: the stamp moves, the content did not change.
    await writeFile(file, 'one')
    expect(await savedAgain(file, stamp, 'one')).toBe(false)
    await writeFile(file, 'two')
    expect(await savedAgain(file, stamp, 'one')).toBe(true)
    // Replaced by a rename (an editor's atomic save): a new inode.
    const before = fileStamp(path.join(root, 'b.ts'))
    await writeFile(path.join(root, 'c.ts'), 'three')
    await rename(path.join(root, 'c.ts'), path.join(root, 'b.ts'))
    expect(await savedAgain(path.join(root, 'b.ts'), before, 'one')).toBe(true)
    // No stamp (the file was gone when read): the content decides.
    expect(await savedAgain(file, undefined, 'two')).toBe(false)
    expect(await savedAgain(path.join(root, 'missing.ts'), undefined, 'two')).toBe(true)
  })
})
