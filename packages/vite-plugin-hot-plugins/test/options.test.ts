import { describe, expect, it } from 'vitest'
import { DEFAULT_PLUGIN_GLOB, resolveOptions } from '../src/options.js'

describe('resolveOptions', () => {
  it('defaults to index files in src/plugins/*', () => {
    const state = { persist: true, restoreOnReload: 'auto' }
    expect(resolveOptions()).toEqual({ plugins: [DEFAULT_PLUGIN_GLOB], state })
    expect(resolveOptions({})).toEqual({ plugins: ['src/plugins/*/index.{ts,tsx,js,jsx,mts,mjs}'], state })
  })

  it('takes one glob or several, trimmed, without a leading ./', () => {
    expect(resolveOptions({ plugins: './src/plugins/*/index.ts ' }).plugins).toEqual(['src/plugins/*/index.ts'])
    expect(resolveOptions({ plugins: ['a/*.ts', 'b/**/plugin.ts'] }).plugins).toEqual(['a/*.ts', 'b/**/plugin.ts'])
  })

  it.each([
    [{ plugins: [] }, '"plugins" must be a glob or a non-empty array of globs'],
    [{ plugins: 42 }, 'got 42'],
    [{ plugins: ['ok/*.ts', ''] }, 'every entry of "plugins" must be a non-empty glob string, got ""'],
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

  it('rejects options that are not an object', () => {
    expect(() => resolveOptions('src/*.ts' as never)).toThrow('hotPlugins(options): options must be an object, got "src/*.ts"')
  })
})
