import { describe, expect, it } from 'vitest'
import { defaultAllowedOrigins } from 'vite'
import { resolveOptions } from '../../src/index.js'

describe('expose and remotes options', () => {
  it('are off by default', () => {
    expect(resolveOptions()).toMatchObject({ expose: false, remotes: [] })
  })

  it('expose: true allows what Vite’s own server.cors default allows, the loopback origins', () => {
    const { expose } = resolveOptions({ expose: true })
    expect(expose).toEqual({ allowOrigins: [defaultAllowedOrigins] })
    const allowed = (origin: string) => expose !== false && expose.allowOrigins.some((o) => (typeof o === 'string' ? o === origin : o.test(origin)))
    expect(allowed('http://localhost:5173')).toBe(true)
    expect(allowed('http://127.0.0.1:4000')).toBe(true)
    expect(allowed('http://[::1]:5173')).toBe(true)
    expect(allowed('http://example.com')).toBe(false)
    expect(resolveOptions({ expose: {} }).expose).toEqual({ allowOrigins: [defaultAllowedOrigins] })
  })

  it('takes origins and RegExps in allowOrigins, and refuses what is not an origin', () => {
    expect(resolveOptions({ expose: { allowOrigins: ['http://host.test:5173', /\.acme\.test$/] } }).expose).toEqual({ allowOrigins: ['http://host.test:5173', /\.acme\.test$/] })
    expect(() => resolveOptions({ expose: { allowOrigins: ['http://host.test:5173/app'] } })).toThrow(/"expose.allowOrigins" must be an array of origins/)
    expect(() => resolveOptions({ expose: 'yes' as never })).toThrow(/"expose" must be true, false or \{ allowOrigins \}, got "yes"/)
  })

  it('normalises remotes to URLs without a trailing slash, once each, and refuses what is not an http(s) URL', () => {
    expect(resolveOptions({ remotes: ['http://localhost:5174/', 'http://localhost:5174', 'https://plugins.test/app/'] }).remotes).toEqual([
      'http://localhost:5174',
      'https://plugins.test/app',
    ])
    expect(() => resolveOptions({ remotes: ['localhost:5174'] })).toThrow(/every entry of "remotes" must be the http\(s\) URL of a dev server .* got "localhost:5174"/)
    expect(() => resolveOptions({ remotes: ['http://localhost:5174/?x=1'] })).toThrow(/"remotes"/)
    expect(() => resolveOptions({ remotes: 'http://localhost:5174' as never })).toThrow(/"remotes" must be an array/)
  })
})
