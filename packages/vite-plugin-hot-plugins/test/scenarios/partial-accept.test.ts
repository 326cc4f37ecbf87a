import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { normalizePath } from 'vite'
import { HotEvents } from '@hot-plugins/client/protocol'
import { cleanupAfterEach, middlewareServer } from '../fixtures.js'

// Like a Svelte component under vite-plugin-svelte, which turns Vite's partial accept on and
// compiles each component's `import.meta.hot.accept` to `acceptExports(['default'], …)`.
const component = [
  'export default function Counter() { return 1 }',
  'export const size = 2',
  "if (import.meta.hot) import.meta.hot.acceptExports(['default'], () => {})",
].join('\n')

const teardown = cleanupAfterEach()

/** A dev server with partial accept on, the plugin's entry importing `imports` from its component and using `uses`. */
async function serve(imports: string, uses: string) {
  const made = await teardown.tree({
    'src/plugins/counter/index.ts': `import ${imports} from './Counter'\nexport function activate() { return ${uses} }`,
    'src/plugins/counter/Counter.ts': component,
  })
  const server = teardown.server(await middlewareServer(made.root, undefined, { experimental: { hmrPartialAccept: true } }))
  const client = server.environments.client
  for (const url of ['/src/plugins/counter/index.ts', '/src/plugins/counter/Counter.ts']) await client.transformRequest(url)
  return { root: normalizePath(made.root), server, client }
}

/** Saves the component and runs every plugin's hotUpdate hook on it; returns what ours sent and returned. */
async function saveComponent({ root, server, client }: Awaited<ReturnType<typeof serve>>) {
  const file = path.posix.join(root, 'src/plugins/counter/Counter.ts')
  const edited = `${component}\n// edited`
  await writeFile(file, edited)
  const announced: unknown[] = []
  const send = client.hot.send.bind(client.hot)
  client.hot.send = ((...args: unknown[]) => {
    if (args[0] === HotEvents.update) announced.push(args[1])
    return (send as (...a: unknown[]) => void)(...args)
  }) as typeof client.hot.send
  const modules = [...(client.moduleGraph.getModulesByFile(file) ?? [])]
  const ours = client.plugins.find((p) => p.name === 'hot-plugins:serve')!
  const hook = ours.hotUpdate as (this: unknown, options: unknown) => Promise<unknown>
  const result = await hook.call({ environment: client }, { type: 'update', file, timestamp: 123, modules, read: async () => edited, server })
  return { announced, result, modules }
}

describe("a module that accepts some of its exports (Vite's partial accept)", () => {
  it('is left to Vite when the entry imports only exports it accepts: its own HMR, no swap', async () => {
    const app = await serve('Counter', 'Counter()')
    const { announced, result, modules } = await saveComponent(app)
    // The state Vite propagates from: not self-accepting as a whole, a boundary for its importer.
    expect(modules.map((m) => [m.isSelfAccepting, [...(m.acceptedHmrExports ?? [])]])).toEqual([[false, ['default']]])
    expect(result).toBeUndefined()
    expect(announced).toEqual([])
  })

  it('swaps the plugin when the entry also imports an export it does not accept', async () => {
    const app = await serve('Counter, { size }', 'Counter() + size')
    const { announced, result } = await saveComponent(app)
    expect(announced).toEqual([{ files: ['src/plugins/counter/Counter.ts'], plugins: ['counter'], timestamp: 123, batch: 1 }])
    expect(Array.isArray(result)).toBe(true)
  })
})
