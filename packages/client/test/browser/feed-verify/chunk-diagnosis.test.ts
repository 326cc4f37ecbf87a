import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { diagnose } from '../../../src/browser/feed-verify/chunk-diagnosis.js'
import type { ResolvedFeedPlugin } from '../../../src/sources/feed/feed-manifest.js'

const CODE = 'export const a = 1\n'
const integrity = (text: string) => `sha384-${createHash('sha384').update(text).digest('base64')}`
const plugin: ResolvedFeedPlugin = {
  id: 'counter',
  file: 'src/plugins/counter/index.ts',
  url: 'https://app.example/assets/counter-1.js',
  integrity: integrity(CODE),
  imports: [],
  css: [],
}

/** The server's answer to the diagnosis' fetch. */
function serve(body: string, init: ResponseInit = {}) {
  vi.stubGlobal('fetch', async () => new Response(body, init))
}

afterEach(() => void vi.unstubAllGlobals())

describe('diagnose', () => {
  it('calls bytes that do not match the published hash tampered: refused for good, naming both hashes', async () => {
    serve(`${CODE};window.tampered = true`, { headers: { 'content-type': 'text/javascript' } })
    const error = await diagnose(plugin, [plugin], 'script')
    expect(error.refused).toBe(true)
    expect(error.message).toBe(
      `plugin "counter" (src/plugins/counter/index.ts): its chunk ${plugin.url} does not match its integrity: the feed says ${plugin.integrity}, the server sent ${integrity(`${CODE};window.tampered = true`)}; refused before any of it ran`,
    )
  })

  it("calls a host's index.html answer for a missing chunk not there yet, tried again: not tampered", async () => {
    serve('<!doctype html><title>app</title>', { headers: { 'content-type': 'text/html; charset=utf-8' } })
    const error = await diagnose(plugin, [plugin], 'script')
    expect(error.refused).toBe(false)
    expect(error.message).toMatch(/its chunk .* is not there yet: the server answered with text\/html; charset=utf-8, not JavaScript .*; it is tried again later$/)
  })

  it('calls a 404 not loaded, tried again', async () => {
    serve('', { status: 404 })
    const error = await diagnose(plugin, [plugin], 'script')
    expect(error).toMatchObject({ refused: false, message: expect.stringMatching(/could not be loaded \(HTTP 404\); it is tried again later$/) })
  })

  it('a stylesheet must come as CSS', async () => {
    const css = { url: 'https://app.example/assets/counter-1.css', integrity: integrity('b{}') }
    serve('b{}', { headers: { 'content-type': 'text/javascript' } })
    expect((await diagnose(plugin, [css], 'style')).message).toMatch(/not there yet: the server answered with text\/javascript, not CSS/)
    serve('b{}', { headers: { 'content-type': 'text/css' } })
    expect(await diagnose(plugin, [css], 'style')).toMatchObject({ refused: false, message: expect.stringMatching(/although the server sends the published bytes/) })
  })

  it('published bytes the browser still refused: not tampered, tried again', async () => {
    serve(CODE, { headers: { 'content-type': 'application/javascript' } })
    const error = await diagnose(plugin, [plugin], 'script')
    expect(error.refused).toBe(false)
    expect(error.message).toMatch(/the browser refused to load it, although the server sends the published bytes/)
  })
})
