import { describe, expect, it } from 'vitest'
import { feedFolder, parseFeed } from '../../../src/sources/feed/feed-manifest.js'

const FEED = 'https://app.example.com/deploy/hot-plugins.json'
const SRI = `sha384-${'A'.repeat(64)}`
const plugin = (more: Record<string, unknown> = {}) => ({ id: 'counter', file: 'src/plugins/counter/index.ts', url: 'assets/counter-1.js', integrity: SRI, imports: [], ...more })
const feedText = (plugins: unknown[], more: Record<string, unknown> = {}) => JSON.stringify({ format: 1, plugins, ...more })

describe('parseFeed', () => {
  it('resolves every URL against the feed and keeps the meta it lists', () => {
    const text = feedText([plugin({ imports: [{ url: 'assets/shared-1.js', integrity: SRI }], css: [{ url: 'assets/counter-1.css', integrity: SRI }], version: '1.1.0', dependsOn: ['theme'], stateVersion: 2 })])
    expect(parseFeed(text, FEED, 10_000)).toEqual([
      {
        id: 'counter',
        file: 'src/plugins/counter/index.ts',
        url: 'https://app.example.com/deploy/assets/counter-1.js',
        integrity: SRI,
        imports: [{ url: 'https://app.example.com/deploy/assets/shared-1.js', integrity: SRI }],
        css: [{ url: 'https://app.example.com/deploy/assets/counter-1.css', integrity: SRI }],
        version: '1.1.0',
        dependsOn: ['theme'],
        stateVersion: 2,
      },
    ])
    expect(feedFolder(FEED)).toBe('https://app.example.com/deploy/')
  })

  it.each([
    ['../evil.js', /leads out of the feed's folder \(https:\/\/app\.example\.com\/deploy\/\) to https:\/\/app\.example\.com\/evil\.js/],
    ['/evil.js', /leads out of the feed's folder/],
    ['https://cdn.evil.example/assets/a.js', /leads out of the feed's folder/],
    ['//cdn.evil.example/deploy/a.js', /leads out of the feed's folder/],
    ['assets/%2e%2e/%2e%2e/evil.js', /leads out of the feed's folder/],
    ['javascript:alert(1)', /leads out of the feed's folder/],
  ])('refuses a chunk URL that escapes the feed folder: %s', (url, message) => {
    expect(() => parseFeed(feedText([plugin({ url })]), FEED, 10_000)).toThrow(message)
    expect(() => parseFeed(feedText([plugin({ imports: [{ url, integrity: SRI }] })]), FEED, 10_000)).toThrow(/imports\[0\].*leads out/)
    expect(() => parseFeed(feedText([plugin({ css: [{ url, integrity: SRI }] })]), FEED, 10_000)).toThrow(/css\[0\].*leads out/)
  })

  it.each([
    ['not JSON', '{"format": 1,', /the feed https:\/\/app\.example\.com\/deploy\/hot-plugins\.json is not JSON/],
    ['another format', feedText([], { format: 2 }), /has format 2; this runtime reads format 1/],
    ['no plugins list', JSON.stringify({ format: 1 }), /has no "plugins" list/],
    ['a plugin that is no object', feedText(['counter']), /plugins\[0\] of the feed .* must be an object/],
    ['no id', feedText([plugin({ id: '' })]), /plugins\[0\] .*: "id" must be a non-empty string/],
    ['a bad integrity', feedText([plugin({ integrity: 'md5-abc' })]), /\("counter"\): "integrity" must be sha256-, sha384- or sha512-/],
    ['imports not a list', feedText([plugin({ imports: 'x' })]), /"imports" must be a list/],
    ['an id twice', feedText([plugin(), plugin()]), /the id "counter" is listed twice/],
  ])('refuses a feed with %s, saying where', (_what, text, message) => {
    expect(() => parseFeed(text, FEED, 10_000)).toThrow(message)
  })

  it('refuses a feed longer than maxBytes', () => {
    expect(() => parseFeed(feedText([plugin()]), FEED, 20)).toThrow(/has \d+ characters, more than maxBytes \(20\)/)
  })
})
