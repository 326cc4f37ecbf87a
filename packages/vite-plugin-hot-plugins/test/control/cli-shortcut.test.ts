import { describe, expect, it } from 'vitest'
import type { BindCLIShortcutsOptions, CLIShortcut, ViteDevServer } from 'vite'
import { addListShortcut, type ShortcutServer } from '../../src/control/cli-shortcut.js'

/** A dev server as far as the shortcut sees it: what Vite's bindCLIShortcuts was given, what was logged. */
function fakeServer() {
  const logged: string[] = []
  const bound: BindCLIShortcutsOptions<ViteDevServer>[] = []
  const log = (level: string) => (message: string) => void logged.push(`${level}: ${message}`)
  const server = {
    config: { logger: { info: log('info'), warn: log('warn'), error: log('error') } },
    environments: { client: {} },
    bindCLIShortcuts: (options?: BindCLIShortcutsOptions<ViteDevServer>) => void bound.push(options ?? {}),
  } as unknown as ShortcutServer
  const ours = () => bound.at(-1)?.customShortcuts?.find((s) => s.key === 'l') as CLIShortcut<ViteDevServer> | undefined
  return { server, logged, bound, ours, press: () => ours()!.action!(server as ViteDevServer) }
}

describe('the terminal shortcut', () => {
  it("is added to the shortcuts Vite's CLI binds, after the caller's, and prints the listing", async () => {
    const fake = fakeServer()
    addListShortcut(fake.server, async () => '[hot-plugins] 2 plugins in 1 tab')
    const profiler = { key: 'p', description: 'start/stop the profiler', action() {} }
    fake.server.bindCLIShortcuts({ print: true, customShortcuts: [profiler] })
    expect(fake.bound).toHaveLength(1)
    expect(fake.bound[0]!.print).toBe(true)
    expect(fake.bound[0]!.customShortcuts?.map((s) => [s.key, s.description])).toEqual([
      ['p', 'start/stop the profiler'],
      ['l', 'list hot plugins'],
    ])
    await fake.press()
    expect(fake.logged).toEqual(['info: [hot-plugins] 2 plugins in 1 tab'])
  })

  it("leaves the key to a shortcut the caller binds on it, with a warning", () => {
    const fake = fakeServer()
    addListShortcut(fake.server, async () => '')
    fake.server.bindCLIShortcuts({ customShortcuts: [{ key: 'l', description: 'lint', action() {} }] })
    expect(fake.bound[0]!.customShortcuts?.map((s) => s.description)).toEqual(['lint'])
    expect(fake.logged).toEqual([
      'warn: [hot-plugins] the terminal shortcut "l" (list hot plugins) is already bound to "lint"; it is left out',
    ])
  })

  it('reports a failing listing without throwing (Vite would ignore every later key)', async () => {
    const fake = fakeServer()
    addListShortcut(fake.server, async () => {
      throw new Error('discovery failed')
    })
    fake.server.bindCLIShortcuts()
    await expect(fake.press()).resolves.toBeUndefined()
    expect(fake.logged).toEqual(['error: [hot-plugins] listing the plugins failed: discovery failed'])
  })

  it("after a restart, lists what the restarted server's tabs report", async () => {
    const fake = fakeServer()
    addListShortcut(fake.server, async () => 'before the restart')
    fake.server.bindCLIShortcuts()
    const shortcut = fake.ours()!
    // Vite's restart copies the new server's members onto the server object the shortcuts were
    // bound with; the new instance of the plugin registered the new client environment.
    const restarted = fakeServer()
    addListShortcut(restarted.server, async () => 'after the restart')
    Object.assign(fake.server, { environments: restarted.server.environments })
    await shortcut.action!(fake.server as ViteDevServer)
    expect(fake.logged).toEqual(['info: after the restart'])
  })
})
