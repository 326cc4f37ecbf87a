import { describe, expect, it } from 'vitest'
import { DEFAULT_PLUGIN_GLOB, resolveOptions } from '../src/options.js'

describe('resolveOptions', () => {
  it('defaults to index files in src/plugins/*', () => {
    expect(resolveOptions()).toEqual({ plugins: [DEFAULT_PLUGIN_GLOB] })
    expect(resolveOptions({})).toEqual({ plugins: ['src/plugins/*/index.{ts,tsx,js,jsx,mts,mjs}'] })
  })

  it('takes one glob or several, trimmed, without a leading ./', () => {
    expect(resolveOptions({ plugins: './src/plugins/*/index.ts ' })).toEqual({ plugins: ['src/plugins/*/index.ts'] })
    expect(resolveOptions({ plugins: ['a/*.ts', 'b/**/plugin.ts'] })).toEqual({ plugins: ['a/*.ts', 'b/**/plugin.ts'] })
  })

  it.each([
    [{ plugins: [] }, '"plugins" must be a glob or a non-empty array of globs'],
    [{ plugins: 42 }, 'got 42'],
    [{ plugins: ['ok/*.ts', ''] }, 'every entry of "plugins" must be a non-empty glob string, got ""'],
    [{ plugins: ['ok/*.ts', null] }, 'got null'],
  ])('rejects %j with a message naming the option', (options, message) => {
    expect(() => resolveOptions(options as never)).toThrow(message)
  })

  it('rejects options that are not an object', () => {
    expect(() => resolveOptions('src/*.ts' as never)).toThrow('hotPlugins(options): options must be an object, got "src/*.ts"')
  })
})
