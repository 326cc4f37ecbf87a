import type { IncomingMessage } from 'node:http'

/**
 * Why a request comes from another origin, or undefined. Browsers send `Sec-Fetch-Site` and (on
 * POSTs and cross-origin requests) `Origin`; tools without a browser send neither.
 */
export function crossOriginRefusal(req: Pick<IncomingMessage, 'headers'>): string | undefined {
  const site = req.headers['sec-fetch-site']
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `Sec-Fetch-Site: ${site}`
  const origin = req.headers.origin
  if (origin === undefined) return undefined
  const host = req.headers.host
  try {
    const from = new URL(origin)
    // Parsed with the origin's scheme, so `example.com` and `example.com:80` compare equal.
    if (host !== undefined && from.host === new URL(`${from.protocol}//${host}`).host) return undefined
  } catch {
    // `Origin: null` (a sandboxed frame, a file) or a malformed header: not the app's origin.
  }
  return `Origin: ${origin}${host === undefined ? '' : ` on host ${host}`}`
}
