import { describe, expect, it } from 'vitest'
import { DEFAULTS, DEFAULT_EXCLUDE as PROTOCOL_DEFAULT_EXCLUDE } from '@hot-plugins/client/protocol'
import { DEFAULT_EXCLUDE, DEFAULT_PLUGIN_GLOB } from '../src/options.js'
import { resolveOptions } from '../src/resolve-options.js'

describe('resolveOptions', () => {
  it('defaults to index files in src/plugins/*', () => {
    const state = { persist: true, restoreOnReload: 'auto' }
    const defaults = {
      plugins: [DEFAULT_PLUGIN_GLOB],
      packages: [],
      state,
      retry: { attempts: 3, initialDelayMs: 100, maxDelayMs: 2000, factor: 2, jitter: 0.2 },
      fallback: 'reload',
      failuresBeforeFallback: 3,
      enabled: true,
      include: ['**'],
      exclude: [...DEFAULT_EXCLUDE],
      overlay: { position: 'bottom-right', open: false, badge: 'auto' },
      debounce: { first: 0, min: 5, max: 100 },
      reloadDependents: true,
      leaks: 'warn',
      expose: false,
      remotes: [],
      feed: { file: 'hot-plugins.json' },
    }
    expect(resolveOptions()).toEqual(defaults)
    expect(resolveOptions({})).toEqual(defaults)
    expect(DEFAULT_PLUGIN_GLOB).toBe('src/plugins/*/index.{ts,tsx,js,jsx,mts,mjs}')
  })

  it('takes debounce as a fixed window or as { first, min, max }, and refuses nonsense by name', () => {
    expect(resolveOptions({ debounce: 0 }).debounce).toEqual({ first: 0, min: 0, max: 0 })
    expect(resolveOptions({ debounce: 30 }).debounce).toEqual({ first: 30, min: 30, max: 30 })
    // A window of one's own holds for a save on its own too.
    expect(resolveOptions({ debounce: { min: 10 } }).debounce).toEqual({ first: 10, min: 10, max: 100 })
    expect(resolveOptions({ debounce: { min: 200 } }).debounce).toEqual({ first: 200, min: 200, max: 200 })
    expect(resolveOptions({ debounce: { max: 300 } }).debounce).toEqual({ first: 0, min: 5, max: 300 })
    expect(resolveOptions({ debounce: { first: 2, min: 10 } }).debounce).toEqual({ first: 2, min: 10, max: 100 })
    expect(() => resolveOptions({ debounce: { first: 150 } })).toThrow('"debounce.first" (150) must not be more than "debounce.max" (100)')
    expect(() => resolveOptions({ debounce: { first: -2 } })).toThrow('"debounce.first" must be a whole number, 0 or more, got -2')
    expect(() => resolveOptions({ debounce: -1 })).toThrow('"debounce" must be a whole number, 0 or more, got -1')
    expect(() => resolveOptions({ debounce: { min: 50, max: 10 } })).toThrow('"debounce.max" (10) must not be less than "debounce.min" (50)')
    expect(() => resolveOptions({ debounce: 'fast' as never })).toThrow('"debounce" must be a number of ms or an object like { min: 5, max: 100 }, got "fast"')
  })

  it('takes one glob or several, trimmed, without a leading ./', () => {
    expect(resolveOptions({ plugins: './src/plugins/*/index.ts ' }).plugins).toEqual(['src/plugins/*/index.ts'])
    expect(resolveOptions({ plugins: ['a/*.ts', 'b/**/plugin.ts'] }).plugins).toEqual(['a/*.ts', 'b/**/plugin.ts'])
  })

  it('takes plugin packages by name or glob of names, beside globs of files, outside the root too', () => {
    expect(resolveOptions({ plugins: ['src/plugins/*/index.ts', '../shared-plugins/*/index.ts', { packages: '@acme/plugin-*' }] })).toMatchObject({
      plugins: ['src/plugins/*/index.ts', '../shared-plugins/*/index.ts'],
      packages: ['@acme/plugin-*'],
    })
    expect(resolveOptions({ plugins: { packages: [' @acme/chart ', 'acme-plugin-*'] } })).toMatchObject({ plugins: [], packages: ['@acme/chart', 'acme-plugin-*'] })
    expect(resolveOptions({ plugins: [{ packages: 'a' }, { packages: ['b'] }] }).packages).toEqual(['a', 'b'])
  })

  it.each([
    [{ plugins: [] }, '"plugins" must be a glob, { packages }, or a non-empty array of them'],
    [{ plugins: 42 }, 'got 42'],
    [{ plugins: ['ok/*.ts', ''] }, `every entry of "plugins" must be a non-empty glob string or { packages: '@scope/name-*' }, got ""`],
    [{ plugins: [{ packages: [] }] }, `a package entry of "plugins" must be { packages: '@scope/name-*' }`],
    [{ plugins: [{ package: '@acme/a' }] }, `a package entry of "plugins" must be { packages: '@scope/name-*' } (a package name, a glob of names, or an array of them), got {"package":"@acme/a"}`],
    [{ plugins: [{ packages: '@acme/a', extra: 1 }] }, 'got {"packages":"@acme/a","extra":1}'],
    [{ plugins: [{ packages: '../plugins/a' }] }, `"plugins" { packages } takes package names like '@acme/plugin-*' or 'my-plugin', got "../plugins/a"`],
    [{ plugins: [{ packages: ['@acme/a', 7] }] }, 'got 7'],
    [{ plugins: ['ok/*.ts', null] }, 'got null'],
  ])('rejects %j with a message naming the option', (options, message) => {
    expect(() => resolveOptions(options as never)).toThrow(message)
  })

  it('fills in the state options', () => {
    expect(resolveOptions({ state: { restoreOnReload: 'always' } }).state).toEqual({ persist: true, restoreOnReload: 'always' })
    expect(resolveOptions({ state: { persist: false } }).state).toEqual({ persist: false, restoreOnReload: 'auto' })
  })

  it.each([
    [{ state: 'always' }, `"state" must be an object like { restoreOnReload: 'always' }, got "always"`],
    [{ state: { persist: 'yes' } }, '"state.persist" must be true or false, got "yes"'],
    [{ state: { restoreOnReload: 'sometimes' } }, `"state.restoreOnReload" must be one of 'auto', 'always', 'never', got "sometimes"`],
  ])('rejects state %j with a message naming the option', (options, message) => {
    expect(() => resolveOptions(options as never)).toThrow(message)
  })

  it('fills in retry and fallback options', () => {
    const resolved = resolveOptions({ retry: { attempts: 5 }, fallback: 'hot-only', failuresBeforeFallback: 0 })
    expect(resolved.retry).toEqual({ attempts: 5, initialDelayMs: 100, maxDelayMs: 2000, factor: 2, jitter: 0.2 })
    expect(resolved.fallback).toBe('hot-only')
    expect(resolved.failuresBeforeFallback).toBe(0)
  })

  it.each([
    [{ retry: 3 }, '"retry" must be an object like { attempts: 3 }, got 3'],
    [{ retry: { attempts: -1 } }, '"retry.attempts" must be a whole number, 0 or more, got -1'],
    [{ retry: { factor: 0.5 } }, '"retry.factor" must be a number of 1 or more, got 0.5'],
    [{ retry: { jitter: 2 } }, '"retry.jitter" must be a number from 0 to 1, got 2'],
    [{ fallback: 'never' }, `"fallback" must be one of 'reload', 'hot-only', got "never"`],
    [{ leaks: 'quiet' }, `"leaks" must be one of 'warn', 'clean', 'off', got "quiet"`],
    [{ failuresBeforeFallback: 1.5 }, '"failuresBeforeFallback" must be a whole number, 0 or more, got 1.5'],
    [{ enabled: 'no' }, '"enabled" must be true or false, got "no"'],
    [{ exclude: [''] }, '"exclude" must be a glob or an array of globs, got [""]'],
    [{ include: 3 }, '"include" must be a glob or an array of globs, got 3'],
  ])('rejects %j with a message naming the option', (options, message) => {
    expect(() => resolveOptions(options as never)).toThrow(message)
  })

  it('resolves the feed: on by default, off, or another file in the output folder; refuses a path out of it', () => {
    expect(resolveOptions({ feed: false }).feed).toBe(false)
    expect(resolveOptions({ feed: true }).feed).toEqual({ file: 'hot-plugins.json' })
    expect(resolveOptions({ feed: {} }).feed).toEqual({ file: 'hot-plugins.json' })
    expect(resolveOptions({ feed: { file: 'feeds/plugins.json' } }).feed).toEqual({ file: 'feeds/plugins.json' })
    for (const feed of [{ file: '../out.json' }, { file: '/abs.json' }, { file: 'a/../../b.json' }, { file: 'feed.txt' }, 'yes', null]) {
      expect(() => resolveOptions({ feed } as never), JSON.stringify(feed)).toThrow(/"feed" must be true, false or \{ file \} with a relative path ending in \.json/)
    }
  })

  it('resolves the overlay: off, on, or a corner, whether it starts open and whether the badge shows', () => {
    expect(resolveOptions({ overlay: false }).overlay).toBe(false)
    expect(resolveOptions({ overlay: true }).overlay).toEqual({ position: 'bottom-right', open: false, badge: 'auto' })
    expect(resolveOptions({ overlay: { position: 'top-left' } }).overlay).toEqual({ position: 'top-left', open: false, badge: 'auto' })
    expect(resolveOptions({ overlay: { open: true } }).overlay).toEqual({ position: 'bottom-right', open: true, badge: 'auto' })
    expect(resolveOptions({ overlay: { badge: false } }).overlay).toEqual({ position: 'bottom-right', open: false, badge: false })
  })

  it.each([
    [{ overlay: 'yes' }, `"overlay" must be true, false or an object like { position: 'top-left' }, got "yes"`],
    [{ overlay: null }, '"overlay" must be true, false or an object'],
    [{ overlay: { position: 'middle' } }, `"overlay.position" must be one of 'bottom-right', 'bottom-left', 'top-right', 'top-left', got "middle"`],
    [{ overlay: { open: 1 } }, '"overlay.open" must be true or false, got 1'],
    [{ overlay: { badge: 'hide' } }, `"overlay.badge" must be true, false or 'auto', got "hide"`],
  ])('rejects overlay %j with a message naming the option', (options, message) => {
    expect(() => resolveOptions(options as never)).toThrow(message)
  })

  it('rejects options that are not an object', () => {
    expect(() => resolveOptions('src/*.ts' as never)).toThrow('hotPlugins(options): options must be an object, got "src/*.ts"')
  })

  it('takes every default from the protocol, the one place both packages read, and hands out copies of it', () => {
    expect(DEFAULT_EXCLUDE).toBe(PROTOCOL_DEFAULT_EXCLUDE)
    expect(DEFAULT_PLUGIN_GLOB).toBe(DEFAULTS.plugins)
    const resolved = resolveOptions()
    expect(resolved).toMatchObject({
      retry: DEFAULTS.retry,
      fallback: DEFAULTS.fallback,
      failuresBeforeFallback: DEFAULTS.failuresBeforeFallback,
      enabled: DEFAULTS.enabled,
      include: [...DEFAULTS.include],
      exclude: [...DEFAULTS.exclude],
      overlay: DEFAULTS.overlay,
      debounce: DEFAULTS.debounce,
      reloadDependents: DEFAULTS.reloadDependents,
      leaks: DEFAULTS.leaks,
      state: DEFAULTS.state,
    })
    resolved.retry.attempts = 99
    resolved.include.push('src/**')
    resolved.debounce.max = 1
    if (resolved.overlay) resolved.overlay.open = true
    resolved.state.persist = false
    expect(resolveOptions()).toMatchObject({ retry: { attempts: 3 }, include: ['**'], debounce: { max: 100 }, overlay: { open: false }, state: { persist: true } })
  })
})
