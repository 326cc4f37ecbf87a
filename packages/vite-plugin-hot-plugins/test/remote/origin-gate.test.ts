import { describe, expect, it } from 'vitest'
import { foreignOrigin, isAllowedOrigin } from '../../src/remote/origin-gate.js'

describe('origin gate', () => {
  it('a request of another origin carries it; one of the server’s own pages carries none, or its own', () => {
    expect(foreignOrigin({ headers: { origin: 'http://localhost:5173', host: 'localhost:5174' } })).toBe('http://localhost:5173')
    expect(foreignOrigin({ headers: { origin: 'http://localhost:5174', host: 'localhost:5174' } })).toBeUndefined()
    expect(foreignOrigin({ headers: { host: 'localhost:5174' } })).toBeUndefined()
    expect(foreignOrigin({ headers: { origin: 'not a url', host: 'localhost:5174' } })).toBe('not a url')
  })

  it('allows exact origins and RegExp matches only', () => {
    expect(isAllowedOrigin('http://localhost:5173', ['http://localhost:5173'])).toBe(true)
    expect(isAllowedOrigin('http://localhost:51730', ['http://localhost:5173'])).toBe(false)
    expect(isAllowedOrigin('https://a.acme.test', [/\.acme\.test$/])).toBe(true)
    expect(isAllowedOrigin('https://acme.test.evil', [/\.acme\.test$/])).toBe(false)
  })
})
