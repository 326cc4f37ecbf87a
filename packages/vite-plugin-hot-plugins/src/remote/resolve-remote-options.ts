import { defaultAllowedOrigins } from 'vite'
import type { ExposeOptions, ResolvedHotPluginsOptions } from '../options.js'

/** `expose`: `false`, or who may load the plugins (Vite's own loopback rule by default). */
export function resolveExpose(expose: unknown): ResolvedHotPluginsOptions['expose'] {
  if (expose === false) return false
  if (expose === true) return { allowOrigins: [defaultAllowedOrigins] }
  if (expose === null || typeof expose !== 'object' || Array.isArray(expose)) {
    throw new TypeError(`hotPlugins(options): "expose" must be true, false or { allowOrigins }, got ${JSON.stringify(expose)}`)
  }
  const { allowOrigins } = expose as ExposeOptions
  if (allowOrigins === undefined) return { allowOrigins: [defaultAllowedOrigins] }
  if (!Array.isArray(allowOrigins) || !allowOrigins.every((o) => o instanceof RegExp || (typeof o === 'string' && isOrigin(o)))) {
    throw new TypeError(
      `hotPlugins(options): "expose.allowOrigins" must be an array of origins ('http://localhost:5173', no path) or RegExps, got ${String(allowOrigins)}`,
    )
  }
  return { allowOrigins: [...allowOrigins] }
}

/** `remotes`: http(s) URLs of dev servers, without a trailing slash; each one once. */
export function resolveRemotes(remotes: unknown): string[] {
  if (!Array.isArray(remotes)) {
    throw new TypeError(`hotPlugins(options): "remotes" must be an array of dev server URLs (e.g. ['http://localhost:5174']), got ${JSON.stringify(remotes)}`)
  }
  const urls = remotes.map((remote) => {
    const url = typeof remote === 'string' ? parse(remote) : undefined
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
      throw new TypeError(`hotPlugins(options): every entry of "remotes" must be the http(s) URL of a dev server (e.g. 'http://localhost:5174'), got ${JSON.stringify(remote)}`)
    }
    return url.href.replace(/\/+$/, '')
  })
  return [...new Set(urls)]
}

function isOrigin(value: string): boolean {
  const url = parse(value)
  return url !== undefined && url.origin === value
}

function parse(value: string): URL | undefined {
  try {
    return new URL(value)
  } catch {
    return undefined
  }
}
