import { describe, expect, it } from 'vitest'
import { checkFeed, type FeedResponse } from '../../../src/sources/feed/feed-check.js'

const response = (status: number, body = '', headers: Record<string, string> = {}): FeedResponse => ({
  status,
  ok: status >= 200 && status < 300,
  headers: { get: (name) => headers[name.toLowerCase()] ?? null },
  text: async () => body,
})

describe('checkFeed', () => {
  it('asks with the last ETag; a 304 is unchanged, a 200 brings the text and its ETag', async () => {
    const asked: Record<string, string>[] = []
    expect(await checkFeed(async (_url, headers) => (asked.push(headers), response(304)), '/feed.json', '"v1"', 100)).toEqual({ kind: 'unchanged' })
    expect(await checkFeed(async (_url, headers) => (asked.push(headers), response(200, '{}', { etag: '"v2"' })), '/feed.json', undefined, 100)).toEqual({
      kind: 'changed',
      text: '{}',
      etag: '"v2"',
    })
    expect(asked).toEqual([{ 'If-None-Match': '"v1"' }, {}])
  })

  it.each([
    [503, true],
    [429, true],
    [404, false],
    [403, false],
  ])('HTTP %i fails, transient: %s', async (status, transient) => {
    const outcome = await checkFeed(async () => response(status), '/feed.json', undefined, 100)
    expect(outcome).toMatchObject({ kind: 'failed', transient, error: { message: `the feed /feed.json answered HTTP ${status}` } })
  })

  it('a request that fails (offline) is transient; a feed said to be too big is refused unread', async () => {
    expect(await checkFeed(async () => Promise.reject(new TypeError('Failed to fetch')), '/feed.json', undefined, 100)).toMatchObject({
      kind: 'failed',
      transient: true,
      error: { message: 'the feed /feed.json could not be fetched (Failed to fetch)' },
    })
    let read = false
    const big = { ...response(200, 'x', { 'content-length': '5000' }), text: async () => ((read = true), 'x') }
    expect(await checkFeed(async () => big, '/feed.json', undefined, 100)).toMatchObject({
      kind: 'failed',
      transient: false,
      error: { message: 'the feed /feed.json is 5000 bytes, more than maxBytes (100)' },
    })
    expect(read).toBe(false)
  })
})
