import { describe, expect, it } from 'vitest'
import { createReloadFilter } from '../../src/discovery/discover-plugins.js'
import { createWatchedCheck, whyNotHotReloadable } from '../../src/discovery/hot-reach.js'
import { DEFAULT_EXCLUDE } from '../../src/options.js'

describe('what cannot hot-reload', () => {
  const checks = { mayReload: createReloadFilter(['**'], [...DEFAULT_EXCLUDE]), isServed: () => true, isWatched: () => true }
  const at = (file: string, extra: object = {}) => ({ id: 'p', file, absFile: `/ws/${file}`, url: `/${file}`, ...extra })

  it('names the reason: inside node_modules, not served, filtered out', () => {
    expect(whyNotHotReloadable(at('app/src/plugins/p/index.ts'), checks)).toBeUndefined()
    expect(whyNotHotReloadable(at('app/node_modules/@acme/p/index.js', { package: '@acme/p' }), checks)).toBe(
      'package "@acme/p" is installed in node_modules, not linked, and Vite neither watches nor hot-updates files there; make it a workspace package (pnpm, npm or yarn workspaces link it) to hot-reload it',
    )
    expect(whyNotHotReloadable(at('p/index.ts'), { ...checks, isServed: () => false })).toMatch(/outside Vite's server\.fs\.allow/)
    expect(whyNotHotReloadable(at('p/index.test.ts'), checks)).toBe('the "include"/"exclude" options filter it out, so its saves reload nothing')
    expect(whyNotHotReloadable(at('p/index.ts'), { ...checks, isWatched: () => false })).toBe(
      "Vite's file watcher ignores it (server.watch), so its saves never reach the dev server",
    )
  })

  it("knows what Vite's watcher ignores: server.watch.ignored (globs, patterns, functions), its cache, watching off", () => {
    const server = (watch: object | null | undefined) => ({ server: { watch } as never, cacheDir: '/ws/app/node_modules/.vite' })
    const watched = createWatchedCheck(server({ ignored: ['**/generated/**', /\.skip\.ts$/, (file: string) => file.endsWith('off.ts')] }))
    expect(watched('/ws/shared/a.ts')).toBe(true)
    for (const file of ['/ws/shared/generated/a.ts', '/ws/shared/b.skip.ts', '/ws/shared/off.ts', '/ws/app/node_modules/.vite/deps/x.js', '/ws/test-results/a.ts']) {
      expect(watched(file), file).toBe(false)
    }
    expect(createWatchedCheck(server(undefined))('/ws/shared/a.ts')).toBe(true)
    expect(createWatchedCheck(server({ ignored: '**/shared/**' }))('/ws/shared/a.ts')).toBe(false)
    expect(createWatchedCheck(server(null))('/ws/shared/a.ts')).toBe(false)
  })
})
