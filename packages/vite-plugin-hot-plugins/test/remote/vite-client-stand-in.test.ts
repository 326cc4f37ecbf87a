import { describe, expect, it } from 'vitest'
import { VITE_CLIENT_STAND_IN } from '../../src/remote/vite-client-stand-in.js'

/** The stand-in, evaluated as the host's page would (without a document: styles are not exercised here). */
const standIn = () => import(/* @vite-ignore */ `data:text/javascript,${encodeURIComponent(VITE_CLIENT_STAND_IN)}`) as Promise<Record<string, any>>

describe('the Vite client a remote serves host pages', () => {
  it('exports what Vite’s transformed modules import from its client', async () => {
    const client = await standIn()
    expect(Object.keys(client).sort()).toEqual(['ErrorOverlay', 'createHotContext', 'injectQuery', 'removeStyle', 'updateStyle'])
  })

  it('gives hot contexts that take callbacks and never call them, and opens no socket', async () => {
    const client = await standIn()
    const hot = client.createHotContext('/src/plugins/charts/charts.css')
    let called = false
    hot.accept(() => (called = true))
    hot.dispose(() => (called = true))
    hot.on('vite:beforeUpdate', () => (called = true))
    expect(hot.data).toEqual({})
    expect(called).toBe(false)
    expect(VITE_CLIENT_STAND_IN).not.toMatch(/WebSocket|EventSource|fetch\(/)
  })

  it('injects a query as Vite’s client does', async () => {
    const { injectQuery } = await standIn()
    expect(injectQuery('/src/a.css?inline#top', 'import')).toBe('/src/a.css?import&inline#top')
    expect(injectQuery('./b.svg', 'import')).toBe('./b.svg?import')
    expect(injectQuery('https://cdn.test/c.js', 'import')).toBe('https://cdn.test/c.js')
  })
})
