import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createSettleCheck } from '../src/settle.js'
import { makeTree } from './fixtures.js'

let cleanup: (() => Promise<void>) | undefined
afterEach(() => cleanup?.())

describe('createSettleCheck', () => {
  it('replays a file whose content on disk is not what the last update was built from', async () => {
    const tree = await makeTree({ 'a.ts': 'v1' })
    cleanup = tree.cleanup
    const file = path.join(tree.root, 'a.ts')
    const replayed: string[] = []
    const settle = createSettleCheck((f) => replayed.push(f), 5)
    settle.sent(file, 'v1')
    await writeFile(file, 'v2') // a save whose event was lost
    await expect.poll(() => replayed).toEqual([file])
    settle.dispose()
  })

  it('leaves a file alone when its last update had its final content', async () => {
    const tree = await makeTree({ 'a.ts': 'v1' })
    cleanup = tree.cleanup
    const file = path.join(tree.root, 'a.ts')
    const replayed: string[] = []
    const settle = createSettleCheck((f) => replayed.push(f), 5)
    await writeFile(file, 'v2')
    settle.sent(file, 'v2')
    // A second file that does need a replay proves the checks ran.
    const other = path.join(tree.root, 'b.ts')
    await writeFile(other, 'b2')
    settle.sent(other, 'b1')
    await expect.poll(() => replayed).toEqual([other])
    settle.dispose()
  })
})
