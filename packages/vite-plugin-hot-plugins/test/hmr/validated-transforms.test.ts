import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { DevEnvironment, EnvironmentModuleNode } from 'vite'
import { afterEach, describe, expect, it } from 'vitest'
import { createValidatedTransforms } from '../../src/hmr/validated-transforms.js'

let folder: string | undefined
afterEach(async () => {
  if (folder) await rm(folder, { recursive: true, force: true })
  folder = undefined
})

/** A saved file, its module, and an environment whose transform loads it as Vite's pipeline does: through the plugins' load, else from disk. */
async function setup(query = '') {
  folder = await mkdtemp(path.join(tmpdir(), 'validated-'))
  const file = path.join(folder, 'index.ts')
  await writeFile(file, 'export const on = "disk"\n')
  const validated = createValidatedTransforms()
  const loads: (string | null)[] = []
  const module = { file, id: file + query, url: '/index.ts' + query, lastInvalidationTimestamp: 0 } as unknown as EnvironmentModuleNode
  const environment = {
    async transformRequest() {
      const loaded = await validated.load(module.id!)
      loads.push(loaded ?? null)
      return { code: loaded ?? 'read from disk', map: null }
    },
  } as unknown as DevEnvironment
  return { validated, module, environment, loads, file }
}

describe('the transform of a validation', () => {
  it('loads the content the pipeline read, once, and no other load gets it', async () => {
    const { validated, module, environment, loads, file } = await setup()
    let reads = 0
    const content = async () => (reads++, 'export const on = "read"\n')
    const result = await validated.transform(environment, module, 1, { file, read: content })
    expect(result?.code).toBe('export const on = "read"\n')
    expect(reads).toBe(1)
    // The browser's next request, or any other transform, reads the file as Vite does.
    expect(validated.load(file)).toBeNull()
    expect(loads).toEqual(['export const on = "read"\n'])
  })

  it('leaves the load to Vite for a module with a query, and for content with an inline source map (Vite extracts it)', async () => {
    const queried = await setup('?raw')
    await queried.validated.transform(queried.environment, queried.module, 1, { file: queried.file, read: async () => 'export {}\n' })
    expect(queried.loads).toEqual([null])

    const mapped = await setup()
    const withMap = 'export {}\n//# sourceMappingURL=data:application/json;base64,e30=\n'
    await mapped.validated.transform(mapped.environment, mapped.module, 1, { file: mapped.file, read: async () => withMap })
    expect(mapped.loads).toEqual([null])
  })

  it("reads from disk a module of another file than the one read (a created helper's update carries the entry that failed to import it)", async () => {
    const { validated, module, environment, loads, file } = await setup()
    let reads = 0
    const helper = { file: path.join(path.dirname(file), 'helper.ts'), read: async () => (reads++, "export const greet = () => 'hi'\n") }
    const result = await validated.transform(environment, module, 1, helper)
    expect(result?.code).toBe('read from disk')
    expect(reads).toBe(0)
    expect(loads).toEqual([null])
    expect(validated.load(helper.file)).toBeNull()
  })

  it('without the content, lets Vite read the file', async () => {
    const { validated, module, environment, loads } = await setup()
    await validated.transform(environment, module, 1)
    expect(loads).toEqual([null])
  })
})
