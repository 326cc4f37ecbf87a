import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { changedSince, readIfPresent } from '../../src/hmr/file-content.js'
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
